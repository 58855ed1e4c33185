"""Support package for the executable book on computation in superposition.

One module per idea of the book; import the one you need, for instance
``from superpos import representation``.

Modules
-------
The objects every chapter passes around
    :mod:`~superpos.inputs` (batches of sparse input sets),
    :mod:`~superpos.instance` (a checked AND instance),
    :mod:`~superpos.validation` (argument checks, seeds, size limits),
    :mod:`~superpos.numerics` (shared numerical routines),
    :mod:`~superpos.network` (a ReLU network and its evaluation).
Representing
    :mod:`~superpos.representation` (dense, sparse and line codes, decoding,
    the smallest number of neurons for random inputs, and for every input by
    an exact certificate and a union bound).
The lower bound
    :mod:`~superpos.bounds`, :mod:`~superpos.bounds_symbolic`,
    :mod:`~superpos.enumeration` (every network of a tiny architecture).
The AND construction
    :mod:`~superpos.families` (pair families), :mod:`~superpos.codes` (line
    codes over GF(q)), :mod:`~superpos.union_bound` (the failure bound's
    events), :mod:`~superpos.one_layer`, :mod:`~superpos.three_channel`,
    :mod:`~superpos.decoded` (the three layouts), :mod:`~superpos.layout` (the
    choice between them and the one-neuron-per-AND baseline).
Checking networks
    :mod:`~superpos.verify` (exhaustive and random inputs),
    :mod:`~superpos.adversary` (adversarial inputs),
    :mod:`~superpos.certificate` (an exact decision over every input).
Beyond pairwise AND
    :mod:`~superpos.gates`, :mod:`~superpos.permutation`, :mod:`~superpos.q_and`, :mod:`~superpos.circuits`, :mod:`~superpos.gate_adversary`, :mod:`~superpos.beyond`.
Chapter-level experiments
    :mod:`~superpos.construction`, :mod:`~superpos.gap`, :mod:`~superpos.training` (networks trained under the fixed codes).
Figures and the book
    :mod:`~superpos.figures` (one style, saved figures with their data),
    :mod:`~superpos.results` (tables a chapter saves for a later one),
    :mod:`~superpos.tables` (the Markdown tables a chapter glues),
    :mod:`~superpos.paths`,
    and the subpackage :mod:`superpos.book` (build, generated pages, Sphinx
    extension), which the chapters never import.

Glossary: the book's symbols and the code's names
-------------------------------------------------
The front page of the book lists every symbol with its one meaning; these are
the ones the code names.

========================  ==========================================================
book                      code
========================  ==========================================================
m                         ``n_inputs`` (input features of an AND instance or a
                          network); ``m`` where the features are all there is
                          (:mod:`~superpos.inputs`, :mod:`~superpos.representation`)
m'                        ``n_outputs`` (pairs, outputs); the lower bound and the
                          chapters' parameters write ``m_out`` and ``m_in``
k                         ``k``: the most active features of an input
A                         one input set; a batch of them is ``inputs``
M                         a number of inputs: ``n_input_sets`` of a batch,
                          ``n_trials`` or ``n_samples`` when drawn at random
(i_ℓ, j_ℓ)                ``pairs[ℓ]`` of an :class:`~superpos.instance.AndInstance`
d_i                       ``AndInstance.influence[i]``: pairs that input i is in
n                         neurons of a code (:mod:`~superpos.representation`), or
                          the width of one layer (``width``, ``n_neurons`` of
                          :mod:`~superpos.bounds` capacity)
N                         ``n_neurons`` of a network: all layers, the input layer
                          included (:func:`~superpos.bounds.min_total_neurons`)
L                         ``layers``
s, t, t_c                 ``code_size``, ``output_code_size``, ``compute_size``
q_0, q_1                  ``q_in``, ``q_out``: the primes of the input and output
                          channels, of ``s·q_in`` and ``t·q_out`` neurons
q, g                      ``plane_q`` and a twist of the decoded layout's embeddings
                          (:func:`~superpos.decoded.embedded_lines`)
θ                         ``threshold``: the decoder's threshold
a                         ``need`` of a gate instance (:mod:`~superpos.gates`)
r_i                       the read of feature i (:func:`~superpos.representation.reads`)
E                         :func:`~superpos.representation.expected_covers`
p                         ``n_params``; P, the slots of a host, ``n_slots``
b                         ``bits_per_param``
F, |F|                    ``task``; :func:`~superpos.bounds.family_size`
c_rep, n_rep              slope of :func:`~superpos.representation.fit_log_slope`;
                          :func:`~superpos.representation.every_input_neurons_bound`
δ (target failure bound)  ``failure_prob``; a bound computed for given sizes is
                          ``failure_bound``
========================  ==========================================================
"""

__version__ = "0.1.0"
