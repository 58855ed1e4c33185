r"""An exact certificate: does ANY input with at most k active features get a wrong decision?

:func:`certify` decides, for a built AND network, every one of the
Σ_{j≤k} C(m, j) input sets at once, without running them: it searches for
the inputs that would make an output wrong and proves, when it finds none,
that there are none. It may prune; it never skips.

The outputs may also be threshold gates (:class:`superpos.gates.GateInstance`):
output ℓ has endpoints E_ℓ and need h_ℓ and is true iff |A ∩ E_ℓ| ≥ h_ℓ. A
pair (a_ℓ, b_ℓ) of an AND instance is the gate E_ℓ = {a_ℓ, b_ℓ}, h_ℓ = 2; a
permutation has one endpoint and h = 1; a q-AND has h = q. Everything below
is written for gates; for AND instances it is the same search, step by step.

The model
---------
Layer 0 is v = Σ_{i∈A} E_i (E the 0/1 input codes), a sum over the active
inputs. The certificate needs integer weights and biases, so every
pre-activation is an integer, and it reads an output neuron w as firing iff
its pre-activation z_w satisfies z_w ≥ ⌈θ − β_w⌉ =: τ_w, the *need* of w (θ
the threshold as the network stores it, in float32, and β_w the bias; z_w
integral; every |z_w| must stay below 2²⁴, where the network's float32
arithmetic is exact on integers, which is checked). Output ℓ is decoded
present iff every neuron of its code T_ℓ fires.

One layer (``"one_layer"``, W ≥ 0). Neuron w fires on A iff
Σ_{i∈A} O[i, w] ≥ τ_w with O = E Wᵀ ≥ 0, the contribution of input i to w.

Two layers (``"two_layer"``). Layer 1 must have W ≥ 0; its rows form *units*:

* a clamp pair, two rows x, y with equal weights, β_y = β_x − 1 and opposite
  columns in layer 2 (W₂[:, y] = −W₂[:, x]): with p the integral
  pre-activation of x, ReLU(p) − ReLU(p − 1) is exactly c_u = [p ≥ 1], so the
  pair adds W₂[:, x]·c_u, of either sign, to the output neurons;
* a saturating row, a plain row whose every nonzero layer-2 weight is
  positive and at least τ_w plus the most that the negative weights of w
  can take away: once on (p ≥ 1) it fires w alone, whatever else happens.

Unit u is on iff Σ_{i∈A} O₁[i, u] ≥ τ_u (O₁ = E W₁ᵀ ≥ 0, τ_u = 1 − β_x), which
is monotone in A, so u is on iff A contains one of its *minimal on-sets*
(terms); :func:`unit_terms` lists those of at most k inputs. Output neuron w
then fires iff Σ_{u on} G[w, u] ≥ τ_w, G the effective weights above.

Three layers (``"decoded"``, :mod:`superpos.decoded`): the first layer
decodes a set V of inputs exactly (checked on the network by
:func:`superpos.decoded.decoded_vertices`), so every decision depends on A
only through A ∩ V, and :func:`superpos.decoded.certify_decoded` runs every
subset of V with at most k members through the network.

Anything else is refused with a ``ValueError`` (:func:`supported_layout`).

False negatives
---------------
With non-negative effective weights (every one-layer network here, and two
layers whose clamp columns are ≥ 0) the sums only grow with A. A true input
contains some h_ℓ-subset H of E_ℓ, and every A ⊇ H fires T_ℓ if H does:
checking the C(|E_ℓ|, h_ℓ) subsets alone (the pair (a_ℓ, b_ℓ) alone for AND)
decides every true output exactly. *Proof.* O ≥ 0 (resp. c_u monotone and
G ≥ 0) gives z_w(A) ≥ z_w(H) for A ⊇ H; and H itself is an input with
h_ℓ ≤ k actives (an output with h_ℓ > k is never true). ∎ With negative
weights the certificate searches, for each H and each neuron w of T_ℓ, the
supersets of H that switch on enough negative weight to pull z_w below
τ_w, by the same search as below with the signs of G flipped.

False positives: the pruned search
----------------------------------
Fix an absent output ℓ and a partial set P of inputs (at first P = ∅) with
*residual need* r_w = τ_w − z_w(P) on T_ℓ (exact). A completion Q of at most
j more inputs makes P ∪ Q fire T_ℓ iff the newly added contributions cover r.

*Lemma.* Let C[q, w] ≥ 0 bound what input q can add to w: O[q, w] in one
layer; in two layers, the positive weight G⁺[w, u] summed over the units u
that have a term containing q. Put σ_r(q) = Σ_{w: r_w > 0} min(C[q, w], r_w)
and R = Σ_{w: r_w > 0} r_w. If Q covers r, some q ∈ Q has σ_r(q) ≥ R/|Q|.

*Proof.* Charge each newly added contribution to one member of Q that
causes it: in one layer input q's own O[q, w]; in two layers a unit that Q
switches on has a term inside P ∪ Q that meets Q, and every member of that
term has the unit in its C. The charges to q at w total at most C[q, w], and
at every w with r_w > 0 they sum to at least r_w, so clipping each at r_w keeps
the sum ≥ r_w. Summing over w, Σ_{q∈Q} σ_r(q) ≥ R, so the largest term is
≥ R/|Q|. ∎

So the search takes as next member only an input q with σ_r(q)·j ≥ R, adds
it, recomputes r exactly and recurses with j − 1 slots; it stops at the first
P with r ≤ 0 (a witness) and gives up a branch when j = 0. To visit every
set once it takes, as next member, the member of the completion with the
largest (σ_r(q), −q), so at deeper levels only inputs below it in that order
(for every earlier level's r) are candidates; every set has exactly one such
order, so nothing is skipped. An input that alone covers nothing
(σ_r(q) = 0) is never a member. A set holding h_ℓ endpoints of ℓ is a true
positive, never a witness: once P holds h_ℓ − 1 of them the others are
excluded (for AND: once one endpoint is in P the other is; for a permutation
the one endpoint always is). Every false witness has fewer than h_ℓ
endpoints, and so has every prefix of it, so nothing is lost.

Candidates come from a per-neuron index of the inputs with C[q, w] ≥ F (F,
the index floor, chosen to fit the memory budget), sorted by C. An input
missing from every column read has σ_r(q) ≤ Σ_w min(F − 1, r_w); when that
bound already reaches R/j the search reads every input instead (exact, slower).

Examples
--------
>>> from superpos.layout import naive_and_network
>>> certify(naive_and_network([[0, 1], [1, 2]], 4), [[0, 1], [1, 2]], 3).passed
True
"""

