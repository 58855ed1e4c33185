"""Tests of the pair families."""

from itertools import combinations
from math import comb

import numpy as np
import pytest

from superpos import families as F
from superpos.instance import AndInstance


@pytest.mark.parametrize("family", F.FAMILIES)
def test_families_are_valid_seeded_and_sized(family):
    pairs = F.make_pairs(family, 200, 90, seed=3)
    assert pairs.shape == (90, 2) and pairs.dtype == np.int64
    assert np.array_equal(AndInstance(pairs, 200).pairs, pairs)
    assert np.array_equal(F.make_pairs(family, 200, 90, seed=3), pairs)
    assert not np.array_equal(F.make_pairs(family, 200, 90, seed=4), pairs)


def influence(pairs, n_inputs):
    return AndInstance(pairs, n_inputs).influence


def test_family_shapes():
    assert np.bincount(F.matching_pairs(100, 50).ravel(), minlength=100).max() == 1
    assert influence(F.star_pairs(100, 99), 100).max() == 99
    clique = F.clique_pairs(100, 45)          # C(10, 2) = 45: exactly a 10-clique
    assert np.count_nonzero(influence(clique, 100)) == 10
    assert F.clique_size(46) == 11 and F.clique_size(45) == 10
    law = influence(F.power_law_pairs(5000, 5000, seed=1), 5000)
    uniform = influence(F.uniform_pairs(5000, 5000, seed=1), 5000)
    assert law.max() > 10 * uniform.max()     # a power law has hubs, uniform pairs do not


def test_uniform_pairs_can_take_every_pair():
    pairs = F.uniform_pairs(8, comb(8, 2))
    assert sorted(map(tuple, pairs)) == list(combinations(range(8), 2))


@pytest.mark.parametrize("call, message", [
    (lambda: F.uniform_pairs(5, 11), "exceeds"),
    (lambda: F.matching_pairs(10, 6), "2 \\* n_outputs <= n_inputs"),
    (lambda: F.star_pairs(10, 10), "n_outputs <= n_inputs - 1"),
    (lambda: F.clique_pairs(10, 46), "exceeds"),
    (lambda: F.power_law_pairs(10, 5, exponent=1.0), "exponent"),
    (lambda: F.make_pairs("ring", 10, 5), "family must be one of"),
    (lambda: F.uniform_pairs(10, 0), "n_outputs must be at least 1"),
    (lambda: F.uniform_pairs(10**12, 5), r"n_inputs must be in \[2, 2147483648\]"),
    (lambda: F.matching_pairs(2**31, 5), "a random order of m = 2147483648 inputs would take"),
    (lambda: F.power_law_pairs(2**31, 5), "MAX_ARRAY_BYTES"),
])
def test_family_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_default_n_inputs_per_family():
    assert F.default_n_inputs("uniform", 10) == 10
    assert F.default_n_inputs("matching", 10) == 20
    assert F.default_n_inputs("star", 10) == 11
    for family in F.FAMILIES:  # every family fits its outputs in that many inputs
        n_inputs = F.default_n_inputs(family, 30)
        assert len(F.make_pairs(family, n_inputs, 30, seed=0)) == 30
    with pytest.raises(ValueError, match="family must be one of"):
        F.default_n_inputs("ring", 10)
    with pytest.raises(ValueError, match="n_outputs must be at least 1"):
        F.default_n_inputs("uniform", 0)


def test_heavy_families_have_the_hubs_they_promise():
    stars = influence(F.stars_pairs(2000, 800, n_centres=8, seed=0), 2000)
    assert np.sort(stars)[-8:].min() >= 800 // 8 and np.sort(stars)[-9] < 20        # eight centres, light leaves
    near = F.near_clique_pairs(2000, 300, density=0.75, seed=0)
    nodes = np.flatnonzero(influence(near, 2000))
    assert 0.75 * comb(len(nodes), 2) >= 300 > 0.75 * comb(len(nodes) - 1, 2)        # the least dense set
    heavy = influence(F.heavy_power_law_pairs(5000, 5000, seed=0), 5000)
    assert heavy.max() > 0.4 * 5000                                                    # a hub in ~60 % of pairs
    mixed = F.mixture_pairs(2000, 1000, seed=0)
    assert len({tuple(p) for p in mixed.tolist()}) == 1000


@pytest.mark.parametrize("call, message", [
    (lambda: F.heavy_power_law_pairs(100, 50, exponent=2.5), r"exponent must be a number in \(1, 2\]"),
    (lambda: F.stars_pairs(100, 3, n_centres=4), r"C\(4, 2\) = 6 <= n_outputs"),
    (lambda: F.near_clique_pairs(100, 30, density=0), r"density must be a number in \(0, 1\]"),
    (lambda: F.mixture_pairs(100, 8), "a mixture needs 16 <= n_outputs"),
])
def test_bad_family_options_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()
