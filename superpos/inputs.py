r"""Batches of sparse input sets: the inputs every chapter feeds to codes and networks.

An input is a set :math:`A` of active features out of :math:`m`, with
:math:`|A| \le k`. A batch of them is held as a boolean
``scipy.sparse.csr_matrix`` of shape ``(batch, m)`` whose row ``r`` has a
``True`` at each feature of the ``r``-th set, with sorted indices; no dense
``batch × m`` array is formed. This module makes such batches:

* :func:`as_input_sets` reads the forms a caller may hold: a list of index
  lists (rows may differ in length), an integer array ``(batch, j)`` of
  indices, a boolean or float 0/1 array ``(batch, m)``, or any
  ``scipy.sparse`` 0/1 matrix;
* :func:`random_input_sets` draws uniform random sets of exactly ``k`` (or of
  a uniform random size ``0..k``) features;
* :func:`all_input_sets` lists every set of at most ``k`` features, in order
  of size, then lexicographically, refusing more than
  ``MAX_ENUMERATED_SETS`` of them (:func:`count_input_sets` says how many
  there are).

Every function of the package that takes ``inputs`` accepts what
:func:`as_input_sets` accepts.
"""

from __future__ import annotations

from itertools import combinations
from math import comb

import numpy as np
import scipy.sparse as sp

from superpos.validation import check_array_size, check_int, check_random_state

__all__ = ["MAX_ENUMERATED_SETS", "all_input_sets", "as_input_sets", "count_input_sets", "distinct_draws",
           "random_input_sets"]

#: Largest number of sets :func:`all_input_sets` enumerates.
MAX_ENUMERATED_SETS = 5_000_000


def _csr_from_rows(row_lengths: np.ndarray, columns: np.ndarray, m: int) -> sp.csr_matrix:
    indptr = np.zeros(row_lengths.size + 1, dtype=np.int64)
    np.cumsum(row_lengths, out=indptr[1:])
    index_dtype = np.int32 if max(m, columns.size) < 2**31 else np.int64
    matrix = sp.csr_matrix((np.ones(columns.size, dtype=bool), columns.astype(index_dtype), indptr.astype(index_dtype)),
                           shape=(row_lengths.size, m))
    matrix.sort_indices()
    return matrix


def as_input_sets(inputs, m: int, k: int | None = None, name: str = "inputs") -> sp.csr_matrix:
    """Turn a batch of input sets into a boolean csr matrix of shape (batch, m).

    Parameters
    ----------
    inputs : list of index lists, int array (batch, j), bool or float 0/1 array (batch, m), or sparse matrix
        * a list (or tuple) of rows, each a sequence of active feature indices
          (rows may differ in length, and may be empty);
        * an integer numpy array of shape (batch, j): row ``r`` lists the
          ``j`` active features of input ``r``;
        * a boolean or float numpy array, or any scipy.sparse matrix, of shape
          (batch, m) with entries 0 or 1.
    m : int
        The number of features.
    k : int, optional
        When given, a row with more than ``k`` active features is an error.
    name : str
        The argument's name in error messages.

    Returns
    -------
    scipy.sparse.csr_matrix of dtype bool, shape (batch, m), sorted indices.

    Raises
    ------
    ValueError
        An index out of range, an index repeated in a row, an entry other than
        0/1, a matrix of the wrong shape, or a row with more than ``k`` actives.
    TypeError
        Indices that are not integers, or a container of another kind.

    Examples
    --------
    >>> as_input_sets([[2, 0], [], [4]], 5).toarray().astype(int).tolist()
    [[1, 0, 1, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 1]]
    >>> as_input_sets(np.array([[0, 3]]), 5).indices.tolist()
    [0, 3]
    >>> as_input_sets([[1, 1]], 5)
    Traceback (most recent call last):
    ...
    ValueError: inputs row 0 lists feature 1 twice; the active features of a set are distinct
    """
    m = check_int(m, "m", 1)
    if k is not None:
        k = check_int(k, "k", 0, m)
    if sp.issparse(inputs):
        matrix = _binary_matrix(sp.csr_matrix(inputs), m, name)
    elif isinstance(inputs, np.ndarray) and (inputs.dtype == bool or np.issubdtype(inputs.dtype, np.floating)):
        if inputs.ndim != 2:
            raise ValueError(f"{name} as a 0/1 matrix must be 2-D (batch, m), got shape {inputs.shape}")
        matrix = _binary_matrix(sp.csr_matrix(inputs), m, name)
    else:
        matrix = _index_rows(inputs, m, name)
    if k is not None and matrix.shape[0]:
        sizes = np.diff(matrix.indptr)
        if sizes.max() > k:
            row = int(np.argmax(sizes > k))
            raise ValueError(f"{name} row {row} has {int(sizes[row])} active features, more than k = {k}")
    return matrix


