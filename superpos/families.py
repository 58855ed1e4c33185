"""Problem families for pairwise AND: which pairs, which inputs, which answers.

An instance of pairwise AND is a list of m' distinct pairs ``(a, b)`` of input
features out of m; output ℓ is present on input set A iff both endpoints of
pair ℓ are in A. How the pairs are spread over the inputs (the *influence* of
input i, the number of pairs it belongs to) is what makes an instance easy or
hard for a network, so the generators below span the cases:

* ``uniform``: m' distinct pairs drawn uniformly from all C(m, 2);
  influences are about Poisson(2m'/m).
* ``matching``: disjoint pairs; every influence is 0 or 1.
* ``star``: one centre in every pair; the centre has influence m'.
* ``clique``: all pairs among about √(2m') features; each has influence
  about √(2m').
* ``power_law``: endpoints drawn with Zipf-like weights, so the number of
  inputs of influence d falls off like d^(-exponent).

Inputs are k-sparse sets of active features, held as rows of a boolean
``scipy.sparse.csr_matrix`` of shape (batch, m); the true outputs are a boolean
csr matrix of shape (batch, m') built from the few pairs inside each input, so
no dense batch × m' array is ever formed.
"""

from __future__ import annotations

from math import comb, isqrt

import numpy as np
import scipy.sparse as sp

from superpos.validation import check_int

FAMILIES = ("uniform", "matching", "star", "clique", "power_law")


def _pair_keys(pairs: np.ndarray, n_inputs: int) -> np.ndarray:
    """One int64 key per normalised pair (a < b): a * m + b."""
    return pairs[:, 0] * np.int64(n_inputs) + pairs[:, 1]


def validate_pairs(pairs, n_inputs: int) -> np.ndarray:
    """Check an AND instance and return it as an (m', 2) int64 array with a < b.

    Parameters
    ----------
    pairs : array-like of shape (m', 2)
        Pair ℓ = (a, b) asks for the output ``x_a AND x_b``. A row given as
        (b, a) is normalised to (a, b); the order of rows is kept, since it
        names the outputs.
    n_inputs : int
        The number m of input features; every index must lie in [0, m).

    Returns
    -------
    numpy.ndarray of shape (m', 2), dtype int64

    Raises
    ------
    ValueError
        Not an (m', 2) integer array, m' = 0, an index out of range, a feature
        paired with itself, a pair listed twice, or m < 2.
    """
    n_inputs = check_int(n_inputs, "n_inputs", 2)
    array = np.asarray(pairs)
    if array.ndim != 2 or array.shape[1] != 2:
        raise ValueError(f"pairs must have shape (n_outputs, 2), got shape {array.shape}")
    if array.shape[0] == 0:
        raise ValueError("pairs must hold at least one pair, got none")
    if not np.issubdtype(array.dtype, np.integer):
        if np.issubdtype(array.dtype, np.floating) and np.all(np.isfinite(array)) and np.all(array == np.round(array)):
            array = array.astype(np.int64)
        else:
            raise ValueError(f"pairs must hold integer feature indices, got dtype {array.dtype}")
    array = array.astype(np.int64)
    bad = (array < 0) | (array >= n_inputs)
    if bad.any():
        row = int(np.argwhere(bad)[0, 0])
        raise ValueError(f"pairs[{row}] = {tuple(array[row])} has an index out of range [0, {n_inputs}) (n_inputs)")
    same = array[:, 0] == array[:, 1]
    if same.any():
        row = int(np.flatnonzero(same)[0])
        raise ValueError(f"pairs[{row}] pairs feature {array[row, 0]} with itself; the two ends must differ")
    normal = np.sort(array, axis=1)
    keys = _pair_keys(normal, n_inputs)
    order = np.argsort(keys, kind="stable")
    repeated = np.flatnonzero(keys[order][1:] == keys[order][:-1])
    if repeated.size:
        first, second = sorted((int(order[repeated[0]]), int(order[repeated[0] + 1])))
        raise ValueError(f"pairs[{second}] repeats pairs[{first}] = {tuple(normal[first])}; every pair must be distinct")
    return normal


def influence(pairs, n_inputs: int) -> np.ndarray:
    """Number of pairs each input belongs to (its influence), shape (m,)."""
    pairs = validate_pairs(pairs, n_inputs)
    return np.bincount(pairs.ravel(), minlength=n_inputs)


