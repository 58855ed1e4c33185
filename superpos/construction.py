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
argues the same way at each stage (see :func:`build_three_channel_network`).

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

    P[A gets a wrong decision] ≤ D_k p₁^t + m' p₂^t  ≤  failure_prob,

where D_k is the sum of the k largest influences. :func:`one_layer_sizes`
picks s, t, q_in, q_out that meet this with the fewest neurons s·q_in + t·q_out.
Since f must stay a constant below 1/4, q_in·q_out = Θ(m'), and
s·t = Θ(log(m'/failure_prob)), which gives n = Θ(√(m' log m')·√(log m'))
neurons and at most 2m'·s·t = O(m' log² m') weights, all equal to 1.

Heavy inputs
------------
The term d_y/q_out says an input y of large influence is in nearly every R_w
and spoils outputs it is not part of. The one-layer sizing pays for it with
q_out ≳ (k-1)·d_max, which stays O(√m') for a clique on √(2m') features, and
costs nothing for a star (its centre is in every output, so it never spoils
one). For hubs of influence Θ(m') the three-channel layout gives each heavy
input its own gated block. :func:`build_and_network` builds whichever layout
needs fewer neurons.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from math import comb, isqrt, log
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from scipy.special import bdtr, bdtrc

from superpos.families import influence, validate_pairs
from superpos.network import Network

__all__ = [
    "build_and_network",
    "construction_neurons_curve",
    "LineCodeSizes",
    "OneLayerSizes",
    "build_one_layer_and_network",
    "input_code_book",
    "is_prime",
    "line_code_book",
    "naive_and_network",
    "next_prime",
    "one_layer_failure_bound",
    "one_layer_sizes",
    "output_code_book",
]


# --------------------------------------------------------------------------- checks


def _check_int(value, name: str, minimum: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def _check_prob(value, name: str) -> float:
    value = float(value)
    if not 0.0 < value < 1.0:
        raise ValueError(f"{name} must be a probability strictly between 0 and 1, got {value}")
    return value


def _check_k(k, n_inputs: int) -> int:
    k = _check_int(k, "k", 1)
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
    n_items = _check_int(n_items, f"n_{what}", 1)
    n_neurons = _check_int(n_neurons, f"n_{what}_neurons", 1)
    code_size = _check_int(code_size, f"{what} code_size", 1)
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
    seed = _check_int(seed, "seed", 0)
    return int(np.random.SeedSequence([seed, stream]).generate_state(1)[0])


# --------------------------------------------------------------------------- one layer: sizing


@dataclass(frozen=True)
class OneLayerSizes:
    """Sizes of the one-layer construction and its failure bound."""

    code_size: int  #: s, neurons per input code
    q_in: int  #: prime; the input layer has s·q_in neurons
    output_code_size: int  #: t, neurons per output code
    q_out: int  #: prime; the output layer has t·q_out neurons
    failure_bound: float  #: bound on P[a fixed input gets a wrong decision]

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
    d = influence(pairs, n_inputs)
    top = np.sort(d)[::-1]
    d_k = float(top[:k].sum())
    spoilers = np.sort(d[d < len(pairs)])[::-1]
    d_spoil = float(spoilers[: max(k - 1, 0)].sum()) if len(spoilers) else 0.0
    return d_k, d_spoil, float(spoilers[0]) if len(spoilers) else 0.0


def one_layer_failure_bound(n_outputs: int, k: int, code_size: int, q_in: int, output_code_size: int,
                            q_out: int, d_k: float, d_spoil: float, d_max: float) -> float:
    """Bound on the probability that a fixed k-sparse input gets a wrong decision.

    Implements D_k p₁^t + m' p₂^t from the module docstring, with the one
    correlated term made explicit: the codes of ℓ's own endpoints, S_a ∪ S_b,
    lie inside every U_w of w ∈ T_ℓ, so whatever the other active inputs put
    there, c = Σ_y |S_y ∩ (S_a ∪ S_b)|, is added at all t neurons at once.
    Lines meet in at most one point, so c ≤ 2(k-1), and c is close to
    Binomial(2s(k-1), 1/q_in). Conditioned on c the t neurons are treated as
    independent:

        P₁ = Σ_c P[C = c] · (d_spoil/q_out + P[Bin((k-1)s, f) ≥ s - c])^t,
        P₂ = Σ_c P[C' = c] · (C(k,2)(d_max/q_out)² + k (d_max/q_out) P[Bin((k-1)s, f) ≥ s - c]
                              + P[Bin(ks, f) ≥ 2s - c])^t,

    with f = 1 - (1 - 1/q_in)^{2m'/q_out} and C' ~ Binomial(2sk, 1/q_in),
    c ≤ 2k; the bound is D_k P₁ + m' P₂. Vectorised over ``q_out``.
    """
    q_out = np.asarray(q_out, float)
    terms = _bound_terms(n_outputs, k, int(code_size), float(q_in), np.atleast_1d(q_out), d_spoil, d_max)
    return _bound_from_terms(terms, int(output_code_size), d_k, n_outputs).reshape(q_out.shape)


def _binom_sf(threshold, n, p):
    """P[Binomial(n, p) > threshold], 1 for a negative threshold (scipy.special, vectorised)."""
    threshold = np.asarray(threshold, float)
    # A sum of n Bernoulli terms never exceeds n (bdtrc is undefined there).
    inside = bdtrc(np.clip(threshold, 0, max(n - 1, 0)), max(n, 1), p)
    return np.where(threshold < 0, 1.0, np.where(threshold >= n, 0.0, inside))


def _bound_terms(n_outputs, k, s, q_in, q_out, d_spoil, d_max):
    """The weights and bases of the bound, which do not depend on t.

    Returns (w₁, B₁, w₂, B₂) with w of shape (C,) and B of shape (len(q_out), C):
    the bound is d_k Σ_c w₁[c] B₁[:, c]^t + m' Σ_c w₂[c] B₂[:, c]^t.
    """
    f = -np.expm1(2.0 * n_outputs / q_out * np.log1p(-1.0 / q_in))[:, None]
    member, d_rate = (d_spoil / q_out)[:, None], (d_max / q_out)[:, None]

    def shared(n_common, c_max):
        # c = what the other actives put on ℓ's own endpoint codes; the last value collects the tail.
        c = np.arange(c_max + 1)
        below = bdtr(c.astype(float), n_common, 1.0 / q_in)
        weight = np.diff(below, prepend=0.0)
        weight[-1] = _binom_sf(c_max - 1, n_common, 1.0 / q_in)
        return c, weight

    c1, w1 = shared(2 * s * (k - 1), min(s, 2 * (k - 1)))
    tail1 = _binom_sf(s - c1 - 1, (k - 1) * s, f)
    base1 = np.minimum(1.0, member + tail1)
    c2, w2 = shared(2 * s * k, min(2 * s, 2 * k))
    tail21 = _binom_sf(s - c2 - 1, (k - 1) * s, f)
    tail22 = _binom_sf(2 * s - c2 - 1, k * s, f)
    base2 = np.minimum(1.0, comb(k, 2) * d_rate ** 2 + k * d_rate * tail21 + tail22)
    return w1, base1, w2, base2


def _bound_from_terms(terms, t, d_k, n_outputs):
    w1, base1, w2, base2 = terms
    return d_k * (base1 ** t) @ w1 + n_outputs * (base2 ** t) @ w2


def _primes_from(start: int, count: int, ratio: float) -> list[int]:
    """Primes on a geometric grid: next_prime(start·ratio^j), j = 0..count-1."""
    out = []
    for j in range(count):
        p = next_prime(int(np.ceil(start * ratio ** j)))
        if not out or p != out[-1]:
            out.append(p)
    return out


def one_layer_sizes(pairs, n_inputs: int, k: int, failure_prob: float = 1e-6, *,
                    code_size: int | None = None, output_code_size: int | None = None) -> OneLayerSizes:
    """Choose s, t, q_in, q_out for the one-layer construction.

    Minimises the neurons s·q_in + t·q_out subject to
    :func:`one_layer_failure_bound` ≤ ``failure_prob`` and to the line codes
    existing (q_in prime ≥ s with q_in² ≥ m, q_out prime ≥ t with q_out² ≥ m').
    The search runs over s in 3..12, t in 3..16 (or the values given), q_in on a
    geometric grid of primes, and the least feasible q_out by bisection over a
    grid of primes.
    """
    pairs = validate_pairs(pairs, n_inputs)
    k = _check_k(k, n_inputs)
    failure_prob = _check_prob(failure_prob, "failure_prob")
    n_outputs = len(pairs)
    d_k, d_spoil, d_max = _influence_profile(pairs, n_inputs, k)
    s_values = [code_size] if code_size is not None else list(range(3, 13))
    t_values = [output_code_size] if output_code_size is not None else list(range(3, 17))
    best = None
    q_out_grid = np.array(_primes_from(max(max(t_values), isqrt(n_outputs - 1) + 1), 48, 1.12), float)
    for s in s_values:
        for q_in in _primes_from(max(s, isqrt(n_inputs - 1) + 1), 24, 1.12):
            terms = _bound_terms(n_outputs, k, s, float(q_in), q_out_grid, d_spoil, d_max)
            for t in t_values:
                bound = _bound_from_terms(terms, t, d_k, n_outputs)
                ok = np.nonzero(bound <= failure_prob)[0]
                if not len(ok):
                    continue
                n = s * q_in + t * int(q_out_grid[ok[0]])
                if best is None or n < best.n_neurons:
                    best = OneLayerSizes(s, q_in, t, int(q_out_grid[ok[0]]), float(bound[ok[0]]))
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
                                n_output_neurons: int | None = None, enforce_bound: bool = True) -> Network:
    """Build the one-layer AND network: the output neurons compute.

    Output neuron w reads the union U_w of the input codes of the endpoints of
    every output it serves, with weight 1, and has bias -(2s-1): it fires iff
    the input puts at least 2s into U_w. All weights are 1 and there is one
    bias value, so every parameter takes one bit.

    Parameters
    ----------
    pairs : array-like (m', 2) of int
        The pairs; validated by :func:`superpos.families.validate_pairs`.
    n_inputs : int
        m, the number of input features.
    k : int
        The largest number of active inputs the guarantee covers.
    seed : int
        Seed of the input and output code books.
    failure_prob : float
        Target bound on P[a fixed k-sparse input gets any wrong decision].
    code_size, output_code_size : int, optional
        s and t; chosen by :func:`one_layer_sizes` when omitted.
    n_input_neurons, n_output_neurons : int, optional
        Widths s·q_in and t·q_out (q prime). Given widths (with s and t) must
        still meet ``failure_prob`` by :func:`one_layer_failure_bound`,
        otherwise ValueError.
    enforce_bound : bool
        False lets given widths void the guarantee (to study the phase
        transition); false negatives stay impossible.

    Returns
    -------
    Network
        Layer 0 of s·q_in neurons, one layer of t·q_out neurons, threshold 1.
    """
    pairs = validate_pairs(pairs, n_inputs)
    k = _check_k(k, n_inputs)
    failure_prob = _check_prob(failure_prob, "failure_prob")
    sizes = _one_layer_chosen_sizes(pairs, n_inputs, k, failure_prob, code_size, output_code_size,
                                    n_input_neurons, n_output_neurons, enforce_bound)
    s, t = sizes.code_size, sizes.output_code_size
    input_codes = input_code_book(n_inputs, sizes.n_input_neurons, s, seed)
    output_codes = output_code_book(len(pairs), sizes.n_output_neurons, t, seed)
    endpoints = _endpoint_matrix(pairs, output_codes, sizes.n_output_neurons, n_inputs)
    weights = _binarise(endpoints @ input_codes)
    bias = np.full(sizes.n_output_neurons, -(2.0 * s - 1.0))
    return Network(input_codes, [(weights, bias)], output_codes, 1.0,
                   name=f"one-layer AND (s={s}, t={t}, bound={sizes.failure_bound:.2g})")


def _one_layer_chosen_sizes(pairs, n_inputs, k, failure_prob, code_size, output_code_size,
                            n_input_neurons, n_output_neurons, enforce_bound=True) -> OneLayerSizes:
    """Sizes from the arguments: searched when widths are omitted, checked when given."""
    if n_input_neurons is None and n_output_neurons is None:
        return one_layer_sizes(pairs, n_inputs, k, failure_prob, code_size=code_size,
                               output_code_size=output_code_size)
    if None in (n_input_neurons, n_output_neurons, code_size, output_code_size):
        raise ValueError("give all four of code_size, output_code_size, n_input_neurons and "
                         "n_output_neurons to fix the widths, or none of the widths")
    ins = _line_sizes(n_inputs, n_input_neurons, code_size, "input")
    outs = _line_sizes(len(pairs), n_output_neurons, output_code_size, "output")
    d_k, d_spoil, d_max = _influence_profile(pairs, n_inputs, k)
    bound = float(one_layer_failure_bound(len(pairs), k, ins.rows, ins.q, outs.rows, outs.q, d_k, d_spoil, d_max))
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
    pairs = validate_pairs(pairs, n_inputs)
    n_outputs = len(pairs)
    input_codes = sp.identity(n_inputs, dtype=np.float32, format="csr")
    weights = sp.csr_matrix((np.ones(2 * n_outputs, dtype=np.float32), pairs.ravel(),
                             np.arange(0, 2 * n_outputs + 1, 2)), shape=(n_outputs, n_inputs))
    return Network(input_codes, [(weights, np.full(n_outputs, -1.0))],
                   np.arange(n_outputs, dtype=np.int64)[:, None], 1.0, name="one neuron per AND")


# --------------------------------------------------------------------------- entry points


def build_and_network(pairs, n_inputs: int, k: int, seed: int = 0, *, failure_prob: float = 1e-6,
                      code_size: int | None = None, output_code_size: int | None = None,
                      n_input_neurons: int | None = None, n_output_neurons: int | None = None) -> Network:
    """Build a network that computes the pairwise AND of ``pairs`` in superposition.

    The three channels of the module docstring with the compute channel folded
    into the output channel (:func:`build_one_layer_and_network`): the input
    codes and output codes are fixed line codes, and only the weights between
    them depend on the pairs. Sizes follow from m', k, the influences and
    ``failure_prob`` (see :func:`one_layer_sizes`) and can be overridden; an
    override that voids the bound raises ValueError.
    """
    return build_one_layer_and_network(pairs, n_inputs, k, seed, failure_prob=failure_prob,
                                       code_size=code_size, output_code_size=output_code_size,
                                       n_input_neurons=n_input_neurons, n_output_neurons=n_output_neurons)


def construction_neurons_curve(m_out_values, k: int = 3, seed: int = 0, family: str = "uniform",
                               failure_prob: float = 1e-6) -> dict[str, np.ndarray]:
    """Neurons and parameters of the construction built for each m' (m = m').

    Builds the network for every m' in ``m_out_values`` with pairs of the given
    family (seeded), so the counts are those of real networks, not formulas.
    Fast for m' ≤ 10⁴ (well under a second each).

    Returns
    -------
    dict with arrays ``m_out``, ``n_neurons``, ``n_params``, ``n_bits``.
    """
    from superpos.families import make_pairs

    m_out = np.asarray([_check_int(int(v), "m_out_values entries", 2) for v in m_out_values], dtype=np.int64)
    rows = []
    for value in m_out:
        n_inputs = _family_inputs(family, int(value))
        net = build_and_network(make_pairs(family, n_inputs, int(value), seed=seed), n_inputs, k, seed,
                                failure_prob=failure_prob)
        rows.append((net.n_neurons, net.n_params, net.n_bits))
    counts = np.asarray(rows, dtype=np.int64).reshape(-1, 3)
    return {"m_out": m_out, "n_neurons": counts[:, 0], "n_params": counts[:, 1], "n_bits": counts[:, 2]}


def _family_inputs(family: str, n_outputs: int) -> int:
    """The number of inputs m the book uses with m' outputs: m = m', or what the family needs."""
    return {"matching": 2 * n_outputs, "star": n_outputs + 1}.get(family, n_outputs)
