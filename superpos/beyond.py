"""The experiments of the chapter beyond pairwise AND: permutations, q-AND and circuits of several layers.

The constructions live in :mod:`superpos.gates` (one instance type and one
layer for all of them), :mod:`superpos.permutation`, :mod:`superpos.q_and` and
:mod:`superpos.circuits`; the checks in :mod:`superpos.certificate`,
:mod:`superpos.verify` and :mod:`superpos.gate_adversary`. This module runs
them the way the chapter reports them:

* :func:`gate_curve`: networks built for a range of m' (a random permutation,
  or m' random q-tuples of m = m' inputs), their neurons and parameters beside
  the counting lower bounds that hold for them, and the exact certificate on
  the smaller ones;
* :func:`verify_at_scale`: random and adversarial inputs on one network;
* :func:`order_curve`: the explicit sizes of the permutation's order argument;
* :func:`family_bits`: log₂ of the q-AND family size per m' log₂ m';
* :func:`depth_table`: a circuit built with and without clean-up, its wrong
  decisions at every depth, its neurons to every depth, its stray neurons and
  the certificate of every layer on exact input codes;
* :func:`exhaustive_depth_errors`: every input of a small circuit, through the network.
"""

from __future__ import annotations

import numpy as np

import math


from superpos.bounds import (dense_slots, log2_num_q_and_instances, min_params, min_params_chosen, min_params_ticket,
                             min_total_neurons, neurons_holding, total_neuron_slots)
from superpos.certificate import certify
from superpos.circuits import (CLEANUPS, Circuit, adversarial_circuit_inputs, build_circuit_network, circuit_sizes,
                               errors_by_depth, planted_inputs, stray_neurons)
from superpos.gate_adversary import adversarial_gate_inputs
from superpos.gap import log2_relabellings
from superpos.gates import build_gate_network
from superpos.inputs import all_input_sets, random_input_sets
from superpos.permutation import as_permutation, order_sizes, permutation_sizes, random_permutation, served_most
from superpos.q_and import as_q_and, q_and_sizes, random_q_tuples
from superpos.validation import check_int
from superpos.verify import count_errors

__all__ = ["TASKS", "depth_table", "exhaustive_depth_errors", "family_bits", "gate_curve", "gate_instance",
           "neurons_to_depth", "order_curve", "verify_at_scale"]

#: The gate tasks of the chapter: a permutation (q = 1) or a q-AND (q ≥ 2).
TASKS = ("permutation", "q_and")


def gate_instance(task: str, n_outputs: int, q: int = 1, seed: int = 0):
    """The instance the chapter builds: a random permutation of m' features, or m' random q-tuples of m = m'.

    Examples
    --------
    >>> gate_instance("q_and", 20, q=3).q, gate_instance("permutation", 5).n_outputs
    (3, 5)
    """
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    if task == "permutation":
        return as_permutation(random_permutation(n_outputs, seed))
    return as_q_and(random_q_tuples(n_outputs, n_outputs, q, seed), n_outputs)


