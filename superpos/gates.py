r"""Threshold gates on sparse inputs: permutations, q-AND, OR and copies as one instance type, and their layer.

A *gate instance* has m input features and m' outputs; output ℓ has a set
E_ℓ of q_ℓ *endpoints* (input features) and a *need* a_ℓ with
1 ≤ a_ℓ ≤ q_ℓ, and is present on an input set A iff at least a_ℓ of its
endpoints are active, |A ∩ E_ℓ| ≥ a_ℓ. The tasks of the book are special
cases:

==================  ==================  ===============================
task                endpoints           need
==================  ==================  ===============================
pairwise AND        the pair (i, j)     a = 2
q-AND               q features          a = q
neural permutation  the one i = π⁻¹(ℓ)  a = 1
OR of q, copy       q features, one     a = 1
==================  ==================  ===============================

:class:`GateInstance` checks an instance once and answers what every check
asks of it (its true outputs on a batch, the influence of each input);
:func:`permutation_instance`, :func:`q_and_instance` and
:func:`as_gate_instance` make one from the usual descriptions (a pairwise
AND instance becomes the gate instance with a = 2).

The one-layer network
---------------------
The construction of pairwise AND carries over unchanged
(:func:`gate_layer`, :func:`build_gate_network`). Inputs hold line codes
S_i of s neurons (:mod:`superpos.codes`); output ℓ owns a line code T_ℓ of t
neurons of the single layer. Neuron w serves O_w = {ℓ : w ∈ T_ℓ}; with
R_w the endpoints of those outputs and U_w = ∪_{i∈R_w} S_i, its weights are 1
on U_w and its bias is −(a·s − 1), a the common need of the outputs (one
network has one need; :mod:`superpos.circuits` stacks layers of different
needs). It fires iff the input puts at least a·s into U_w.

*No false negatives (proved).* If |A ∩ E_ℓ| ≥ a, then for every w ∈ T_ℓ the a
active endpoints are in R_w and their codes lie in U_w, so
Σ_{j∈U_w} v_j ≥ Σ_{i∈A} |S_i ∩ U_w| ≥ a·s: every neuron of T_ℓ fires. Nothing
here is random; it holds for every choice of codes and widths.

False positives are the business of the sizing: :mod:`superpos.permutation`
proves a bound for a = 1 with one endpoint, and :func:`gate_failure_bound`
is the heuristic bound, in the style of :mod:`superpos.one_layer`, for any
need; :func:`smallest_sizes` turns either into widths.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from math import comb, factorial, isqrt

import numpy as np
import scipy.sparse as sp
from scipy.special import bdtrc

from superpos.codes import input_code_book, line_code_sizes, output_code_book, prime_grid
from superpos.inputs import as_input_sets
from superpos.instance import AndInstance
from superpos.network import Network
from superpos.numerics import binary_support, is_integral
from superpos.one_layer import OneLayerSizes
from superpos.union_bound import shared_term_weights
from superpos.validation import check_array_size, check_int, check_probability

__all__ = ["GateInstance", "as_gate_instance", "bound_from_terms", "build_gate_network", "gate_bound_terms",
           "gate_failure_bound", "gate_layer", "gate_sizes", "pack_terms", "permutation_instance", "q_and_instance",
           "served_counts", "smallest_sizes"]


@dataclass(frozen=True, eq=False)
class GateInstance:
    """m input features and m' threshold gates: output ℓ is present iff ≥ a_ℓ of its endpoints E_ℓ are active.

    Parameters
    ----------
    endpoints : array-like of int, shape (m', q)
        Row ℓ lists the endpoints of output ℓ, in any order; a gate with fewer
        than q endpoints pads its row with -1. Stored sorted, padding last.
    needs : int or array-like of int, shape (m',)
        a_ℓ, the active endpoints output ℓ needs (1 ≤ a_ℓ ≤ |E_ℓ|); one int for all.
    n_inputs : int
        m; every endpoint lies in [0, m).

    Raises
    ------
    ValueError
        An empty instance, an index out of range, an endpoint repeated within a
        gate, a gate without endpoints, a need outside [1, |E_ℓ|], or two
        outputs with the same endpoints and need.

    Examples
    --------
    >>> gates = GateInstance([[2, 0, 1], [3, 4, -1]], [3, 1], 5)
    >>> gates.endpoints.tolist(), gates.needs.tolist(), gates.arity.tolist()
    ([[0, 1, 2], [3, 4, -1]], [3, 1], [3, 2])
    >>> gates.true_outputs([[0, 1, 2], [4], [0, 1]]).toarray().tolist()
    [[True, False], [False, True], [False, False]]
    >>> GateInstance([[0, 0]], 1, 3)
    Traceback (most recent call last):
    ...
    ValueError: endpoints[0] = (0, 0) repeats feature 0; the endpoints of a gate must be distinct
    """

    endpoints: np.ndarray
    needs: np.ndarray
    n_inputs: int

    def __post_init__(self):
        n_inputs = check_int(self.n_inputs, "n_inputs", 1)
        endpoints = _checked_endpoints(self.endpoints, n_inputs)
        arity = (endpoints >= 0).sum(axis=1)
        needs = _checked_needs(self.needs, arity)
        _refuse_repeats(endpoints, needs, n_inputs)
        endpoints.flags.writeable = False
        needs.flags.writeable = False
        object.__setattr__(self, "n_inputs", n_inputs)
        object.__setattr__(self, "endpoints", endpoints)
        object.__setattr__(self, "needs", needs)

    def __repr__(self) -> str:
        return (f"GateInstance(m={self.n_inputs}, m'={self.n_outputs}, q={self.q}, "
                f"needs={sorted(set(self.needs.tolist()))})")

    @property
    def n_outputs(self) -> int:
        """m', the number of gates (outputs)."""
        return int(self.endpoints.shape[0])

    @property
    def q(self) -> int:
        """The largest number of endpoints of a gate."""
        return int(self.endpoints.shape[1])

    @cached_property
    def arity(self) -> np.ndarray:
        """|E_ℓ| for every output, shape (m',)."""
        return (self.endpoints >= 0).sum(axis=1)

    @property
    def need(self) -> int:
        """The common need a of every output; ValueError if the needs differ.

        Examples
        --------
        >>> permutation_instance([1, 0]).need
        1
        """
        values = np.unique(self.needs)
        if values.size != 1:
            raise ValueError(f"the outputs have different needs {values.tolist()}; one layer of the construction "
                             "serves one need (split the instance, as superpos.circuits does per layer)")
        return int(values[0])

    @cached_property
    def incidence(self) -> sp.csr_matrix:
        """The 0/1 matrix (m × m') with a 1 at (i, ℓ) iff i ∈ E_ℓ."""
        row, slot = np.nonzero(self.endpoints >= 0)
        matrix = sp.csr_matrix((np.ones(row.size, np.float32), (self.endpoints[row, slot], row)),
                               shape=(self.n_inputs, self.n_outputs))
        matrix.sort_indices()
        return matrix

    @cached_property
    def influence(self) -> np.ndarray:
        """Number of outputs each input is an endpoint of, shape (m,), read-only."""
        check_array_size(self.n_inputs, 8, f"the influence of each of m = {self.n_inputs} inputs")
        counts = np.bincount(self.endpoints[self.endpoints >= 0], minlength=self.n_inputs)
        counts.flags.writeable = False
        return counts

    def subset(self, rows) -> "GateInstance":
        """The instance of the outputs selected by ``rows`` (a boolean mask or indices), in their order.

        Examples
        --------
        >>> q_and_instance([[0, 1, 2], [1, 2, 3]], 4).subset([1]).endpoints.tolist()
        [[1, 2, 3]]
        """
        rows = np.asarray(rows)
        endpoints, needs = self.endpoints[rows], self.needs[rows]
        if endpoints.shape[0] == 0:
            raise ValueError("a subset of an instance must keep at least one output")
        return GateInstance(endpoints, needs, self.n_inputs)

    def true_outputs(self, inputs) -> sp.csr_matrix:
        """The correct outputs: entry (r, ℓ) is True iff at least a_ℓ endpoints of ℓ are active in row r.

        One sparse product X · incidence counts the active endpoints of every
        output an input touches (cost Σ_{i∈A} d_i per row), so no dense
        batch × m' array is formed.

        Examples
        --------
        >>> q_and_instance([[0, 1, 2], [1, 2, 3]], 5).true_outputs([[1, 2, 3], [0, 1]]).toarray().tolist()
        [[False, True], [False, False]]
        """
        matrix = as_input_sets(inputs, self.n_inputs).astype(np.float32)
        counts = (matrix @ self.incidence).tocsr()
        counts.data = counts.data >= self.needs[counts.indices]
        counts.eliminate_zeros()
        result = counts.astype(bool)
        result.sort_indices()
        return result


def _checked_endpoints(endpoints, n_inputs: int) -> np.ndarray:
    array = np.asarray(endpoints)
    if array.ndim != 2 or array.shape[1] < 1:
        raise ValueError(f"endpoints must have shape (n_outputs, q) with q >= 1, got shape {array.shape}")
    if array.shape[0] == 0:
        raise ValueError("endpoints must hold at least one output, got none")
    whole = np.issubdtype(array.dtype, np.integer) or (
        np.issubdtype(array.dtype, np.floating) and np.all(np.isfinite(array)) and is_integral(array.ravel()))
    if not whole:
        raise ValueError(f"endpoints must hold integer feature indices, got dtype {array.dtype}")
    array = np.sort(array.astype(np.int64), axis=1)
    padded = array < 0
    bad = (array < -1) | (array >= n_inputs)
    if bad.any():
        row = int(np.argwhere(bad)[0, 0])
        raise ValueError(f"endpoints[{row}] = {tuple(map(int, array[row]))} has an index out of range [0, {n_inputs}) "
                         "(n_inputs); -1 pads a gate with fewer endpoints")
    # Padding (-1) sorts first: move it to the end of each row.
    count = padded.sum(axis=1)
    if np.any(count == array.shape[1]):
        row = int(np.flatnonzero(count == array.shape[1])[0])
        raise ValueError(f"endpoints[{row}] has no endpoint; every gate needs at least one")
    array = np.take_along_axis(array, np.argsort(np.where(padded, np.iinfo(np.int64).max, array), axis=1), axis=1)
    repeated = (array[:, 1:] == array[:, :-1]) & (array[:, 1:] >= 0)
    if repeated.any():
        row, slot = map(int, np.argwhere(repeated)[0])
        raise ValueError(f"endpoints[{row}] = {tuple(map(int, array[row]))} repeats feature {int(array[row, slot])}; "
                         "the endpoints of a gate must be distinct")
    return array


def _checked_needs(needs, arity: np.ndarray) -> np.ndarray:
    values = np.asarray(needs)
    if values.ndim == 0:
        values = np.full(arity.size, values)
    if values.shape != arity.shape:
        raise ValueError(f"needs must be one int or one per output (shape {arity.shape}), got shape {values.shape}")
    if not np.issubdtype(values.dtype, np.integer):
        raise ValueError(f"needs must be integers, got dtype {values.dtype}")
    values = values.astype(np.int64)
    bad = (values < 1) | (values > arity)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(f"needs[{row}] = {int(values[row])} must be in [1, {int(arity[row])}], the number of "
                         f"endpoints of output {row}")
    return values


def _refuse_repeats(endpoints: np.ndarray, needs: np.ndarray, n_inputs: int) -> None:
    keys = np.column_stack([endpoints, needs])
    _, first, counts = np.unique(keys, axis=0, return_index=True, return_counts=True)
    if np.any(counts > 1):
        repeated = keys[first[np.flatnonzero(counts > 1)[0]]]
        rows = np.flatnonzero((keys == repeated).all(axis=1))
        raise ValueError(f"outputs {int(rows[0])} and {int(rows[1])} are the same gate (endpoints "
                         f"{tuple(int(e) for e in endpoints[rows[0]] if e >= 0)}, need {int(needs[rows[0]])}); "
                         "every output must be distinct")


def permutation_instance(permutation) -> GateInstance:
    """The neural permutation π as a gate instance: output π(i) is present iff input i is (one endpoint, need 1).

    Parameters
    ----------
    permutation : sequence of int
        ``permutation[i] = π(i)``; it must list every value 0..m'-1 exactly once.

    Examples
    --------
    >>> gates = permutation_instance([2, 0, 1])
    >>> gates.endpoints.ravel().tolist(), gates.true_outputs([[0], [1, 2]]).toarray().tolist()
    ([1, 2, 0], [[False, False, True], [True, True, False]])
    >>> permutation_instance([0, 2, 2])
    Traceback (most recent call last):
    ...
    ValueError: not a permutation of 0..2: value 2 appears 2 times and 1 never
    """
    values = np.asarray(permutation)
    if values.ndim != 1 or values.size < 1:
        raise ValueError(f"permutation must be a non-empty 1-D sequence of ints, got shape {values.shape}")
    if not np.issubdtype(values.dtype, np.integer):
        raise ValueError(f"permutation must hold integers, got dtype {values.dtype}")
    size = values.size
    if values.min() < 0 or values.max() >= size:
        bad = int(values[(values < 0) | (values >= size)][0])
        raise ValueError(f"not a permutation of 0..{size - 1}: value {bad} is out of range")
    counts = np.bincount(values, minlength=size)
    if np.any(counts != 1):
        twice = int(np.flatnonzero(counts > 1)[0])
        never = int(np.flatnonzero(counts == 0)[0])
        raise ValueError(f"not a permutation of 0..{size - 1}: value {twice} appears {int(counts[twice])} times "
                         f"and {never} never")
    inverse = np.empty(size, dtype=np.int64)
    inverse[values] = np.arange(size)
    return GateInstance(inverse[:, None], 1, size)


def q_and_instance(tuples, n_inputs: int) -> GateInstance:
    """q-AND: output ℓ is present iff all q features of ``tuples[ℓ]`` are active (need a = q).

    Examples
    --------
    >>> q_and_instance([[0, 1, 2], [2, 3, 4]], 5).needs.tolist()
    [3, 3]
    >>> q_and_instance([[0, 1, 2], [2, 1, 0]], 5)
    Traceback (most recent call last):
    ...
    ValueError: outputs 0 and 1 are the same gate (endpoints (0, 1, 2), need 3); every output must be distinct
    """
    array = np.asarray(tuples)
    if array.ndim != 2:
        raise ValueError(f"tuples must have shape (n_outputs, q), got shape {array.shape}")
    if np.issubdtype(array.dtype, np.integer) and np.any(array < 0):
        raise ValueError("tuples of a q-AND hold feature indices >= 0 (no padding: every gate has q endpoints)")
    return GateInstance(array, array.shape[1], n_inputs)


def as_gate_instance(instance, n_inputs: int | None = None) -> GateInstance:
    """A :class:`GateInstance` (passed through), or an AND instance / array of pairs as the gates with need 2.

    Examples
    --------
    >>> as_gate_instance([[0, 1], [1, 2]], 3).needs.tolist()
    [2, 2]
    """
    if isinstance(instance, GateInstance):
        if n_inputs is not None and check_int(n_inputs, "n_inputs", 1) != instance.n_inputs:
            raise ValueError(f"the instance has n_inputs = {instance.n_inputs}, "
                             f"but n_inputs = {int(n_inputs)} was given")
        return instance
    if isinstance(instance, AndInstance):
        return GateInstance(instance.pairs, 2, instance.n_inputs)
    if n_inputs is None:
        raise ValueError("n_inputs (the number m of input features) is needed with an array of endpoints")
    return GateInstance(AndInstance(instance, n_inputs).pairs, 2, n_inputs)


# ----------------------------------------------------------------------------- the network
def served_counts(output_codes: np.ndarray, n_neurons: int) -> np.ndarray:
    """|O_w| for every neuron w: how many output codes hold it.

    Examples
    --------
    >>> served_counts(np.array([[0, 2], [1, 2]]), 4).tolist()
    [1, 1, 2, 0]
    """
    return np.bincount(np.asarray(output_codes).ravel(), minlength=n_neurons)


def gate_layer(instance: GateInstance, input_codes: sp.csr_matrix, output_codes: np.ndarray,
               n_neurons: int, union: bool = False) -> tuple[sp.csr_matrix, np.ndarray]:
    """The layer (W, b) of the construction on given codes: 1 on U_w, bias −(a·s − 1).

    With ``union=True`` the layer below is read as 0/1 (the union of the
    active codes, as after a clamp, rather than their sum): a neuron shared by
    two endpoint codes then holds 1, not 2, and the a line codes, which pairwise
    share at most one neuron, cover at least a·s − C(a, 2) neurons; the bias is
    −(a·s − C(a, 2) − 1), so a true gate still fires.

    Parameters
    ----------
    instance : GateInstance
        Its outputs share one need a.
    input_codes : csr matrix (m, n_in) of 0/1
        S_i for every input, all of the same size s.
    output_codes : int array (m', t)
        T_ℓ, neurons of this layer.
    n_neurons : int
        Width of this layer.
    union : bool
        Whether the layer below holds the union (0/1) of the active codes.

    Examples
    --------
    >>> W, b = gate_layer(permutation_instance([1, 0]), sp.identity(2, format="csr"), np.array([[0], [1]]), 2)
    >>> W.toarray().tolist(), b.tolist()
    ([[0.0, 1.0], [1.0, 0.0]], [0.0, 0.0])
    """
    sizes = np.diff(input_codes.indptr)
    if sizes.size == 0 or np.any(sizes != sizes[0]) or sizes[0] < 1:
        raise ValueError("every input code must have the same size s >= 1")
    if output_codes.shape[0] != instance.n_outputs or input_codes.shape[0] != instance.n_inputs:
        raise ValueError(f"the codes hold {input_codes.shape[0]} inputs and {output_codes.shape[0]} outputs, "
                         f"the instance {instance.n_inputs} and {instance.n_outputs}")
    s, a = int(sizes[0]), instance.need
    t = output_codes.shape[1]
    serves = sp.csr_matrix((np.ones(output_codes.size, np.float32),
                            (output_codes.ravel(), np.repeat(np.arange(instance.n_outputs), t))),
                           shape=(n_neurons, instance.n_outputs))
    endpoints = binary_support(serves @ instance.incidence.T.tocsr())
    weights = binary_support(endpoints @ input_codes.astype(np.float32))  # float32: W is large at m' = 10⁶
    return weights, np.full(n_neurons, 1.0 - a * s + (comb(a, 2) if union else 0))


def build_gate_network(instance: GateInstance, sizes: OneLayerSizes, seed: int = 0, name: str = "") -> Network:
    """The one-layer network of the construction for a gate instance of one need.

    Input codes: lines of s = ``sizes.code_size`` rows over GF(q_in); output
    codes: lines of t rows over GF(q_out); both drawn with ``seed`` as in
    :func:`superpos.codes.input_code_book` and :func:`superpos.codes.output_code_book`,
    and independent of each other. Weights are 1 on U_w and the bias is
    −(a·s − 1), so every parameter takes one bit.

    Examples
    --------
    >>> net = build_gate_network(permutation_instance([1, 2, 3, 0]), OneLayerSizes(3, 5, 3, 5, 1.0))
    >>> net.widths, net.compute([[0], [1, 3], [0, 1, 2]]).toarray().astype(int).tolist()
    ([15, 15], [[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 1, 1]])
    """
    if not isinstance(instance, GateInstance):
        raise TypeError(f"instance must be a GateInstance, got {type(instance).__name__}")
    if not isinstance(sizes, OneLayerSizes):
        raise TypeError(f"sizes must be OneLayerSizes, got {type(sizes).__name__}")
    input_codes = input_code_book(instance.n_inputs, sizes.n_input_neurons, sizes.code_size, seed)
    output_codes = output_code_book(instance.n_outputs, sizes.n_output_neurons, sizes.output_code_size, seed)
    weights, bias = gate_layer(instance, input_codes, output_codes, sizes.n_output_neurons)
    return Network(input_codes, [(weights, bias)], output_codes, 1.0,
                   name=name or f"gates, need {instance.need} ({sizes.describe()})")


# ----------------------------------------------------------------------------- the heuristic bound and the sizing
def gate_failure_bound(instance: GateInstance, k: int, code_size: int, q_in: int, output_code_size: int,
                       q_out) -> np.ndarray:
    r"""Heuristic bound on P[some input with at most k actives gets a wrong decision], for one need a.

    Events: an absent output ℓ, the p < a endpoints of ℓ that are active
    (C(q, p) choices), and the j ≤ k − p other actives Y (at most C(m, j)
    choices). A neuron w ∈ T_ℓ fires iff Y puts (a − p) s more into U_w:
    u members of R_w put s each (an active y is a member of a given neuron of
    T_ℓ with probability about d_y / q_out, so u of them with probability at most
    (D/q_out)^u / u!, D the j largest influences), and the rest must be
    covered: U_w is a union of about q m'/q_out lines, which covers a fraction
    f = 1 − (1 − 1/q_in)^{q m'/q_out} of every row, and |S_y ∩ U_w| is close to
    Binomial(s, f). Whatever Y puts on the q endpoint codes of ℓ,
    c ~ Binomial(j q s, 1/q_in), helps every neuron of T_ℓ at once; given c
    the t rows are treated as independent (the unproved step):

        P(p, j) = Σ_c P[c] (Σ_{u ≤ a−p} (D/q_out)^u/u! · P[Bin((j−u)s, f) ≥ (a−p−u)s − c])^t,

    and the bound is Σ_{p<a} Σ_{j ≤ k−p} C(q, p) m' C(m, j) P(p, j).
    Vectorised over ``q_out``.

    Examples
    --------
    >>> gates = q_and_instance([[0, 1, 2], [1, 2, 3], [2, 3, 4]], 5)
    >>> bounds = gate_failure_bound(gates, 3, 4, 7, 4, [7, 11, 13])
    >>> bool(np.all(np.diff(bounds) <= 0))   # wider output channels, smaller bound
    True
    """
    terms = gate_bound_terms(instance, k, code_size, float(q_in), np.atleast_1d(np.asarray(q_out, float)))
    return bound_from_terms(terms, output_code_size).reshape(np.shape(q_out))


def gate_bound_terms(instance: GateInstance, k: int, s: int, q_in: float, q_out: np.ndarray,
                     slack: int = 0) -> list:
    """The terms of :func:`gate_failure_bound` for :func:`bound_from_terms`: they do not depend on t.

    Each term is (count, weights of c, bases of shape (len(q_out), len(c)), row offset 0).
    ``slack`` lowers what a neuron needs by that much (C(a, 2) for a layer
    that reads a union of codes, :func:`gate_layer` with ``union=True``).

    Examples
    --------
    >>> terms = gate_bound_terms(permutation_instance([1, 0, 2]), 2, 3, 5.0, np.array([5.0, 7.0]))
    >>> len(terms), terms[0][2].shape[0]   # j = 1, 2 other actives; one base per q_out
    (2, 2)
    """
    m, m_out, q, a = instance.n_inputs, instance.n_outputs, instance.q, instance.need
    top = np.sort(instance.influence)[::-1].astype(float)
    f = -np.expm1(q * m_out / q_out * np.log1p(-1.0 / q_in))[:, None]
    plan, thresholds, trials = [], [], []  # every binomial tail of every term, evaluated in one call
    for p in range(a):
        for j in range(1, k - p + 1):
            need = a - p
            c, weights = shared_term_weights(j * q * s, min(need * s, j * q), q_in)
            parts = []
            for u in range(min(need, j) + 1):
                if u < need:
                    parts.append((u, sum(map(len, thresholds)), c.size))
                    thresholds.append(need * s - slack - u * s - c - 1)
                    trials.append(np.full(c.size, (j - u) * s))
                else:
                    parts.append((u, None, c.size))
            plan.append((float(comb(q, p)) * m_out * comb(m, j), weights, (top[:j].sum() / q_out)[:, None], parts))
    threshold = np.concatenate(thresholds)[None, :].astype(np.int64) if thresholds else np.zeros((1, 0), np.int64)
    n = np.concatenate(trials)[None, :].astype(np.int64) if trials else np.zeros((1, 0), np.int64)
    inside = bdtrc(np.clip(threshold, 0, np.maximum(n - 1, 0)), np.maximum(n, 1), f)
    tails = np.where(threshold < 0, 1.0, np.where(threshold >= n, 0.0, inside))  # P[Bin(n, f) > threshold]
    terms = []
    for count, weights, rate, parts in plan:
        base = np.zeros((q_out.size, weights.size))
        for u, start, size in parts:
            spoil = tails[:, start:start + size] if start is not None else 1.0
            base = base + rate ** u / factorial(u) * spoil
        terms.append((count, weights, np.minimum(base, 1.0), 0))
    return terms


def bound_from_terms(terms: list, t: int, rows=slice(None)) -> np.ndarray:
    """Σ over terms (count, weights, bases, offset) of count · Σ_c weights[c] · bases[:, c]^(t − offset).

    The form both the proved permutation bound and :func:`gate_failure_bound`
    take; a term with t ≤ offset counts in full (its rows can all be spoiled).

    Examples
    --------
    >>> bound_from_terms([(10.0, np.array([1.0]), np.array([[0.1], [0.01]]), 1)], 3).round(12).tolist()
    [0.1, 0.001]
    """
    total = 0.0
    for count, weights, bases, offset in terms:
        power = t - offset
        values = bases[rows] ** power if power > 0 else np.ones_like(bases[rows])
        total = total + count * (values @ weights)
    return np.asarray(total, float)


def pack_terms(terms: list) -> list:
    """The same bound as ``terms`` for :func:`bound_from_terms`, with the terms of one row offset merged into one.

    Examples
    --------
    >>> terms = [(2.0, np.array([1.0]), np.array([[0.5]]), 0), (3.0, np.array([1.0]), np.array([[0.1]]), 0)]
    >>> float(bound_from_terms(pack_terms(terms), 2)[0]) == float(bound_from_terms(terms, 2)[0])
    True
    """
    packed = []
    for offset in sorted({term[3] for term in terms}):
        group = [term for term in terms if term[3] == offset]
        packed.append((1.0, np.concatenate([count * weights for count, weights, _, _ in group]),
                       np.concatenate([bases for _, _, bases, _ in group], axis=1), offset))
    return packed


def smallest_sizes(n_inputs: int, n_outputs: int, terms_of, failure_prob: float, *, code_sizes, output_code_sizes,
                   q_in_values=None, q_in_steps: int = 24, q_out_steps: int = 48,
                   ratio: float = 1.12) -> OneLayerSizes:
    """The widths with the fewest neurons s·q_in + t·q_out whose bound is at most ``failure_prob``.

    ``terms_of(s, q_in, q_out_grid)`` returns the bound's terms for
    :func:`bound_from_terms`. The search runs over the given s and t, q_in on
    a geometric grid of primes from max(s, ⌈√m⌉) (first every other point of
    it, then the points near the best found, for s within 2 of its s), and
    q_out on a grid of primes from max(min t, ⌈√m'⌉), evaluating the bound on the
    whole q_out grid at once (one grid for every t) and keeping the narrowest
    q_out ≥ t that meets it.
    It is a search, not a proof of optimality. ``q_in_values``
    fixes the primes of the input channel instead (a layer whose input code
    is the previous layer's output code).

    Examples
    --------
    >>> gates = q_and_instance([[0, 1, 2], [1, 2, 3], [2, 3, 4]], 5)
    >>> terms = lambda s, q_in, grid: gate_bound_terms(gates, 3, s, float(q_in), grid)
    >>> smallest_sizes(5, 3, terms, 1e-3, code_sizes=[3, 4], output_code_sizes=[3, 4]).failure_bound <= 1e-3
    True
    """
    failure_prob = check_probability(failure_prob, "failure_prob")
    code_sizes = sorted({check_int(s, "code size", 1) for s in code_sizes})
    output_code_sizes = [check_int(t, "output code size", 1) for t in output_code_sizes]
    if not code_sizes or not output_code_sizes:
        raise ValueError("code_sizes and output_code_sizes must each hold at least one value")
    # One grid of q_out for every t (a line code of t rows needs q_out ≥ t: smaller points are masked).
    grid = np.array(prime_grid(max(min(output_code_sizes), isqrt(n_outputs - 1) + 1), q_out_steps, ratio), float)
    found = {"best": None}

    def scan(s, primes):
        for q_in in primes:
            best = found["best"]
            cheapest = min(t * grid[grid >= t][0] for t in output_code_sizes if np.any(grid >= t))
            if best is not None and s * q_in + cheapest >= best.n_neurons:
                continue
            terms = pack_terms(terms_of(s, q_in, grid))
            for t in output_code_sizes:
                bounds = bound_from_terms(terms, t)
                feasible = np.flatnonzero((bounds <= failure_prob) & (grid >= t))
                if not feasible.size:
                    continue
                n = s * q_in + t * int(grid[feasible[0]])
                if found["best"] is None or n < found["best"].n_neurons:
                    found["best"] = OneLayerSizes(s, int(q_in), t, int(grid[feasible[0]]), float(bounds[feasible[0]]))

    def primes_from(s, count, step):
        return prime_grid(max(s, isqrt(n_inputs - 1) + 1), count, step)

    if q_in_values is not None:
        for s in code_sizes:
            scan(s, q_in_values)
    else:
        # Coarse: every s, q_in on a grid twice as wide; then fine around the best of it.
        for s in code_sizes:
            scan(s, primes_from(s, (q_in_steps + 1) // 2, ratio * ratio))
        if found["best"] is not None:
            centre = found["best"]
            for s in [v for v in code_sizes if abs(v - centre.code_size) <= 2]:
                scan(s, [p for p in primes_from(s, q_in_steps, ratio)
                         if centre.q_in / (ratio * ratio) <= p <= centre.q_in * ratio * ratio])
    if found["best"] is None:
        raise ValueError(f"no sizes within the search range (s in {min(code_sizes)}..{max(code_sizes)}, "
                         f"t in {min(output_code_sizes)}..{max(output_code_sizes)}) meet failure_prob = "
                         f"{failure_prob}")
    return found["best"]


def gate_sizes(instance: GateInstance, k: int, failure_prob: float = 1e-6, *, code_sizes=None, output_code_sizes=None,
               q_in_values=None, union: bool = False) -> OneLayerSizes:
    """Widths with the fewest neurons that meet the heuristic :func:`gate_failure_bound` (every input).

    s runs over 3..28 and t over 3..30 unless given (:func:`smallest_sizes`);
    ``union`` sizes a layer that reads the union of its input codes (:func:`gate_layer`).

    Examples
    --------
    >>> gates = q_and_instance([[0, 1, 2], [1, 2, 3], [2, 3, 4], [0, 3, 4]], 5)
    >>> gate_sizes(gates, 3, 1e-3).failure_bound <= 1e-3
    True
    """
    if not isinstance(instance, GateInstance):
        raise TypeError(f"instance must be a GateInstance, got {type(instance).__name__}")
    k = check_int(k, "k", 1, instance.n_inputs)
    slack = comb(instance.need, 2) if union else 0  # one need, or a clear error

    def terms_of(s, q_in, grid):
        return gate_bound_terms(instance, k, s, float(q_in), grid, slack)

    return smallest_sizes(instance.n_inputs, instance.n_outputs, terms_of, failure_prob,
                          code_sizes=range(3, 29) if code_sizes is None else code_sizes,
                          output_code_sizes=range(3, 31) if output_code_sizes is None else output_code_sizes,
                          q_in_values=q_in_values)