from __future__ import annotations

import mmap
import multiprocessing
import time
from dataclasses import dataclass
from functools import cached_property
from itertools import combinations
from math import ceil

import numpy as np
import scipy.sparse as sp

from superpos.gates import GateInstance
from superpos.inputs import count_input_sets
from superpos.network import Network
from superpos.numerics import is_integral
from superpos.validation import check_int
from superpos.verify import checked_instance

__all__ = ["SUPPORTED_LAYOUTS", "Certificate", "certify", "supported_layout", "unit_terms"]

#: The layouts :func:`certify` decides exactly.
SUPPORTED_LAYOUTS = ("one_layer", "two_layer", "decoded")
#: Bytes of one block of dense contributions built at a time.
_BLOCK_BYTES = 2**25
#: Children of a node whose last level is searched at once (see :func:`_search`).
_LAST_LEVEL_BATCH = 64
#: What forked workers read: the model being built or searched.
_FORKED: dict = {}


@dataclass(frozen=True)
class Certificate:
    """The verdict of :func:`certify` on every input with at most k active features.

    Examples
    --------
    >>> Certificate("one_layer", 4, 2, 2, 11, 0, 0, (), 0.01).passed
    True
    """

    layout: str  #: ``"one_layer"``, ``"two_layer"`` or ``"decoded"``
    n_inputs: int  #: m
    n_outputs: int  #: m'
    k: int  #: the most active features of an input
    n_input_sets: int  #: Σ_{j≤k} C(m, j), the inputs decided
    false_positives: int  #: outputs that some input makes fire wrongly
    false_negatives: int  #: true outputs that fail on some input holding both endpoints (h_ℓ of them for a gate)
    witnesses: tuple  #: (ℓ, A) pairs, A a sorted tuple of inputs on which output ℓ is wrong
    seconds: float  #: wall time of the certificate

    @property
    def passed(self) -> bool:
        """True iff no input with at most k actives gets a wrong decision."""
        return self.false_positives == 0 and self.false_negatives == 0


# ----------------------------------------------------------------------------- structure
def _integral_layer(weights: sp.csr_matrix, bias: np.ndarray, position: int) -> None:
    if not (is_integral(weights.data) and is_integral(bias)):
        raise ValueError(f"layer {position} has weights or biases that are not integers; the certificate needs "
                         "integral pre-activations (supported layouts: " + ", ".join(SUPPORTED_LAYOUTS) + ")")


def _needs(network: Network, bias: np.ndarray) -> np.ndarray:
    """τ_w = ⌈θ − β_w⌉: an integral pre-activation z_w fires neuron w iff z_w ≥ τ_w."""
    return np.ceil(float(np.float32(network.threshold)) - bias).astype(np.int64)


def _clamp_pairs(weights: sp.csr_matrix, bias: np.ndarray, routes: sp.csc_matrix) -> tuple[list, list]:
    """Clamp pairs (x, y) of layer 1 (equal rows, β_y = β_x − 1, opposite layer-2 columns) and the other rows."""
    groups: dict = {}
    for row in range(weights.shape[0]):
        lo, hi = weights.indptr[row], weights.indptr[row + 1]
        key = (weights.indices[lo:hi].tobytes(), weights.data[lo:hi].tobytes())
        groups.setdefault(key, []).append(row)

    def column(row):
        lo, hi = routes.indptr[row], routes.indptr[row + 1]
        return routes.indices[lo:hi], routes.data[lo:hi]

    pairs, used = [], np.zeros(weights.shape[0], bool)
    for rows in groups.values():
        if len(rows) < 2:
            continue
        rows = sorted(rows, key=lambda r: -bias[r])
        for x in rows:
            if used[x]:
                continue
            cx_index, cx_value = column(x)
            for y in rows:
                if used[y] or y == x or bias[y] != bias[x] - 1:
                    continue
                cy_index, cy_value = column(y)
                if np.array_equal(cx_index, cy_index) and np.array_equal(cx_value, -cy_value):
                    pairs.append((x, y))
                    used[x] = used[y] = True
                    break
    return pairs, [int(r) for r in np.flatnonzero(~used)]


def _analyse(network: Network):
    """The layout name and what the search needs, or ValueError naming the supported layouts."""
    if not isinstance(network, Network):
        raise TypeError(f"network must be a superpos.network.Network, got {type(network).__name__}")
    supported = "supported layouts: " + ", ".join(SUPPORTED_LAYOUTS)
    layers = network.layers
    if len(layers) == 3:
        from superpos.decoded import decoded_vertices
        try:
            return "decoded", decoded_vertices(network, 1)
        except ValueError as reason:
            raise ValueError(f"the network has 3 layers but is not of the decoded layout: {reason} "
                             f"({supported})") from None
    if len(layers) not in (1, 2):
        raise ValueError(f"the network has {len(layers)} layers; the certificate decides networks of one layer "
                         f"with W ≥ 0, two layers of clamp pairs and saturating rows, or three of the decoded "
                         f"layout ({supported})")
    first, bias = layers[0]
    _integral_layer(first, bias, 0)
    if first.nnz and first.data.min() < 0:
        raise ValueError(f"layer 0 has a negative weight; the certificate needs W ≥ 0 in the first layer, where "
                         f"the sums are monotone in the input ({supported})")
    if len(layers) == 1:
        return "one_layer", None
    routes, bias2 = layers[1]
    _integral_layer(routes, bias2, 1)
    routes_csc = routes.tocsc()
    routes_csc.sort_indices()
    pairs, plain = _clamp_pairs(first, bias, routes_csc)
    need = _needs(network, bias2)
    units = [x for x, _ in pairs] + plain
    effective = routes_csc[:, units].tocsr()  # (n2, units): W₂ column of x for a pair, of the row itself if plain
    n_pairs = len(pairs)
    negative = np.asarray((-effective[:, :n_pairs].minimum(0)).sum(axis=1)).ravel()
    if plain:
        plain_part = effective[:, n_pairs:].tocoo()
        if plain_part.nnz and plain_part.data.min() < 0:
            raise ValueError("layer 1 has a plain row (not part of a clamp pair) with a negative weight into "
                             f"layer 2; only clamp pairs may carry negative weights ({supported})")
        short = plain_part.data < need[plain_part.row] + negative[plain_part.row]
        if short.any():
            w, x = int(plain_part.row[short][0]), int(units[n_pairs + plain_part.col[short][0]])
            raise ValueError(f"layer-1 row {x} is neither a clamp pair nor saturating: its weight "
                             f"{plain_part.data[short][0]:g} into output neuron {w} is below that neuron's need "
                             f"{int(need[w])} plus its negative weights {negative[w]:g} ({supported})")
    unit_rows = np.array(units, dtype=np.int64)
    return "two_layer", (unit_rows, effective, need)