def _binary_matrix(matrix: sp.csr_matrix, m: int, name: str) -> sp.csr_matrix:
    if matrix.ndim != 2 or matrix.shape[1] != m:
        raise ValueError(f"{name} as a matrix must have shape (batch, m = {m}), got shape {matrix.shape}")
    matrix = matrix.copy()
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    if matrix.nnz and not np.all(matrix.data == 1):
        raise ValueError(f"{name} as a matrix must hold only 0 and 1 entries, got {matrix.data[matrix.data != 1][0]}")
    out = sp.csr_matrix((np.ones(matrix.nnz, dtype=bool), matrix.indices, matrix.indptr), shape=matrix.shape)
    out.sort_indices()
    return out


def _index_rows(inputs, m: int, name: str) -> sp.csr_matrix:
    if isinstance(inputs, np.ndarray):
        if inputs.ndim != 2:
            raise ValueError(f"{name} as an index array must be 2-D (batch, k), got shape {inputs.shape}")
        if inputs.size and not np.issubdtype(inputs.dtype, np.integer):
            raise TypeError(f"{name} as an index array must hold integers, got dtype {inputs.dtype}")
        lengths = np.full(inputs.shape[0], inputs.shape[1], dtype=np.int64)
        columns = inputs.astype(np.int64).ravel()
    elif isinstance(inputs, (list, tuple)):
        rows = []
        for position, row in enumerate(inputs):
            if not isinstance(row, (list, tuple, np.ndarray)):
                raise TypeError(f"{name}[{position}] must be a sequence of feature indices, got {type(row).__name__}")
            row = np.asarray(row)
            if row.ndim != 1 or (row.size and not np.issubdtype(row.dtype, np.integer)):
                raise TypeError(f"{name}[{position}] must be a 1-D sequence of integer feature indices, got {row!r}")
            rows.append(row)
        lengths = np.fromiter((row.size for row in rows), dtype=np.int64, count=len(rows))
        columns = np.concatenate(rows).astype(np.int64) if rows else np.empty(0, dtype=np.int64)
    else:
        raise TypeError(f"{name} must be a list of index lists, an integer array (batch, k), or a 0/1 "
                        f"(sparse) matrix, got {type(inputs).__name__}")
    bad = (columns < 0) | (columns >= m)
    if bad.any():
        raise ValueError(f"{name} hold the feature index {int(columns[bad][0])}, outside the allowed range "
                         f"[0, m) = [0, {m})")
    row_of = np.repeat(np.arange(lengths.size, dtype=np.int64), lengths)
    keys = np.sort(row_of * m + columns)
    repeated = np.flatnonzero(keys[1:] == keys[:-1])
    if repeated.size:
        key = int(keys[repeated[0]])
        raise ValueError(f"{name} row {key // m} lists feature {key % m} twice; "
                         "the active features of a set are distinct")
    return _csr_from_rows(lengths, columns, m)


def distinct_draws(rng: np.random.Generator, rows: int, n: int, size: int) -> np.ndarray:
    """``rows`` uniform random ``size``-subsets of ``range(n)``, each row in the order drawn.

    Each row is drawn with replacement and drawn again while it repeats a value,
    so a row is accepted with probability about ``exp(-size² / 2n)``: use it
    when ``size² <= 2n``.

    Examples
    --------
    >>> draws = distinct_draws(np.random.default_rng(0), 4, 10, 3)
    >>> draws.shape, bool((np.diff(np.sort(draws, axis=1), axis=1) > 0).all())
    ((4, 3), True)
    """
    def repeats(block):
        return (np.diff(np.sort(block, axis=1), axis=1) == 0).any(axis=1)

    draws = rng.integers(0, n, size=(rows, size))
    bad = np.flatnonzero(repeats(draws))
    while bad.size:  # only the redrawn rows are checked again
        fresh = rng.integers(0, n, size=(bad.size, size))
        draws[bad] = fresh
        bad = bad[repeats(fresh)]
    return draws


