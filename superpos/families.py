"""Problem families for pairwise AND: which pairs, which inputs, which answers.

An instance of pairwise AND is a list of m' distinct pairs ``(a, b)`` of input
features out of m; output ℓ is present on input set A iff both endpoints of
pair ℓ are in A. How the pairs are spread over the inputs (the *influence* of
input i, the number of pairs it belongs to) is what makes an instance easy or
hard for a network, so the generators below span the cases:

* ``uniform``: m' distinct pairs drawn uniformly from all C(m, 2);
  influences are about Poisson(2m'/m).
* ``matching``: disjoint pairs; every influence is 0 or 1.
* ``star``: one centre in every pair; the centre has influence m'.
* ``clique``: all pairs among about √(2m') features; each has influence
  about √(2m').
* ``power_law``: endpoints drawn with Zipf-like weights, so the number of
  inputs of influence d falls off like d^(-exponent) (exponent 2);
* ``heavy_power_law``: the same fall-off with exponent 1.5, whose largest
  hubs are in a constant share of all pairs (one endpoint Zipf, one uniform);
* ``stars``: several overlapping stars, every pair of centres included; the
  centres are hubs that can be active together;
* ``near_clique``: three quarters of the pairs among about √(8m'/3)
  features, so every feature is heavy and a quarter of the pairs inside the
  dense set are *not* outputs;
* ``mixture``: a quarter each of uniform pairs, stars, a clique and power-law
  pairs on the same features.

Every generator returns the pairs as an (m', 2) int64 array with a < b in
each row, checked by :class:`superpos.instance.AndInstance`.
"""

from __future__ import annotations

from math import comb, isqrt

import numpy as np
import scipy.sparse as sp

from superpos.instance import MAX_INPUTS, AndInstance, pair_keys
from superpos.validation import check_array_size, check_int, check_random_state

__all__ = ["FAMILIES", "clique_pairs", "clique_size", "default_n_inputs", "heavy_power_law_pairs", "make_pairs",
           "matching_pairs", "mixture_pairs", "near_clique_pairs", "power_law_pairs", "star_pairs", "stars_pairs",
           "uniform_pairs"]

FAMILIES = ("uniform", "matching", "star", "stars", "clique", "near_clique", "power_law", "heavy_power_law",
            "mixture")


def _checked(pairs: np.ndarray, n_inputs: int) -> np.ndarray:
    """The generated pairs, checked and normalised (a < b) as an instance would store them."""
    return np.array(AndInstance(pairs, n_inputs).pairs)


def _check_sizes(n_inputs, n_outputs) -> tuple[int, int]:
    n_inputs = check_int(n_inputs, "n_inputs", 2, MAX_INPUTS)
    n_outputs = check_int(n_outputs, "n_outputs", 1)
    if n_outputs > comb(n_inputs, 2):
        raise ValueError(f"n_outputs = {n_outputs} exceeds the C({n_inputs}, 2) = {comb(n_inputs, 2)} "
                         "distinct pairs of n_inputs features")
    return n_inputs, n_outputs


