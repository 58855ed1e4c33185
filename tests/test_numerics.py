"""Tests of the shared numerical routines."""

import math

import numpy as np
import pytest
import scipy.sparse as sp

from superpos import numerics as N


@pytest.mark.parametrize("shape", [(3, 5), (7, 13), (64, 43), (1, 1), (0, 5)])
@pytest.mark.parametrize("density", [0.0, 0.01, 0.5, 1.0])
def test_nonzero_2d_is_nonzero(shape, density):
    mask = np.random.default_rng(0).random(shape) < density
    assert all(np.array_equal(ours, reference) for ours, reference in zip(N.nonzero_2d(mask), np.nonzero(mask)))


def test_exact_types_and_whole_numbers(monkeypatch):
    monkeypatch.setattr(N, "SCAN", 3)               # several slices
    assert N.is_integral(np.arange(10.0)) and not N.is_integral(np.r_[np.arange(9.0), 0.5])
    assert N.smallest_exact_dtype(np.array([0.0, 255.0]))[0] == np.uint8
    assert N.smallest_exact_dtype(np.array([-128.0, 127.0, 1.0, 2.0]))[0] == np.int8
    assert N.smallest_exact_dtype(np.array([-1.0, 40_000.0])) == (np.float32, 40_000.0)
    assert N.smallest_exact_dtype(np.array([])) == (np.uint8, 0.0)
    assert N.FLOAT32_EXACT == 2**24 and float(np.float32(N.FLOAT32_EXACT - 1)) == N.FLOAT32_EXACT - 1


def test_log_comb_and_binary_support():
    assert np.exp(N.log_comb(10, np.arange(11))) == pytest.approx([math.comb(10, j) for j in range(11)])
    assert N.log_comb(3, -1) == -np.inf and N.log_comb(3, 4) == -np.inf
    summed = N.binary_support(sp.coo_matrix(([2.0, 3.0, 1.0], ([0, 0, 1], [1, 1, 0])), shape=(2, 2)))
    assert summed.toarray().tolist() == [[0.0, 1.0], [1.0, 0.0]]


def test_binary_support_leaves_the_callers_matrix_alone():
    weights = sp.csr_matrix(np.array([[0.0, -2.0], [3.0, 0.0]]))
    assert N.binary_support(weights).toarray().tolist() == [[0.0, 1.0], [1.0, 0.0]]
    assert weights.toarray().tolist() == [[0.0, -2.0], [3.0, 0.0]]
