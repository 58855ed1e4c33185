"""Tests of the AND instance: pairs checked once, influences, pair look-up, true outputs."""

import numpy as np
import pytest

from superpos.inputs import random_input_sets
from superpos.instance import MAX_INPUTS, AndInstance, as_and_instance
from superpos.families import uniform_pairs


def test_pairs_are_normalised_in_their_order_and_read_only():
    instance = AndInstance([[3, 1], [0, 2], [4, 0]], 5)
    assert instance.pairs.dtype == np.int64
    assert instance.pairs.tolist() == [[1, 3], [0, 2], [0, 4]]
    assert (instance.n_inputs, instance.n_outputs) == (5, 3)
    with pytest.raises(ValueError, match="read-only"):
        instance.pairs[0, 0] = 2
    assert AndInstance(np.array([[0.0, 1.0]]), 2).pairs.tolist() == [[0, 1]]


@pytest.mark.parametrize("pairs, n_inputs, message", [
    ([[0, 1, 2]], 5, r"shape \(n_outputs, 2\)"),
    (np.empty((0, 2), dtype=int), 5, "at least one pair"),
    ([[0, 5]], 5, r"pairs\[0\] = \(0, 5\) has an index out of range \[0, 5\)"),
    ([[1, 2], [-1, 2]], 5, r"pairs\[1\] = \(-1, 2\) has an index out of range"),
    ([[2, 2]], 5, "pairs feature 2 with itself"),
    ([[0, 1], [1, 0]], 5, r"pairs\[1\] repeats pairs\[0\] = \(0, 1\)"),
    ([[0.5, 1]], 5, "integer"),
    ([[0, 1]], 1, r"n_inputs must be in \[2, 2147483648\], got 1"),
    ([[0, 1]], 10**12, r"n_inputs must be in \[2, 2147483648\], got 1000000000000"),
])
def test_bad_pairs_are_refused_with_plain_integers(pairs, n_inputs, message):
    with pytest.raises(ValueError, match=message) as error:
        AndInstance(pairs, n_inputs)
    assert "np.int" not in str(error.value)


def test_influence_counts_the_pairs_of_each_input():
    instance = AndInstance([[0, 1], [0, 2], [0, 3], [2, 3]], 6)
    assert instance.influence.tolist() == [3, 1, 2, 2, 0, 0]
    assert instance.influence is instance.influence          # computed once


def test_a_huge_influence_array_is_refused_before_numpy_allocates_it():
    instance = AndInstance([[0, 1]], MAX_INPUTS)        # fine: the pairs are small
    with pytest.raises(ValueError, match=r"m = 2147483648 inputs would take 17179869184 bytes.*MAX_ARRAY_BYTES"):
        instance.influence


def test_index_of_finds_each_pair_in_either_order():
    instance = AndInstance(uniform_pairs(30, 60, seed=2), 30)
    order = np.random.default_rng(0).permutation(60)
    a, b = instance.pairs[order].T
    assert np.array_equal(instance.index_of(b, a), order)
    assert instance.index_of([0], [0]).tolist() == [-1]


def test_true_outputs_match_brute_force():
    instance = AndInstance(uniform_pairs(12, 30, seed=2), 12)
    inputs = random_input_sets(12, 4, 500, seed=5, exact=False)
    truth = instance.true_outputs(inputs)
    dense = inputs.toarray()
    expected = dense[:, instance.pairs[:, 0]] & dense[:, instance.pairs[:, 1]]
    assert truth.dtype == bool and truth.shape == (500, 30)
    assert np.array_equal(truth.toarray(), expected)


def test_subset_and_conversion_at_the_boundary():
    instance = as_and_instance([[0, 1], [1, 2], [2, 3]], 4)
    assert as_and_instance(instance) is instance and as_and_instance(instance, 4) is instance
    light = instance.subset(np.array([True, False, True]))
    assert light.pairs.tolist() == [[0, 1], [2, 3]] and light.n_inputs == 4
    with pytest.raises(ValueError, match="at least one pair"):
        instance.subset([False, False, False])
    with pytest.raises(ValueError, match="n_inputs = 3 was given"):
        as_and_instance(instance, 3)
    with pytest.raises(ValueError, match="n_inputs .* is needed"):
        as_and_instance([[0, 1]])
