"""Tests of the union bound's event counts and tails."""

import math

import numpy as np
import pytest
from scipy import stats

from superpos import union_bound as U
from superpos.families import make_pairs
from superpos.instance import AndInstance


def test_spoiler_counts_add_up_to_every_input():
    # Every (output, active endpoint, other actives) event is counted once, by its influence sum, rounded up.
    m, k = 300, 3
    pairs = make_pairs("power_law", m, 300, seed=1)
    counts = U.spoiler_counts(pairs, m, k)
    degrees = np.bincount(pairs.ravel(), minlength=m).astype(float)
    ordered = [1.0, m, m * m]  # tuples of j = 0, 1, 2 spoilers, repeats included
    assert np.isclose(counts.first_counts.sum(), 2 * 300 * sum(n / math.factorial(j) for j, n in enumerate(ordered)))
    assert counts.first_sums.max() >= 2 * degrees.max()
    assert np.all(np.diff(counts.first_sums) > 0)
    # A star's centre is in every pair: it never spoils, so every spoiler sum is at most k leaves.
    star = make_pairs("star", 50, 49, seed=0)
    assert U.spoiler_counts(star, 50, k).second_sums.max() <= k
    per_input = U.spoiler_counts(AndInstance(pairs, m), None, k, "per_input")
    assert per_input.first_counts.tolist() == [float(np.sort(degrees)[-k:].sum())]


def test_union_counts_and_tails():
    assert U.union_counts("per_input", 10, 5, 2, 4.0) == (4.0, 5.0)
    assert U.union_counts("every_input", 10, 5, 2, 4.0) == (2 * 5 * (1 + 8), 5 * (1 + 8 + 28))
    threshold = np.arange(-2, 8)
    np.testing.assert_allclose(U.binom_sf(threshold, 6, 0.3), np.where(threshold < 0, 1, stats.binom.sf(threshold, 6, 0.3)))
    np.testing.assert_allclose(U.poisson_sf(threshold, 2.5),
                               np.where(threshold <= 0, 1, stats.poisson.sf(threshold - 1, 2.5)))
    c, weight = U.shared_term_weights(12, 3, 4.0)
    assert weight.sum() == pytest.approx(1.0) and weight[:3] == pytest.approx(stats.binom.pmf(c[:3], 12, 0.25))
    with pytest.raises(ValueError, match="guarantee must be one of"):
        U.check_guarantee("always")
