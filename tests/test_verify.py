"""Tests of verification: error counts, exhaustive and random checks."""

from math import comb

import numpy as np
import pytest

from superpos import families as F
from superpos import verify as V
from handmade import naive_network



def test_error_count_adds():
    total = V.ErrorCount(2, 20, 1, 0) + V.ErrorCount(3, 30, 0, 2)
    assert total == V.ErrorCount(5, 50, 1, 2) and total.wrong == 3


def test_exhaustive_and_random_find_no_error_in_a_correct_network():
    pairs = F.uniform_pairs(12, 30, seed=0)
    network = naive_network(pairs, 12)
    exhaustive = V.verify_exhaustive(network, pairs, 3)
    assert exhaustive == V.ErrorCount(sum(comb(12, j) for j in range(4)), 299 * 30, 0, 0)
    assert V.verify_random(network, pairs, 3, 500, seed=1).wrong == 0


def test_errors_are_counted_by_kind():
    pairs = np.array([[0, 1], [2, 3]])
    too_eager = naive_network(pairs, 4, bias=0.0)      # fires on one endpoint alone
    count = V.count_errors(too_eager, pairs, [[0], [0, 1], [2, 3], []])
    assert (count.false_positives, count.false_negatives, count.n_decisions) == (1, 0, 8)
    deaf = naive_network(pairs, 4, bias=-2.0)          # never fires
    count = V.verify_exhaustive(deaf, pairs, 4)
    assert (count.false_positives, count.false_negatives) == (0, 2 * 2**2)  # 4 supersets of each pair


@pytest.mark.parametrize("call, error, message", [
    (lambda net, pairs: V.verify_random(net, pairs[:5], 3, 10), ValueError, "network has 30 outputs"),
    (lambda net, pairs: V.verify_random(net, pairs, 0, 10), ValueError, "k must be at least 1"),
    (lambda net, pairs: V.verify_random(net, pairs, 13, 10), ValueError, "exceeds"),
    (lambda net, pairs: V.verify_random(pairs, pairs, 3, 10), TypeError, "network must be"),
    (lambda net, pairs: V.verify_exhaustive(net, np.array([[0, 0]] * 30), 2), ValueError, "itself"),
])
def test_bad_arguments(call, error, message):
    pairs = F.uniform_pairs(12, 30, seed=0)
    with pytest.raises(error, match=message):
        call(naive_network(pairs, 12), pairs)


def test_exhaustive_checks_refuse_too_many_inputs():
    pairs = F.uniform_pairs(1000, 30, seed=0)
    with pytest.raises(ValueError, match="more than MAX_ENUMERATED_SETS"):
        V.verify_exhaustive(naive_network(pairs, 1000), pairs, 3)