def _check_sizes(n_inputs, n_outputs) -> tuple[int, int]:
    n_inputs = check_int(n_inputs, "n_inputs", 2)
    n_outputs = check_int(n_outputs, "n_outputs", 1)
    if n_outputs > comb(n_inputs, 2):
        raise ValueError(f"n_outputs = {n_outputs} exceeds the C({n_inputs}, 2) = {comb(n_inputs, 2)} "
                         "distinct pairs of n_inputs features")
    return n_inputs, n_outputs


def _unrank_pairs(ranks: np.ndarray) -> np.ndarray:
    """Pair with colex rank r: b = max{b : C(b, 2) <= r}, a = r - C(b, 2)."""
    ranks = np.asarray(ranks, dtype=np.int64)
    b = np.floor((1 + np.sqrt(1 + 8 * ranks.astype(np.float64))) / 2).astype(np.int64)
    b -= (b * (b - 1) // 2) > ranks          # correct the rare float rounding up
    b += ((b + 1) * b // 2) <= ranks         # ... and down
    return np.stack([ranks - b * (b - 1) // 2, b], axis=1)


def uniform_pairs(n_inputs: int, n_outputs: int, seed: int = 0) -> np.ndarray:
    """m' distinct pairs drawn uniformly at random from all C(m, 2) pairs."""
    n_inputs, n_outputs = _check_sizes(n_inputs, n_outputs)
    rng = np.random.default_rng(seed)
    ranks = rng.choice(comb(n_inputs, 2), size=n_outputs, replace=False)
    return validate_pairs(_unrank_pairs(ranks), n_inputs)


def matching_pairs(n_inputs: int, n_outputs: int, seed: int = 0) -> np.ndarray:
    """m' disjoint pairs (a partial perfect matching); needs 2 m' <= m."""
    n_inputs, n_outputs = _check_sizes(n_inputs, n_outputs)
    if 2 * n_outputs > n_inputs:
        raise ValueError(f"a matching of n_outputs = {n_outputs} pairs needs 2 * n_outputs <= n_inputs, "
                         f"got n_inputs = {n_inputs}")
    rng = np.random.default_rng(seed)
    return validate_pairs(rng.permutation(n_inputs)[: 2 * n_outputs].reshape(n_outputs, 2), n_inputs)


def star_pairs(n_inputs: int, n_outputs: int, seed: int = 0) -> np.ndarray:
    """m' pairs sharing one random centre; needs m' <= m - 1."""
    n_inputs, n_outputs = _check_sizes(n_inputs, n_outputs)
    if n_outputs > n_inputs - 1:
        raise ValueError(f"a star of n_outputs = {n_outputs} pairs needs n_outputs <= n_inputs - 1 = {n_inputs - 1}")
    rng = np.random.default_rng(seed)
    centre = int(rng.integers(n_inputs))
    leaves = rng.choice(n_inputs - 1, size=n_outputs, replace=False)
    leaves = leaves + (leaves >= centre)      # skip the centre itself
    return validate_pairs(np.stack([np.full(n_outputs, centre), leaves], axis=1), n_inputs)


def clique_size(n_outputs: int) -> int:
    """Smallest q with C(q, 2) >= m' (about √(2 m'))."""
    n_outputs = check_int(n_outputs, "n_outputs", 1)
    q = isqrt(2 * n_outputs)
    while comb(q, 2) < n_outputs:
        q += 1
    while q > 2 and comb(q - 1, 2) >= n_outputs:
        q -= 1
    return max(q, 2)


def clique_pairs(n_inputs: int, n_outputs: int, seed: int = 0) -> np.ndarray:
    """The first m' pairs (colex order) among q = ``clique_size(m')`` random features."""
    n_inputs, n_outputs = _check_sizes(n_inputs, n_outputs)
    q = clique_size(n_outputs)  # <= n_inputs, since n_outputs <= C(n_inputs, 2)
    rng = np.random.default_rng(seed)
    nodes = rng.choice(n_inputs, size=q, replace=False)
    local = _unrank_pairs(np.arange(n_outputs))
    return validate_pairs(nodes[local], n_inputs)


def power_law_pairs(n_inputs: int, n_outputs: int, exponent: float = 2.0, seed: int = 0) -> np.ndarray:
    """m' distinct pairs whose influences follow a power law.

    Feature of rank r (a random relabelling of 0..m-1) gets weight
    w_r = (r + 1)^(-1/(exponent - 1)); each pair joins two features drawn
    independently with probability ∝ w (a Chung-Lu graph), self pairs and
    repeats are redrawn. The expected influence of rank r is ∝ w_r, so the
    number of features of influence about d falls off like d^(-exponent).
    """
    n_inputs, n_outputs = _check_sizes(n_inputs, n_outputs)
    exponent = float(exponent)
    if not np.isfinite(exponent) or exponent <= 1:
        raise ValueError(f"exponent must be a finite number > 1, got {exponent}")
    if n_outputs > comb(n_inputs, 2) // 2:
        raise ValueError(f"power_law pairs need n_outputs <= C(n_inputs, 2) / 2 = {comb(n_inputs, 2) // 2} "
                         f"so that rejection sampling ends, got n_outputs = {n_outputs}")
    rng = np.random.default_rng(seed)
    labels = rng.permutation(n_inputs)
    weights = np.arange(1, n_inputs + 1, dtype=np.float64) ** (-1.0 / (exponent - 1.0))
    cumulative = np.cumsum(weights)
    cumulative /= cumulative[-1]
    keys = np.empty(0, dtype=np.int64)
    for _ in range(1000):
        draw = 2 * (n_outputs - keys.size) + 64
        ends = labels[np.minimum(np.searchsorted(cumulative, rng.random((draw, 2))), n_inputs - 1)]
        ends = np.sort(ends[ends[:, 0] != ends[:, 1]], axis=1)
        keys = np.concatenate([keys, _pair_keys(ends, n_inputs)])
        _, first = np.unique(keys, return_index=True)
        keys = keys[np.sort(first)]           # drop repeats, keep first-drawn order
        if keys.size >= n_outputs:
            keys = keys[:n_outputs]
            return validate_pairs(np.stack([keys // n_inputs, keys % n_inputs], axis=1), n_inputs)
    raise ValueError(f"could not draw {n_outputs} distinct power-law pairs on {n_inputs} inputs; "
                     "use a larger n_inputs or a smaller exponent")


_GENERATORS = {"uniform": uniform_pairs, "matching": matching_pairs, "star": star_pairs,
               "clique": clique_pairs, "power_law": power_law_pairs}


def default_n_inputs(family: str, n_outputs: int) -> int:
    """Return the number of inputs m the book pairs with m' outputs of a family.

    m = m' for every family except the two that need more inputs: a perfect
    matching uses 2m' distinct inputs and a star has one centre and m' leaves.
    """
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")
    n_outputs = check_int(n_outputs, "n_outputs", 1)
    return {"matching": 2 * n_outputs, "star": n_outputs + 1}.get(family, n_outputs)


def make_pairs(family: str, n_inputs: int, n_outputs: int, seed: int = 0, **options) -> np.ndarray:
    """Pairs of the named family (one of ``FAMILIES``); options go to its generator."""
    if family not in _GENERATORS:
        raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")
    return _GENERATORS[family](n_inputs, n_outputs, seed=seed, **options)


def _csr_from_rows(row_lengths: np.ndarray, columns: np.ndarray, n_inputs: int) -> sp.csr_matrix:
    indptr = np.zeros(row_lengths.size + 1, dtype=np.int64)
    np.cumsum(row_lengths, out=indptr[1:])
    index_dtype = np.int32 if max(n_inputs, columns.size) < 2**31 else np.int64
    matrix = sp.csr_matrix((np.ones(columns.size, dtype=bool), columns.astype(index_dtype), indptr.astype(index_dtype)),
                           shape=(row_lengths.size, n_inputs))
    matrix.sort_indices()
    return matrix


def as_input_matrix(inputs, n_inputs: int, k: int | None = None) -> sp.csr_matrix:
    """Turn a batch of input sets into a boolean csr matrix of shape (batch, m).

    Parameters
    ----------
    inputs : list of index lists, int array (batch, k), or 0/1 matrix
        * a list (or tuple) of rows, each a sequence of active feature indices
          (rows may differ in length, and may be empty);
        * an integer numpy array of shape (batch, j) of active indices, one row
          per input; an integer array of width m whose entries are all 0 or 1
          is read as a 0/1 matrix instead;
        * a boolean or float numpy array, or any scipy.sparse matrix, of shape
          (batch, m) with entries 0 or 1.
    n_inputs : int
        The number m of input features.
    k : int, optional
        When given, a row with more than k active features is an error.

    Returns
    -------
    scipy.sparse.csr_matrix of dtype bool, shape (batch, m), sorted indices.

    Raises
    ------
    ValueError
        An index out of range, an index repeated in a row, an entry other than
        0/1, a matrix of the wrong width, or a row with more than k actives.
    """
    n_inputs = check_int(n_inputs, "n_inputs", 1)
    if k is not None:
        k = check_int(k, "k", 0)
    if sp.issparse(inputs):
        matrix = sp.csr_matrix(inputs)
        matrix = _binary_matrix(matrix, n_inputs)
    elif isinstance(inputs, np.ndarray) and (inputs.dtype == bool or np.issubdtype(inputs.dtype, np.floating)
                                            or (np.issubdtype(inputs.dtype, np.integer) and inputs.ndim == 2
                                                and inputs.shape[1] == n_inputs and inputs.size
                                                and np.isin(inputs, (0, 1)).all())):
        if inputs.ndim != 2:
            raise ValueError(f"inputs as a 0/1 matrix must be 2-D (batch, n_inputs), got shape {inputs.shape}")
        matrix = _binary_matrix(sp.csr_matrix(inputs), n_inputs)
    else:
        matrix = _index_rows(inputs, n_inputs)
    if k is not None and matrix.shape[0]:
        sizes = np.diff(matrix.indptr)
        if sizes.max() > k:
            row = int(np.argmax(sizes > k))
            raise ValueError(f"inputs row {row} has {sizes[row]} active features, more than k = {k}")
    return matrix


def _binary_matrix(matrix: sp.csr_matrix, n_inputs: int) -> sp.csr_matrix:
    if matrix.shape[1] != n_inputs:
        raise ValueError(f"inputs as a matrix must have n_inputs = {n_inputs} columns, got shape {matrix.shape}")
    matrix = matrix.copy()
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    if matrix.nnz and not np.all(matrix.data == 1):
        raise ValueError("inputs as a matrix must hold only 0 and 1 entries, got "
                         f"{matrix.data[matrix.data != 1][0]!r}")
    out = sp.csr_matrix((np.ones(matrix.nnz, dtype=bool), matrix.indices, matrix.indptr), shape=matrix.shape)
    out.sort_indices()
    return out


def _index_rows(inputs, n_inputs: int) -> sp.csr_matrix:
    if isinstance(inputs, np.ndarray):
        if inputs.ndim != 2:
            raise ValueError(f"inputs as an index array must be 2-D (batch, k), got shape {inputs.shape}")
        if inputs.size and not np.issubdtype(inputs.dtype, np.integer):
            raise ValueError(f"inputs as an index array must be integers, got dtype {inputs.dtype}")
        lengths = np.full(inputs.shape[0], inputs.shape[1], dtype=np.int64)
        columns = inputs.astype(np.int64).ravel()
    elif isinstance(inputs, (list, tuple)):
        rows = [np.asarray(row) for row in inputs]
        for position, row in enumerate(rows):
            if row.ndim != 1 or (row.size and not np.issubdtype(row.dtype, np.integer)):
                raise ValueError(f"inputs[{position}] must be a 1-D sequence of integer indices, got {row!r}")
        lengths = np.fromiter((row.size for row in rows), dtype=np.int64, count=len(rows))
        columns = np.concatenate(rows).astype(np.int64) if rows else np.empty(0, dtype=np.int64)
    else:
        raise TypeError("inputs must be a list of index lists, an integer array (batch, k), or a 0/1 "
                        f"(sparse) matrix, got {type(inputs).__name__}")
    bad = (columns < 0) | (columns >= n_inputs)
    if bad.any():
        raise ValueError(f"inputs hold index {columns[bad][0]}, out of range [0, {n_inputs}) (n_inputs)")
    row_of = np.repeat(np.arange(lengths.size, dtype=np.int64), lengths)
    keys = np.sort(row_of * n_inputs + columns)
    repeated = np.flatnonzero(keys[1:] == keys[:-1])
    if repeated.size:
        key = keys[repeated[0]]
        raise ValueError(f"inputs row {key // n_inputs} lists feature {key % n_inputs} twice; "
                         "active features in a row must be distinct")
    return _csr_from_rows(lengths, columns, n_inputs)


def sample_inputs(n_inputs: int, k: int, n_samples: int, seed: int = 0, exact: bool = True) -> sp.csr_matrix:
    """Random k-sparse inputs: each row a uniform random set of k distinct features.

    With ``exact=False`` each row's size is first drawn uniformly from 0..k.
    Returns a boolean csr matrix of shape (n_samples, m).
    """
    n_inputs = check_int(n_inputs, "n_inputs", 1)
    k = check_int(k, "k", 1)
    n_samples = check_int(n_samples, "n_samples", 0)
    if k > n_inputs:
        raise ValueError(f"k = {k} exceeds n_inputs = {n_inputs}")
    rng = np.random.default_rng(seed)
    if 2 * k > n_inputs:
        # Dense regime (tiny m): a random permutation prefix per row.
        chosen = np.argsort(rng.random((n_samples, n_inputs)), axis=1)[:, :k]
    else:
        chosen = rng.integers(n_inputs, size=(n_samples, k))
        while True:  # redraw rows with a repeat; at most a fraction ~k²/2m of them
            ordered = np.sort(chosen, axis=1)
            clash = np.flatnonzero((ordered[:, 1:] == ordered[:, :-1]).any(axis=1))
            if clash.size == 0:
                break
            chosen[clash] = rng.integers(n_inputs, size=(clash.size, k))
    if exact:
        lengths = np.full(n_samples, k, dtype=np.int64)
        columns = chosen.ravel()
    else:
        lengths = rng.integers(0, k + 1, size=n_samples)
        columns = chosen[np.arange(k)[None, :] < lengths[:, None]]
    return _csr_from_rows(lengths, columns, n_inputs)


def true_outputs(pairs, inputs, n_inputs: int | None = None) -> sp.csr_matrix:
    """The correct AND outputs: entry (r, ℓ) is True iff both ends of pair ℓ are active in row r.

    Only the C(|A|, 2) pairs inside each input set A are looked up (by binary
    search in the sorted pair keys), so the cost is about batch · k² log m'
    and no dense batch × m' array is formed.

    Parameters
    ----------
    pairs : array-like (m', 2)
    inputs : anything ``as_input_matrix`` accepts
    n_inputs : int, optional
        m; defaults to the width of ``inputs`` when it is a matrix, else to
        1 + the largest index in ``pairs``.
    """
    if n_inputs is None:
        n_inputs = inputs.shape[1] if (sp.issparse(inputs) or (isinstance(inputs, np.ndarray) and inputs.dtype == bool)) \
            else int(np.max(pairs)) + 1
    pairs = validate_pairs(pairs, n_inputs)
    matrix = as_input_matrix(inputs, n_inputs)
    n_outputs = pairs.shape[0]
    keys = _pair_keys(pairs, n_inputs)
    order = np.argsort(keys)
    sorted_keys = keys[order]
    sizes = np.diff(matrix.indptr)
    hit_rows, hit_outputs = [], []
    for size in np.unique(sizes):
        if size < 2:
            continue
        rows = np.flatnonzero(sizes == size)
        starts = matrix.indptr[rows]
        active = matrix.indices[starts[:, None] + np.arange(size)[None, :]].astype(np.int64)  # sorted per row
        first, second = np.triu_indices(size, k=1)
        candidate = active[:, first] * n_inputs + active[:, second]
        where = np.minimum(np.searchsorted(sorted_keys, candidate), n_outputs - 1)
        found = sorted_keys[where] == candidate
        hit_rows.append(np.broadcast_to(rows[:, None], candidate.shape)[found])
        hit_outputs.append(order[where[found]])
    rows = np.concatenate(hit_rows) if hit_rows else np.empty(0, dtype=np.int64)
    outputs = np.concatenate(hit_outputs) if hit_outputs else np.empty(0, dtype=np.int64)
    result = sp.csr_matrix((np.ones(rows.size, dtype=bool), (rows, outputs)), shape=(matrix.shape[0], n_outputs))
    result.sort_indices()
    return result
