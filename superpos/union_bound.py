"""The union bound the AND construction's layouts share: which events it adds up, and their tails.

A failure bound says how likely it is, over the seeded codes, that a network
makes a wrong decision. Two guarantees are offered (``GUARANTEES``):

* ``"per_input"``: for one fixed input A, chosen before the codes are drawn.
  At most D_k absent outputs have an active endpoint (D_k the sum of the k
  largest influences) and m' have none.
* ``"every_input"``: for every input with at most k actives at once, as an
  adversary who picks the input after seeing the network needs. The events
  are (absent output, which endpoint is active, the other actives Y): 2m'
  Σ_{j<k} C(m-2, j) of them with an active endpoint and m' Σ_{j≤k} C(m-2, j)
  without. Their probabilities depend on Y only through its influence sum
  D = Σ_y d_y, so :func:`spoiler_counts` groups them by D, from the histogram
  of influences.

:func:`union_counts` gives the two totals; :func:`binom_sf`,
:func:`poisson_sf` and :func:`shared_term_weights` are the tails and weights
the bounds of :mod:`superpos.one_layer` and :mod:`superpos.three_channel`
are made of.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb, factorial

import numpy as np
from scipy.special import bdtr, bdtrc, pdtrc

from superpos.instance import AndInstance, as_and_instance
from superpos.validation import check_int

__all__ = ["GUARANTEES", "PROVED", "SpoilerCounts", "binom_sf", "binom_sf_bound", "check_bound", "check_guarantee",
           "influence_spoiler_counts", "poisson_sf", "search_cap", "shared_term_weights", "spoiler_counts",
           "union_counts"]


#: What a failure bound bounds: a wrong decision on any input at all, or on one fixed input.
GUARANTEES = ("every_input", "per_input")
#: A bound on a wrong decision on any input whose every step is proved (one layer, independent codes).
PROVED = "proved"


def check_guarantee(guarantee, allow_proved: bool = False) -> str:
    """Return ``guarantee`` if it is one of ``GUARANTEES`` (or ``PROVED``, where allowed).

    Examples
    --------
    >>> check_guarantee("sometimes")
    Traceback (most recent call last):
    ...
    ValueError: guarantee must be one of ('every_input', 'per_input'), got 'sometimes'
    >>> check_guarantee("proved", allow_proved=True)
    'proved'
    """
    allowed = GUARANTEES + ((PROVED,) if allow_proved else ())
    if guarantee not in allowed:
        raise ValueError(f"guarantee must be one of {allowed}, got {guarantee!r}")
    return guarantee


def check_bound(sizes, failure_prob: float, guarantee: str, enforce_bound: bool = True) -> None:
    """Refuse sizes whose failure bound is for another guarantee, or above ``failure_prob``.

    Parameters
    ----------
    sizes : OneLayerSizes or ThreeChannelSizes
        Sizes with a ``failure_bound``, the ``guarantee`` it bounds and a ``describe()``.
    failure_prob : float
        The bound the sizes must meet.
    guarantee : {"every_input", "per_input"}
        What the bound must bound.
    enforce_bound : bool
        With False, sizes above ``failure_prob`` are accepted (the guarantee is void).

    Examples
    --------
    >>> from superpos.one_layer import OneLayerSizes
    >>> check_bound(OneLayerSizes(3, 11, 3, 11, 0.5), 1e-6, "every_input", enforce_bound=False)
    >>> check_bound(OneLayerSizes(3, 11, 3, 11, 0.5), 1e-6, "every_input")
    Traceback (most recent call last):
    ...
    ValueError: sizes too small for the guarantee: with s = 3, q_in = 11, t = 3, q_out = 11 the every_input failure bound is 0.5 > failure_prob = 1e-06; use larger sizes, or enforce_bound=False to accept the risk
    """
    if sizes.guarantee != guarantee:
        raise ValueError(f"the sizes bound guarantee {sizes.guarantee!r}, but guarantee {guarantee!r} was asked for; "
                         "size the network for the guarantee it is built with")
    if enforce_bound and not sizes.failure_bound <= failure_prob:
        raise ValueError(f"sizes too small for the guarantee: with {sizes.describe()} the {guarantee} failure bound "
                         f"is {sizes.failure_bound:.3g} > failure_prob = {failure_prob:.3g}; use larger sizes, "
                         "or enforce_bound=False to accept the risk")


@dataclass(frozen=True)
class SpoilerCounts:
    """The events a failure bound adds up, grouped by the influence of the actives that can spoil.

    A false positive of an absent output ℓ is helped by active inputs y that
    are endpoints of other outputs sharing ℓ's neurons, with probability
    growing with D = Σ_y d_y. ``first_counts[i]`` events have an active endpoint
    of ℓ and other actives with D ≤ ``first_sums[i]``; ``second_counts[i]``
    events have no active endpoint and actives with D ≤ ``second_sums[i]``.

    Examples
    --------
    >>> SpoilerCounts(np.array([0.0]), np.array([3.0]), np.array([2.0]), np.array([10.0])).first_counts
    array([3.])
    """

    first_sums: np.ndarray
    first_counts: np.ndarray
    second_sums: np.ndarray
    second_counts: np.ndarray


def _influence_profile(instance: AndInstance, k: int) -> tuple[float, float, float]:
    """Return (D_k, D_spoil, d_spoil): the sum of the k largest influences, and
    the sum of the k-1 largest and the largest influence among inputs that can
    spoil an output (inputs outside some pair; a star's centre is in all)."""
    d = instance.influence
    top = np.sort(d)[::-1]
    d_k = float(top[:k].sum())
    spoilers = np.sort(d[d < instance.n_outputs])[::-1]
    d_spoil = float(spoilers[: max(k - 1, 0)].sum()) if len(spoilers) else 0.0
    return d_k, d_spoil, float(spoilers[0]) if len(spoilers) else 0.0


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

    Parameters
    ----------
    pairs : AndInstance or array-like (m', 2)
    n_inputs : int or None
        m (None with an instance).
    k : int
        The largest number of active inputs.
    guarantee : {"every_input", "per_input"}

    Examples
    --------
    >>> counts = spoiler_counts([[0, 1], [2, 3]], 4, 2)
    >>> float(counts.first_counts.sum())   # 2m' (1 + m) events with an active endpoint: j = 0 or 1 others
    20.0
    """
    instance = as_and_instance(pairs, n_inputs)
    k = check_int(k, "k", 1, instance.n_inputs)
    guarantee = check_guarantee(guarantee)
    n_outputs = instance.n_outputs
    if guarantee == "per_input":
        d_k, d_spoil, d_max = _influence_profile(instance, k)
        return SpoilerCounts(np.array([d_spoil]), np.array([d_k]), np.array([k * d_max]), np.array([float(n_outputs)]))
    degrees = instance.influence.astype(float)
    return influence_spoiler_counts(degrees, np.ones_like(degrees), n_outputs, k)


def influence_spoiler_counts(influences, counts, n_outputs: int, k: int) -> SpoilerCounts:
    """The every-input events of :func:`spoiler_counts` from a histogram of influences alone.

    ``counts[j]`` inputs have influence ``influences[j]``; the instance's pairs
    are not needed, so the bound can be evaluated for instances too large to
    draw (a 2-regular instance of m' = 10¹² pairs, say). An influence of m'
    (in every pair) counts as 0, as in :func:`spoiler_counts`.

    Examples
    --------
    >>> counts = influence_spoiler_counts([1.0], [4.0], 2, 2)
    >>> float(counts.first_counts.sum())   # as spoiler_counts([[0, 1], [2, 3]], 4, 2)
    20.0
    """
    degrees = np.asarray(influences, dtype=float)
    weight = np.asarray(counts, dtype=float)
    if degrees.shape != weight.shape or degrees.ndim != 1 or not len(degrees):
        raise ValueError("influences and counts must be 1-D arrays of the same, non-zero length")
    if np.any(degrees < 0) or np.any(weight < 0):
        raise ValueError("influences and counts must be non-negative")
    n_outputs = check_int(n_outputs, "n_outputs", 1)
    k = check_int(k, "k", 1)
    degrees = np.where(degrees >= n_outputs, 0.0, degrees)
    edges = _sum_edges(k * max(degrees.max(), 1.0))
    single_sums, single_counts = _rebin(degrees, weight, edges)
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


def union_counts(guarantee: str, n_inputs: int, n_outputs: int, k: int, d_k: float) -> tuple[float, float]:
    """How many (output, input) events the bound adds up: (N₁, N₂) multiplying P₁ and P₂.

    ``"per_input"``: one fixed input A, so N₁ = D_k outputs with an active
    endpoint and N₂ = m' without. ``"every_input"``: every input with at most k
    actives at once, so N₁ = 2m' Σ_{j<k} C(m-2, j) (an output, which endpoint is
    active, and the other actives) and N₂ = m' Σ_{j≤k} C(m-2, j).

    Examples
    --------
    >>> union_counts("every_input", 10, 5, 2, 4.0)
    (90.0, 185.0)
    """
    if guarantee == "per_input":
        return float(d_k), float(n_outputs)
    others = [float(comb(max(n_inputs - 2, 0), j)) for j in range(k + 1)]
    return 2.0 * n_outputs * sum(others[:k]), float(n_outputs) * sum(others)


def search_cap(n_events: float, failure_prob: float, floor: int) -> int:
    """The largest code size a sizing search tries: max(floor, ⌈ln(N/δ)/2⌉) for N events and δ.

    A search range, not a bound on the optimum. A bound that adds up N
    events needs each of them below δ/N, so the code sizes it needs grow like
    ln(N/δ); the cap grows the same way (through N, with m'), so a search up
    to it is not what keeps the chosen sizes from growing. A size chosen at
    the cap would mean the cap binds; the tests check that the one-layer
    sizes of uniform pairs stay well inside it (at m' = 10⁴ and 10⁶).

    Examples
    --------
    >>> search_cap(1e20, 1e-6, 15), search_cap(10.0, 0.1, 15)
    (30, 15)
    """
    if not n_events > 0:
        raise ValueError(f"the number of events must be positive, got {n_events}")
    return max(int(floor), int(np.ceil(np.log(float(n_events) / failure_prob) / 2)))


def binom_sf(threshold, n, p):
    """P[Binomial(n, p) > threshold], 1 for a negative threshold (scipy.special, vectorised).

    Examples
    --------
    >>> float(binom_sf(0, 2, 0.5)), float(binom_sf(-1, 2, 0.5)), float(binom_sf(2, 2, 0.5))
    (0.75, 1.0, 0.0)
    """
    threshold = np.asarray(threshold, float)
    # A sum of n Bernoulli terms never exceeds n (bdtrc is undefined there).
    inside = bdtrc(np.clip(threshold, 0, max(n - 1, 0)), max(n, 1), p)
    return np.where(threshold < 0, 1.0, np.where(threshold >= n, 0.0, inside))


def binom_sf_bound(threshold, n, p):
    """An upper bound on P[Binomial(n, p) > threshold]: the exact tail, or the Chernoff bound where that is not finite.

    scipy's incomplete beta function returns NaN for very large n (n = 10¹²);
    there the Chernoff bound exp(-n KL(a/n ‖ p)) for a = threshold + 1 > np
    (and 1 for a ≤ np) is used instead, which can only be larger.

    Examples
    --------
    >>> float(binom_sf_bound(3, 10, 0.1)) == float(binom_sf(3, 10, 0.1))
    True
    >>> 0 < float(binom_sf_bound(1.01e6, 10**12, 1e-6)) < 1e-15
    True
    """
    threshold = np.asarray(threshold, float)
    exact = np.asarray(binom_sf(threshold, n, p), float)
    a = (threshold + 1.0) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        kl = np.where(a >= 1, np.inf, a * np.log(a / p) + (1 - a) * np.log1p(-a) - (1 - a) * np.log1p(-p))
    chernoff = np.where(a <= p, 1.0, np.exp(-n * np.where(a >= 1, np.inf, kl)))
    return np.where(np.isfinite(exact), exact, np.where(threshold + 1 > n, 0.0, chernoff))


def poisson_sf(threshold, mean):
    """P[Poisson(mean) ≥ threshold] (threshold ≤ 0 gives 1), vectorised.

    Examples
    --------
    >>> round(float(poisson_sf(1, 2.0)), 6), float(poisson_sf(0, 2.0))
    (0.864665, 1.0)
    """
    threshold = np.asarray(threshold, float)
    return np.where(threshold <= 0, 1.0, pdtrc(np.maximum(threshold - 1, 0), np.maximum(mean, 1e-300)))


def shared_term_weights(n_common: int, c_max: int, q_in: float) -> tuple[np.ndarray, np.ndarray]:
    """Values c = 0..c_max of Binomial(n_common, 1/q_in) and their probabilities; the last collects the tail.

    c is what the other active inputs put on the codes of an output's own
    endpoints, which is shared by every neuron of that output's code.

    Examples
    --------
    >>> c, weight = shared_term_weights(6, 2, 3.0)
    >>> c.tolist(), round(float(weight.sum()), 12)
    ([0, 1, 2], 1.0)
    """
    c = np.arange(c_max + 1)
    weight = np.diff(bdtr(c.astype(float), n_common, 1.0 / q_in), prepend=0.0)
    weight[-1] = binom_sf(c_max - 1, n_common, 1.0 / q_in)
    return c, weight
