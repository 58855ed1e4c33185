r"""q-AND in superposition: output ℓ is present iff all q features of its tuple are active.

An instance is m' distinct q-tuples of m input features
(:func:`superpos.gates.q_and_instance`, need a = q), and inputs are sets of at
most k ≥ q active features; with k < q no input makes any output true and
the task is empty, so it is refused. The network is the construction of
:mod:`superpos.gates` with bias −(q s − 1): neuron w fires iff the input puts
at least q s into the union U_w of the input codes of the endpoints of the
outputs it serves.

*No false negatives (proved)*, for every input and every choice of codes: a
true output has its q endpoint codes, q s in all, inside every U_w of its code.

*False positives*: an absent output has p ≤ q − 1 active endpoints, which
bring p s, and needs (q − p) s more from the other actives, as members of
R_w (s each) or by covering U_w. The sizing uses the heuristic bound
:func:`superpos.gates.gate_failure_bound` (the t rows of an output code
treated as independent once the shared term is fixed); what holds of a
built network is decided by the exact certificate
(:func:`superpos.certificate.certify` takes the gate instance).

The counting lower bound for the family of q-AND instances is in
:mod:`superpos.bounds` (:func:`superpos.bounds.log2_num_q_and_instances` and
what follows it).
"""

from __future__ import annotations

from math import comb

import numpy as np

from superpos.gates import GateInstance, build_gate_network, gate_sizes, q_and_instance
from superpos.network import Network
from superpos.one_layer import OneLayerSizes
from superpos.validation import check_int, check_random_state

__all__ = ["as_q_and", "build_q_and_network", "check_q_and_k", "q_and_sizes", "random_q_tuples"]


def random_q_tuples(n_inputs: int, n_outputs: int, q: int, seed: int = 0) -> np.ndarray:
    """m' distinct q-tuples (sorted rows) drawn uniformly from the C(m, q) q-sets of m features.

    Examples
    --------
    >>> tuples = random_q_tuples(10, 6, 3, seed=0)
    >>> tuples.shape, len({tuple(row) for row in tuples.tolist()})
    ((6, 3), 6)
    >>> random_q_tuples(5, 11, 3)
    Traceback (most recent call last):
    ...
    ValueError: n_outputs = 11 exceeds C(5, 3) = 10, the number of distinct 3-tuples of 5 features
    """
    n_inputs = check_int(n_inputs, "n_inputs", 1)
    q = check_int(q, "q", 1, n_inputs)
    n_outputs = check_int(n_outputs, "n_outputs", 1)
    total = comb(n_inputs, q)
    if n_outputs > total:
        raise ValueError(f"n_outputs = {n_outputs} exceeds C({n_inputs}, {q}) = {total}, the number of distinct "
                         f"{q}-tuples of {n_inputs} features")
    rng = check_random_state(seed)
    found = np.zeros((0, q), dtype=np.int64)
    while found.shape[0] < n_outputs:
        draw = 2 * (n_outputs - found.shape[0]) + 16
        rows = np.sort(np.argsort(rng.random((draw, n_inputs)), axis=1)[:, :q], axis=1) if n_inputs <= 64 else \
            _distinct_rows(rng, draw, n_inputs, q)
        rows = rows[(np.diff(rows, axis=1) > 0).all(axis=1)]
        merged = np.concatenate([found, rows])
        _, first = np.unique(merged, axis=0, return_index=True)
        found = merged[np.sort(first)]
    return found[:n_outputs]


def _distinct_rows(rng: np.random.Generator, rows: int, n_inputs: int, q: int) -> np.ndarray:
    """Sorted rows of q features drawn with replacement (rows with a repeat are dropped by the caller)."""
    return np.sort(rng.integers(n_inputs, size=(rows, q)), axis=1)


def check_q_and_k(q: int, k: int) -> None:
    """Refuse q > k: no input with at most k actives would make any q-AND true.

    Examples
    --------
    >>> check_q_and_k(4, 3)
    Traceback (most recent call last):
    ...
    ValueError: q = 4 is larger than k = 3: no input with at most k active features makes a 4-AND true, so every output is always absent; use k >= q
    """
    if q > k:
        raise ValueError(f"q = {q} is larger than k = {k}: no input with at most k active features makes a {q}-AND "
                         f"true, so every output is always absent; use k >= q")


def as_q_and(tuples, n_inputs: int | None = None) -> GateInstance:
    """A q-AND gate instance from an (m', q) array of tuples, or a gate instance whose needs equal its arity.

    Examples
    --------
    >>> as_q_and([[0, 1, 2]], 4).need
    3
    """
    if isinstance(tuples, GateInstance):
        if np.any(tuples.needs != tuples.arity):
            raise ValueError("a q-AND instance needs every endpoint of an output (need = arity)")
        return tuples
    if n_inputs is None:
        raise ValueError("n_inputs (the number m of input features) is needed with an array of tuples")
    return q_and_instance(tuples, n_inputs)


def q_and_sizes(tuples, n_inputs: int | None, k: int, failure_prob: float = 1e-6, **search) -> OneLayerSizes:
    """Widths with the fewest neurons that meet the heuristic every-input bound (:func:`superpos.gates.gate_sizes`).

    Examples
    --------
    >>> sizes = q_and_sizes(random_q_tuples(60, 60, 3, seed=0), 60, 4, 1e-3)
    >>> sizes.failure_bound <= 1e-3
    True
    """
    instance = as_q_and(tuples, n_inputs)
    k = check_int(k, "k", 1, instance.n_inputs)
    check_q_and_k(instance.q, k)
    return gate_sizes(instance, k, failure_prob, **search)


def build_q_and_network(tuples, n_inputs: int | None, k: int, seed: int = 0, *, sizes: OneLayerSizes | None = None,
                        failure_prob: float = 1e-6) -> Network:
    """Build the one-layer q-AND network, sized by the heuristic bound unless ``sizes`` are given.

    Examples
    --------
    >>> tuples = [[0, 1, 2], [1, 2, 3], [2, 3, 4]]
    >>> net = build_q_and_network(tuples, 6, 3, sizes=OneLayerSizes(4, 5, 3, 5, 1.0))
    >>> net.compute([[0, 1, 2], [1, 2, 4]]).toarray().astype(int).tolist()
    [[1, 0, 0], [0, 0, 0]]
    >>> build_q_and_network(tuples, 6, 2)
    Traceback (most recent call last):
    ...
    ValueError: q = 3 is larger than k = 2: no input with at most k active features makes a 3-AND true, so every output is always absent; use k >= q
    """
    instance = as_q_and(tuples, n_inputs)
    k = check_int(k, "k", 1, instance.n_inputs)
    check_q_and_k(instance.q, k)
    if sizes is None:
        sizes = q_and_sizes(instance, None, k, failure_prob)
    return build_gate_network(instance, sizes, seed, name=f"{instance.q}-AND ({sizes.describe()})")