def random_input_sets(m: int, k: int, n_samples: int, seed=0, exact: bool = True) -> sp.csr_matrix:
    """Random input sets: each row a uniform random set of ``k`` distinct features out of ``m``.

    Parameters
    ----------
    m, k : int
        Features, and active features per set (``1 <= k <= m``).
    n_samples : int
        Sets to draw.
    seed : int, numpy.random.Generator or numpy.random.SeedSequence
        See :func:`superpos.validation.check_random_state`.
    exact : bool
        With ``False`` each row keeps only the first of its ``k`` draws, how
        many being uniform in ``0..k`` (so the sets have every size up to ``k``).

    Returns
    -------
    scipy.sparse.csr_matrix of bool, shape (n_samples, m).

    Examples
    --------
    >>> sets = random_input_sets(50, 3, 4, seed=1)
    >>> sets.shape, np.diff(sets.indptr).tolist()
    ((4, 50), [3, 3, 3, 3])
    """
    m = check_int(m, "m", 1)
    k = check_int(k, "k", 1, m)
    n_samples = check_int(n_samples, "n_samples", 0)
    rng = check_random_state(seed)
    if k * k > 2 * m:
        # Rejection would redraw most rows: the first k of a random order of the m features instead.
        check_array_size(n_samples * m, 8, f"random keys for {n_samples} sets of m = {m} features")
        chosen = np.argsort(rng.random((n_samples, m)), axis=1)[:, :k]
    else:
        check_array_size(n_samples * k, 8, f"{n_samples} sets of k = {k} features")
        chosen = distinct_draws(rng, n_samples, m, k)
    if exact:
        lengths = np.full(n_samples, k, dtype=np.int64)
        columns = chosen.ravel()
    else:
        lengths = rng.integers(0, k + 1, size=n_samples)
        columns = chosen[np.arange(k)[None, :] < lengths[:, None]]
    return _csr_from_rows(lengths, columns, m)


def count_input_sets(m: int, k: int) -> int:
    """Σ_{j ≤ k} C(m, j): the number of sets of at most ``k`` of ``m`` features (the empty set included).

    Examples
    --------
    >>> count_input_sets(7, 3)
    64
    """
    m = check_int(m, "m", 1)
    k = check_int(k, "k", 0, m)
    return sum(comb(m, j) for j in range(k + 1))


def all_input_sets(m: int, k: int) -> sp.csr_matrix:
    """Every set of at most ``k`` of ``m`` features, by size, then in lexicographic order.

    Returns
    -------
    scipy.sparse.csr_matrix of bool, shape (``count_input_sets(m, k)``, m); row 0 is the empty set.

    Raises
    ------
    ValueError
        If there are more than ``MAX_ENUMERATED_SETS`` such sets.

    Examples
    --------
    >>> sets = all_input_sets(4, 2)
    >>> sets.shape
    (11, 4)
    >>> [sets.indices[sets.indptr[r]:sets.indptr[r + 1]].tolist() for r in (0, 1, 5, 10)]
    [[], [0], [0, 1], [2, 3]]
    >>> all_input_sets(10**12, 3)
    Traceback (most recent call last):
    ...
    ValueError: m = 1000000000000, k = 3 gives 166666666666666666666667500000000001 sets of at most k features, more than MAX_ENUMERATED_SETS = 5000000; use a smaller m or k, or random inputs
    """
    total = count_input_sets(m, k)
    if total > MAX_ENUMERATED_SETS:
        raise ValueError(f"m = {m}, k = {k} gives {total} sets of at most k features, more than "
                         f"MAX_ENUMERATED_SETS = {MAX_ENUMERATED_SETS}; use a smaller m or k, or random inputs")
    blocks = [np.fromiter((i for subset in combinations(range(m), j) for i in subset), dtype=np.int64,
                          count=comb(m, j) * j).reshape(comb(m, j), j) for j in range(k + 1)]
    lengths = np.concatenate([np.full(block.shape[0], block.shape[1]) for block in blocks])
    return _csr_from_rows(lengths, np.concatenate([block.ravel() for block in blocks]), m)
