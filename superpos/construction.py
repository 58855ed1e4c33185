"""Pairwise AND in superposition: a network anyone can build, run and check.

The task: m input features, m' chosen pairs ℓ = (a_ℓ, b_ℓ), and inputs that
are sets A of at most k active features. Output ℓ must be present exactly when
both of its endpoints are in A. The network holds its inputs and its outputs
in superposition, in fixed sparse binary codes, with far fewer neurons than m'.

Three channels
--------------
* **Input channel (fixed).** Feature i owns a code S_i of s neurons out of
  n_in = s·q_in: the points of a line over the field GF(q_in), one point per
  row, ``S_i = {x·q_in + (β_i + α_i x) mod q_in : x = 0..s-1}``. Two distinct
  lines meet in at most one point, so two input codes share at most one neuron
  (a bounded-overlap code, the random cousin of Kautz & Singleton's
  superimposed codes). Which line a feature gets is a seeded random choice.
* **Output channel (fixed).** Output ℓ owns a code T_ℓ of t neurons of the
  last layer, again a line over GF(q_out) in t rows of q_out neurons, so two
  output codes share at most one neuron. Output ℓ is read as present iff every
  neuron of T_ℓ is ≥ 1.
* **Compute channel (depends on the pairs).** What lies between is the
  network's own business. Two layouts are built:

  - *one layer*: the output neurons compute. Neuron w serves the outputs
    O_w = {ℓ : w ∈ T_ℓ}; with R_w their endpoints and U_w = ∪_{i∈R_w} S_i,
    its weights are 1 on U_w and its bias is -(2s-1). This is the layout when
    no input is heavy (see below);
  - *three channels*: a compute layer where outputs with two light endpoints
    get t_c neurons in a shared pool, mixed at random, and outputs with a heavy
    endpoint h get t_c neurons in a block of their own, gated on h; every
    compute neuron is clamped to exactly 0 or 1 by a pair of ReLUs, and the
    output layer routes: neuron w fires iff at least t_c of the compute neurons
    of the outputs it serves are on.

Both encoder and decoder are functions of (m, m', widths, k, seed) only (see
:func:`input_code_book` and :func:`output_code_book`); only the weights depend
on the pairs. A decoder that depended on the pairs could smuggle in the very
information the counting lower bound charges for.

No false negatives (both layouts, deterministically)
---------------------------------------------------
Write v = Σ_{i∈A} 1_{S_i} for the input layer (integers ≥ 0). If ℓ = (a, b)
is true, then for every w ∈ T_ℓ both a and b are in R_w, so
Σ_{j∈U_w} v_j ≥ |S_a ∪ S_b| + |S_a ∩ S_b| = 2s (the shared neuron, if any,
holds 2), hence W v + b ≥ 1 at every neuron of T_ℓ. The three-channel layout
argues the same way at each stage (see :func:`build_three_channel_and_network`).

False positives (the sizing)
----------------------------
Fix an input A and an absent output ℓ with an active endpoint a. A neuron
w ∈ T_ℓ fires iff the other active inputs Y = A ∖ {a} put at least s into
U_w. That happens if some y ∈ Y is itself in R_w (w serves an output of y:
probability at most d_y / q_out, d_y the influence of y, because each output
of y has exactly one neuron in w's row) or if the codes of Y cover s neurons
of U_w. U_w is a union of |R_w| ≈ 2m'/q_out lines, which covers a fraction
f = 1 - (1 - 1/q_in)^{|R_w|} of every row, and the s points of a line S_y lie
in distinct rows, so |S_y ∩ U_w| is close to Binomial(s, f). Hence

    p₁ ≤ Σ_{y∈Y} d_y / q_out + P[Binomial((k-1)s, f) ≥ s].

The t neurons of T_ℓ lie in distinct rows with different served sets, and we
treat them as independent, so ℓ fires falsely with probability about p₁^t.
Outputs without an active endpoint need 2s from A:
p₂ ≤ C(k,2)(d/q_out)² + k (d/q_out) P[Bin((k-1)s, f) ≥ s] + P[Bin(ks, f) ≥ 2s].
A union over the at most Σ_{a∈A} d_a outputs of the first kind and the m' of
the second gives, for every fixed input A,

    P[A gets a wrong decision] ≤ D_k p₁^t + m' p₂^t,

where D_k is the sum of the k largest influences (``guarantee="per_input"``).

Such a bound for a fixed input does not hold against an adversary who picks
the input after seeing the network: among m features it can find the rare
other actives whose lines pass through points of S_a and S_b (each line meets
each of them at most once, so they raise the shared term c to 2(k-1) at all
t neurons of T_ℓ at once) or whose codes happen to cover U_w. The default,
``guarantee="every_input"``, therefore adds the same events up over every
input with at most k actives: 2m' Σ_{j<k} C(m-2, j) events (absent output,
its active endpoint, the other actives Y) and m' Σ_{j≤k} C(m-2, j) without an
active endpoint. Their probabilities depend on Y only through its influence
sum D = Σ_y d_y (in p₁, Σ d_y / q_out becomes D / q_out), so the events are
grouped by D (:func:`spoiler_counts`, from the histogram of influences):

    P[some input gets a wrong decision] ≤ Σ_D N₁(D) p₁(D)^t + Σ_D N₂(D) p₂(D)^t  ≤  failure_prob.

What holds, then: no false negatives for every input, deterministically; and
with probability ≥ 1 - failure_prob over the seeded codes, no false positive
on any input (or, per input, on that input), where the bound treats the t
rows of an output code as independent given c (checked by the verification
runs, not proved). :func:`one_layer_sizes` picks s, t, q_in, q_out that meet
the bound with the fewest neurons s·q_in + t·q_out. Since f must stay a
constant below 1/4, q_in·q_out = Θ(m'), and s·t = Θ(log(N/failure_prob))
with N = m' for one input and N ≈ m'·m^k for every input, which gives
n = Θ(√(m'·s·t)) = Θ(√(m'·k log m)) neurons and at most 2m'·s·t = O(m' log² m')
weights, all equal to 1.

Heavy inputs
------------
The term d_y/q_out says an input y of large influence is in nearly every R_w
and spoils outputs it is not part of. The one-layer sizing pays for it with
q_out ≳ (k-1)·d_max, which stays O(√m') for a clique on √(2m') features, and
costs nothing for a star (its centre is in every output, so it never spoils
one). For hubs of influence Θ(m') the three-channel layout
(:func:`build_three_channel_and_network`) gives each heavy input a block of
compute units of its own, where its outputs take lines over GF(q_h) so that
two of them share at most one unit, and routes the clamped units to the fixed
output codes. It has no false negatives for any input and its own failure
bound (:func:`three_channel_failure_bound`). :func:`build_and_network` sizes
both layouts for the same guarantee and builds the one with fewer neurons
(:func:`choose_layout`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from math import comb, factorial, isqrt

import numpy as np
import scipy.sparse as sp
from scipy.special import bdtr, bdtrc

from superpos.families import FAMILIES, default_n_inputs, make_pairs
from superpos.instance import AndInstance
from superpos.network import Network
from superpos.validation import check_int

__all__ = [
    "build_and_network",
    "choose_layout",
    "LAYOUTS",
    "construction_neurons_curve",
    "LineCodeSizes",
    "OneLayerSizes",
    "build_one_layer_and_network",
    "build_three_channel_and_network",
    "ThreeChannelSizes",
    "three_channel_failure_bound",
    "three_channel_sizes",
    "input_code_book",
    "is_prime",
    "line_code_book",
    "naive_and_network",
    "next_prime",
    "one_layer_failure_bound",
    "one_layer_sizes",
    "SpoilerCounts",
    "spoiler_counts",
    "output_code_book",
    "PhaseTransition",
    "phase_transition",
    "verify_families",
]


# --------------------------------------------------------------------------- checks


def _check_prob(value, name: str) -> float:
    value = float(value)
    if not 0.0 < value < 1.0:
        raise ValueError(f"{name} must be a probability strictly between 0 and 1, got {value}")
    return value


def _check_k(k, n_inputs: int) -> int:
    k = check_int(k, "k", 1)
    if k > n_inputs:
        raise ValueError(f"k must be at most n_inputs = {n_inputs}, got k = {k}")
    return k


# --------------------------------------------------------------------------- line codes


def is_prime(n: int) -> bool:
    """Return True iff the integer n is a prime (trial division; n < 10¹²)."""
    n = int(n)
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    return all(n % d for d in range(3, isqrt(n) + 1, 2))


@lru_cache(maxsize=None)
def next_prime(n: int) -> int:
    """Return the smallest prime ≥ n."""
    n = max(2, int(n))
    while not is_prime(n):
        n += 1
    return n


@dataclass(frozen=True)
class LineCodeSizes:
    """Shape of a line code: ``rows`` neurons per code, rows of ``q`` neurons."""

    rows: int
    q: int

    @property
    def n_neurons(self) -> int:
        return self.rows * self.q


def _line_sizes(n_items: int, n_neurons: int, code_size: int, what: str) -> LineCodeSizes:
    n_items = check_int(n_items, f"n_{what}", 1)
    n_neurons = check_int(n_neurons, f"n_{what}_neurons", 1)
    code_size = check_int(code_size, f"{what} code_size", 1)
    q, rest = divmod(n_neurons, code_size)
    if rest or not is_prime(q) or q < code_size:
        raise ValueError(
            f"n_{what}_neurons must be code_size * q with q a prime >= code_size "
            f"(lines over GF(q)); got n_{what}_neurons = {n_neurons}, code_size = {code_size}; "
            f"the nearest valid width is {code_size * next_prime(max(q, code_size))}")
    if q * q < n_items:
        raise ValueError(
            f"{n_items} {what} codes need q*q >= {n_items} distinct lines, but q = {q}; "
            f"use n_{what}_neurons >= {code_size * next_prime(max(isqrt(n_items - 1) + 1, code_size))}")
    return LineCodeSizes(code_size, q)


def line_code_book(n_items: int, sizes: LineCodeSizes, seed: int) -> np.ndarray:
    """Return the codes of ``n_items`` items as lines over GF(q).

    Item j gets a distinct line (α_j, β_j), chosen by a seeded draw of
    ``n_items`` of the q² lines without replacement; its code holds, in every
    row x = 0..rows-1, the neuron ``x·q + (β_j + α_j x) mod q``. Two distinct
    lines agree in at most one x, so two codes share at most one neuron.

    Returns
    -------
    numpy.ndarray of int64, shape (n_items, rows), sorted along each row.
    """
    rng = np.random.default_rng(seed)
    slots = rng.choice(sizes.q * sizes.q, size=n_items, replace=False)
    alpha, beta = np.divmod(slots.astype(np.int64), sizes.q)
    x = np.arange(sizes.rows, dtype=np.int64)
    return x * sizes.q + (beta[:, None] + alpha[:, None] * x) % sizes.q


def _codes_matrix(codes: np.ndarray, n_neurons: int) -> sp.csr_matrix:
    n_items, size = codes.shape
    indptr = np.arange(0, n_items * size + 1, size, dtype=np.int64)
    return sp.csr_matrix((np.ones(n_items * size, dtype=np.float32), codes.ravel(), indptr),
                         shape=(n_items, n_neurons))


def input_code_book(n_inputs: int, n_neurons: int, code_size: int, seed: int = 0) -> sp.csr_matrix:
    """Return the fixed input codes: an (m, n_in) 0/1 csr matrix, one line per feature.

    A function of (m, n_in, s, seed) only, never of the pairs.
    ``n_neurons`` must be ``code_size * q`` with q a prime ≥ code_size and
    q² ≥ m (see :func:`line_code_book`).
    """
    sizes = _line_sizes(n_inputs, n_neurons, code_size, "inputs")
    return _codes_matrix(line_code_book(n_inputs, sizes, _child_seed(seed, 0)), n_neurons)


def output_code_book(n_outputs: int, n_neurons: int, code_size: int, seed: int = 0) -> np.ndarray:
    """Return the fixed output codes: an (m', t) int array of last-layer neurons.

    A function of (m', n_out, t, seed) only, never of the pairs.
    """
    sizes = _line_sizes(n_outputs, n_neurons, code_size, "outputs")
    return line_code_book(n_outputs, sizes, _child_seed(seed, 1))


def _child_seed(seed, stream: int) -> int:
    seed = check_int(seed, "seed", 0)
    return int(np.random.SeedSequence([seed, stream]).generate_state(1)[0])


# --------------------------------------------------------------------------- one layer: sizing


@dataclass(frozen=True)
class OneLayerSizes:
    """Sizes of the one-layer construction and its failure bound."""

    code_size: int  #: s, neurons per input code
    q_in: int  #: prime; the input layer has s·q_in neurons
    output_code_size: int  #: t, neurons per output code
    q_out: int  #: prime; the output layer has t·q_out neurons
    failure_bound: float  #: bound on P[a wrong decision] (one fixed input, or any input, per the guarantee)

    @property
    def n_input_neurons(self) -> int:
        return self.code_size * self.q_in

    @property
    def n_output_neurons(self) -> int:
        return self.output_code_size * self.q_out

    @property
    def n_neurons(self) -> int:
        return self.n_input_neurons + self.n_output_neurons


def _influence_profile(pairs: np.ndarray, n_inputs: int, k: int) -> tuple[float, float, float]:
    """Return (D_k, D_spoil, d_spoil): the sum of the k largest influences, and
    the sum of the k-1 largest and the largest influence among inputs that can
    spoil an output (inputs outside some pair; a star's centre is in all)."""
    d = AndInstance(pairs, n_inputs).influence
    top = np.sort(d)[::-1]
    d_k = float(top[:k].sum())
    spoilers = np.sort(d[d < len(pairs)])[::-1]
    d_spoil = float(spoilers[: max(k - 1, 0)].sum()) if len(spoilers) else 0.0
    return d_k, d_spoil, float(spoilers[0]) if len(spoilers) else 0.0


@dataclass(frozen=True)
class SpoilerCounts:
    """The events a failure bound adds up, grouped by the influence of the actives that can spoil.

    A false positive of an absent output ℓ is helped by active inputs y that
    are endpoints of other outputs sharing ℓ's neurons, with probability
    growing with D = Σ_y d_y. ``first_counts[i]`` events have an active endpoint
    of ℓ and other actives with D ≤ ``first_sums[i]``; ``second_counts[i]``
    events have no active endpoint and actives with D ≤ ``second_sums[i]``.
    """

    first_sums: np.ndarray
    first_counts: np.ndarray
    second_sums: np.ndarray
    second_counts: np.ndarray


def _sum_edges(largest: float, first: int = 12, step: float = 1.2) -> np.ndarray:
    """Bin edges for influence sums: every integer to ``first``, then steps of ``step``."""
    # Sums of values already rounded up to an edge can pass `largest` by a step; cover that too.
    steps = first * step ** np.arange(int(np.ceil(np.log(max(largest, first) / first) / np.log(step))) + 3)
    return np.unique(np.concatenate([np.arange(first + 1.0), np.ceil(steps)]))


def _rebin(sums: np.ndarray, counts: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Move every sum up to the next edge (the bound grows with D, so this only loosens it)."""
    index = np.searchsorted(edges, sums, side="left")
    binned = np.bincount(index, weights=counts, minlength=edges.size)
    keep = binned > 0
    return edges[keep], binned[keep]


def spoiler_counts(pairs, n_inputs: int, k: int, guarantee: str = "every_input") -> SpoilerCounts:
    """Count the events of the one-layer failure bound by the influence of the spoiling actives.

    ``"per_input"``, one fixed input A: at most D_k absent outputs with an
    active endpoint, whose other actives carry at most D_spoil (the k-1
    largest spoiler influences), and m' without, whose actives carry at most
    k·d_spoil. ``"every_input"``, every input with at most k actives: for the
    first kind 2m' times the number of sets Y of j < k spoilers with influence
    sum D, for the second m' times the number of sets of j ≤ k. A spoiler is an
    input outside some pair (a star's centre is in every pair, so it never helps
    a false positive and counts with influence 0). The sets are counted from the
    histogram of influences, convolved j times in bins that round sums up (so
    the counts can only overstate the bound), and divided by j! (ordered
    tuples, repeats included, over-count sets).
    """
    pairs = AndInstance(pairs, n_inputs).pairs
    guarantee = _check_guarantee(guarantee)
    n_outputs = len(pairs)
    if guarantee == "per_input":
        d_k, d_spoil, d_max = _influence_profile(pairs, n_inputs, k)
        return SpoilerCounts(np.array([d_spoil]), np.array([d_k]), np.array([k * d_max]), np.array([float(n_outputs)]))
    degrees = AndInstance(pairs, n_inputs).influence.astype(float)
    degrees[degrees >= n_outputs] = 0.0
    edges = _sum_edges(k * max(degrees.max(), 1.0))
    single_sums, single_counts = _rebin(degrees, np.ones_like(degrees), edges)
    by_size = [(np.zeros(1), np.ones(1))]
    for j in range(1, k + 1):
        sums, counts = by_size[-1]
        by_size.append(_rebin((sums[:, None] + single_sums[None, :]).ravel(),
                              (counts[:, None] * single_counts[None, :]).ravel(), edges))
    sets = [(sums, counts / factorial(j)) for j, (sums, counts) in enumerate(by_size)]

    def combine(parts, scale):
        sums = np.concatenate([p[0] for p in parts])
        counts = np.concatenate([p[1] for p in parts])
        return _rebin(sums, counts * scale, edges)

    return SpoilerCounts(*combine(sets[:k], 2.0 * n_outputs), *combine(sets, float(n_outputs)))


def one_layer_failure_bound(n_outputs: int, k: int, code_size: int, q_in: int, output_code_size: int,
                            q_out, spoilers: SpoilerCounts) -> np.ndarray:
    """Bound on the probability of a wrong decision: for one fixed input, or for any input at all.

    ``spoilers`` (:func:`spoiler_counts`) says which: the events of one fixed
    input (``guarantee="per_input"``), or of every input with at most k
    actives (``"every_input"``), grouped by the influence sum D of the actives
    that can spoil.

    Implements D_k p₁^t + m' p₂^t from the module docstring, with the one
    correlated term made explicit: the codes of ℓ's own endpoints, S_a ∪ S_b,
    lie inside every U_w of w ∈ T_ℓ, so whatever the other active inputs put
    there, c = Σ_y |S_y ∩ (S_a ∪ S_b)|, is added at all t neurons at once.
    Lines meet in at most one point, so c ≤ 2(k-1), and c is close to
    Binomial(2s(k-1), 1/q_in). Conditioned on c the t neurons are treated as
    independent:

        P₁(D) = Σ_c P[C = c] · (D/q_out + P[Bin((k-1)s, f) ≥ s - c])^t,
        P₂(D) = Σ_c P[C' = c] · ((D/q_out)²/2 + (D/q_out) P[Bin((k-1)s, f) ≥ s - c]
                                 + P[Bin(ks, f) ≥ 2s - c])^t,

    with D the influence sum of the actives that can spoil (an active y is in
    R_w with probability at most d_y/q_out, two with at most
    Σ_{i<j} d_i d_j / q_out² ≤ D²/(2 q_out²)), f = 1 - (1 - 1/q_in)^{2m'/q_out}
    and C' ~ Binomial(2sk, 1/q_in), c ≤ 2k. The bound is
    Σ_D N₁(D) P₁(D) + Σ_D N₂(D) P₂(D). Vectorised over ``q_out``.
    """
    q_out = np.asarray(q_out, float)
    terms = _bound_terms(n_outputs, k, int(code_size), float(q_in), np.atleast_1d(q_out), spoilers)
    return _bound_from_terms(terms, int(output_code_size), spoilers).reshape(q_out.shape)


def _binom_sf(threshold, n, p):
    """P[Binomial(n, p) > threshold], 1 for a negative threshold (scipy.special, vectorised)."""
    threshold = np.asarray(threshold, float)
    # A sum of n Bernoulli terms never exceeds n (bdtrc is undefined there).
    inside = bdtrc(np.clip(threshold, 0, max(n - 1, 0)), max(n, 1), p)
    return np.where(threshold < 0, 1.0, np.where(threshold >= n, 0.0, inside))


def _shared_weights(n_common: int, c_max: int, q_in: float) -> tuple[np.ndarray, np.ndarray]:
    """Values c = 0..c_max of Binomial(n_common, 1/q_in) and their probabilities; the last collects the tail."""
    c = np.arange(c_max + 1)
    weight = np.diff(bdtr(c.astype(float), n_common, 1.0 / q_in), prepend=0.0)
    weight[-1] = _binom_sf(c_max - 1, n_common, 1.0 / q_in)
    return c, weight


def _bound_terms(n_outputs, k, s, q_in, q_out, spoilers: SpoilerCounts):
    """The weights and bases of the bound, which do not depend on t.

    Returns (w₁, B₁, w₂, B₂) with w of shape (C,) and B of shape
    (len(q_out), len(sums), C): the bound is
    Σ_D N₁(D) Σ_c w₁[c] B₁[:, D, c]^t + Σ_D N₂(D) Σ_c w₂[c] B₂[:, D, c]^t.
    """
    f = -np.expm1(2.0 * n_outputs / q_out * np.log1p(-1.0 / q_in))[:, None, None]
    member = spoilers.first_sums[None, :, None] / q_out[:, None, None]
    d_rate = spoilers.second_sums[None, :, None] / q_out[:, None, None]

    # c = what the other actives put on ℓ's own endpoint codes (:func:`_shared_weights`).
    c1, w1 = _shared_weights(2 * s * (k - 1), min(s, 2 * (k - 1)), q_in)
    tail1 = _binom_sf(s - c1 - 1, (k - 1) * s, f)
    base1 = np.minimum(1.0, member + tail1)
    c2, w2 = _shared_weights(2 * s * k, min(2 * s, 2 * k), q_in)
    tail21 = _binom_sf(s - c2 - 1, (k - 1) * s, f)
    tail22 = _binom_sf(2 * s - c2 - 1, k * s, f)
    base2 = np.minimum(1.0, d_rate ** 2 / 2 + d_rate * tail21 + tail22)
    return w1, base1, w2, base2


def _bound_from_terms(terms, t, spoilers: SpoilerCounts, rows=slice(None)):
    w1, base1, w2, base2 = terms
    return (((base1[rows] ** t) @ w1) @ spoilers.first_counts
            + ((base2[rows] ** t) @ w2) @ spoilers.second_counts)


def _first_feasible(terms, t, spoilers: SpoilerCounts, failure_prob: float) -> tuple[int, float] | None:
    """Index of the narrowest q_out on the grid whose bound is ≤ failure_prob, and that bound.

    The bound falls as q_out grows (fewer outputs per neuron: less membership
    and less cover), so bisect instead of evaluating the whole grid.
    """
    n_grid = terms[1].shape[0]
    last = float(_bound_from_terms(terms, t, spoilers, [n_grid - 1])[0])
    if not last <= failure_prob:
        return None
    low, high, value = -1, n_grid - 1, last  # bound(high) ≤ failure_prob < bound(low)
    while high - low > 1:
        middle = (low + high) // 2
        bound = float(_bound_from_terms(terms, t, spoilers, [middle])[0])
        if bound <= failure_prob:
            high, value = middle, bound
        else:
            low = middle
    return high, value


GUARANTEES = ("every_input", "per_input")


def _check_guarantee(guarantee) -> str:
    if guarantee not in GUARANTEES:
        raise ValueError(f"guarantee must be one of {GUARANTEES}, got {guarantee!r}")
    return guarantee


def _union_counts(guarantee: str, n_inputs: int, n_outputs: int, k: int, d_k: float) -> tuple[float, float]:
    """How many (output, input) events the bound adds up: (N₁, N₂) multiplying P₁ and P₂.

    ``"per_input"``: one fixed input A, so N₁ = D_k outputs with an active
    endpoint and N₂ = m' without. ``"every_input"``: every input with at most k
    actives at once, so N₁ = 2m' Σ_{j<k} C(m-2, j) (an output, which endpoint is
    active, and the other actives) and N₂ = m' Σ_{j≤k} C(m-2, j).
    """
    if guarantee == "per_input":
        return float(d_k), float(n_outputs)
    others = [float(comb(max(n_inputs - 2, 0), j)) for j in range(k + 1)]
    return 2.0 * n_outputs * sum(others[:k]), float(n_outputs) * sum(others)


def _primes_from(start: int, count: int, ratio: float) -> list[int]:
    """Primes on a geometric grid: next_prime(start·ratio^j), j = 0..count-1."""
    out = []
    for j in range(count):
        p = next_prime(int(np.ceil(start * ratio ** j)))
        if not out or p != out[-1]:
            out.append(p)
    return out


def one_layer_sizes(pairs, n_inputs: int, k: int, failure_prob: float = 1e-6, *,
                    code_size: int | None = None, output_code_size: int | None = None,
                    guarantee: str = "every_input") -> OneLayerSizes:
    """Choose s, t, q_in, q_out for the one-layer construction.

    Minimises the neurons s·q_in + t·q_out subject to
    :func:`one_layer_failure_bound` ≤ ``failure_prob`` (for ``guarantee``:
    every input at once by default, or one fixed input) and to the line codes
    existing (q_in prime ≥ s with q_in² ≥ m, q_out prime ≥ t with q_out² ≥ m').
    The search runs over s in 3..20, t in 3..24 (or the values given), q_in on a
    geometric grid of primes, and the least feasible q_out over a grid of primes.
    """
    pairs = AndInstance(pairs, n_inputs).pairs
    k = _check_k(k, n_inputs)
    failure_prob = _check_prob(failure_prob, "failure_prob")
    guarantee = _check_guarantee(guarantee)
    n_outputs = len(pairs)
    spoilers = spoiler_counts(pairs, n_inputs, k, guarantee)
    s_values = [code_size] if code_size is not None else list(range(3, 21))
    t_values = [output_code_size] if output_code_size is not None else list(range(3, 25))
    best = None
    q_out_grid = np.array(_primes_from(max(max(t_values), isqrt(n_outputs - 1) + 1), 72, 1.12), float)
    for s in s_values:
        for q_in in _primes_from(max(s, isqrt(n_inputs - 1) + 1), 24, 1.12):
            if best is not None and s * q_in + min(t_values) * q_out_grid[0] >= best.n_neurons:
                continue  # the input channel alone is already too wide
            terms = _bound_terms(n_outputs, k, s, float(q_in), q_out_grid, spoilers)
            for t in t_values:
                found = _first_feasible(terms, t, spoilers, failure_prob)
                if found is None:
                    continue
                n = s * q_in + t * int(q_out_grid[found[0]])
                if best is None or n < best.n_neurons:
                    best = OneLayerSizes(s, q_in, t, int(q_out_grid[found[0]]), found[1])
    if best is None:
        raise ValueError(f"no one-layer sizes within the search range meet failure_prob = {failure_prob}")
    return best


# --------------------------------------------------------------------------- one layer: build


def _endpoint_matrix(pairs: np.ndarray, output_codes: np.ndarray, n_rows: int, n_inputs: int) -> sp.csr_matrix:
    """0/1 matrix E (n_rows × m): E[w, i] = 1 iff input i is an endpoint of an output whose code holds w."""
    t = output_codes.shape[1]
    rows = np.concatenate([output_codes.ravel(), output_codes.ravel()])
    cols = np.concatenate([np.repeat(pairs[:, 0], t), np.repeat(pairs[:, 1], t)])
    matrix = sp.csr_matrix((np.ones(rows.size, dtype=np.float32), (rows, cols)), shape=(n_rows, n_inputs))
    matrix.data[:] = 1.0
    return matrix


def _binarise(matrix: sp.csr_matrix) -> sp.csr_matrix:
    matrix = matrix.tocsr()
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def build_one_layer_and_network(pairs, n_inputs: int, k: int, seed: int = 0, *, failure_prob: float = 1e-6,
                                code_size: int | None = None, output_code_size: int | None = None,
                                n_input_neurons: int | None = None,
                                n_output_neurons: int | None = None, enforce_bound: bool = True,
                                guarantee: str = "every_input") -> Network:
    """Build the one-layer AND network: the output neurons compute.

    Output neuron w reads the union U_w of the input codes of the endpoints of
    every output it serves, with weight 1, and has bias -(2s-1): it fires iff
    the input puts at least 2s into U_w. All weights are 1 and there is one
    bias value, so every parameter takes one bit.

    Parameters
    ----------
    pairs : array-like (m', 2) of int
        The pairs; checked by :class:`superpos.instance.AndInstance`.
    n_inputs : int
        m, the number of input features.
    k : int
        The largest number of active inputs the guarantee covers.
    seed : int
        Seed of the input and output code books.
    failure_prob : float
        Target bound on the probability, over the seeded codes, of a wrong
        decision: on any input with at most k actives (``guarantee=
        "every_input"``), or on one fixed input (``"per_input"``).
    code_size, output_code_size : int, optional
        s and t; chosen by :func:`one_layer_sizes` when omitted.
    n_input_neurons, n_output_neurons : int, optional
        Widths s·q_in and t·q_out (q prime). Given widths (with s and t) must
        still meet ``failure_prob`` by :func:`one_layer_failure_bound`,
        otherwise ValueError.
    enforce_bound : bool
        False lets given widths void the guarantee (to study the phase
        transition); false negatives stay impossible.
    guarantee : {"every_input", "per_input"}
        What ``failure_prob`` bounds. A per-input bound is beaten by an
        adversary who searches the m features for the other actives of one
        target; the every-input bound is a union over all of them, so no
        choice of input can beat it.

    Returns
    -------
    Network
        Layer 0 of s·q_in neurons, one layer of t·q_out neurons, threshold 1.
    """
    pairs = AndInstance(pairs, n_inputs).pairs
    k = _check_k(k, n_inputs)
    failure_prob = _check_prob(failure_prob, "failure_prob")
    sizes = _one_layer_chosen_sizes(pairs, n_inputs, k, failure_prob, code_size, output_code_size,
                                    n_input_neurons, n_output_neurons, enforce_bound, _check_guarantee(guarantee))
    s, t = sizes.code_size, sizes.output_code_size
    input_codes = input_code_book(n_inputs, sizes.n_input_neurons, s, seed)
    output_codes = output_code_book(len(pairs), sizes.n_output_neurons, t, seed)
    endpoints = _endpoint_matrix(pairs, output_codes, sizes.n_output_neurons, n_inputs)
    weights = _binarise(endpoints @ input_codes)
    bias = np.full(sizes.n_output_neurons, -(2.0 * s - 1.0))
    return Network(input_codes, [(weights, bias)], output_codes, 1.0,
                   name=f"one-layer AND (s={s}, t={t}, {guarantee.replace('_', '-')} bound={sizes.failure_bound:.2g})")


def _one_layer_chosen_sizes(pairs, n_inputs, k, failure_prob, code_size, output_code_size,
                            n_input_neurons, n_output_neurons, enforce_bound, guarantee) -> OneLayerSizes:
    """Sizes from the arguments: searched when widths are omitted, checked when given."""
    if n_input_neurons is None and n_output_neurons is None:
        return one_layer_sizes(pairs, n_inputs, k, failure_prob, code_size=code_size,
                               output_code_size=output_code_size, guarantee=guarantee)
    if None in (n_input_neurons, n_output_neurons, code_size, output_code_size):
        raise ValueError("give all four of code_size, output_code_size, n_input_neurons and "
                         "n_output_neurons to fix the widths, or none of the widths")
    ins = _line_sizes(n_inputs, n_input_neurons, code_size, "input")
    outs = _line_sizes(len(pairs), n_output_neurons, output_code_size, "output")
    bound = float(one_layer_failure_bound(len(pairs), k, ins.rows, ins.q, outs.rows, outs.q,
                                          spoiler_counts(pairs, n_inputs, k, guarantee)))
    if enforce_bound and bound > failure_prob:
        raise ValueError(
            f"widths too small for the guarantee: with s = {ins.rows}, q_in = {ins.q}, t = {outs.rows}, "
            f"q_out = {outs.q} the failure bound is {bound:.3g} > failure_prob = {failure_prob:.3g}; "
            f"use larger widths, or enforce_bound=False to accept the risk")
    return OneLayerSizes(ins.rows, ins.q, outs.rows, outs.q, bound)


# --------------------------------------------------------------------------- naive baseline


def naive_and_network(pairs, n_inputs: int) -> Network:
    """One neuron per AND: input layer = one neuron per input, neuron ℓ = ReLU(x_a + x_b - 1).

    m + m' neurons and 3m' parameters; nothing is in superposition. The
    baseline every construction is measured against.
    """
    pairs = AndInstance(pairs, n_inputs).pairs
    n_outputs = len(pairs)
    input_codes = sp.identity(n_inputs, dtype=np.float32, format="csr")
    weights = sp.csr_matrix((np.ones(2 * n_outputs, dtype=np.float32), pairs.ravel(),
                             np.arange(0, 2 * n_outputs + 1, 2)), shape=(n_outputs, n_inputs))
    return Network(input_codes, [(weights, np.full(n_outputs, -1.0))],
                   np.arange(n_outputs, dtype=np.int64)[:, None], 1.0, name="one neuron per AND")


# --------------------------------------------------------------------------- entry points


LAYOUTS = ("auto", "one_layer", "three_channel")


def choose_layout(pairs, n_inputs: int, k: int, failure_prob: float = 1e-6,
                  guarantee: str = "every_input") -> tuple[str, OneLayerSizes | ThreeChannelSizes]:
    """The layout with fewer neurons for this instance, and its sizes.

    Sizes both the one-layer construction (:func:`one_layer_sizes`) and the
    three-channel one (:func:`three_channel_sizes`) for the same failure bound
    and guarantee, and returns ``("one_layer", sizes)`` or
    ``("three_channel", sizes)``, whichever has fewer neurons. The one layer
    wins when no input is heavy (uniform pairs, a matching, a star, whose centre
    never spoils); blocks win when hubs would spoil most output neurons (a
    clique, power-law influences).
    """
    pairs = AndInstance(pairs, n_inputs).pairs
    one = one_layer_sizes(pairs, n_inputs, k, failure_prob, guarantee=guarantee)
    try:
        three = three_channel_sizes(pairs, n_inputs, k, failure_prob, guarantee=guarantee, max_neurons=one.n_neurons)
    except ValueError:
        return "one_layer", one
    return "three_channel", three


def build_and_network(pairs, n_inputs: int, k: int, seed: int = 0, *, failure_prob: float = 1e-6,
                      code_size: int | None = None, output_code_size: int | None = None,
                      n_input_neurons: int | None = None, n_output_neurons: int | None = None,
                      guarantee: str = "every_input", layout: str = "auto") -> Network:
    """Build a network that computes the pairwise AND of ``pairs`` in superposition.

    The input codes and output codes are fixed line codes (functions of m, m',
    the widths and the seed); only the weights between them depend on the
    pairs. Two layouts of the compute channel:

    * ``"one_layer"`` (:func:`build_one_layer_and_network`): the output neurons
      compute; sizes from :func:`one_layer_sizes`, or the widths given;
    * ``"three_channel"`` (:func:`build_three_channel_and_network`): clamped
      compute units, light outputs in a shared pool and each hub's outputs in a
      block of its own, routed to the output codes; sizes from
      :func:`three_channel_sizes` (``code_size`` and ``output_code_size`` set s
      and t_c = t);
    * ``"auto"`` (default): whichever has fewer neurons (:func:`choose_layout`);
      giving explicit widths picks the one layer.

    What is guaranteed, in every layout: for every input, every true AND is
    decoded present (deterministic, no false negatives). By default
    (``guarantee="every_input"``) the probability over the seeded codes that
    *any* input with at most k actives gets a wrong decision is bounded by
    ``failure_prob`` (with the rows of an output code treated as independent);
    with ``"per_input"`` only the probability for one fixed input is, which
    an adversary who picks the input after seeing the network can beat. An
    override that voids the bound raises ValueError.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    pairs = AndInstance(pairs, n_inputs).pairs
    k = _check_k(k, n_inputs)
    failure_prob = _check_prob(failure_prob, "failure_prob")
    guarantee = _check_guarantee(guarantee)
    widths_given = not (code_size is None and output_code_size is None
                        and n_input_neurons is None and n_output_neurons is None)
    if layout == "three_channel" and (n_input_neurons is not None or n_output_neurons is not None):
        raise ValueError("the three-channel layout takes code_size and output_code_size, not widths; "
                         "its widths come from three_channel_sizes")
    if layout == "auto" and not widths_given:
        layout, sizes = choose_layout(pairs, n_inputs, k, failure_prob, guarantee)
        if layout == "three_channel":
            return build_three_channel_and_network(pairs, n_inputs, k, seed, sizes=sizes, guarantee=guarantee)
        return build_one_layer_and_network(pairs, n_inputs, k, seed, code_size=sizes.code_size,
                                           output_code_size=sizes.output_code_size,
                                           n_input_neurons=sizes.n_input_neurons,
                                           n_output_neurons=sizes.n_output_neurons, failure_prob=failure_prob,
                                           guarantee=guarantee)
    if layout == "three_channel":
        sizes = three_channel_sizes(pairs, n_inputs, k, failure_prob, code_size=code_size,
                                    compute_size=output_code_size, guarantee=guarantee)
        return build_three_channel_and_network(pairs, n_inputs, k, seed, sizes=sizes, guarantee=guarantee)
    return build_one_layer_and_network(pairs, n_inputs, k, seed, failure_prob=failure_prob,
                                       code_size=code_size, output_code_size=output_code_size,
                                       n_input_neurons=n_input_neurons, n_output_neurons=n_output_neurons,
                                       guarantee=guarantee)


def construction_neurons_curve(m_out_values, k: int = 3, seed: int = 0, family: str = "uniform",
                               failure_prob: float = 1e-6, guarantee: str = "every_input") -> dict[str, np.ndarray]:
    """Neurons and parameters of the construction built for each m', with where the neurons sit.

    Builds the network for every m' in ``m_out_values`` with pairs of the given
    family (seeded; m from :func:`~superpos.families.default_n_inputs`) in the
    layout :func:`build_and_network` chooses, so the counts are those of real
    networks, not formulas. A few seconds each for m' ≤ 10⁴.

    Returns
    -------
    dict of arrays, one entry per m':
        ``m_out``, ``n_inputs``; ``n_neurons``, ``n_params``, ``n_bits``;
        ``n_layers`` (1: one layer, 2: three channels); the neurons of the
        ``input_width`` (input channel), ``compute_width`` (the clamped compute
        units, 0 for one layer) and ``output_width`` (output channel); and
        ``naive_neurons`` = m + m', one neuron per AND.
    """
    m_out = np.asarray([check_int(int(v), "m_out_values entries", 2) for v in m_out_values], dtype=np.int64)
    keys = ("n_inputs", "n_neurons", "n_params", "n_bits", "n_layers", "input_width", "compute_width",
            "output_width", "naive_neurons")
    rows = []
    for value in m_out:
        n_inputs = default_n_inputs(family, int(value))
        net = build_and_network(make_pairs(family, n_inputs, int(value), seed=seed), n_inputs, k, seed,
                                failure_prob=failure_prob, guarantee=guarantee)
        widths = net.widths
        rows.append((n_inputs, net.n_neurons, net.n_params, net.n_bits, len(net.layers), widths[0],
                     sum(widths[1:-1]), widths[-1], n_inputs + int(value)))
    table = np.asarray(rows, dtype=np.int64).reshape(-1, len(keys))
    return {"m_out": m_out, **{key: table[:, j] for j, key in enumerate(keys)}}


def verify_families(k: int, exhaustive_m: int, scale_m_out: int, random_samples: int, adversarial_targets: int,
                    seed: int = 0, families=FAMILIES, failure_prob: float = 1e-6) -> list[dict]:
    """Build the networks of every family and count their wrong decisions.

    For each family: every input with at most ``k`` active features on a small
    instance of ``exhaustive_m`` inputs, in both layouts (one layer and three
    channels, whichever would be chosen), then, for the network
    :func:`build_and_network` chooses, ``random_samples`` random and
    ``adversarial_targets`` adversarial ``k``-sparse inputs on an instance with
    ``scale_m_out`` outputs (and :func:`~superpos.families.default_n_inputs`
    inputs). The random and adversarial inputs use seeds ``seed + 1`` and
    ``seed + 2``.

    Returns
    -------
    list of dict
        One row per check and family with keys ``check``, ``family``, ``m``,
        ``m'``, ``layers`` (1: one layer, 2: three channels), ``neurons``,
        ``inputs``, ``decisions`` and ``wrong``.
    """
    from superpos.verify import verify_adversarial, verify_exhaustive, verify_random

    exhaustive_m = check_int(exhaustive_m, "exhaustive_m", 4)
    # Outputs of the small instances: as many pairs as each family fits comfortably in m inputs
    # (a clique of 7 features has 21 pairs).
    exhaustive_outputs = {"uniform": 2 * exhaustive_m, "matching": exhaustive_m // 2, "star": exhaustive_m - 1,
                          "clique": comb(7, 2), "power_law": 2 * exhaustive_m}

    def row(check, family, m, pairs, net, errors):
        return {"check": check, "family": family, "m": m, "m'": len(pairs), "layers": len(net.layers),
                "neurons": net.n_neurons, "inputs": errors.n_inputs, "decisions": errors.n_decisions,
                "wrong": errors.wrong}

    rows = []
    for family in families:
        pairs = make_pairs(family, exhaustive_m, exhaustive_outputs[family], seed=seed)
        for layout in ("one_layer", "three_channel"):
            net = build_and_network(pairs, exhaustive_m, k, seed=seed, failure_prob=failure_prob, layout=layout)
            rows.append(row("exhaustive", family, exhaustive_m, pairs, net, verify_exhaustive(net, pairs, k)))
    for family in families:
        m = default_n_inputs(family, scale_m_out)
        pairs = make_pairs(family, m, scale_m_out, seed=seed)
        net = build_and_network(pairs, m, k, seed=seed, failure_prob=failure_prob)
        rows.append(row("random", family, m, pairs, net,
                        verify_random(net, pairs, k, random_samples, seed=seed + 1)))
        rows.append(row("adversarial", family, m, pairs, net,
                        verify_adversarial(net, pairs, k, adversarial_targets, seed=seed + 2)))
    return rows


@dataclass(frozen=True)
class PhaseTransition:
    """Wrong decisions of deliberately resized one-layer networks at one instance."""

    chosen: OneLayerSizes  #: the sizes the failure bound chooses
    n_neurons: np.ndarray  #: neurons of each resized network
    random_wrong_per_input: np.ndarray  #: wrong decisions per random input
    adversarial_wrong_per_input: np.ndarray  #: wrong decisions per adversarial input
    false_negatives: int  #: over every network and input (the theorem says none)


#: Inputs per batch when checking the deliberately undersized networks of :func:`phase_transition`.
PHASE_BATCH = 256


def phase_transition(pairs, n_inputs: int, k: int, n_points: int, random_samples: int, adversarial_targets: int,
                     seed: int = 0, failure_prob: float = 1e-6) -> PhaseTransition:
    """Shrink the one-layer network below the size the bound chooses and count its errors.

    Keeps the chosen code sizes s and t and scales both channel primes
    :math:`q_0, q_1` by factors from 1/4 to 1 (never below what a line code
    needs), building each network with ``enforce_bound=False``; each is checked
    on ``random_samples`` random inputs (seed ``seed + 3``) and
    ``adversarial_targets`` adversarial ones (seed ``seed + 4``), in batches of
    ``PHASE_BATCH`` inputs: the smallest networks decode a large share of all
    m' outputs on every input, so a batch of them is as large as batch × m'.
    """
    from superpos.verify import verify_adversarial, verify_random

    pairs = AndInstance(pairs, n_inputs).pairs
    n_points = check_int(n_points, "n_points", 2)
    chosen = one_layer_sizes(pairs, n_inputs, k, failure_prob)
    rows = []
    for scale in np.linspace(0.25, 1.0, n_points):
        q_in = next_prime(max(chosen.code_size, int(scale * chosen.q_in), isqrt(n_inputs - 1) + 1))
        q_out = next_prime(max(chosen.output_code_size, int(scale * chosen.q_out), isqrt(len(pairs) - 1) + 1))
        net = build_one_layer_and_network(pairs, n_inputs, k, seed=seed, code_size=chosen.code_size,
                                          output_code_size=chosen.output_code_size,
                                          n_input_neurons=chosen.code_size * q_in,
                                          n_output_neurons=chosen.output_code_size * q_out, enforce_bound=False)
        rnd = verify_random(net, pairs, k, random_samples, seed=seed + 3, batch_size=PHASE_BATCH)
        adv = verify_adversarial(net, pairs, k, adversarial_targets, seed=seed + 4, batch_size=PHASE_BATCH)
        rows.append((net.n_neurons, rnd.wrong / rnd.n_inputs, adv.wrong / adv.n_inputs,
                     rnd.false_negatives + adv.false_negatives))
    table = np.array(rows)
    return PhaseTransition(chosen, table[:, 0].astype(np.int64), table[:, 1], table[:, 2], int(table[:, 3].sum()))


# --------------------------------------------------------------------------- three channels: sizing


@dataclass(frozen=True)
class ThreeChannelSizes:
    """Sizes of the three-channel construction and its failure bound."""

    code_size: int  #: s, neurons per input code
    q_in: int  #: prime; the input channel has s·q_in neurons
    compute_size: int  #: t_c, compute units per output
    n_light_units: int  #: units of the shared pool of light outputs
    heavy_inputs: np.ndarray  #: the owners of blocks (heavy inputs that own at least one pair)
    block_sizes: np.ndarray  #: units in each owner's block
    q_out: int  #: prime; the output channel has t·q_out neurons
    failure_bound: float  #: bound on P[a wrong decision] (one fixed input, or any input, per the guarantee)

    @property
    def n_input_neurons(self) -> int:
        return self.code_size * self.q_in

    @property
    def output_code_size(self) -> int:
        """t, neurons per output code: t = t_c, so that an output neuron fires on t_c routed units."""
        return self.compute_size

    @property
    def n_units(self) -> int:
        return self.n_light_units + int(self.block_sizes.sum())

    @property
    def n_output_neurons(self) -> int:
        return self.output_code_size * self.q_out

    @property
    def n_neurons(self) -> int:
        # Two ReLUs per compute unit: the clamp ReLU(p) - ReLU(p - 1).
        return self.n_input_neurons + 2 * self.n_units + self.n_output_neurons


def _poisson_sf(threshold, mean):
    """P[Poisson(mean) ≥ threshold] (threshold ≤ 0 gives 1)."""
    from scipy.special import pdtrc

    threshold = np.asarray(threshold, float)
    return np.where(threshold <= 0, 1.0, pdtrc(np.maximum(threshold - 1, 0), np.maximum(mean, 1e-300)))


def three_channel_failure_bound(n_outputs: int, k: int, sizes_light: tuple, sizes_heavy: tuple,
                                code_size: int, q_in: int, compute_size: int, output_code_size: int,
                                q_out, d_k: float, *, guarantee: str = "per_input",
                                n_inputs: int | None = None) -> np.ndarray:
    """Bound on P[a wrong decision], three channels: for one fixed input, or for any input at all.

    Every compute unit u serves a set of outputs whose endpoints form its group
    G_u; it has weight 1 on the union of their input codes and fires iff the
    input puts at least 2s there. Light outputs share a pool of N_L units at
    random; the outputs owned by a heavy input h share a block of B_h = t_c q_h
    units of their own (t_c rows of q_h, q_h prime), so h belongs to the groups
    of its block and of no other unit. In a block, output (h, x) gets the units
    of a line over GF(q_h), one per row, so two outputs of h share at most one
    unit.

    Compute stage. A unit of an absent output ℓ with an active endpoint is
    *spoiled* (on) if another active input is in its group or if the other
    actives' codes cover s neurons of its union:

    * light ℓ: p_L(c) = d_L t_c / N_L + P[Bin((k-1)s, f_L) ≥ s - c], where d_L
      is the sum of the k-1 largest light influences (an active y lies in the
      group with probability ≤ d_y t_c / N_L), f_L = 1 - (1 - 1/q_in)^{2 r_L}
      the share of a row that r_L = m'_L t_c / N_L outputs' codes cover, and
      c ~ Bin(2s(k-1), 1/q_in) what the others put on ℓ's own endpoint codes
      (shared by all t_c units);
    * heavy ℓ = (h, x): another active in a unit's group is a partner y of h,
      and the line of (h, y) meets the line of ℓ in at most one unit, so at
      most k-1 of ℓ's units are spoiled this way, for every input; each other
      unit is spoiled by cover with probability
      p_H(c) = P[Bin((k-1)s, f_H) ≥ s - c], f_H = 1 - (1 - 1/q_in)^{r_H + 1}
      (h and the r_H partners a unit serves), and Y ≤ (k-1) + Bin(t_c-k+1, p_H).

    Routing stage. Output neuron w fires iff at least t_c units of V_w are on.
    The units of ℓ's own compute code that are on, Y ~ Bin(t_c, p), count in all
    t rows; the other on units land in V_w independently per row, each with
    probability r/q_out (r = outputs a unit serves, at most r_max), so their
    number is at most Poisson(μ) with μ = n_on r_max / q_out and
    n_on = C(k,2) t_c + k·max(max_h B_h E[cover_H], d_L t_c E[p_L]) the on
    units. At most C(k,2) rows of T_ℓ meet a true output's code (line codes), so

        P₁ = Σ_c P[c] Σ_y Bin(y; t_c, p(c)) · P[Poisson(μ) ≥ t_c - y]^{t - C(k,2)}

    for outputs with an active endpoint and
    P₂ = P[Poisson(μ) ≥ t_c]^{t - C(k,2)} + P[Bin(ks, f_L) ≥ 2s]^{t_c} for the
    others. For one fixed input (``guarantee="per_input"``) the bound is
    D_k P₁(light) + k max_h d_h P₁(h) + m' P₂. For every input at once
    (``"every_input"``, needs ``n_inputs``) it is
    Σ_D N_L(D) P₁(light; D) + N₁ (m'_H/m') max_h P₁(h) + N₂ P₂, with N_L(D)
    the light events whose other actives have light influence D
    (:func:`spoiler_counts` of the light pairs; d_L becomes D) and N₁, N₂ the
    event counts of :func:`_union_counts`. Rows and
    units are treated as independent, as in the one-layer bound. Vectorised
    over q_out.
    """
    guarantee = _check_guarantee(guarantee)
    if guarantee == "every_input" and n_inputs is None:
        raise ValueError("guarantee='every_input' needs n_inputs (the union runs over every input)")
    n_light, n_light_units, d_light, light_spoilers = sizes_light
    owner_degrees, blocks, r_heavy = sizes_heavy
    has_blocks = len(blocks) > 0
    s, t_c, t = int(code_size), int(compute_size), int(output_code_size)
    q_out = np.atleast_1d(np.asarray(q_out, float))
    spoiled_by_partners = min(k - 1, t_c)
    rows_free = t - comb(k, 2)
    if rows_free < 1:
        return np.ones_like(q_out)
    y = np.arange(t_c + 1)
    c, w_c = _shared_weights(2 * s * (k - 1), min(s, 2 * (k - 1)), q_in)

    r_light = n_light * t_c / max(n_light_units, 1)
    f_light = -np.expm1(2.0 * r_light * np.log1p(-1.0 / q_in))
    cover_light = _binom_sf(s - c - 1, (k - 1) * s, f_light)
    p_light = np.minimum(1.0, d_light * t_c / max(n_light_units, 1) + cover_light) if n_light else 0.0 * c
    f_heavy = -np.expm1((r_heavy + 1.0) * np.log1p(-1.0 / q_in))
    cover_heavy = _binom_sf(s - c - 1, (k - 1) * s, f_heavy)
    if has_blocks:
        # One spoil probability per distinct block size; the per-input bound keeps the worst d_h · P₁.
        block_values = np.unique(blocks)
        degree_values = np.maximum.reduceat(owner_degrees[np.argsort(blocks, kind="stable")],
                                            np.searchsorted(np.sort(blocks), block_values))
        p_heavy = np.broadcast_to(cover_heavy, (block_values.size, cover_heavy.size))
    r_max = max(r_light if n_light else 0.0, r_heavy if has_blocks else 0.0)
    n_on = comb(k, 2) * t_c + k * max(float(blocks.max()) * float(cover_heavy @ w_c) if has_blocks else 0.0,
                                      d_light * t_c * float(p_light @ w_c))
    mu = n_on * r_max / q_out  # (Q,)
    tail = _poisson_sf(t_c - y[None, :], mu[:, None]) ** rows_free  # (Q, t_c + 1)

    def p_one(p_of_c, fixed=0):
        # Y = fixed + Bin(t_c - fixed, p), p of shape (..., C): P[Y = y] of shape (..., C, t_c + 1),
        # summed against the routing tail.
        n, z = t_c - fixed, y - fixed
        p = np.asarray(p_of_c, float)[..., None]
        with np.errstate(invalid="ignore"):
            binom = np.exp(_log_comb(n, np.clip(z, 0, n)) + z * np.log(np.maximum(p, 1e-300))
                           + (n - z) * np.log1p(-np.minimum(p, 1 - 1e-16)))
        binom = np.where(p >= 1, (y == t_c).astype(float), binom)
        binom = np.where((z < 0) | (z > n), 0.0, binom)
        return np.einsum("qy,...cy,c->...q", tail, binom, w_c)

    light_one = p_one(p_light) if n_light else np.zeros_like(q_out)
    heavy_one = p_one(p_heavy, spoiled_by_partners) if has_blocks else np.zeros((1, q_out.size))
    p2_light = _binom_sf(2 * s - 1, k * s, f_light) ** t_c if n_light else 0.0
    p2 = tail[:, 0] + p2_light
    if guarantee == "per_input":
        heavy_term = k * np.max(degree_values[:, None] * heavy_one, axis=0) if has_blocks else 0.0
        return np.minimum(1.0, d_k * light_one + heavy_term + n_outputs * p2)
    n_first, n_second = _union_counts(guarantee, n_inputs, n_outputs, k, d_k)
    if n_light and light_spoilers is not None:
        # Light events grouped by the light influence D of the other actives: p_L(D) = D t_c / N_L + cover.
        p_by_sum = np.minimum(1.0, light_spoilers.first_sums[:, None] * t_c / n_light_units + cover_light[None, :])
        light_term = light_spoilers.first_counts @ p_one(p_by_sum)
    else:
        light_term = n_first * n_light / n_outputs * light_one
    heavy_term = n_first * (n_outputs - n_light) / n_outputs * heavy_one.max(axis=0)
    return np.minimum(1.0, light_term + heavy_term + n_second * p2)


def _log_comb(n, y):
    from scipy.special import gammaln

    return gammaln(n + 1) - gammaln(y + 1) - gammaln(n - y + 1)


def _owners(pairs: np.ndarray, degrees: np.ndarray, heavy: np.ndarray) -> np.ndarray:
    """Owner of each pair: its heavier endpoint if that one is heavy (ties: the smaller index), else -1."""
    a, b = pairs[:, 0], pairs[:, 1]
    first = (degrees[a] > degrees[b]) | ((degrees[a] == degrees[b]) & (a < b))
    owner = np.where(first, a, b)
    return np.where(heavy[owner], owner, -1)


def _heavy_split(degrees: np.ndarray, pairs: np.ndarray, k: int, r_cap: float, share: float) -> np.ndarray:
    """Owner of each pair (-1 for light pairs) for a cap r_cap on the outputs a unit serves.

    An input is heavy when, mixed into a light pool of N = m' t_c / r_cap units,
    it would sit in more than a ``share`` of them divided among the k-1 other
    actives: d t_c / N = d r_cap / m' > share / (k-1).
    """
    heavy = degrees > share * len(pairs) / (max(k - 1, 1) * r_cap)
    return _owners(pairs, degrees, heavy)


def _block_primes(owner_degrees: np.ndarray, t_c: int, r_cap: float) -> np.ndarray:
    """q_h = the least prime ≥ max(t_c, √d_h, d_h / r_cap): the block of h has t_c·q_h units.

    q_h ≥ t_c and q_h² ≥ d_h make room for d_h distinct lines of t_c points;
    q_h ≥ d_h / r_cap caps the outputs a unit serves (d_h / q_h) at r_cap, so
    that the on units spread thinly over the routing neurons. Summed over
    owners, Σ B_h ≤ t_c Σ_h (t_c + √d_h) + 2m' t_c / r_cap, up to the prime gaps.
    """
    need = np.maximum(np.maximum(t_c, np.ceil(np.sqrt(owner_degrees))), np.ceil(owner_degrees / r_cap))
    return _next_primes(need.astype(np.int64))


def _next_primes(values: np.ndarray) -> np.ndarray:
    """The least prime ≥ each value (vectorised: a sieve up to twice the largest, by Bertrand's postulate)."""
    if values.size == 0:
        return values.astype(np.int64)
    limit = 2 * max(int(values.max()), 2) + 1
    sieve = np.ones(limit + 1, bool)
    sieve[:2] = False
    for d in range(2, isqrt(limit) + 1):
        if sieve[d]:
            sieve[d * d::d] = False
    primes = np.flatnonzero(sieve)
    return primes[np.searchsorted(primes, values)]


def three_channel_sizes(pairs, n_inputs: int, k: int, failure_prob: float = 1e-6, *,
                        code_size: int | None = None, compute_size: int | None = None,
                        guarantee: str = "every_input", max_neurons: int | None = None) -> ThreeChannelSizes:
    """Choose the sizes of the three-channel construction.

    Minimises the neurons s q_in + 2 (N_L + Σ B_h) + t q_out subject to
    :func:`three_channel_failure_bound` ≤ ``failure_prob``. One knob, r_cap
    (the most outputs a compute unit serves), sets the light pool
    N_L = ⌈m'_L t_c / r_cap⌉, the blocks (:func:`_block_primes`) and which
    inputs are heavy (:func:`_heavy_split`); the search runs over s, t_c = t,
    q_in and r_cap on geometric grids, and the least feasible q_out.
    Since μ ∝ r_cap / q_out, q_out ∝ r_cap, and with r_cap ∝ √m' both the
    routing and the compute channel take Θ(√m' · t) neurons. ``guarantee``
    is what ``failure_prob`` bounds, as in :func:`one_layer_sizes`; sizes with
    ``max_neurons`` or more neurons are skipped (ValueError if none is left).
    """
    pairs = AndInstance(pairs, n_inputs).pairs
    k = _check_k(k, n_inputs)
    failure_prob = _check_prob(failure_prob, "failure_prob")
    guarantee = _check_guarantee(guarantee)
    n_outputs = len(pairs)
    degrees = AndInstance(pairs, n_inputs).influence
    d_k = float(np.sort(degrees)[::-1][:k].sum())
    s_values = [check_int(code_size, "code_size", 2)] if code_size is not None else [6, 9, 12, 15]
    t_values = ([check_int(compute_size, "compute_size", comb(k, 2) + 1)] if compute_size is not None
                else list(range(max(4, comb(k, 2) + 1), 15, 2)))
    q_out_grid = np.array(_primes_from(max(max(t_values), isqrt(n_outputs - 1) + 1, 2), 48, 1.15), float)
    best = None
    splits_seen = set()
    for r_cap, share in product(np.sqrt(n_outputs) * 2.0 ** np.arange(-4, 3, 0.75), (1 / 64, 1 / 16, 1 / 4, 1)):
        owner = _heavy_split(degrees, pairs, k, float(r_cap), share)
        if (r_cap, int(np.count_nonzero(owner >= 0))) in splits_seen:
            continue  # the heavy inputs are chosen by a degree threshold, so equal counts mean equal splits
        splits_seen.add((r_cap, int(np.count_nonzero(owner >= 0))))
        # Blocks go to the inputs that own a pair; a heavy input whose pairs all
        # belong to heavier partners (a star's leaves) needs none.
        owners = np.unique(owner[owner >= 0])
        n_light = int(np.count_nonzero(owner < 0))
        light_deg = AndInstance(pairs[owner < 0], n_inputs).influence if n_light else np.zeros(1)
        d_light = float(np.sort(light_deg)[::-1][: max(k - 1, 0)].sum())
        light_spoilers = (spoiler_counts(pairs[owner < 0], n_inputs, k) if n_light and guarantee == "every_input"
                          else None)
        owner_deg = np.bincount(owner[owner >= 0], minlength=n_inputs)[owners].astype(float)
        for s in s_values:
            for q_in in _primes_from(max(s, isqrt(n_inputs - 1) + 1), 6, 1.5):
                for t_c in t_values:
                    n_light_units = int(np.ceil(n_light * t_c / r_cap)) if n_light else 0
                    if n_light and n_light_units < t_c:
                        continue
                    block_primes = _block_primes(owner_deg, t_c, float(r_cap))
                    blocks = t_c * block_primes
                    fixed = s * q_in + 2 * (n_light_units + int(blocks.sum()))
                    ceiling = best.n_neurons if best is not None else max_neurons
                    if ceiling is not None and fixed + t_c * int(q_out_grid[0]) >= ceiling:
                        continue  # cannot beat the best even with the narrowest routing layer
                    r_heavy = float((owner_deg / block_primes).max()) if len(blocks) else 0.0
                    bound = three_channel_failure_bound(n_outputs, k, (n_light, n_light_units, d_light, light_spoilers),
                                                        (owner_deg, blocks, r_heavy), s, q_in, t_c, t_c,
                                                        q_out_grid, d_k, guarantee=guarantee, n_inputs=n_inputs)
                    ok = np.nonzero(bound <= failure_prob)[0]
                    if not len(ok):
                        continue
                    q_out = int(q_out_grid[ok[0]])
                    n = fixed + t_c * q_out
                    if (best is None or n < best.n_neurons) and (max_neurons is None or n < max_neurons):
                        best = ThreeChannelSizes(s, q_in, t_c, n_light_units, owners, blocks, q_out,
                                                 float(bound[ok[0]]))
    if best is None:
        below = f" with fewer than {max_neurons} neurons" if max_neurons is not None else ""
        raise ValueError(f"no three-channel sizes within the search range{below} meet failure_prob = {failure_prob}")
    return best


# --------------------------------------------------------------------------- three channels: build


def _draw_units(n_sets: int, size: int, n_units: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """For each of ``n_sets`` rows, ``size`` distinct units in range(n_units[row]) (redrawn until distinct)."""
    n_units = np.broadcast_to(np.asarray(n_units, np.int64), (n_sets,))
    units = np.floor(rng.random((n_sets, size)) * n_units[:, None]).astype(np.int64)
    while True:
        units.sort(axis=1)
        bad = np.nonzero((np.diff(units, axis=1) == 0).any(axis=1))[0] if size > 1 else np.zeros(0, np.int64)
        if not len(bad):
            return units
        units[bad] = np.floor(rng.random((len(bad), size)) * n_units[bad, None]).astype(np.int64)


def _compute_units(pairs: np.ndarray, n_inputs: int, sizes: ThreeChannelSizes, seed: int) -> np.ndarray:
    """The t_c compute units of every output, an (m', t_c) int array.

    Light outputs draw distinct units of the pool [0, N_L) at random; the
    outputs owned by the j-th heavy input take distinct lines of its block,
    t_c rows of q_h units after the pool and the blocks before it, so two of
    them share at most one unit.
    """
    t_c = sizes.compute_size
    heavy = np.zeros(n_inputs, bool)
    heavy[sizes.heavy_inputs] = True
    owner = _owners(pairs, AndInstance(pairs, n_inputs).influence, heavy)
    block_of = np.full(n_inputs, -1)
    block_of[sizes.heavy_inputs] = np.arange(len(sizes.heavy_inputs))
    starts = sizes.n_light_units + np.concatenate([[0], np.cumsum(sizes.block_sizes)[:-1]]).astype(np.int64)
    rng = np.random.default_rng(_child_seed(seed, 2))
    is_heavy = owner >= 0
    units = np.empty((len(pairs), t_c), np.int64)
    units[~is_heavy] = _draw_units(int((~is_heavy).sum()), t_c, sizes.n_light_units, rng)
    heavy_rows = np.nonzero(is_heavy)[0]
    heavy_rows = heavy_rows[np.argsort(owner[heavy_rows], kind="stable")]
    bounds = np.searchsorted(block_of[owner[heavy_rows]], np.arange(len(sizes.heavy_inputs) + 1))
    for j in range(len(sizes.heavy_inputs)):
        rows = heavy_rows[bounds[j]:bounds[j + 1]]
        lines = LineCodeSizes(t_c, int(sizes.block_sizes[j]) // t_c)
        units[rows] = starts[j] + line_code_book(len(rows), lines, _child_seed(seed, 3 + j))
    return units


def build_three_channel_and_network(pairs, n_inputs: int, k: int, seed: int = 0, *, failure_prob: float = 1e-6,
                                    sizes: ThreeChannelSizes | None = None,
                                    guarantee: str = "every_input") -> Network:
    """Build the three-channel AND network: input codes, compute units, routing to output codes.

    Layer 1 holds two ReLUs per compute unit u, ReLU(p_u) and ReLU(p_u - 1),
    whose difference c_u is exactly 0 or 1 because p_u is an integer. Unit u
    has weight 1 on the union of the input codes of the endpoints of the
    outputs it serves and bias -(2s-1). Light outputs get t_c units of the
    shared pool at random; outputs owned by a heavy input h get t_c units of
    h's own block. Output neuron w adds c_u over the units V_w of the outputs
    whose code holds w and fires iff the sum is at least t_c. ``sizes``
    defaults to :func:`three_channel_sizes` for ``failure_prob`` and
    ``guarantee``.

    No false negatives, for every input: a true output (a, b) puts
    |S_a ∪ S_b| + |S_a ∩ S_b| = 2s on each of its units, so p_u ≥ 1 and c_u = 1
    at all t_c of them, and every neuron of its output code sees at least t_c.
    """
    pairs = AndInstance(pairs, n_inputs).pairs
    k = _check_k(k, n_inputs)
    failure_prob = _check_prob(failure_prob, "failure_prob")
    if sizes is None:
        sizes = three_channel_sizes(pairs, n_inputs, k, failure_prob, guarantee=guarantee)
    s, t_c = sizes.code_size, sizes.compute_size
    input_codes = input_code_book(n_inputs, sizes.n_input_neurons, s, seed)
    output_codes = output_code_book(len(pairs), sizes.n_output_neurons, sizes.output_code_size, seed)
    units = _compute_units(pairs, n_inputs, sizes, seed)
    n_units = sizes.n_units
    groups = sp.csr_matrix((np.ones(2 * units.size, np.float32),
                            (np.concatenate([units.ravel(), units.ravel()]),
                             np.concatenate([np.repeat(pairs[:, 0], t_c), np.repeat(pairs[:, 1], t_c)]))),
                           shape=(n_units, n_inputs))
    compute = _binarise(groups @ input_codes)
    bias = np.full(n_units, -(2.0 * s - 1.0))
    layer1 = (sp.vstack([compute, compute]).tocsr(), np.concatenate([bias, bias - 1.0]))
    # Routing: V_w = units of the outputs whose code holds w; +1 on ReLU(p), -1 on ReLU(p - 1).
    t = sizes.output_code_size
    out_rows = np.repeat(output_codes, t_c, axis=1).ravel()
    unit_cols = np.tile(units, (1, t)).ravel()
    routes = _binarise(sp.csr_matrix((np.ones(out_rows.size, np.float32), (out_rows, unit_cols)),
                                     shape=(sizes.n_output_neurons, n_units)))
    layer2 = (sp.hstack([routes, -routes]).tocsr(), np.full(sizes.n_output_neurons, -(t_c - 1.0)))
    return Network(input_codes, [layer1, layer2], output_codes, 1.0,
                   name=f"three-channel AND (s={s}, t_c={t_c}, t={t}, {len(sizes.heavy_inputs)} blocks, "
                        f"{guarantee.replace('_', '-')} bound={sizes.failure_bound:.2g})")
