"""The one-layer AND network: its failure bound, its sizing and its builder.

The output neurons compute. Neuron w of the output channel serves the outputs
O_w = {ℓ : w ∈ T_ℓ}; with R_w their endpoints and U_w = ∪_{i∈R_w} S_i the
union of the input codes of those endpoints (:mod:`superpos.codes`), its
weights are 1 on U_w and its bias is -(2s-1). This is the layout when no input
is heavy; :mod:`superpos.three_channel` treats hubs, and
:func:`superpos.layout.build_and_network` chooses between the two.

No false negatives (deterministically)
--------------------------------------
Write v = Σ_{i∈A} 1_{S_i} for the input layer (integers ≥ 0). If ℓ = (a, b)
is true, then for every w ∈ T_ℓ both a and b are in R_w, so
Σ_{j∈U_w} v_j ≥ |S_a ∪ S_b| + |S_a ∩ S_b| = 2s (the shared neuron, if any,
holds 2), hence W v + b ≥ 1 at every neuron of T_ℓ.

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
input with at most k actives (:mod:`superpos.union_bound`), grouped by the
influence sum D of the other actives (in p₁, Σ d_y / q_out becomes D / q_out):

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
one). Hubs of influence Θ(m') are the three-channel layout's business.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import isqrt

import numpy as np
import scipy.sparse as sp

from superpos.codes import ChannelWidths, input_code_book, line_code_sizes, output_code_book, prime_grid
from superpos.instance import as_and_instance
from superpos.network import Network
from superpos.numerics import binary_support
from superpos.union_bound import (PROVED, SpoilerCounts, binom_sf, binom_sf_bound, check_bound, check_guarantee,
                                  influence_spoiler_counts, search_cap, shared_term_weights, spoiler_counts)
from superpos.validation import check_int, check_probability

__all__ = ["OneLayerSizes", "build_one_layer_and_network", "one_layer_failure_bound", "one_layer_sizes",
           "line_code_sizes_for_events", "one_layer_sizes_for_widths", "proved_failure_bound", "proved_sizes"]


@dataclass(frozen=True)
class OneLayerSizes(ChannelWidths):
    """Sizes of the one-layer construction and its failure bound.

    Made by :func:`one_layer_sizes` (searched for a target failure
    probability) or :func:`one_layer_sizes_for_widths` (given widths), which
    compute ``failure_bound`` for the instance they are given.

    Examples
    --------
    >>> sizes = OneLayerSizes(code_size=5, q_in=11, output_code_size=4, q_out=13, failure_bound=1e-7)
    >>> sizes.n_input_neurons, sizes.n_output_neurons, sizes.n_neurons
    (55, 52, 107)
    """

    code_size: int  #: s, neurons per input code
    q_in: int  #: prime; the input layer has s·q_in neurons
    output_code_size: int  #: t, neurons per output code
    q_out: int  #: prime; the output layer has t·q_out neurons
    failure_bound: float  #: bound on P[a wrong decision] (one fixed input, or any input, per the guarantee)
    guarantee: str = "every_input"  #: what ``failure_bound`` bounds (see :mod:`superpos.union_bound`)
    codes: str = "lines"  #: the kind of input and output code books (:data:`superpos.codes.CODE_KINDS`)
    load_cap: int = 0  #: λ of the proved bound: no output neuron serves more than λ outputs, or it fails

    @property
    def n_neurons(self) -> int:
        """Neurons of the network, both layers."""
        return self.n_input_neurons + self.n_output_neurons

    def describe(self) -> str:
        """The sizes in the book's symbols, for messages and network names.

        Examples
        --------
        >>> OneLayerSizes(5, 11, 4, 13, 1e-7).describe()
        's = 5, q_in = 11, t = 4, q_out = 13'
        """
        described = f"s = {self.code_size}, q_in = {self.q_in}, t = {self.output_code_size}, q_out = {self.q_out}"
        return described + (f", {self.codes} codes" if self.codes != "lines" else "")


def one_layer_failure_bound(n_outputs: int, k: int, code_size: int, q_in: int, output_code_size: int,
                            q_out, spoilers: SpoilerCounts) -> np.ndarray:
    """Bound on the probability of a wrong decision: for one fixed input, or for any input at all.

    ``spoilers`` (:func:`superpos.union_bound.spoiler_counts`) says which: the events of one fixed
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

    Examples
    --------
    >>> spoilers = spoiler_counts([[0, 1], [2, 3], [4, 5]], 6, 2)
    >>> bounds = one_layer_failure_bound(3, 2, 3, 5, 3, [3, 5, 7], spoilers)
    >>> bool(np.all(np.diff(bounds) < 0))   # wider output channels, smaller bounds
    True
    """
    q_out = np.asarray(q_out, float)
    terms = _bound_terms(n_outputs, k, int(code_size), float(q_in), np.atleast_1d(q_out), spoilers)
    return _bound_from_terms(terms, int(output_code_size), spoilers).reshape(q_out.shape)


def _bound_terms(n_outputs, k, s, q_in, q_out, spoilers: SpoilerCounts):
    """The weights and bases of the bound, which do not depend on t.

    Returns (w₁, B₁, w₂, B₂) with w of shape (C,) and B of shape
    (len(q_out), len(sums), C): the bound is
    Σ_D N₁(D) Σ_c w₁[c] B₁[:, D, c]^t + Σ_D N₂(D) Σ_c w₂[c] B₂[:, D, c]^t.
    """
    f = -np.expm1(2.0 * n_outputs / q_out * np.log1p(-1.0 / q_in))[:, None, None]
    member = spoilers.first_sums[None, :, None] / q_out[:, None, None]
    d_rate = spoilers.second_sums[None, :, None] / q_out[:, None, None]

    # c = what the other actives put on ℓ's own endpoint codes (:func:`shared_term_weights`).
    c1, w1 = shared_term_weights(2 * s * (k - 1), min(s, 2 * (k - 1)), q_in)
    tail1 = binom_sf(s - c1 - 1, (k - 1) * s, f)
    base1 = np.minimum(1.0, member + tail1)
    c2, w2 = shared_term_weights(2 * s * k, min(2 * s, 2 * k), q_in)
    tail21 = binom_sf(s - c2 - 1, (k - 1) * s, f)
    tail22 = binom_sf(2 * s - c2 - 1, k * s, f)
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


def proved_failure_bound(n_outputs: int, k: int, code_size: int, q_in: int, output_code_size: int, q_out: int,
                         load_cap: int, spoilers: SpoilerCounts) -> float:
    """Proved bound on P[some input with at most k actives gets a wrong decision], independent codes.

    For the one-layer network whose input and output codes are independent
    (:func:`superpos.codes.independent_code_book`: every row of every code
    uniform and independent), with s, q_in, t, q_out as named and any integer
    λ = ``load_cap``,

        P ≤ n₁ P[Bin(m', 1/q_out) > λ] + Σ_D N₁(D) (D/q_out)^t + Σ_D N₂(D) (D/q_out)^t
            + t (N₁ P[Bin((k-1)s, 2λ/q_in) ≥ s] + N₂ P[Bin(ks, 2λ/q_in) ≥ 2s]),

    with n₁ = t q_out, N₁(D) and N₂(D) the every-input events grouped by the
    influence sum D of the actives other than the output's endpoints
    (:func:`superpos.union_bound.spoiler_counts`), N₁ and N₂ their totals,
    and every probability capped at 1. Every step is proved in the
    construction chapter: the first term is the chance that some output
    neuron serves more than λ outputs; given that none does, the t rows of an
    output code fail independently through the output codes' rows (the
    second and third terms), and a row that no other active touches fails
    only if the active codes cover s of its ≤ 2λ endpoint codes' neurons,
    which independent input codes make a binomial event (the last term).

    Examples
    --------
    >>> from superpos.union_bound import spoiler_counts
    >>> spoilers = spoiler_counts([[0, 1], [2, 3], [4, 5]], 6, 2)
    >>> bound = proved_failure_bound(3, 2, 6, 40, 4, 20, 3, spoilers)
    >>> 0 < bound < 1
    True
    """
    s, t, lam = int(code_size), int(output_code_size), int(load_cap)
    load = t * q_out * float(binom_sf_bound(lam, n_outputs, 1.0 / q_out))
    rows = float(np.minimum(1.0, spoilers.first_sums / q_out) ** t @ spoilers.first_counts
                 + np.minimum(1.0, spoilers.second_sums / q_out) ** t @ spoilers.second_counts)
    rate = min(1.0, 2.0 * lam / q_in)
    cover = t * (float(spoilers.first_counts.sum()) * float(binom_sf(s - 1, (k - 1) * s, rate))
                 + float(spoilers.second_counts.sum()) * float(binom_sf(2 * s - 1, k * s, rate)))
    return min(1.0, load + rows + cover)


def proved_sizes(spoilers: SpoilerCounts, n_outputs: int, k: int, failure_prob: float = 1e-6, *,
                 code_sizes=range(2, 81), output_code_sizes=range(1, 61)) -> OneLayerSizes:
    """The fewest neurons s·q_in + t·q_out whose :func:`proved_failure_bound` is at most ``failure_prob``.

    Works from the every-input events alone (``spoilers``, from
    :func:`superpos.union_bound.spoiler_counts` or, for instances too large to
    draw, :func:`superpos.union_bound.influence_spoiler_counts`), so the
    proved sizes can be computed at any m'. Searches q_out on a geometric
    grid, t and λ exhaustively, and, for each s, the narrowest q_in that
    keeps the covering term within what the other terms leave; q_in and
    q_out need not be prime (independent codes).

    Examples
    --------
    >>> from superpos.union_bound import influence_spoiler_counts
    >>> sizes = proved_sizes(influence_spoiler_counts([2.0], [1e4], 10**4, 3), 10**4, 3)
    >>> sizes.failure_bound <= 1e-6, sizes.codes, sizes.guarantee
    (True, 'independent', 'proved')
    """
    n_outputs = check_int(n_outputs, "n_outputs", 1)
    k = check_int(k, "k", 2)
    failure_prob = check_probability(failure_prob, "failure_prob")
    s_values = np.array([check_int(v, "code_sizes[...]", 1) for v in code_sizes])
    t_values = np.array([check_int(v, "output_code_sizes[...]", 1) for v in output_code_sizes])
    n1, n2 = float(spoilers.first_counts.sum()), float(spoilers.second_counts.sum())
    # Covering term per unit of t, on a fine grid of rates ρ = 2λ/q_in, for every s (rows), increasing in ρ.
    rates = np.geomspace(1e-7, 1.0, 1400)
    cover = np.array([n1 * binom_sf(s - 1, (k - 1) * s, rates) + n2 * binom_sf(2 * s - 1, k * s, rates)
                      for s in s_values])
    # Inverted once: for each s and each budget 10^(level/10), the largest rate whose covering term fits.
    # A budget is rounded down to its level, which only shrinks the rates chosen; the bound is re-checked.
    levels = np.arange(-3000, 101)
    fitting = np.array([np.searchsorted(row, 10.0 ** (levels / 10.0), side="right") - 1 for row in cover])
    best = None
    q_low = 2  # independent codes need no prime and no q² ≥ m'
    for q_out in np.unique(np.round(np.geomspace(q_low, min(50.0 * n_outputs + 100, 1e17), 180)).astype(np.int64)):
        q_out = int(q_out)
        mu = n_outputs / q_out
        lams = np.unique(np.round(mu + np.linspace(0, 14 * np.sqrt(mu) + 60, 60)).astype(np.int64))
        lams = lams[lams >= 1]
        tail = np.asarray(binom_sf_bound(lams, n_outputs, 1.0 / q_out), float)
        rows = (np.minimum(1.0, spoilers.first_sums / q_out)[None, :] ** t_values[:, None]) @ spoilers.first_counts \
            + (np.minimum(1.0, spoilers.second_sums / q_out)[None, :] ** t_values[:, None]) @ spoilers.second_counts
        # Budget left for the covering term, per t (rows) and λ (columns), divided by t.
        budget = (failure_prob - rows[:, None] - t_values[:, None] * q_out * tail[None, :]) / t_values[:, None]
        for i, t in enumerate(t_values):
            if best is not None and t * q_out >= best.n_neurons:
                break
            ok = budget[i] > 0
            if not ok.any():
                continue
            # For each s and λ: the largest rate on the grid whose covering term fits the budget.
            level = np.clip(np.floor(10.0 * np.log10(budget[i][ok])).astype(np.int64) - levels[0], 0,
                            len(levels) - 1)
            index = fitting[:, level]
            fits = index >= 0
            if not fits.any():
                continue
            rate = rates[np.maximum(index, 0)]
            q_in = np.ceil(2.0 * lams[ok][None, :] / rate)
            width = np.where(fits, s_values[:, None] * np.maximum(q_in, 2), np.inf)
            j = np.unravel_index(np.argmin(width), width.shape)
            total = int(width[j]) + int(t) * q_out
            if best is None or total < best.n_neurons:
                s, lam = int(s_values[j[0]]), int(lams[ok][j[1]])
                q = int(max(q_in[j], 2))
                bound = proved_failure_bound(n_outputs, k, s, q, int(t), q_out, lam, spoilers)
                if bound <= failure_prob:
                    best = OneLayerSizes(s, q, int(t), q_out, bound, PROVED, "independent", lam)
    if best is None:
        raise ValueError(f"no sizes within the search range meet the proved bound for failure_prob = {failure_prob}")
    return best


def one_layer_sizes(pairs, n_inputs: int, k: int, failure_prob: float = 1e-6, *,
                    code_size: int | None = None, output_code_size: int | None = None,
                    guarantee: str = "every_input") -> OneLayerSizes:
    """Choose s, t, q_in, q_out for the one-layer construction.

    Minimises the neurons s·q_in + t·q_out subject to
    :func:`one_layer_failure_bound` ≤ ``failure_prob`` (for ``guarantee``:
    every input at once by default, or one fixed input) and to the line codes
    existing (q_in prime ≥ s with q_in² ≥ m, q_out prime ≥ t with q_out² ≥ m').
    The search (:func:`line_code_sizes_for_events`) runs over s and t from 3
    to a cap that grows with the number of events (or the values given), q_in
    on a geometric grid of primes, and the least feasible q_out over a grid of
    primes.

    Parameters
    ----------
    pairs : AndInstance or array-like (m', 2)
    n_inputs : int or None
        m (None with an instance).
    k : int
        The largest number of active inputs the guarantee covers.
    failure_prob : float
        Target bound on the probability, over the seeded codes, of a wrong decision.
    code_size, output_code_size : int, optional
        Fix s or t instead of searching them.
    guarantee : {"every_input", "per_input", "proved"}
        What ``failure_prob`` bounds (:mod:`superpos.union_bound`); ``"proved"``
        sizes a network with independent codes by :func:`proved_failure_bound`
        (:func:`proved_sizes`), every step of which is proved.

    Returns
    -------
    OneLayerSizes

    Examples
    --------
    >>> from superpos.families import uniform_pairs
    >>> sizes = one_layer_sizes(uniform_pairs(100, 100, seed=0), 100, 2, 1e-3)
    >>> sizes.failure_bound <= 1e-3, sizes.guarantee
    (True, 'every_input')
    """
    instance = as_and_instance(pairs, n_inputs)
    n_inputs, n_outputs = instance.n_inputs, instance.n_outputs
    k = check_int(k, "k", 1, n_inputs)
    failure_prob = check_probability(failure_prob, "failure_prob")
    guarantee = check_guarantee(guarantee, allow_proved=True)
    if guarantee == PROVED:
        if code_size is not None or output_code_size is not None:
            raise ValueError("guarantee='proved' searches s and t itself; give neither code_size nor output_code_size")
        k_bound = max(k, 2)  # with one active nothing can fire falsely: k = 1 is covered by k = 2
        return proved_sizes(spoiler_counts(instance, n_inputs, k_bound), n_outputs, k_bound, failure_prob)
    spoilers = spoiler_counts(instance, n_inputs, k, guarantee)
    return line_code_sizes_for_events(spoilers, n_inputs, n_outputs, k, failure_prob, guarantee,
                                      code_sizes=None if code_size is None else [code_size],
                                      output_code_sizes=None if output_code_size is None else [output_code_size])


def line_code_sizes_for_events(spoilers: SpoilerCounts, n_inputs: int, n_outputs: int, k: int,
                               failure_prob: float = 1e-6, guarantee: str = "every_input", *,
                               code_sizes=None, output_code_sizes=None) -> OneLayerSizes:
    """The fewest neurons s·q_in + t·q_out of line codes whose :func:`one_layer_failure_bound` ≤ ``failure_prob``.

    The search of :func:`one_layer_sizes`, from the events alone (``spoilers``;
    :func:`superpos.union_bound.influence_spoiler_counts` gives them for an
    instance too large to draw). s and t run from 3 to a cap that grows with
    the number of events, max(20, ⌈ln(N/δ)/2⌉) for N events, so the search is
    not what keeps s·t from growing with m'; q_in and q_out run over
    geometric grids of primes from the least that make line codes.

    Examples
    --------
    >>> from superpos.union_bound import influence_spoiler_counts
    >>> events = influence_spoiler_counts([2.0], [1e4], 10**4, 3)
    >>> line_code_sizes_for_events(events, 10**4, 10**4, 3).n_neurons
    7323
    """
    events = float(spoilers.first_counts.sum() + spoilers.second_counts.sum())
    cap = search_cap(events, failure_prob, 20)
    s_values = list(code_sizes) if code_sizes is not None else list(range(3, cap + 1))
    t_values = list(output_code_sizes) if output_code_sizes is not None else list(range(3, cap + 5))
    best = None
    q_out_grid = np.array(prime_grid(max(max(t_values), isqrt(n_outputs - 1) + 1), 72, 1.12), float)
    for s in s_values:
        for q_in in prime_grid(max(s, isqrt(n_inputs - 1) + 1), 24, 1.12):
            if best is not None and s * q_in + min(t_values) * q_out_grid[0] >= best.n_neurons:
                continue  # the input channel alone is already too wide
            terms = _bound_terms(n_outputs, k, s, float(q_in), q_out_grid, spoilers)
            for t in t_values:
                found = _first_feasible(terms, t, spoilers, failure_prob)
                if found is None:
                    continue
                n = s * q_in + t * int(q_out_grid[found[0]])
                if best is None or n < best.n_neurons:
                    best = OneLayerSizes(s, q_in, t, int(q_out_grid[found[0]]), found[1], guarantee)
    if best is None:
        raise ValueError(f"no one-layer sizes within the search range meet failure_prob = {failure_prob}")
    return best


def _endpoint_matrix(pairs: np.ndarray, output_codes: np.ndarray, n_rows: int, n_inputs: int) -> sp.csr_matrix:
    """0/1 matrix E (n_rows × m): E[w, i] = 1 iff input i is an endpoint of an output whose code holds w."""
    t = output_codes.shape[1]
    rows = np.concatenate([output_codes.ravel(), output_codes.ravel()])
    cols = np.concatenate([np.repeat(pairs[:, 0], t), np.repeat(pairs[:, 1], t)])
    matrix = sp.csr_matrix((np.ones(rows.size, dtype=np.float32), (rows, cols)), shape=(n_rows, n_inputs))
    matrix.data[:] = 1.0
    return matrix


def one_layer_sizes_for_widths(pairs, n_inputs: int, k: int, *, code_size: int, output_code_size: int,
                               n_input_neurons: int, n_output_neurons: int,
                               guarantee: str = "every_input") -> OneLayerSizes:
    """The sizes of a one-layer network of given widths, with their failure bound for this instance.

    Parameters
    ----------
    pairs : AndInstance or array-like (m', 2)
    n_inputs : int or None
        m (None with an instance).
    k : int
        The largest number of active inputs the bound covers.
    code_size, output_code_size : int
        s and t.
    n_input_neurons, n_output_neurons : int
        Widths s·q_in and t·q_out, q_in and q_out primes that make line codes
        (:func:`superpos.codes.line_code_sizes`).
    guarantee : {"every_input", "per_input"}

    Examples
    --------
    >>> sizes = one_layer_sizes_for_widths([[0, 1], [2, 3]], 4, 2, code_size=3, output_code_size=3,
    ...                                    n_input_neurons=3 * 3, n_output_neurons=3 * 3)
    >>> sizes.describe(), sizes.n_neurons
    ('s = 3, q_in = 3, t = 3, q_out = 3', 18)
    """
    instance = as_and_instance(pairs, n_inputs)
    k = check_int(k, "k", 1, instance.n_inputs)
    guarantee = check_guarantee(guarantee)
    ins = line_code_sizes(instance.n_inputs, n_input_neurons, code_size, "input")
    outs = line_code_sizes(instance.n_outputs, n_output_neurons, output_code_size, "output")
    bound = float(one_layer_failure_bound(instance.n_outputs, k, ins.rows, ins.q, outs.rows, outs.q,
                                          spoiler_counts(instance, instance.n_inputs, k, guarantee)))
    return OneLayerSizes(ins.rows, ins.q, outs.rows, outs.q, bound, guarantee)


def build_one_layer_and_network(pairs, n_inputs: int, k: int, seed: int = 0, *, sizes: OneLayerSizes | None = None,
                                failure_prob: float = 1e-6, guarantee: str = "every_input",
                                enforce_bound: bool = True) -> Network:
    """Build the one-layer AND network: the output neurons compute.

    Output neuron w reads the union U_w of the input codes of the endpoints of
    every output it serves, with weight 1, and has bias -(2s-1): it fires iff
    the input puts at least 2s into U_w. All weights are 1 and there is one
    bias value, so every parameter takes one bit.

    Parameters
    ----------
    pairs : AndInstance or array-like (m', 2) of int
        The pairs; checked by :class:`superpos.instance.AndInstance`.
    n_inputs : int or None
        m, the number of input features (None with an instance).
    k : int
        The largest number of active inputs the guarantee covers.
    seed : int
        Seed of the input and output code books.
    sizes : OneLayerSizes, optional
        The sizes to build, from :func:`one_layer_sizes` or
        :func:`one_layer_sizes_for_widths` for this instance; searched by
        :func:`one_layer_sizes` for ``failure_prob`` when omitted.
    failure_prob : float
        Target bound on the probability, over the seeded codes, of a wrong
        decision: on any input with at most k actives (``guarantee=
        "every_input"``), or on one fixed input (``"per_input"``). Given sizes
        must meet it, otherwise ValueError.
    guarantee : {"every_input", "per_input", "proved"}
        What ``failure_prob`` bounds. A per-input bound is beaten by an
        adversary who searches the m features for the other actives of one
        target; the every-input bound is a union over all of them, so no
        choice of input can beat it. ``"proved"`` builds independent codes
        sized by :func:`proved_failure_bound`. Given sizes must bound the same.
    enforce_bound : bool
        False lets given sizes void the guarantee (to study the phase
        transition); false negatives stay impossible.

    Returns
    -------
    Network
        Layer 0 of s·q_in neurons, one layer of t·q_out neurons, threshold 1.

    Examples
    --------
    >>> from superpos.families import uniform_pairs
    >>> pairs = uniform_pairs(100, 100, seed=0)
    >>> sizes = one_layer_sizes(pairs, 100, 2, 1e-3)
    >>> net = build_one_layer_and_network(pairs, 100, 2, seed=0, sizes=sizes, failure_prob=1e-3)
    >>> len(net.layers), net.bits_per_param, net.n_neurons == sizes.n_neurons
    (1, 1, True)
    """
    instance = as_and_instance(pairs, n_inputs)
    k = check_int(k, "k", 1, instance.n_inputs)
    failure_prob = check_probability(failure_prob, "failure_prob")
    guarantee = check_guarantee(guarantee, allow_proved=True)
    if sizes is None:
        sizes = one_layer_sizes(instance, instance.n_inputs, k, failure_prob, guarantee=guarantee)
    elif not isinstance(sizes, OneLayerSizes):
        raise TypeError(f"sizes must be OneLayerSizes (from one_layer_sizes), got {type(sizes).__name__}")
    check_bound(sizes, failure_prob, guarantee, enforce_bound)
    s, t = sizes.code_size, sizes.output_code_size
    input_codes = input_code_book(instance.n_inputs, sizes.n_input_neurons, s, seed, kind=sizes.codes)
    output_codes = output_code_book(instance.n_outputs, sizes.n_output_neurons, t, seed, kind=sizes.codes)
    endpoints = _endpoint_matrix(instance.pairs, output_codes, sizes.n_output_neurons, instance.n_inputs)
    weights = binary_support(endpoints @ input_codes)
    bias = np.full(sizes.n_output_neurons, -(2.0 * s - 1.0))
    return Network(input_codes, [(weights, bias)], output_codes, 1.0,
                   name=f"one-layer AND (s={s}, t={t}, {sizes.guarantee.replace('_', '-')} "
                        f"bound={sizes.failure_bound:.2g})")
