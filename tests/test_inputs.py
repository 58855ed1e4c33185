"""Tests of input-set batches: the accepted forms, random sets and every set."""

import numpy as np
import pytest
import scipy.sparse as sp

from superpos import inputs as I


def test_every_form_gives_the_same_batch():
    lists = I.as_input_sets([[2, 0], [], [4]], 5)
    dense = np.array([[1, 0, 1, 0, 0], [0] * 5, [0, 0, 0, 0, 1]], dtype=bool)
    assert lists.dtype == bool and lists.shape == (3, 5) and lists.has_sorted_indices
    for form in (dense, dense.astype(float), sp.csr_matrix(dense), sp.coo_matrix(dense.astype(np.int8))):
        assert (I.as_input_sets(form, 5) != lists).nnz == 0
    indices = I.as_input_sets(np.array([[0, 2], [1, 4]]), 5)
    assert indices.toarray().tolist() == [[1, 0, 1, 0, 0], [0, 1, 0, 0, 1]]
    assert I.as_input_sets(np.zeros((4, 0), dtype=int), 5).shape == (4, 5)
    assert I.as_input_sets([], 5).shape == (0, 5)


@pytest.mark.parametrize("inputs, k, message", [
    ([[0, 5]], None, r"feature index 5, outside the allowed range \[0, m\) = \[0, 5\)"),
    ([[0, -1]], None, "feature index -1, outside"),
    ([[1, 1]], None, "row 0 lists feature 1 twice"),
    (np.array([[0.5, 0, 0, 0, 0]]), None, "only 0 and 1 entries, got 0.5"),
    (sp.csr_matrix(np.ones((2, 4))), None, r"shape \(batch, m = 5\)"),
    (np.ones((2, 2, 2), dtype=bool), None, "must be 2-D"),
    (np.zeros((2, 2, 2), dtype=int), None, "must be 2-D"),
    ([[0, 1, 2]], 2, "row 0 has 3 active features, more than k = 2"),
    ([[0], [1, 2, 3]], 2, "row 1 has 3 active features, more than k = 2"),
    ([[0]], 6, r"k must be in \[0, 5\], got 6"),
])
def test_bad_batches_are_refused(inputs, k, message):
    with pytest.raises(ValueError, match=message):
        I.as_input_sets(inputs, 5, k=k)


@pytest.mark.parametrize("inputs, message", [
    ([[0.5]], "integer feature indices"),
    ("0 1", "must be a list of index lists"),
    ([3, [1]], r"inputs\[0\] must be a sequence of feature indices"),
    (np.array([["a"]]), "must hold integers"),
])
def test_unreadable_batches_are_type_errors(inputs, message):
    with pytest.raises(TypeError, match=message):
        I.as_input_sets(inputs, 5)


@pytest.mark.parametrize("m, k", [(10_000, 3), (50, 3), (6, 4), (5, 5)])   # both ways of drawing, and k = m
def test_random_sets_are_distinct_seeded_and_sized(m, k):
    sets = I.random_input_sets(m, k, 2000, seed=1)
    assert sets.shape == (2000, m) and np.all(np.diff(sets.indptr) == k)
    assert (sets != I.random_input_sets(m, k, 2000, seed=1)).nnz == 0
    assert k == m or (sets != I.random_input_sets(m, k, 2000, seed=2)).nnz > 0
    sizes = np.diff(I.random_input_sets(m, k, 4000, seed=1, exact=False).indptr)
    assert set(np.unique(sizes)) == set(range(k + 1))


def test_random_sets_are_uniform():
    counts = np.bincount(I.random_input_sets(10, 3, 20_000, seed=0).indices, minlength=10)
    # each feature is in a set with probability 3/10: 6000 expected, sd about 65
    assert np.all(np.abs(counts - 6000) < 400)


def test_random_sets_take_any_seed():
    generator = I.random_input_sets(100, 3, 10, seed=np.random.default_rng(4))
    assert (generator != I.random_input_sets(100, 3, 10, seed=np.random.default_rng(4))).nnz == 0
    with pytest.raises(TypeError, match="seed must be"):
        I.random_input_sets(100, 3, 10, seed=None)
    with pytest.raises(ValueError, match=r"k must be in \[1, 3\]"):
        I.random_input_sets(3, 4, 10)


def test_every_set_is_listed_once_in_order():
    sets = I.all_input_sets(7, 3)
    assert sets.shape == (I.count_input_sets(7, 3), 7) == (1 + 7 + 21 + 35, 7)
    rows = [tuple(sets.indices[sets.indptr[r]:sets.indptr[r + 1]]) for r in range(sets.shape[0])]
    assert len(set(rows)) == len(rows) and rows[0] == () and rows[-1] == (4, 5, 6)
    assert rows == sorted(rows, key=lambda row: (len(row), row))
    assert I.all_input_sets(3, 0).shape == (1, 3)


def test_too_many_sets_are_refused_by_their_count():
    with pytest.raises(ValueError, match="more than MAX_ENUMERATED_SETS = 5000000"):
        I.all_input_sets(1000, 3)
    with pytest.raises(ValueError, match="m = 1000000000000, k = 3 gives 1666666666666666666666675"):
        I.all_input_sets(10**12, 3)
