"""Tests of the pair families, input samplers and true outputs."""

from itertools import combinations
from math import comb

import numpy as np
import pytest
import scipy.sparse as sp

from superpos import families as F


def test_validate_pairs_normalises_and_keeps_order():
    pairs = F.validate_pairs([[3, 1], [0, 2], [4, 0]], 5)
    assert pairs.dtype == np.int64
    assert pairs.tolist() == [[1, 3], [0, 2], [0, 4]]


@pytest.mark.parametrize("pairs, n_inputs, message", [
    ([[0, 1, 2]], 5, "shape"),
    (np.empty((0, 2), dtype=int), 5, "at least one pair"),
    ([[0, 5]], 5, "out of range"),
    ([[-1, 2]], 5, "out of range"),
    ([[2, 2]], 5, "itself"),
    ([[0, 1], [1, 0]], 5, "repeats"),
    ([[0.5, 1]], 5, "integer"),
    ([[0, 1]], 1, "n_inputs must be at least 2"),
])
def test_validate_pairs_errors(pairs, n_inputs, message):
    with pytest.raises(ValueError, match=message):
        F.validate_pairs(pairs, n_inputs)


@pytest.mark.parametrize("family", F.FAMILIES)
def test_families_are_valid_seeded_and_sized(family):
    pairs = F.make_pairs(family, 200, 90, seed=3)
    assert pairs.shape == (90, 2)
    assert np.array_equal(F.validate_pairs(pairs, 200), pairs)
    assert np.array_equal(F.make_pairs(family, 200, 90, seed=3), pairs)
    assert not np.array_equal(F.make_pairs(family, 200, 90, seed=4), pairs)


def test_family_shapes():
    assert np.bincount(F.matching_pairs(100, 50).ravel(), minlength=100).max() == 1
    star = F.star_pairs(100, 99)
    assert F.influence(star, 100).max() == 99
    clique = F.clique_pairs(100, 45)          # C(10, 2) = 45: exactly a 10-clique
    assert np.count_nonzero(F.influence(clique, 100)) == 10
    assert F.clique_size(46) == 11 and F.clique_size(45) == 10
    law = F.influence(F.power_law_pairs(5000, 5000, seed=1), 5000)
    uniform = F.influence(F.uniform_pairs(5000, 5000, seed=1), 5000)
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
])
def test_family_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_as_input_matrix_forms_agree():
    lists = F.as_input_matrix([[2, 0], [], [4]], 5)
    dense = F.as_input_matrix(np.array([[1, 0, 1, 0, 0], [0] * 5, [0, 0, 0, 0, 1]], dtype=bool), 5)
    sparse = F.as_input_matrix(sp.csr_matrix(dense), 5)
    assert lists.dtype == bool and lists.shape == (3, 5)
    assert (lists != dense).nnz == 0 and (lists != sparse).nnz == 0
    indices = F.as_input_matrix(np.array([[0, 2], [1, 4]]), 5)
    assert indices.toarray().tolist() == [[1, 0, 1, 0, 0], [0, 1, 0, 0, 1]]


@pytest.mark.parametrize("inputs, k, message", [
    ([[0, 5]], None, "out of range"),
    ([[1, 1]], None, "twice"),
    (np.array([[0.5, 0, 0, 0, 0]]), None, "only 0 and 1"),
    (sp.csr_matrix(np.ones((2, 4))), None, "n_inputs = 5 columns"),
    ([[0, 1, 2]], 2, "more than k = 2"),
])
def test_as_input_matrix_errors(inputs, k, message):
    with pytest.raises(ValueError, match=message):
        F.as_input_matrix(inputs, 5, k=k)


def test_sample_inputs():
    exact = F.sample_inputs(50, 3, 2000, seed=1)
    assert exact.shape == (2000, 50) and np.all(np.diff(exact.indptr) == 3)
    assert (exact != F.sample_inputs(50, 3, 2000, seed=1)).nnz == 0
    sizes = np.diff(F.sample_inputs(50, 3, 4000, seed=1, exact=False).indptr)
    assert set(np.unique(sizes)) == {0, 1, 2, 3}
    tiny = F.sample_inputs(4, 3, 100, seed=0)  # k close to m: still distinct
    assert np.all(np.diff(tiny.indptr) == 3)
    # every feature is about equally likely
    counts = np.bincount(exact.indices, minlength=50)
    assert counts.min() > 0.6 * counts.mean()
    with pytest.raises(ValueError, match="exceeds n_inputs"):
        F.sample_inputs(3, 4, 10)


def test_true_outputs_matches_brute_force():
    pairs = F.uniform_pairs(12, 30, seed=2)
    inputs = F.sample_inputs(12, 4, 500, seed=5, exact=False)
    truth = F.true_outputs(pairs, inputs)
    dense = inputs.toarray()
    expected = dense[:, pairs[:, 0]] & dense[:, pairs[:, 1]]
    assert truth.dtype == bool and truth.shape == (500, 30)
    assert np.array_equal(truth.toarray(), expected)


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