def _unrank_pairs(ranks: np.ndarray) -> np.ndarray:
    """Pair with colex rank r: b = max{b : C(b, 2) <= r}, a = r - C(b, 2)."""
    ranks = np.asarray(ranks, dtype=np.int64)
    b = np.floor((1 + np.sqrt(1 + 8 * ranks.astype(np.float64))) / 2).astype(np.int64)
    b -= (b * (b - 1) // 2) > ranks          # correct the rare float rounding up
    b += ((b + 1) * b // 2) <= ranks         # ... and down
    return np.stack([ranks - b * (b - 1) // 2, b], axis=1)


def uniform_pairs(n_inputs: int, n_outputs: int, seed: int = 0) -> np.ndarray:
    """m' distinct pairs drawn uniformly at random from all C(m, 2) pairs.

    Examples
    --------
    >>> uniform_pairs(6, 4, seed=0).shape
    (4, 2)
    """
    n_inputs, n_outputs = _check_sizes(n_inputs, n_outputs)
    rng = check_random_state(seed)
    ranks = rng.choice(comb(n_inputs, 2), size=n_outputs, replace=False)
    return _checked(_unrank_pairs(ranks), n_inputs)


def matching_pairs(n_inputs: int, n_outputs: int, seed: int = 0) -> np.ndarray:
    """m' disjoint pairs (a partial perfect matching); needs 2 m' <= m.

    Examples
    --------
    >>> np.bincount(matching_pairs(8, 4, seed=0).ravel()).tolist()
    [1, 1, 1, 1, 1, 1, 1, 1]
    """
    n_inputs, n_outputs = _check_sizes(n_inputs, n_outputs)
    if 2 * n_outputs > n_inputs:
        raise ValueError(f"a matching of n_outputs = {n_outputs} pairs needs 2 * n_outputs <= n_inputs, "
                         f"got n_inputs = {n_inputs}")
    check_array_size(n_inputs, 8, f"a random order of m = {n_inputs} inputs")
    rng = check_random_state(seed)
    return _checked(rng.permutation(n_inputs)[: 2 * n_outputs].reshape(n_outputs, 2), n_inputs)


def star_pairs(n_inputs: int, n_outputs: int, seed: int = 0) -> np.ndarray:
    """m' pairs sharing one random centre; needs m' <= m - 1.

    Examples
    --------
    >>> int(np.bincount(star_pairs(6, 5, seed=0).ravel()).max())
    5
    """
    n_inputs, n_outputs = _check_sizes(n_inputs, n_outputs)
    if n_outputs > n_inputs - 1:
        raise ValueError(f"a star of n_outputs = {n_outputs} pairs needs n_outputs <= n_inputs - 1 = {n_inputs - 1}")
    rng = check_random_state(seed)
    centre = int(rng.integers(n_inputs))
    leaves = rng.choice(n_inputs - 1, size=n_outputs, replace=False)
    leaves = leaves + (leaves >= centre)      # skip the centre itself
    return _checked(np.stack([np.full(n_outputs, centre), leaves], axis=1), n_inputs)


def clique_size(n_outputs: int) -> int:
    """Smallest q with C(q, 2) >= m' (about √(2 m')).

    Examples
    --------
    >>> clique_size(45), clique_size(46)
    (10, 11)
    """
    n_outputs = check_int(n_outputs, "n_outputs", 1)
    q = isqrt(2 * n_outputs)
    while comb(q, 2) < n_outputs:
        q += 1
    while q > 2 and comb(q - 1, 2) >= n_outputs:
        q -= 1
    return max(q, 2)


def clique_pairs(n_inputs: int, n_outputs: int, seed: int = 0) -> np.ndarray:
    """The first m' pairs (colex order) among q = ``clique_size(m')`` random features.

    Examples
    --------
    >>> int(np.count_nonzero(np.bincount(clique_pairs(20, 10, seed=0).ravel())))
    5
    """
    n_inputs, n_outputs = _check_sizes(n_inputs, n_outputs)
    q = clique_size(n_outputs)  # <= n_inputs, since n_outputs <= C(n_inputs, 2)
    rng = check_random_state(seed)
    nodes = rng.choice(n_inputs, size=q, replace=False)
    local = _unrank_pairs(np.arange(n_outputs))
    return _checked(nodes[local], n_inputs)


def power_law_pairs(n_inputs: int, n_outputs: int, exponent: float = 2.0, seed: int = 0) -> np.ndarray:
    """m' distinct pairs whose influences follow a power law.

    Feature of rank r (a random relabelling of 0..m-1) gets weight
    w_r = (r + 1)^(-1/(exponent - 1)); each pair joins two features drawn
    independently with probability ∝ w (a Chung-Lu graph), self pairs and
    repeats are redrawn. The expected influence of rank r is ∝ w_r, so the
    number of features of influence about d falls off like d^(-exponent).

    Examples
    --------
    >>> pairs = power_law_pairs(1000, 1000, seed=0)
    >>> int(np.bincount(pairs.ravel()).max()) > 50   # a hub
    True
    """
    n_inputs, n_outputs = _check_sizes(n_inputs, n_outputs)
    exponent = float(exponent)
    if not np.isfinite(exponent) or exponent <= 1:
        raise ValueError(f"exponent must be a finite number > 1, got {exponent}")
    rng, labels, cumulative = _zipf_ranking("power_law", n_inputs, n_outputs, exponent, seed)

    def draw(count):
        return labels[np.minimum(np.searchsorted(cumulative, rng.random((count, 2))), n_inputs - 1)]

    return _checked(_distinct_draws(draw, n_inputs, n_outputs, "power-law", least=64), n_inputs)


def _zipf_ranking(what: str, n_inputs: int, n_outputs: int, exponent: float, seed):
    """The generator, a random ranking of the features and the cumulative Zipf weights (r + 1)^(-1/(exponent - 1))."""
    if n_outputs > comb(n_inputs, 2) // 2:
        raise ValueError(f"{what} pairs need n_outputs <= C(n_inputs, 2) / 2 = {comb(n_inputs, 2) // 2} "
                         f"so that rejection sampling ends, got n_outputs = {n_outputs}")
    check_array_size(3 * n_inputs, 8, f"the labels, weights and cumulative weights of m = {n_inputs} inputs")
    rng = check_random_state(seed)
    labels = rng.permutation(n_inputs)
    cumulative = np.cumsum(np.arange(1, n_inputs + 1, dtype=np.float64) ** (-1.0 / (exponent - 1.0)))
    cumulative /= cumulative[-1]
    return rng, labels, cumulative


def _distinct_draws(draw, n_inputs: int, n_outputs: int, what: str, least: int) -> np.ndarray:
    """m' distinct pairs from repeated calls ``draw(count)`` (an (count, 2) array), first drawn kept.

    Each round draws 2·(pairs still missing) + ``least`` pairs (at least
    ``least``), drops self pairs and repeats, and keeps the order of drawing.
    """
    keys = np.empty(0, dtype=np.int64)
    for _ in range(1000):
        ends = draw(max(2 * (n_outputs - keys.size) + 64, least))
        ends = np.sort(ends[ends[:, 0] != ends[:, 1]], axis=1)
        keys = np.concatenate([keys, pair_keys(ends, n_inputs)])
        _, first = np.unique(keys, return_index=True)
        keys = keys[np.sort(first)]           # drop repeats, keep first-drawn order
        if keys.size >= n_outputs:
            keys = keys[:n_outputs]
            return np.stack([keys // n_inputs, keys % n_inputs], axis=1)
    raise ValueError(f"could not draw {n_outputs} distinct {what} pairs on {n_inputs} inputs; "
                     "use a larger n_inputs or a smaller exponent")


def heavy_power_law_pairs(n_inputs: int, n_outputs: int, exponent: float = 1.5, seed: int = 0) -> np.ndarray:
    """m' distinct pairs whose influences fall off like d^(-exponent), for 1 < exponent ≤ 2.

    One endpoint of each pair is drawn with probability ∝ (r + 1)^(-1/(exponent - 1))
    over a random ranking r of the features, the other uniformly; repeats are
    redrawn. A feature of rank r then has influence about
    m' (r + 1)^(-1/(exponent - 1)) / Σ_j (j + 1)^(-1/(exponent - 1)), so the number of
    features of influence at least d falls off like d^(1 - exponent); with
    exponent 1.5 the largest hub is in about 60 % of all pairs. (Drawing both
    endpoints by weight, as :func:`power_law_pairs` does, runs out of distinct
    pairs among the few hubs when the exponent is below 2.)

    Examples
    --------
    >>> pairs = heavy_power_law_pairs(1000, 1000, seed=0)
    >>> int(np.bincount(pairs.ravel()).max()) > 400   # one hub in about 60 % of the pairs
    True
    """
    n_inputs, n_outputs = _check_sizes(n_inputs, n_outputs)
    exponent = float(exponent)
    if not np.isfinite(exponent) or not 1 < exponent <= 2:
        raise ValueError(f"exponent must be a number in (1, 2], got {exponent}")
    rng, labels, cumulative = _zipf_ranking("heavy_power_law", n_inputs, n_outputs, exponent, seed)

    def draw(count):
        hub = labels[np.minimum(np.searchsorted(cumulative, rng.random(count)), n_inputs - 1)]
        return np.stack([hub, rng.integers(n_inputs, size=count)], axis=1)

    return _checked(_distinct_draws(draw, n_inputs, n_outputs, "heavy power-law", least=4096), n_inputs)


def stars_pairs(n_inputs: int, n_outputs: int, n_centres: int = 8, seed: int = 0) -> np.ndarray:
    """Several overlapping stars: every pair of ``n_centres`` random centres, the rest centre–leaf pairs.

    The centre-leaf pairs are spread evenly over the centres, each with leaves
    drawn uniformly from the other features, so a leaf may belong to several
    stars. Every centre has influence about m' / n_centres, and any two
    centres are themselves an output.

    Examples
    --------
    >>> pairs = stars_pairs(200, 160, n_centres=4, seed=0)
    >>> sorted(np.bincount(pairs.ravel()).tolist())[-5:]   # four hubs of about 40 pairs each
    [3, 41, 41, 42, 42]
    """
    n_inputs, n_outputs = _check_sizes(n_inputs, n_outputs)
    n_centres = check_int(n_centres, "n_centres", 2, n_inputs - 1)
    core = comb(n_centres, 2)
    if n_outputs < core or n_outputs - core > n_centres * (n_inputs - n_centres):
        raise ValueError(f"{n_centres} stars need C({n_centres}, 2) = {core} <= n_outputs <= "
                         f"{core + n_centres * (n_inputs - n_centres)} on n_inputs = {n_inputs}, "
                         f"got n_outputs = {n_outputs}")
    rng = check_random_state(seed)
    order = rng.permutation(n_inputs)
    centres, others = order[:n_centres], order[n_centres:]
    first = np.array([(centres[i], centres[j]) for i in range(n_centres) for j in range(i + 1, n_centres)],
                     dtype=np.int64).reshape(-1, 2)
    per_centre = np.full(n_centres, (n_outputs - core) // n_centres)
    per_centre[: (n_outputs - core) % n_centres] += 1
    leaves = [np.stack([np.full(count, centre), rng.choice(others, size=count, replace=False)], axis=1)
              for centre, count in zip(centres, per_centre)]
    return _checked(np.concatenate([first, *leaves]), n_inputs)


def near_clique_pairs(n_inputs: int, n_outputs: int, density: float = 0.75, seed: int = 0) -> np.ndarray:
    """m' pairs drawn at random among the C(q, 2) pairs of q random features, q the least with density·C(q, 2) ≥ m'.

    Every feature of the dense set has influence about density·q, and the
    pairs of the set that are left out (a share 1 - density) are not outputs:
    two active features of the set need not make an output.

    Examples
    --------
    >>> pairs = near_clique_pairs(100, 30, seed=0)
    >>> int(np.count_nonzero(np.bincount(pairs.ravel())))   # 30 of the C(10, 2) = 45 pairs of 10 features
    10
    """
    n_inputs, n_outputs = _check_sizes(n_inputs, n_outputs)
    density = float(density)
    if not 0 < density <= 1:
        raise ValueError(f"density must be a number in (0, 1], got {density}")
    q = clique_size(n_outputs)
    while density * comb(q, 2) < n_outputs and q < n_inputs:
        q += 1
    rng = check_random_state(seed)
    nodes = rng.choice(n_inputs, size=q, replace=False)
    local = _unrank_pairs(rng.choice(comb(q, 2), size=n_outputs, replace=False))
    return _checked(nodes[local], n_inputs)


def mixture_pairs(n_inputs: int, n_outputs: int, seed: int = 0) -> np.ndarray:
    """A quarter each of stars (4 centres), a clique, power-law pairs and uniform pairs, on the same features.

    Each part is drawn on its own random relabelling of the m features, so the
    structures overlap; pairs drawn twice are kept once and replaced by further
    uniform pairs.

    Examples
    --------
    >>> pairs = mixture_pairs(1000, 400, seed=0)
    >>> pairs.shape, int(np.bincount(pairs.ravel()).max()) >= 25   # the stars' centres are hubs
    ((400, 2), True)
    """
    n_inputs, n_outputs = _check_sizes(n_inputs, n_outputs)
    if n_outputs < 16 or n_outputs > comb(n_inputs, 2) // 4:
        raise ValueError(f"a mixture needs 16 <= n_outputs <= C(n_inputs, 2) / 4 = {comb(n_inputs, 2) // 4}, "
                         f"got n_outputs = {n_outputs}")
    rng = check_random_state(seed)
    part = n_outputs // 4
    parts = [stars_pairs(n_inputs, part, n_centres=4, seed=rng.integers(2**32)),
             clique_pairs(n_inputs, part, seed=rng.integers(2**32)),
             power_law_pairs(n_inputs, part, seed=rng.integers(2**32))]
    keys = np.unique(np.concatenate([pair_keys(p, n_inputs) for p in parts]))
    uniform = uniform_pairs(n_inputs, min(comb(n_inputs, 2), n_outputs + keys.size), seed=rng.integers(2**32))
    fresh = uniform[~np.isin(pair_keys(uniform, n_inputs), keys)][: n_outputs - keys.size]
    pairs = np.concatenate([np.stack([keys // n_inputs, keys % n_inputs], axis=1), fresh])
    return _checked(pairs[rng.permutation(len(pairs))], n_inputs)


_GENERATORS = {"uniform": uniform_pairs, "matching": matching_pairs, "star": star_pairs, "stars": stars_pairs,
               "clique": clique_pairs, "near_clique": near_clique_pairs, "power_law": power_law_pairs,
               "heavy_power_law": heavy_power_law_pairs, "mixture": mixture_pairs}


def default_n_inputs(family: str, n_outputs: int) -> int:
    """Return the number of inputs m the book pairs with m' outputs of a family.

    m = m' for every family except the two that need more inputs: a perfect
    matching uses 2m' distinct inputs and a star has one centre and m' leaves.

    Examples
    --------
    >>> [default_n_inputs(family, 100) for family in FAMILIES]
    [100, 200, 101, 100, 100, 100, 100, 100, 100]
    """
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")
    n_outputs = check_int(n_outputs, "n_outputs", 1)
    return {"matching": 2 * n_outputs, "star": n_outputs + 1}.get(family, n_outputs)


def make_pairs(family: str, n_inputs: int, n_outputs: int, seed: int = 0, **options) -> np.ndarray:
    """Pairs of the named family (one of ``FAMILIES``); options go to its generator.

    Examples
    --------
    >>> make_pairs("star", 5, 4, seed=1).tolist()
    [[2, 3], [1, 2], [2, 4], [0, 2]]
    """
    if family not in _GENERATORS:
        raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")
    return _GENERATORS[family](n_inputs, n_outputs, seed=seed, **options)
