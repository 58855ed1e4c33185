"""Every tiny network: the counts obey the counting chain and match hand counts."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from superpos.enumeration import enumerate_one_layer
from superpos.inputs import all_input_sets


def test_one_hot_permutations_all_computed():
    result = enumerate_one_layer(np.eye(3, dtype=int), np.eye(3, dtype=int), (0, 1), (0, -1), k=2)
    assert result.n_networks == 2**12 and result.bits == 12
    assert result.n_permutations == math.factorial(3)
    assert result.n_permutations <= result.n_functions <= result.n_networks


def test_distinct_functions_match_a_brute_force_over_whole_networks():
    codes_in, codes_out = np.eye(2, dtype=int), np.eye(2, dtype=int)
    sets = all_input_sets(2, 2).toarray().astype(int)
    seen = set()
    for flat in itertools.product((0, 1), repeat=4):
        for bias in itertools.product((0, -1), repeat=2):
            weights = np.array(flat).reshape(2, 2)
            fires = (sets @ codes_in @ weights.T + np.array(bias)) >= 1
            seen.add(tuple(map(tuple, fires.tolist())))
    result = enumerate_one_layer(codes_in, codes_out, (0, 1), (0, -1), k=2)
    assert result.n_functions == len(seen)


def test_and_instances_counted_in_order():
    result = enumerate_one_layer(np.eye(4, dtype=int), np.eye(3, dtype=int), (0, 1), (0, -1), k=2)
    assert result.n_and_instances == math.perm(6, 3)
    superposed = enumerate_one_layer(np.eye(4, dtype=int), np.array([[1, 1, 0], [0, 1, 1], [1, 0, 1]]), (0, 1), (0, -1))
    assert superposed.n_and_instances < math.perm(6, 3)


def test_without_bias_no_and_is_computed():
    # weights 0/1 and bias 0: a neuron fires on either endpoint, never an AND alone
    result = enumerate_one_layer(np.eye(3, dtype=int), np.eye(3, dtype=int), (0, 1), (0,), k=2)
    assert result.n_and_instances == 0 and result.n_permutations == 6


@pytest.mark.parametrize("kwargs, message", [
    (dict(input_codes=np.eye(3) * 2), "0/1 matrix"),
    (dict(output_codes=np.zeros((3, 3), dtype=int)), "at least one neuron"),
    (dict(k=0), r"k must be in \[1, 3\], got 0"),
    (dict(threshold=0), "threshold must be > 0"),
    (dict(weight_values=()), "at least one value"),
])
def test_bad_arguments(kwargs, message):
    arguments = dict(input_codes=np.eye(3, dtype=int), output_codes=np.eye(3, dtype=int))
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        enumerate_one_layer(**arguments)


def test_too_many_inputs_is_refused():
    with pytest.raises(ValueError, match="at most 62"):
        enumerate_one_layer(np.eye(12, dtype=int), np.eye(3, dtype=int), k=2)
