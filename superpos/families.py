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
  inputs of influence d falls off like d^(-exponent).

Every generator returns the pairs as an (m', 2) int64 array with a < b in
each row, checked by :class:`superpos.instance.AndInstance`.
"""

from __future__ import annotations

from math import comb, isqrt

import numpy as np
import scipy.sparse as sp

from superpos.instance import MAX_INPUTS, AndInstance, pair_keys
from superpos.validation import check_array_size, check_int, check_random_state

__all__ = ["FAMILIES", "clique_pairs", "clique_size", "default_n_inputs", "make_pairs", "matching_pairs",
           "power_law_pairs", "star_pairs", "uniform_pairs"]

FAMILIES = ("uniform", "matching", "star", "clique", "power_law")


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
    if n_outputs > comb(n_inputs, 2) // 2:
        raise ValueError(f"power_law pairs need n_outputs <= C(n_inputs, 2) / 2 = {comb(n_inputs, 2) // 2} "
                         f"so that rejection sampling ends, got n_outputs = {n_outputs}")
    check_array_size(3 * n_inputs, 8, f"the labels, weights and cumulative weights of m = {n_inputs} inputs")
    rng = check_random_state(seed)
    labels = rng.permutation(n_inputs)
    weights = np.arange(1, n_inputs + 1, dtype=np.float64) ** (-1.0 / (exponent - 1.0))
    cumulative = np.cumsum(weights)
    cumulative /= cumulative[-1]
    keys = np.empty(0, dtype=np.int64)
    for _ in range(1000):
        draw = 2 * (n_outputs - keys.size) + 64
        ends = labels[np.minimum(np.searchsorted(cumulative, rng.random((draw, 2))), n_inputs - 1)]
        ends = np.sort(ends[ends[:, 0] != ends[:, 1]], axis=1)
        keys = np.concatenate([keys, pair_keys(ends, n_inputs)])
        _, first = np.unique(keys, return_index=True)
        keys = keys[np.sort(first)]           # drop repeats, keep first-drawn order
        if keys.size >= n_outputs:
            keys = keys[:n_outputs]
            return _checked(np.stack([keys // n_inputs, keys % n_inputs], axis=1), n_inputs)
    raise ValueError(f"could not draw {n_outputs} distinct power-law pairs on {n_inputs} inputs; "
                     "use a larger n_inputs or a smaller exponent")


_GENERATORS = {"uniform": uniform_pairs, "matching": matching_pairs, "star": star_pairs,
               "clique": clique_pairs, "power_law": power_law_pairs}


def default_n_inputs(family: str, n_outputs: int) -> int:
    """Return the number of inputs m the book pairs with m' outputs of a family.

    m = m' for every family except the two that need more inputs: a perfect
    matching uses 2m' distinct inputs and a star has one centre and m' leaves.

    Examples
    --------
    >>> [default_n_inputs(family, 10) for family in FAMILIES]
    [10, 20, 11, 10, 10]
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