def gate_curve(task: str, n_outputs_values, k: int, q: int = 1, seed: int = 0, failure_prob: float = 1e-6,
               certify_max: int = 0, n_jobs: int = 1):
    """Build the network for every m'; its counts, the lower bounds and (m' ≤ certify_max) the certificate.

    The permutation is sized by its proved bound, a q-AND by the heuristic
    bound. The permutation's widths depend on m', k, δ and the seed, not on
    π: every permutation is built with the same widths, and only the
    positions of the nonzero parameters change; the family is that of all m'!
    permutations. A q-AND's widths depend on its instance through the
    influences of its inputs, which every relabelling of the inputs keeps: the
    family is that of the relabellings (:func:`superpos.gap.log2_relabellings`).
    The lower bounds that hold for these networks, at their own bits per
    parameter b, are: ``lower_neurons``, the fewest neurons in all (fixed widths, any
    depth: :func:`superpos.bounds.min_total_neurons`); ``lower_params``, the
    fewest nonzero parameters when their positions may depend on the instance,
    in a host of ``host_slots`` = ⌊N²/4⌋ + N slots, N the network's neurons
    (:func:`superpos.bounds.min_params_chosen`); and ``lower_slots``, the fewest slots of a
    fixed architecture, to be held against ``dense_slots``, the slots of dense
    layers of the network's widths (:func:`superpos.bounds.min_params`).

    Returns
    -------
    (dict of arrays, Network, GateInstance)
        One row per m'; the last network built and its instance.

    Examples
    --------
    >>> table, network, _ = gate_curve("permutation", [100, 300], k=2, certify_max=300)
    >>> table["certified"].tolist(), bool(np.all(table["n_neurons"] > table["lower_neurons"]))
    ([1, 1], True)
    >>> bool(np.all(table["lower_params"] <= table["n_params"]))
    True
    """
    k = check_int(k, "k", 1)
    rows, network, instance = [], None, None
    for n_outputs in [int(v) for v in n_outputs_values]:
        network = None  # let the previous network go before the next, larger one is built
        instance = gate_instance(task, n_outputs, q, seed)
        if task == "permutation":
            sizes = permutation_sizes(n_outputs, k, failure_prob, seed)
        else:
            sizes = q_and_sizes(instance, None, k, failure_prob)
        network = build_gate_network(instance, sizes, seed)
        bits = network.bits_per_param
        host = total_neuron_slots(network.n_neurons)
        if task == "permutation":
            lower_neurons = min_total_neurons("permutation", n_outputs, bits_per_param=bits)
            lower_slots = min_params("permutation", n_outputs, bits_per_param=bits)
            lower_params = min_params_ticket("permutation", n_outputs, bits_per_param=bits, n_slots=host)
        else:  # widths from the instance's influences: the family is that of its relabellings
            needed = math.floor(log2_relabellings(instance.endpoints, instance.n_inputs))
            lower_slots = -(-needed // bits)
            lower_neurons = neurons_holding(lower_slots)
            lower_params = min_params_chosen(needed, bits_per_param=bits, n_slots=host)
        row = {"n_outputs": n_outputs, "code_size": sizes.code_size, "q_in": sizes.q_in,
               "output_code_size": sizes.output_code_size, "q_out": sizes.q_out, "n_neurons": network.n_neurons,
               "n_params": network.n_params, "bits_per_param": bits, "failure_bound": sizes.failure_bound,
               "lower_neurons": int(lower_neurons), "lower_params": int(lower_params), "host_slots": host,
               "dense_slots": dense_slots(network.widths), "lower_slots": int(lower_slots), "certified": -1,
               "false_positives": -1, "false_negatives": -1, "input_sets": 0, "certificate_seconds": np.nan}
        if n_outputs <= certify_max:
            verdict = certify(network, instance, k, max_witnesses=1, n_jobs=n_jobs)
            row.update(certified=int(verdict.passed), false_positives=verdict.false_positives,
                       false_negatives=verdict.false_negatives, input_sets=verdict.n_input_sets,
                       certificate_seconds=verdict.seconds)
        rows.append(row)
    table = {key: np.array([row[key] for row in rows]) for key in rows[0]}
    return table, network, instance


def verify_at_scale(network, instance, k: int, n_random: int, n_adversarial: int, seed: int = 0,
                    n_jobs: int = 1) -> dict:
    """Wrong decisions on ``n_random`` uniform k-sparse inputs and ``n_adversarial`` adversarial ones.

    Examples
    --------
    >>> _, network, instance = gate_curve("permutation", [200], k=2)
    >>> {kind: count.wrong for kind, count in verify_at_scale(network, instance, 2, 100, 20).items()}
    {'random': 0, 'adversarial': 0}
    """
    # A row of pre-activations can touch most of the layer: keep a batch to about 2·10⁷ of them; the
    # adversary reads the weight rows of every candidate's code neurons: keep those to about 2·10⁷ too.
    batch_size = max(64, min(4096, 20_000_000 // network.widths[-1]))
    weights = network.layers[-1][0]
    row_entries = 48 * network.output_codes.shape[1] * weights.nnz / max(weights.shape[0], 1)
    chunk = int(max(1, min(256, 20_000_000 // max(row_entries, 1))))
    random_inputs = random_input_sets(instance.n_inputs, k, n_random, seed=seed)
    adversarial = adversarial_gate_inputs(network, instance, k, n_adversarial, seed=seed + 1, chunk=chunk,
                                          batch_size=batch_size)
    return {"random": count_errors(network, instance, random_inputs, batch_size=batch_size, n_jobs=n_jobs),
            "adversarial": count_errors(network, instance, adversarial, batch_size=batch_size)}


def order_curve(n_outputs_values, k: int, failure_prob: float = 1e-6, seed: int = 0, served_max: int = 0) -> dict:
    """Neurons 2sq and parameters (at most m' s t + t q) of the explicit sizes of the permutation's order argument.

    For m' ≤ ``served_max`` the sizes use r, the most outputs one neuron
    serves, of the output code book drawn with ``seed``
    (:func:`superpos.permutation.order_sizes` with a seed), so their failure
    bound is proved; above it they assume r = ⌊2m'/q⌋, the corollary's
    assumption. The columns ``served`` (the r used), ``served_assumed`` (r
    assumed, not read off a code book) and ``served_limit`` (⌊2m'/q⌋) say which.

    Examples
    --------
    >>> curve = order_curve([10**3, 10**9], 3, served_max=10**3)
    >>> bool(curve["n_neurons"][1] > curve["n_neurons"][0]), curve["served_assumed"].tolist()
    (True, [False, True])
    """
    served_max = check_int(served_max, "served_max", 0)
    m_values = np.array([int(m) for m in n_outputs_values])
    sizes = [order_sizes(int(m), k, failure_prob, seed=seed if m <= served_max else None) for m in m_values]
    limits = np.array([2 * m // s.q_in for m, s in zip(m_values, sizes)])
    served = np.array([served_most(int(m), s.output_code_size, s.q_out, seed) if m <= served_max else limit
                       for m, s, limit in zip(m_values, sizes, limits)])
    return {"n_outputs": m_values, "code_size": np.array([s.code_size for s in sizes]),
            "q": np.array([s.q_in for s in sizes]), "n_neurons": np.array([s.n_neurons for s in sizes]),
            "n_params_at_most": np.array([m * s.code_size * s.output_code_size + s.n_output_neurons
                                          for m, s in zip(m_values, sizes)]),
            "failure_bound": np.array([s.failure_bound for s in sizes]), "served": served,
            "served_limit": limits, "served_assumed": m_values > served_max}


def family_bits(n_outputs_values, qs=(2, 3, 4)) -> dict:
    """log₂|F_q| / (m' log₂ m') with m = m', per q: it tends to q − 1.

    Examples
    --------
    >>> values = family_bits([10**3, 10**6], qs=(3,))
    >>> bool(1.5 < values[3][1] < 2)
    True
    """
    m_values = np.array([int(m) for m in n_outputs_values])
    return {q: np.asarray(log2_num_q_and_instances(m_values, m_values, q)) / (m_values * np.log2(m_values))
            for q in qs}


def neurons_to_depth(built, depth: int) -> int:
    """Neurons of the network computing the circuit to ``depth`` on its own (a clamp counts two per neuron below it).

    Examples
    --------
    >>> from superpos.circuits import and_of_ands
    >>> built = build_circuit_network(and_of_ands(40, 40, 2, seed=0), 3, failure_prob=1e-3)
    >>> neurons_to_depth(built, 2) == built.network.n_neurons
    True
    """
    depth = check_int(depth, "depth", 1, built.circuit.depth)
    widths = [built.channel_width(d) for d in range(depth + 1)]
    factor = 2 if built.cleanup == "clamp" else 1
    return int(widths[0] + factor * sum(widths[1:depth]) + widths[depth])


def depth_table(circuit: Circuit, k: int, seed: int = 0, failure_prob: float = 1e-6, n_random: int = 1000,
                n_planted: int = 500, n_adversarial: int = 100, certify_layers: bool = True) -> dict:
    """One circuit built with each clean-up: errors at every depth on random, planted and adversarial inputs.

    Both networks share the same sizes (each layer sized for the sparsity
    bound of its input). Returns a dict with the sparsity bounds, the sizes,
    per clean-up the neurons to every depth and the :class:`~superpos.circuits.DepthErrors`
    of each kind of input (the adversarial inputs are searched on each network
    itself), the errors of decoding and re-encoding every depth (``"decode"``),
    the stray neurons per depth of the clamped network, and the certificate of
    every layer on exact input codes.

    Examples
    --------
    >>> from superpos.circuits import and_of_ands
    >>> table = depth_table(and_of_ands(40, 40, 2, seed=0), 3, failure_prob=1e-3, n_random=50, n_planted=20,
    ...                     n_adversarial=5)
    >>> table["sparsity"], [layer.passed for layer in table["layer_certificates"]]
    ([3, 3, 3], [True, True])
    """
    sparsity = circuit.sparsity_bounds(k)
    sizes = circuit_sizes(circuit, k, failure_prob, sparsity=sparsity)
    inputs = {"random": random_input_sets(circuit.n_inputs, k, n_random, seed=seed),
              "planted": planted_inputs(circuit, k, n_planted, seed=seed + 1)}
    result = {"sparsity": sparsity, "sizes": sizes, "neurons": {}, "errors": {}}
    for cleanup in CLEANUPS:
        built = build_circuit_network(circuit, k, seed, cleanup=cleanup, sizes=sizes)
        result["neurons"][cleanup] = [neurons_to_depth(built, d) for d in range(1, circuit.depth + 1)]
        kinds = dict(inputs, adversarial=adversarial_circuit_inputs(built, k, n_adversarial, seed=seed + 2))
        result["errors"][cleanup] = {kind: errors_by_depth(built, batch) for kind, batch in kinds.items()}
        if cleanup == "clamp":
            result["errors"]["decode"] = {kind: errors_by_depth(built, batch, mode="decode")
                                          for kind, batch in kinds.items()}
            result["strays"] = {kind: stray_neurons(built, batch) for kind, batch in kinds.items()}
            result["layer_certificates"] = []
            if certify_layers:
                for depth in range(1, circuit.depth + 1):
                    verdict = certify(built.layer_network(depth), circuit.layer_instance(depth),
                                      max(sparsity[depth - 1], 1), max_witnesses=1)
                    result["layer_certificates"].append(verdict)
            result["planted_true"] = [int(level.nnz) for level in circuit.evaluate(inputs["planted"])[1:]]
    return result


def exhaustive_depth_errors(circuit: Circuit, k: int, seed: int = 0, failure_prob: float = 1e-6,
                            cleanup: str = "clamp"):
    """Every input with at most k actives through the circuit's network: (errors by depth, inputs, true decisions).

    Examples
    --------
    >>> from superpos.circuits import and_of_ands
    >>> errors, n_inputs, _ = exhaustive_depth_errors(and_of_ands(20, 20, 2, seed=0), 3, failure_prob=1e-3)
    >>> errors.wrong, n_inputs
    ((0, 0), 1351)
    """
    built = build_circuit_network(circuit, k, seed, cleanup=cleanup, failure_prob=failure_prob)
    inputs = all_input_sets(circuit.n_inputs, k)
    truth = circuit.evaluate(inputs)
    return errors_by_depth(built, inputs), inputs.shape[0], [int(level.nnz) for level in truth[1:]]
