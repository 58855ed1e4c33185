"""Pairwise AND in superposition: the layout of the network, chosen per instance, and the baseline.

The task: m input features, m' chosen pairs ℓ = (a_ℓ, b_ℓ), and inputs that
are sets A of at most k active features. Output ℓ must be present exactly when
both of its endpoints are in A. The network holds its inputs and its outputs
in superposition, in fixed sparse binary codes (:mod:`superpos.codes`), with
far fewer neurons than m'. What lies between the two fixed channels is the
network's own business; three layouts are built:

* *one layer* (:mod:`superpos.one_layer`): the output neurons compute. It is
  the smaller layout when no input is heavy;
* *three channels* (:mod:`superpos.three_channel`): clamped compute units, light
  outputs in a shared pool and each hub's outputs in a block of its own,
  routed to the output codes, and a dedicated ReLU (an exact AND detector)
  for each output that sharing would not make cheaper; with every output
  dedicated it is one ReLU per AND between the two channels, exact on every
  input, which is the smallest network at small m';
* *decoded* (:mod:`superpos.decoded`): for pair graphs on few vertices (a
  clique, a near-clique), each vertex is decoded exactly once, units on the
  lines of twisted embeddings in AG(2, q) read the clean bits, and the routing
  goes to the output codes. It is tried when the pairs fill at least
  1/``DENSE_SHARE`` of the C(v, 2) vertex pairs.

:func:`build_and_network` sizes them for the same guarantee and builds the one
with fewer neurons (:func:`choose_layout`); :func:`naive_and_network` is the
baseline every construction is measured against, one neuron per AND (m + m'
neurons: the m inputs one-hot, then one neuron per output). When every
layout would need more neurons than the baseline, ``layout="auto"`` returns
the baseline itself; a layout forced by name that is larger than the
baseline is built, with a :class:`LargerThanNaiveWarning`. So
:func:`build_and_network` never returns a network larger than one neuron per
AND without saying so.

With ``guarantee="certified"`` the one-layer network is sized by the exact
certificate instead of a bound (:func:`superpos.certified_sizing.certified_one_layer`):
the smallest network found, for the given seed, that decides every input
with at most k actives correctly.

What is guaranteed, in every layout: for every input, every true AND is
decoded present (deterministic, no false negatives). By default
(``guarantee="every_input"``) the probability over the seeded codes that
*any* input with at most k actives gets a wrong decision is bounded by
``failure_prob`` (with the rows of an output code treated as independent);
with ``"per_input"`` only the probability for one fixed input is, which an
adversary who picks the input after seeing the network can beat; with
``"certified"`` nothing is left to chance for the network returned.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp

from superpos.certified_sizing import certified_one_layer
from superpos.decoded import DecodedSizes, build_decoded_and_network, decoded_sizes
from superpos.instance import as_and_instance
from superpos.network import Network
from superpos.one_layer import OneLayerSizes, build_one_layer_and_network, one_layer_sizes
from superpos.three_channel import ThreeChannelSizes, build_three_channel_and_network, three_channel_sizes
from superpos.union_bound import GUARANTEES, PROVED, check_guarantee
from superpos.validation import check_int, check_probability

__all__ = ["DENSE_SHARE", "LAYOUTS", "SIZING_GUARANTEES", "LargerThanNaiveWarning", "build_and_network", "choose_layout",
           "naive_and_network", "naive_n_neurons"]

#: The layouts :func:`build_and_network` builds; ``"auto"`` picks the one with fewer neurons.
LAYOUTS = ("auto", "one_layer", "three_channel", "decoded")
#: The decoded layout is tried when the pairs are at least 1/DENSE_SHARE of the C(v, 2) pairs of their vertices.
DENSE_SHARE = 16
#: How :func:`build_and_network` may size a network: by a failure bound (with a stated unproved step, or
#: proved), or by the exact certificate.
SIZING_GUARANTEES = GUARANTEES + (PROVED, "certified")


class LargerThanNaiveWarning(UserWarning):
    """A network was built with more neurons than one neuron per AND would take."""


def naive_n_neurons(n_inputs: int, n_outputs: int) -> int:
    """Neurons of the one-neuron-per-AND baseline, m + m' (its inputs one-hot, then one neuron per output).

    Examples
    --------
    >>> naive_n_neurons(100, 1000)
    1100
    """
    return int(n_inputs) + int(n_outputs)


def naive_and_network(pairs, n_inputs: int) -> Network:
    """One neuron per AND: input layer = one neuron per input, neuron ℓ = ReLU(x_a + x_b - 1).

    m + m' neurons and 3m' parameters; nothing is in superposition. The
    baseline every construction is measured against.

    Examples
    --------
    >>> net = naive_and_network([[0, 1], [1, 2]], 3)
    >>> net.n_neurons, net.n_params, net.compute([[0, 1]]).toarray().tolist()
    (5, 6, [[True, False]])
    """
    instance = as_and_instance(pairs, n_inputs)
    pairs, n_inputs, n_outputs = instance.pairs, instance.n_inputs, instance.n_outputs
    input_codes = sp.identity(n_inputs, dtype=np.float32, format="csr")
    weights = sp.csr_matrix((np.ones(2 * n_outputs, dtype=np.float32), pairs.ravel(),
                             np.arange(0, 2 * n_outputs + 1, 2)), shape=(n_outputs, n_inputs))
    return Network(input_codes, [(weights, np.full(n_outputs, -1.0))],
                   np.arange(n_outputs, dtype=np.int64)[:, None], 1.0, name="one neuron per AND")


def choose_layout(pairs, n_inputs: int, k: int, failure_prob: float = 1e-6, guarantee: str = "every_input",
                  seed: int = 0, dedicate: bool = True) -> tuple[str, OneLayerSizes | ThreeChannelSizes | DecodedSizes]:
    """The layout with the fewest neurons for this instance, and its sizes.

    Sizes the one-layer construction (:func:`superpos.one_layer.one_layer_sizes`),
    the three-channel one (:func:`superpos.three_channel.three_channel_sizes`)
    and, when the pairs fill at least 1/``DENSE_SHARE`` of the pairs of their v
    vertices, the decoded one (:func:`superpos.decoded.decoded_sizes`, whose
    unit count depends on ``seed``), for the same failure bound and
    guarantee, and returns ``(layout, sizes)`` for the smallest. At small m'
    a ReLU per AND (three channels, every output dedicated) wins; beyond,
    the one layer wins when no input is heavy (uniform pairs, a matching, a
    star, whose centre never spoils), blocks and dedicated units when hubs
    would spoil most output neurons (power-law influences), and decoding on
    dense graphs (a clique). ``dedicate=False`` leaves dedicated units out of
    the three-channel layout (:func:`superpos.three_channel.three_channel_sizes`),
    so that only layouts that share their units compete.

    Examples
    --------
    >>> from superpos.families import uniform_pairs
    >>> choose_layout(uniform_pairs(2000, 4000, seed=0), 2000, 2, 1e-3)[0]
    'one_layer'
    >>> choose_layout(uniform_pairs(100, 100, seed=0), 100, 2, 1e-3)[0]   # every output dedicated
    'three_channel'
    """
    instance = as_and_instance(pairs, n_inputs)
    best = ("one_layer", one_layer_sizes(instance, instance.n_inputs, k, failure_prob, guarantee=guarantee))
    try:
        best = ("three_channel", three_channel_sizes(instance, instance.n_inputs, k, failure_prob,
                                                     guarantee=guarantee, max_neurons=best[1].n_neurons,
                                                     dedicate=dedicate))
    except ValueError:
        pass
    n_vertices = int(np.count_nonzero(instance.influence))
    if DENSE_SHARE * instance.n_outputs >= n_vertices * (n_vertices - 1) // 2:
        try:  # decoded_sizes refuses graphs on too many vertices, and sizes that are not smaller
            best = ("decoded", decoded_sizes(instance, instance.n_inputs, k, failure_prob, seed=seed,
                                             guarantee=guarantee, max_neurons=best[1].n_neurons))
        except ValueError:
            pass
    return best


def build_and_network(pairs, n_inputs: int, k: int, seed: int = 0, *,
                      sizes: OneLayerSizes | ThreeChannelSizes | DecodedSizes | None = None,
                      failure_prob: float = 1e-6,
                      guarantee: str = "every_input", layout: str = "auto", enforce_bound: bool = True) -> Network:
    """Build a network that computes the pairwise AND of ``pairs`` in superposition.

    The input codes and output codes are fixed line codes (functions of m, m',
    the widths and the seed); only the weights between them depend on the
    pairs.

    Parameters
    ----------
    pairs : AndInstance or array-like (m', 2)
    n_inputs : int or None
        m (None with an instance).
    k : int
        The largest number of active inputs the guarantee covers.
    seed : int
        Seed of the code books.
    sizes : OneLayerSizes, ThreeChannelSizes or DecodedSizes, optional
        Sizes to build (their type names the layout); searched when omitted.
    failure_prob : float
        Target bound on the probability of a wrong decision; given sizes must meet it.
    guarantee : {"every_input", "per_input", "proved", "certified"}
        What ``failure_prob`` bounds; ``"proved"`` builds a one-layer network
        with independent codes whose every-input bound is proved
        (:func:`superpos.one_layer.proved_failure_bound`); ``"certified"`` sizes a
        one-layer network by the exact certificate (the search starts from
        the every-input sizes for ``failure_prob``; sizes may not be given).
    layout : {"auto", "one_layer", "three_channel", "decoded"}
        ``"auto"``: the one with fewer neurons (:func:`choose_layout`), or the
        layout of the given sizes, or the baseline :func:`naive_and_network`
        when it has fewer neurons than both.
    enforce_bound : bool
        False lets given sizes void the guarantee; false negatives stay impossible.

    Raises
    ------
    ValueError
        An unknown layout or guarantee, sizes of another layout than the one
        asked for, sizes whose bound voids the guarantee, or certified
        sizing asked of the three-channel layout.

    Warns
    -----
    LargerThanNaiveWarning
        The layout was forced (by name or by sizes) and has more neurons than
        one neuron per AND.

    Examples
    --------
    >>> from superpos.families import uniform_pairs
    >>> build_and_network(uniform_pairs(2000, 4000, seed=0), 2000, 2, seed=0, failure_prob=1e-3).name
    'one-layer AND (s=10, t=8, every-input bound=0.00092)'
    >>> build_and_network(uniform_pairs(100, 100, seed=0), 100, 2, seed=0, failure_prob=1e-3).name  # few pairs
    'three-channel AND (s=3, t_c=1, t=2, 0 blocks, 100 dedicated, every-input bound=0)'
    >>> build_and_network(uniform_pairs(20, 10, seed=0), 20, 2, seed=0, failure_prob=1e-3).name  # fewer still
    'one neuron per AND'
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     net = build_and_network(uniform_pairs(100, 100, seed=0), 100, 2, failure_prob=1e-3, layout="one_layer")
    >>> net.n_neurons, caught[0].category.__name__
    (..., 'LargerThanNaiveWarning')
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    if guarantee not in SIZING_GUARANTEES:
        raise ValueError(f"guarantee must be one of {SIZING_GUARANTEES}, got {guarantee!r}")
    instance = as_and_instance(pairs, n_inputs)
    n_inputs = instance.n_inputs
    k = check_int(k, "k", 1, n_inputs)
    failure_prob = check_probability(failure_prob, "failure_prob")
    baseline = naive_n_neurons(n_inputs, instance.n_outputs)
    if guarantee == "certified":
        if sizes is not None or layout in ("three_channel", "decoded"):
            raise ValueError("guarantee='certified' sizes the one-layer layout itself: give no sizes and layout "
                             "'auto' or 'one_layer' (superpos.certificate.certify decides three-channel and decoded "
                             "networks of given sizes)")
        network = certified_one_layer(instance, n_inputs, k, seed, failure_prob=failure_prob).network
        if layout == "auto" and network.n_neurons > baseline:
            return naive_and_network(instance, n_inputs)
        return _said_if_larger(network, baseline)
    if guarantee == PROVED:
        if layout in ("three_channel", "decoded") or isinstance(sizes, (ThreeChannelSizes, DecodedSizes)):
            raise ValueError("guarantee='proved' exists for the one-layer layout only (independent codes, "
                             "superpos.one_layer.proved_failure_bound); use layout 'auto' or 'one_layer'")
        network = build_one_layer_and_network(instance, n_inputs, k, seed, sizes=sizes, failure_prob=failure_prob,
                                              guarantee=PROVED, enforce_bound=enforce_bound)
        if layout == "auto" and sizes is None and network.n_neurons > baseline:
            return naive_and_network(instance, n_inputs)
        return _said_if_larger(network, baseline)
    guarantee = check_guarantee(guarantee)
    if sizes is not None:
        given = {OneLayerSizes: "one_layer", ThreeChannelSizes: "three_channel",
                 DecodedSizes: "decoded"}.get(type(sizes))
        if given is None:
            raise TypeError("sizes must be OneLayerSizes, ThreeChannelSizes or DecodedSizes, got "
                            f"{type(sizes).__name__}")
        if layout not in ("auto", given):
            raise ValueError(f"the sizes are of the {given} layout, but layout {layout!r} was asked for")
        layout = given
    elif layout == "auto":
        layout, sizes = choose_layout(instance, n_inputs, k, failure_prob, guarantee, seed)
        if sizes.n_neurons > baseline:
            return naive_and_network(instance, n_inputs)
    builder = {"one_layer": build_one_layer_and_network, "three_channel": build_three_channel_and_network,
               "decoded": build_decoded_and_network}[layout]
    return _said_if_larger(builder(instance, n_inputs, k, seed, sizes=sizes, failure_prob=failure_prob,
                                   guarantee=guarantee, enforce_bound=enforce_bound), baseline)


def _said_if_larger(network: Network, baseline: int) -> Network:
    """Return ``network``, warning when it has more neurons than the baseline's ``baseline``."""
    if network.n_neurons > baseline:
        warnings.warn(f"{network.name} has {network.n_neurons:,} neurons, more than the {baseline:,} of one neuron "
                      "per AND (m + m'); layout='auto' would build the baseline instead",
                      LargerThanNaiveWarning, stacklevel=3)
    return network