def _check_exact_range(network: Network, k: int) -> None:
    """Refuse a network whose pre-activations on k actives could leave float32's exact integers (|z| < 2²⁴).

    A layer-0 neuron holds at most k (one per active code) and a first-layer
    neuron at most k times its largest code sum (s_max times its largest
    weight); deeper layers are bounded by |W| times the bounds below.
    """
    codes = network.input_codes
    largest_code = float(np.diff(codes.indptr).max())
    below = None
    for position, (weights, bias) in enumerate(network.layers):
        magnitude = abs(weights)
        if below is None:
            row_sum = np.asarray(magnitude.sum(axis=1)).ravel()
            row_max = np.asarray(magnitude.max(axis=1).toarray()).ravel()
            bound = k * np.minimum(row_sum, largest_code * row_max) + np.abs(bias)
        else:
            bound = magnitude @ below + np.abs(bias)
        if bound.size and bound.max() >= 2**24:
            raise ValueError(f"layer {position} can reach pre-activations of {bound.max():g} on {k} active inputs, "
                             "beyond 2**24, where float32 (the network's arithmetic) stops being exact on integers")
        below = bound


def supported_layout(network: Network) -> str:
    """The layout :func:`certify` will use for ``network``, or ValueError naming the supported layouts.

    Examples
    --------
    >>> from superpos.layout import naive_and_network
    >>> supported_layout(naive_and_network([[0, 1]], 3))
    'one_layer'
    >>> identity = sp.identity(3, format="csr")
    >>> supported_layout(Network(identity, [(identity, -np.ones(3))] * 3, np.array([[0]]), 1.0))
    Traceback (most recent call last):
    ...
    ValueError: the network has 3 layers but is not of the decoded layout: layer 0 of the decoded layout (three layers: decode pairs, units, routing) must be pairs of 0/1 rows (supported layouts: one_layer, two_layer, decoded)
    """
    return _analyse(network)[0]


# ----------------------------------------------------------------------------- contributions
def _padded_codes(codes: sp.csr_matrix) -> np.ndarray:
    """The neurons of each input code as rows of an (m, s_max) array, padded with n₀ (a zero row of Wᵀ)."""
    lengths = np.diff(codes.indptr)
    padded = np.full((codes.shape[0], max(int(lengths.max()), 1)), codes.shape[1], dtype=np.int64)
    row = np.repeat(np.arange(codes.shape[0]), lengths)
    padded[row, np.arange(row.size) - codes.indptr[row]] = codes.indices
    return padded


def _dense_transpose(weights: sp.csr_matrix, budget: int, what: str) -> np.ndarray:
    """Wᵀ as a dense (n_in + 1, n_out) int array with a zero last row, in the narrowest exact integer type."""
    largest = float(weights.data.max()) if weights.nnz else 0.0
    dtype = np.uint8 if largest <= 255 else np.int32
    n_out, n_in = weights.shape
    size = (n_in + 1) * n_out * np.dtype(dtype).itemsize
    if size > budget:
        raise ValueError(f"the dense copy of {what} takes {size} bytes, more than memory_budget_bytes = {budget}")
    dense = np.zeros((n_in + 1, n_out), dtype=dtype)
    coo = weights.tocoo()
    dense[coo.col, coo.row] = coo.data.astype(dtype)
    return dense


