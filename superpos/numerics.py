"""Small numerical routines that several modules share: exact integers in floats, sparse masks, binomials.

* ``FLOAT32_EXACT``, ``FLOAT64_EXACT``: every integer of absolute value below
  them is exact in ``float32`` (2²⁴) and ``float64`` (2⁵³), so integer sums
  below them do not depend on the order of summation.
* :func:`is_integral` and :func:`smallest_exact_dtype`: whether weights are
  whole numbers, and the narrowest type that stores them exactly.
* :func:`nonzero_2d`: ``numpy.nonzero`` of a mostly-False boolean matrix,
  eight entries per test.
* :func:`binary_support`: the 0/1 matrix of a sparse matrix's nonzero pattern.
* :func:`log_comb`: log binomial coefficients, vectorised.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy import special

__all__ = ["FLOAT32_EXACT", "FLOAT64_EXACT", "binary_support", "is_integral", "log_comb", "nonzero_2d",
           "smallest_exact_dtype"]

#: Integers below this are exact in float32, so integer sums below it equal their float32 sums.
FLOAT32_EXACT = 2**24
#: Integers below this are exact in float64.
FLOAT64_EXACT = 2**53
#: Values examined at a time by the scans below (bounds their temporaries).
SCAN = 10_000_000


def is_integral(values: np.ndarray) -> bool:
    """True iff every value is a whole number (checked in slices, so no full-size temporary).

    Examples
    --------
    >>> is_integral(np.array([1.0, -3.0, 0.0])), is_integral(np.array([1.0, 0.5]))
    (True, False)
    """
    return all(bool(np.all(part == np.rint(part))) for part in
               (values[start:start + SCAN] for start in range(0, values.size, SCAN)))


def smallest_exact_dtype(data: np.ndarray) -> tuple[np.dtype, float]:
    """The narrowest of uint8, int8, int16, float32 that holds every value, and the largest absolute value.

    Examples
    --------
    >>> smallest_exact_dtype(np.array([0.0, 1.0]))
    (dtype('uint8'), 1.0)
    >>> smallest_exact_dtype(np.array([-2.0, 300.0]))
    (dtype('int16'), 300.0)
    >>> smallest_exact_dtype(np.array([0.5]))
    (dtype('float32'), 0.5)
    """
    if not data.size:
        return np.dtype(np.uint8), 0.0
    low, high = np.inf, -np.inf
    for start in range(0, data.size, SCAN):
        part = data[start:start + SCAN]
        low, high = min(low, float(part.min())), max(high, float(part.max()))
    largest = max(abs(low), abs(high))
    if is_integral(data):
        for dtype in (np.uint8, np.int8, np.int16):
            info = np.iinfo(dtype)
            if info.min <= low and high <= info.max:
                return np.dtype(dtype), largest
    return np.dtype(np.float32), largest


def nonzero_2d(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``numpy.nonzero`` of a 2-D boolean array with few True entries, testing eight entries per word.

    Examples
    --------
    >>> rows, columns = nonzero_2d(np.eye(3, dtype=bool))
    >>> rows.tolist(), columns.tolist()
    ([0, 1, 2], [0, 1, 2])
    """
    flat = mask.reshape(-1)  # a copy only if the slice is not contiguous
    whole = flat.size - flat.size % 8
    words = np.flatnonzero(flat[:whole].view(np.uint64))
    candidates = (words[:, None] * 8 + np.arange(8)).ravel()
    hits = np.concatenate([candidates[flat[candidates]], whole + np.flatnonzero(flat[whole:])])
    return np.divmod(hits, mask.shape[1])


def binary_support(matrix) -> sp.csr_matrix:
    """The csr matrix with a 1 at every stored entry of ``matrix`` (duplicates summed first).

    Examples
    --------
    >>> binary_support(sp.csr_matrix(np.array([[0.0, 2.0], [3.0, 0.0]]))).toarray().tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    matrix = sp.csr_matrix(matrix, copy=True)  # never the caller's matrix: its weights stay as they are
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def log_comb(a, b) -> np.ndarray:
    """log C(a, b) elementwise (floats allowed), ``-inf`` where the binomial coefficient is zero.

    Examples
    --------
    >>> np.exp(log_comb([5, 5], [2, 7])).round(6).tolist()
    [10.0, 0.0]
    """
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    out = np.full(a.shape, -np.inf)
    ok = (b >= 0) & (b <= a)
    out[ok] = special.gammaln(a[ok] + 1) - special.gammaln(b[ok] + 1) - special.gammaln(a[ok] - b[ok] + 1)
    return out