class _Contributions:
    """O = E Wᵀ (input i's contribution to neuron w), from the padded codes and a dense Wᵀ.

    When Oᵀ fits in ``budget`` bytes it is stored dense (one row per neuron)
    and read directly; otherwise every lookup recomputes O from the codes.
    """

    def __init__(self, codes: np.ndarray, transposed: np.ndarray, budget: int = 0, n_jobs: int = 1):
        self.codes, self.transposed = codes, transposed
        largest = int(transposed.max()) * codes.shape[1] if transposed.size else 0
        self.dtype = np.uint8 if largest <= 255 else np.int16 if largest < 2**15 else np.int64
        self.dense = None
        n_inputs, n_columns = codes.shape[0], transposed.shape[1]
        size = n_inputs * n_columns * np.dtype(self.dtype).itemsize
        if size <= budget:
            # Anonymous shared memory: forked workers fill blocks of rows in place.
            dense = np.frombuffer(mmap.mmap(-1, max(size, 1)), dtype=self.dtype)[:n_columns * n_inputs]
            dense = dense.reshape(n_columns, n_inputs)
            width = max(1, _BLOCK_BYTES // (n_inputs * 8))
            blocks = [range(start, min(start + width, n_columns)) for start in range(0, n_columns, width)]
            _FORKED.update(contributions=self, dense=dense)
            try:
                if n_jobs == 1 or len(blocks) < 2:
                    for block in blocks:
                        _fill_block(block)
                else:
                    with multiprocessing.get_context("fork").Pool(n_jobs) as pool:
                        pool.map(_fill_block, blocks)
            finally:
                _FORKED.clear()
            self.dense = dense

    def rows(self, inputs: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """O[inputs][:, columns] as int64 (len(inputs), len(columns))."""
        if self.dense is not None:
            return self.dense[np.asarray(columns)[None, :], inputs[:, None]].astype(np.int64)
        gathered = self.transposed[self.codes[inputs][:, :, None], np.asarray(columns)[None, None, :]]
        return gathered.sum(axis=1, dtype=np.int64)

    def block(self, columns: np.ndarray) -> np.ndarray:
        """O[:, columns] for every input, in the narrowest safe type."""
        if self.dense is not None:
            return self.dense[columns].T
        sub = np.ascontiguousarray(self.transposed[:, columns])
        out = np.zeros((self.codes.shape[0], len(columns)), dtype=self.dtype)
        for position in range(self.codes.shape[1]):
            out += sub[self.codes[:, position]]
        return out


def _fill_block(columns: range) -> None:
    columns = np.arange(columns.start, columns.stop)
    _FORKED["dense"][columns] = _FORKED["contributions"].block(columns).T


class _ColumnIndex:
    """For each neuron w, the inputs q with C[q, w] ≥ floor, sorted by C[q, w] from the largest."""

    def __init__(self, pointers, inputs, values, floor):
        self.pointers, self.inputs, self.values, self.floor = pointers, inputs, values, int(floor)

    @classmethod
    def from_sparse(cls, matrix: sp.csc_matrix) -> "_ColumnIndex":
        """Every positive entry of a sparse C (floor 1: nothing is unknown)."""
        matrix = matrix.tocsc()
        matrix.eliminate_zeros()
        column = np.repeat(np.arange(matrix.shape[1]), np.diff(matrix.indptr))
        order = np.lexsort((-matrix.data, column))
        return cls(matrix.indptr.astype(np.int64), matrix.indices[order].astype(np.int64),
                   matrix.data[order].astype(np.int64), 1)

    @classmethod
    def from_blocks(cls, contributions: _Contributions, n_columns: int, floor: int) -> "_ColumnIndex":
        """The entries ≥ floor of O, computed a block of columns at a time."""
        m = contributions.codes.shape[0]
        width = max(1, _BLOCK_BYTES // (m * 8))
        counts, inputs, values = [], [], []
        for start in range(0, n_columns, width):
            columns = np.arange(start, min(start + width, n_columns))
            block = contributions.block(columns)
            row, col = np.nonzero(block.T >= floor)  # column-major: entries of each column together
            value = block[col, row]
            order = np.lexsort((-value.astype(np.int64), row))
            counts.append(np.bincount(row, minlength=len(columns)))
            inputs.append(col[order].astype(np.int32))
            values.append(value[order])
        pointers = np.zeros(n_columns + 1, dtype=np.int64)
        np.cumsum(np.concatenate(counts), out=pointers[1:])
        return cls(pointers, np.concatenate(inputs), np.concatenate(values), floor)

    @cached_property
    def depth_table(self) -> np.ndarray:
        """depth[w, g]: entries of column w with value ≥ g (g ≥ floor; the last column counts every value above)."""
        n_columns = len(self.pointers) - 1
        column = np.repeat(np.arange(n_columns), np.diff(self.pointers))
        top = int(self.values.max()) + 2 if self.values.size else 2
        counts = np.zeros((n_columns, top), dtype=np.int64)
        np.add.at(counts, (column, self.values.astype(np.int64)), 1)
        return np.cumsum(counts[:, ::-1], axis=1)[:, ::-1]

    def gather(self, columns: np.ndarray, depth: np.ndarray | None = None):
        """(position in ``columns``, input, value) of the indexed entries ≥ ``depth`` (≥ floor) of those columns."""
        starts = self.pointers[columns]
        if depth is None:
            lengths = self.pointers[columns + 1] - starts
        else:
            table = self.depth_table
            lengths = table[columns, np.minimum(depth, table.shape[1] - 1)]
        position = np.repeat(np.arange(len(columns)), lengths)
        flat = np.arange(int(lengths.sum())) + np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        return position, self.inputs[flat].astype(np.int64), self.values[flat].astype(np.int64)

    @property
    def nbytes(self) -> int:
        return self.pointers.nbytes + self.inputs.nbytes + self.values.nbytes


def _choose_floor(contributions: _Contributions, needs: np.ndarray, k: int, n_columns: int, budget: int) -> int:
    """The index floor: about a 1/(2(k−1)) share of a typical need, raised until a sample says it fits the budget."""
    m = contributions.codes.shape[0]
    positive = needs[needs > 0]
    typical = int(np.median(positive)) if positive.size else 1
    floor = max(1, ceil(typical / (2 * max(k - 1, 1))))
    sample = np.random.default_rng(0).choice(m, size=min(m, 256), replace=False)
    width = max(1, _BLOCK_BYTES // (len(sample) * 8))
    histogram = np.zeros(1, dtype=np.int64)
    for start in range(0, n_columns, width):
        block = contributions.rows(sample, np.arange(start, min(start + width, n_columns)))
        counts = np.bincount(block.ravel())
        histogram = np.pad(histogram, (0, max(0, counts.size - histogram.size)))
        histogram[:counts.size] += counts
    at_least = np.cumsum(histogram[::-1])[::-1] * (m / len(sample))  # entries ≥ v over all inputs
    while floor < histogram.size - 1 and at_least[floor] * 12 > budget:
        floor += 1
    return floor


# ----------------------------------------------------------------------------- the two-layer model
def unit_terms(column: np.ndarray, need: int, k: int) -> list[tuple[int, ...]]:
    """Every minimal set of at most k inputs whose contributions in ``column`` reach ``need``.

    A set A is on iff Σ_{i∈A} column[i] ≥ need (column ≥ 0); it is minimal iff
    dropping its smallest member brings the sum below ``need``. With members
    taken in decreasing order of contribution (ties by index), a prefix of
    sum S with j slots left grows only by a value ≥ ⌈(need − S)/j⌉ (the later
    members are no larger), and stops growing once S ≥ need. Only the entries
    at least as large as the smallest such bound are read, found by
    lowering a cut-off until no bound falls below it. A need ≤ 0 gives the
    empty set alone.

    Examples
    --------
    >>> sorted(unit_terms(np.array([3, 3, 1, 0, 2]), 4, 3))
    [(0, 1), (0, 2), (0, 4), (1, 2), (1, 4)]
    >>> unit_terms(np.array([5, 1]), 4, 2), unit_terms(np.array([1, 1]), 0, 2)
    ([(0,)], [()])
    """
    if need <= 0:
        return [()]
    cut = max(1, ceil(need / k))
    while True:
        chosen = np.flatnonzero(column >= cut)
        order = chosen[np.lexsort((chosen, -column[chosen]))]
        values = column[order].astype(np.int64)
        terms, lowest_asked = _grow_terms(order, values, int(need), k)
        if lowest_asked >= cut or not np.any((column >= max(lowest_asked, 1)) & (column < cut)):
            return terms
        cut = max(lowest_asked, 1)


def _grow_terms(order: np.ndarray, values: np.ndarray, need: int, k: int) -> tuple[list, int]:
    """The minimal on-sets from entries sorted by decreasing value, and the smallest value a prefix asked for.

    Prefixes grow a level at a time, all at once: a prefix of sum S whose last
    member sits at position p, with j slots left, takes each later position
    whose value is ≥ ⌈(need − S)/j⌉ (a range, since values decrease).
    """
    descending = -values
    at_least = lambda value: np.searchsorted(descending, -np.asarray(value), side="right")  # entries ≥ value
    singles = int(at_least(need))
    terms = [(int(order[p]),) for p in range(singles)]
    lowest_asked = ceil(need / k)
    start = singles
    stop = int(at_least(ceil(need / k))) if k > 1 else singles
    members = np.arange(start, stop)[:, None]
    totals = values[start:stop]
    for slots in range(k - 1, 0, -1):
        if not totals.size:
            break
        lowest = -((totals - need) // slots)  # ⌈(need − S)/slots⌉
        lowest_asked = min(lowest_asked, int(lowest.min()))
        first, last = members[:, -1] + 1, at_least(lowest)
        counts = np.maximum(last - first, 0)
        parent = np.repeat(np.arange(totals.size), counts)
        position = np.arange(int(counts.sum())) + np.repeat(first - np.cumsum(counts) + counts, counts)
        members = np.column_stack([members[parent], position])
        totals = totals[parent] + values[position]
        done = totals >= need
        terms += [tuple(int(i) for i in row) for row in order[members[done]]]
        members, totals = (members[~done], totals[~done]) if slots > 1 else (members[:0], totals[:0])
    return terms, lowest_asked


class _OneLayerModel:
    """One layer, W ≥ 0: contributions O = E Wᵀ, residual needs r = τ − Σ_{i∈P} O[i]."""

    monotone = True

    def __init__(self, network: Network, k: int, budget: int, n_jobs: int = 1):
        weights, bias = network.layers[0]
        transposed = _dense_transpose(weights, budget // 4, "the layer's Wᵀ")
        self.contributions = _Contributions(_padded_codes(network.input_codes), transposed,
                                            budget // 2 + budget // 4 - transposed.nbytes, n_jobs)
        self.needs = _needs(network, bias)
        self.n_inputs = network.n_inputs
        n_columns = weights.shape[0]
        floor = _choose_floor(self.contributions, self.needs, k, n_columns, budget // 4)
        self.index = {1: _ColumnIndex.from_blocks(self.contributions, n_columns, floor)}

    def context(self, columns: np.ndarray, sign: int):
        return None

    def contrib(self, sign, inputs, columns):
        return self.contributions.rows(inputs, columns)

    def contrib_all(self, sign, columns):
        return self.contributions.block(columns).astype(np.int64)

    def root(self, context, columns, members):
        residual = self.needs[columns].copy()
        if members:
            residual -= self.contributions.rows(np.array(members), columns).sum(axis=0)
        return residual, None

    def extend(self, context, state, members, residual, inputs, contrib):
        return residual[None, :] - contrib, [None] * len(inputs)


class _Batch:
    """Some of a node's children, renumbered from 0: ``_Batch(states, batch)[j]`` is ``states[batch[j]]``."""

    def __init__(self, states, batch):
        self.states, self.batch = states, batch

    def __getitem__(self, child):
        return self.states[int(self.batch[child])]


class _ChildStates:
    """The on units of each child of a node, formed only when the search enters that child."""

    def __init__(self, state, position, unit, n_children):
        self.state, self.unit = state, unit
        self.splits = np.searchsorted(position, np.arange(n_children + 1))

    def __getitem__(self, child):
        return np.union1d(self.state, self.unit[self.splits[child]:self.splits[child + 1]])


class _TwoLayerModel:
    """Two layers: units (clamp pairs, saturating rows) on by their minimal on-sets, routed by G."""

    def __init__(self, network: Network, k: int, budget: int, structure, progress: bool = False):
        unit_rows, effective, self.needs = structure
        self.n_inputs = network.n_inputs
        first, bias = network.layers[0]
        relevant = np.flatnonzero(np.diff(effective.tocsc().indptr) > 0)  # units that reach some output neuron
        unit_rows, effective = unit_rows[relevant], effective[:, relevant].tocsr()
        self.effective = effective
        self.monotone = not (effective.nnz and effective.data.min() < 0)
        contributions = _Contributions(_padded_codes(network.input_codes),
                                       _dense_transpose(first[unit_rows], budget // 2, "layer 1's Wᵀ"))
        unit_needs = 1 - bias[unit_rows].astype(np.int64)
        n_units, m = len(unit_rows), network.n_inputs
        width = max(1, _BLOCK_BYTES // (m * 8))
        starts = range(0, n_units, width)
        if progress:
            from tqdm.auto import tqdm
            starts = tqdm(starts, desc="unit terms", unit="block")
        term_unit, term_members = [], []
        for start in starts:
            columns = np.arange(start, min(start + width, n_units))
            block = contributions.block(columns)
            for position, unit in enumerate(columns):
                for term in unit_terms(block[:, position], int(unit_needs[unit]), k):
                    term_unit.append(unit)
                    term_members.append(term + (-1,) * (k - len(term)))
        self.term_unit = np.array(term_unit, dtype=np.int64)
        self.term_members = np.array(term_members, dtype=np.int64).reshape(len(term_unit), k)
        self.n_terms = len(term_unit)
        self.always_on = np.unique(self.term_unit[(self.term_members < 0).all(axis=1)])
        member, slot = np.nonzero(self.term_members >= 0)
        inputs = self.term_members[member, slot]
        self.input_terms = sp.csr_matrix((np.ones(member.size, np.int8), (inputs, member)), shape=(m, self.n_terms))
        sizes = (self.term_members >= 0).sum(axis=1)
        lone = np.flatnonzero(sizes == 1)
        self.single_terms = sp.csr_matrix((np.ones(lone.size, np.int8), (self.term_members[lone, 0], lone)),
                                          shape=(m, self.n_terms))
        participation = sp.csr_matrix((np.ones(member.size), (inputs, self.term_unit[member])), shape=(m, n_units))
        participation.data[:] = 1.0
        self.weights = {1: effective.maximum(0).tocsr()}
        if not self.monotone:
            self.weights[-1] = (-effective).maximum(0).tocsr()
        bound = {sign: (participation @ w.T).tocsr() for sign, w in self.weights.items()}
        self.index = {sign: _ColumnIndex.from_sparse(c) for sign, c in bound.items()}
        dense_bytes = m * effective.shape[0] * 4 * len(bound)
        # C[q, w] looked up at candidates: dense when it fits in a quarter of the budget.
        self.bound = {sign: c.toarray().astype(np.int32) if dense_bytes <= budget // 4 else c
                      for sign, c in bound.items()}

    def context(self, columns, sign):
        return sign * self.effective[columns].toarray().T.astype(np.int64)  # (units, len(columns))

    def contrib(self, sign, inputs, columns):
        bound = self.bound[sign]
        if isinstance(bound, np.ndarray):
            return bound[inputs[:, None], np.asarray(columns)[None, :]].astype(np.int64)
        return bound[inputs][:, columns].toarray().astype(np.int64)

    def contrib_all(self, sign, columns):  # the index is complete (floor 1): never needed
        return self.contrib(sign, np.arange(self.input_terms.shape[0]), columns)

    def _terms_of(self, inputs) -> np.ndarray:
        """Every term holding one of ``inputs``."""
        ptr, terms = self.input_terms.indptr, self.input_terms.indices
        return np.concatenate([terms[ptr[i]:ptr[i + 1]] for i in inputs] + [np.zeros(0, terms.dtype)])

    def _new_units(self, state, members, inputs):
        """(position in inputs, unit) of the units that adding each input to ``members`` switches on.

        A unit switched on by q has a term T ∋ q inside members ∪ {q}: either T = {q}, or T holds a
        member, so only the singleton terms of the inputs and the terms of the members are read.
        """
        n_units = self.effective.shape[1]
        order = np.argsort(inputs, kind="stable")
        ranked = inputs[order]
        singles = self.single_terms
        positions, units = [], []
        ptr = singles.indptr
        for rank, q in enumerate(ranked):
            if ptr[q + 1] > ptr[q]:
                found = singles.indices[ptr[q]:ptr[q + 1]]
                positions.append(np.full(found.size, order[rank]))
                units.append(self.term_unit[found])
        if len(members):
            terms = np.unique(self._terms_of(members))
            held = self.term_members[terms]
            outside = (held >= 0) & ~np.isin(held, members)
            single = outside.sum(axis=1) == 1
            other = held[single][outside[single]]
            where = np.minimum(np.searchsorted(ranked, other), max(ranked.size - 1, 0))
            hit = ranked[where] == other if ranked.size else np.zeros(other.size, bool)
            positions.append(order[where[hit]])
            units.append(self.term_unit[terms[single][hit]])
        if not positions:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        position, unit = np.concatenate(positions), np.concatenate(units)
        fresh = ~np.isin(unit, state)
        keys = np.unique(position[fresh] * np.int64(n_units) + unit[fresh])
        return keys // n_units, keys % n_units

    def root(self, context, columns, members):
        state = self.always_on
        residual = self.needs[columns] - context[state].sum(axis=0) if context is not None else None
        for count, member in enumerate(members):
            _, unit = self._new_units(state, np.array(members[:count]), np.array([member]))
            residual = residual - context[unit].sum(axis=0)
            state = np.union1d(state, unit)
        return residual, state

    def extend(self, context, state, members, residual, inputs, contrib):
        position, unit = self._new_units(state, np.array(members, dtype=np.int64), inputs)
        gained = np.zeros((len(inputs), context.shape[1]), dtype=np.int64)
        np.add.at(gained, position, context[unit])
        return residual[None, :] - gained, _ChildStates(state, position, unit, len(inputs))


# ----------------------------------------------------------------------------- the search
def _candidates(model, sign, columns, residual, slots):
    """Inputs q with σ_r(q)·slots ≥ R (exact σ), with their contributions C[q, columns]."""
    active = residual > 0
    r_active = residual[active]
    total = int(r_active.sum())
    index = model.index[sign]
    if slots == 1 and r_active.max() >= index.floor:
        # One member must reach r_w at every active w by itself: the indexed prefix (entries ≥ r_w)
        # of any one column with r_w ≥ floor holds every candidate; read the shortest.
        table = index.depth_table
        usable = np.flatnonzero(r_active >= index.floor)
        lengths = table[columns[active][usable], np.minimum(r_active[usable], table.shape[1] - 1)]
        best = usable[np.argmin(lengths)]
        _, inputs, _ = index.gather(columns[active][best:best + 1], r_active[best:best + 1])
        contrib = model.contrib(sign, inputs, columns)
        keep = np.all(contrib[:, active] >= r_active, axis=1)
        return inputs[keep], contrib[keep], r_active.sum() + 0 * inputs[keep]
    # Read column w down to g_w = max(floor, ⌈r_w/slots⌉): an input missing there adds < g_w at w.
    depth = np.maximum(index.floor, -(-r_active // slots))
    unknown = np.minimum(depth - 1, r_active)
    if int(unknown.sum()) * slots >= total:  # an unindexed input could qualify: read every input
        contrib = model.contrib_all(sign, columns)
        sigma = np.minimum(contrib[:, active], r_active).sum(axis=1)
        inputs = np.flatnonzero(sigma * slots >= total)
        return inputs, contrib[inputs], sigma[inputs]
    position, inputs, values = index.gather(columns[active], depth)
    if not inputs.size:
        return inputs, np.zeros((0, len(columns)), np.int64), inputs
    excess = np.minimum(values, r_active[position]) - unknown[position]
    # σ_r(q) ≤ Σ_w unknown_w + Σ_{indexed (q, w)} (min(C, r_w) − unknown_w), summed per input
    summed = np.bincount(inputs, weights=excess, minlength=model.n_inputs)
    inputs = np.flatnonzero((int(unknown.sum()) + summed) * slots >= total)
    contrib = model.contrib(sign, inputs, columns)
    sigma = np.minimum(contrib[:, active], r_active).sum(axis=1)
    keep = sigma * slots >= total
    return inputs[keep], contrib[keep], sigma[keep]


def _excluded_ends(gate, members) -> tuple:
    """The endpoints that may not join ``members``: once h − 1 endpoints are held, the others would make ℓ true."""
    if gate is None:
        return ()
    ends, need = gate
    held = sum(end in members for end in ends)
    return tuple(end for end in ends if end not in members) if held >= need - 1 else ()


def _search(model, context, sign, columns, residual, state, members, slots, gate, history):
    """A witness: a sorted tuple ⊇ members with residual ≤ 0 everywhere on ``columns``, or None.

    ``gate`` = (endpoints, h) of the output searched, or None: a set holding h of
    its endpoints is a true positive and is never formed.
    """
    if np.all(residual <= 0):
        return tuple(sorted(members))
    if slots == 0:
        return None
    inputs, contrib, sigma = _candidates(model, sign, columns, residual, slots)
    keep = np.ones(inputs.size, dtype=bool)
    for member in members:
        keep &= inputs != member
    for end in _excluded_ends(gate, members):
        keep &= inputs != end
    for earlier, earlier_sigma, earlier_input in history:
        value = np.minimum(contrib, np.maximum(earlier, 0)).sum(axis=1)
        keep &= (value < earlier_sigma) | ((value == earlier_sigma) & (inputs > earlier_input))
    inputs, contrib, sigma = inputs[keep], contrib[keep], sigma[keep]
    if not inputs.size:
        return None
    residuals, states = model.extend(context, state, members, residual, inputs, contrib)
    done = np.flatnonzero(np.all(residuals <= 0, axis=1))
    if done.size:
        return tuple(sorted(members + (int(inputs[done[0]]),)))
    if slots == 1:
        return None
    if slots == 2:
        # Children in the search's order (largest σ first), a batch at a time: a wrong output usually
        # has its witness among the first children, and the last level of all children at once can
        # hold millions of (child, candidate) rows when the network is far too small.
        order = np.argsort(-sigma, kind="stable")
        for start in range(0, order.size, _LAST_LEVEL_BATCH):
            batch = order[start:start + _LAST_LEVEL_BATCH]
            found = _last_member(model, context, sign, columns, residuals[batch], _Batch(states, batch), members,
                                 inputs[batch], gate, history + [(residual, sigma[batch], inputs[batch])])
            if found is not None:
                return found
        return None
    for i in np.argsort(-sigma, kind="stable"):
        found = _search(model, context, sign, columns, residuals[i], states[i], members + (int(inputs[i]),),
                        slots - 1, gate, history + [(residual, int(sigma[i]), int(inputs[i]))])
        if found is not None:
            return found
    return None


def _last_member(model, context, sign, columns, residuals, states, members, chosen, gate, history):
    """The search's last level for every child at once: child i holds members + (chosen[i],), residual residuals[i].

    A last member q must reach r_w by itself at every active w, so it lies in the indexed prefix
    (entries ≥ r_w) of the child's shortest such column; the bound C[q, w] ≥ r_w, the exclusions and
    the order of every earlier level (the last one's σ and input are per child) are checked for all
    (child, q) at once, and only the survivors are extended exactly.
    """
    index = model.index[sign]
    table = index.depth_table
    cells = np.where(residuals >= index.floor, table[columns[None, :], np.minimum(residuals, table.shape[1] - 1)],
                     np.iinfo(np.int64).max)
    cells = np.where(residuals > 0, cells, np.iinfo(np.int64).max)
    best = np.argmin(cells, axis=1)
    unreadable = cells[np.arange(len(chosen)), best] == np.iinfo(np.int64).max
    for i in np.flatnonzero(unreadable):  # no active column reaches the floor: the general step
        found = _search(model, context, sign, columns, residuals[i], states[i], members + (int(chosen[i]),), 1,
                        gate, history[:-1] + [(history[-1][0], int(history[-1][1][i]), int(history[-1][2][i]))])
        if found is not None:
            return found
    children = np.flatnonzero(~unreadable)
    if not children.size:
        return None
    starts = index.pointers[columns[best[children]]]
    lengths = cells[children, best[children]]
    child = np.repeat(children, lengths)
    flat = np.arange(int(lengths.sum())) + np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    candidate = index.inputs[flat].astype(np.int64)
    if not candidate.size:
        return None
    distinct, inverse = np.unique(candidate, return_inverse=True)
    contrib = model.contrib(sign, distinct, columns)[inverse]
    need = residuals[child]
    keep = np.all((contrib >= need) | (need <= 0), axis=1)
    for member in members:
        keep &= candidate != member
    keep &= candidate != chosen[child]
    if gate is not None:
        ends, need = gate
        held = sum(end in members for end in ends) + np.isin(chosen[child], ends)  # endpoints in members + chosen
        for end in ends:
            if end not in members:
                keep &= ~((held >= need - 1) & (candidate == end))
    for earlier, earlier_sigma, earlier_input in history:
        earlier = np.broadcast_to(earlier, (len(chosen), len(columns)))[child] if earlier.ndim == 1 else earlier[child]
        value = np.minimum(contrib, np.maximum(earlier, 0)).sum(axis=1)
        bar = np.broadcast_to(earlier_sigma, (len(chosen),))[child]
        after = np.broadcast_to(earlier_input, (len(chosen),))[child]
        keep &= (value < bar) | ((value == bar) & (candidate > after))
    for i in np.unique(child[keep]):
        pick = keep & (child == i)
        held = members + (int(chosen[i]),)
        last, _ = model.extend(context, states[i], held, residuals[i], candidate[pick], contrib[pick])
        done = np.flatnonzero(np.all(last <= 0, axis=1))
        if done.size:
            return tuple(sorted(held + (int(candidate[pick][done[0]]),)))
    return None


def _decide(model, codes: np.ndarray, endpoints: np.ndarray, needs: np.ndarray, k: int, output: int):
    """(false-positive witness or None, false-negative witness or None) of one output."""
    columns = codes[output]
    ends = tuple(int(end) for end in endpoints[output] if end >= 0)
    need = int(needs[output])
    context = model.context(columns, 1)
    residual, state = model.root(context, columns, ())
    positive = _search(model, context, 1, columns, residual, state, (), k, (ends, need), [])
    negative = None
    if k >= need:
        for true_set in combinations(ends, need):  # the minimal true inputs: h of the endpoints
            residual, state = model.root(context, columns, true_set)
            if np.any(residual > 0):
                negative = true_set
            elif not model.monotone and k > need:
                for position in range(len(columns)):
                    column = columns[position:position + 1]
                    flipped = model.context(column, -1)
                    negative = _search(model, flipped, -1, column, 1 - residual[position:position + 1], state,
                                       true_set, k - need, None, [])
                    if negative is not None:
                        break
            if negative is not None:
                break
    return positive, negative


def _gates_of(instance) -> tuple[np.ndarray, np.ndarray]:
    """(endpoints (m', q) padded with -1, needs (m',)) of an AND instance (need 2) or a gate instance."""
    if isinstance(instance, GateInstance):
        return instance.endpoints, instance.needs
    return instance.pairs, np.full(instance.n_outputs, 2, dtype=np.int64)


def _decide_chunk(outputs: range) -> list:
    work = _FORKED
    found = []
    for output in outputs:
        positive, negative = _decide(work["model"], work["codes"], work["endpoints"], work["needs"], work["k"], output)
        if positive is not None or negative is not None:
            found.append((output, positive, negative))
    return found


def certify(network: Network, pairs, k: int, *, max_witnesses: int = 100, progress: bool = False, n_jobs: int = 1,
            memory_budget_bytes: int = 2 * 2**30) -> Certificate:
    """Decide exactly whether any input with at most k active features gets a wrong decision.

    Parameters
    ----------
    network : Network
        A one-layer network with W ≥ 0, a two-layer network of clamp pairs
        and saturating rows, integer weights and biases, or a network of the
        decoded layout (:func:`supported_layout`).
    pairs : AndInstance, array-like (m', 2), or GateInstance
        The ANDs the network claims to compute (anything
        :func:`superpos.instance.as_and_instance` accepts), or the threshold
        gates of a :class:`superpos.gates.GateInstance` (output ℓ true iff at
        least h_ℓ of its endpoints are active: a permutation, q-AND, OR).
    k : int
        The largest number of active inputs, 1 ≤ k ≤ m.
    max_witnesses : int
        At most this many (ℓ, A) witnesses are kept (one per wrong output and kind).
    progress : bool
        Show a tqdm bar over the outputs.
    n_jobs : int
        Worker processes (forked; Linux and macOS) sharing the search's tables.
    memory_budget_bytes : int
        Bytes the dense tables (Wᵀ, the index of large contributions) may take.

    Returns
    -------
    Certificate
        Counts of outputs with a false positive and of true outputs with a
        false negative over all Σ_{j≤k} C(m, j) inputs, and witnesses.

    Examples
    --------
    >>> ends = sp.csr_matrix(np.array([[1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0]]))
    >>> eager = Network(sp.identity(4, format="csr"), [(ends, np.zeros(2))], np.array([[0], [1]]), 1.0)
    >>> result = certify(eager, [[0, 1], [2, 3]], 2)
    >>> result.passed, result.false_positives, result.witnesses   # each output fires on one endpoint alone
    (False, 2, ((0, (0,)), (1, (2,))))
    """
    started = time.perf_counter()
    layout, structure = _analyse(network)
    if layout == "decoded":
        from superpos.decoded import certify_decoded
        return certify_decoded(network, pairs, k, max_witnesses=max_witnesses, progress=progress, n_jobs=n_jobs)
    instance, k = checked_instance(network, pairs, k)
    _check_exact_range(network, k)
    max_witnesses = check_int(max_witnesses, "max_witnesses", 0)
    n_jobs = check_int(n_jobs, "n_jobs", 1)
    budget = check_int(memory_budget_bytes, "memory_budget_bytes", 1)
    if layout == "one_layer":
        model = _OneLayerModel(network, k, budget, n_jobs)
    else:
        model = _TwoLayerModel(network, k, budget, structure, progress)
    n_outputs = network.n_outputs
    chunk = max(1, min(256, n_outputs // (8 * n_jobs) or 1))
    chunks = [range(start, min(start + chunk, n_outputs)) for start in range(0, n_outputs, chunk)]
    endpoints, needs = _gates_of(instance)
    _FORKED.update(model=model, codes=network.output_codes, endpoints=endpoints, needs=needs, k=k)
    pool = None
    try:
        if n_jobs == 1 or len(chunks) < 2:
            results = map(_decide_chunk, chunks)
        else:
            pool = multiprocessing.get_context("fork").Pool(n_jobs)
            results = pool.imap(_decide_chunk, chunks)
        if progress:
            from tqdm.auto import tqdm
            results = tqdm(results, total=len(chunks), desc="certify", unit="chunk")
        found = [item for part in results for item in part]
    finally:
        if pool is not None:
            pool.close()
            pool.join()
        _FORKED.clear()
    witnesses = [(output, witness) for output, positive, negative in found
                 for witness in (positive, negative) if witness is not None]
    return Certificate(layout=layout, n_inputs=network.n_inputs, n_outputs=n_outputs, k=k,
                       n_input_sets=count_input_sets(network.n_inputs, k),
                       false_positives=sum(positive is not None for _, positive, _ in found),
                       false_negatives=sum(negative is not None for _, _, negative in found),
                       witnesses=tuple(witnesses[:max_witnesses]), seconds=time.perf_counter() - started)
