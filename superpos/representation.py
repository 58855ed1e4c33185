r"""Representing sparse Boolean features in superposition.

An input is a set :math:`A` of at most :math:`k` active features out of
:math:`m`. A *representation in superposition* stores it in the activations of
:math:`n < m` neurons so that every feature can be read back. This module
builds the two codes of the book and measures how few neurons they need.

Dense (Johnson--Lindenstrauss) codes
    Feature :math:`i` has a random vector :math:`e_i \in \{\pm 1/\sqrt n\}^n`;
    the activation is :math:`v = \sum_{i \in A} e_i`; feature :math:`i` is read
    as :math:`r_i = \langle e_i, v\rangle` and decoded present iff
    :math:`r_i \ge 1/2`. With coherence
    :math:`\mu = \max_{i \ne j} |\langle e_i, e_j\rangle| < 1/(2k)` every
    :math:`k`-sparse set decodes exactly, since an absent feature reads at most
    :math:`k\mu < 1/2` and a present one at least :math:`1 - (k-1)\mu > 1/2`.

Sparse binary codes
    Feature :math:`i` owns a random set :math:`S_i` of :math:`s` distinct
    neurons; the activation counts how many active codes cover each neuron,
    :math:`v = \sum_{i \in A} 1_{S_i}`; feature :math:`i` is decoded present iff
    :math:`\min_{u \in S_i} v_u \ge \theta`, a rule on the counts (two ReLUs
    per neuron clamp :math:`\min(v_u, 1) = \mathrm{ReLU}(v_u) - \mathrm{ReLU}(v_u - 1)`,
    then one more per feature reads :math:`\mathrm{ReLU}(\sum_{u\in S_i} \min(v_u, 1) - s + 1)`
    for :math:`\theta = 1`; one ReLU of the raw counts suffices only for codes
    that share at most one neuron, :func:`line_code`). With :math:`\theta = 1` a
    present feature is never missed and an absent one fires iff the other codes
    cover :math:`S_i`; :func:`certify_sparse_code` decides whether that happens
    on any input.

Inputs are a batch of sets in any form :func:`superpos.inputs.as_input_sets`
accepts. Randomness always comes from a ``seed`` (an int, a
:class:`numpy.random.Generator` or a :class:`numpy.random.SeedSequence`; see
:mod:`superpos.validation`). Code books are *nested*: the code of
:math:`m` features in :math:`n` neurons is the top-left corner of any wider or
longer code book drawn from the same seed, so a search over :math:`n` or
:math:`m` draws its widest code book once and reuses it.
"""

from __future__ import annotations

import functools
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy import special, stats

from superpos.inputs import all_input_sets, as_input_sets, count_input_sets, distinct_draws, random_input_sets
from superpos.numerics import log_comb, nonzero_2d
from superpos.validation import check_array_size, check_int, check_random_state, child_seed, seed_sequence

__all__ = [
    "CodeCertificate",
    "DecodingErrors",
    "DenseCode",
    "MinNeurons",
    "SparseCode",
    "best_sparse_size",
    "certify_sparse_code",
    "coherence",
    "decode",
    "decodes_every_set",
    "decoding_errors",
    "dense_code",
    "dense_read_error_probabilities",
    "encode",
    "every_input_neurons_bound",
    "expected_covers",
    "explicit_every_input_sizes",
    "expected_errors_per_input",
    "fit_log_slope",
    "jl_neurons_bound",
    "line_code",
    "min_neurons",
    "min_neurons_curve",
    "min_neurons_every_input",
    "predicted_min_neurons",
    "reads",
    "sparse_code",
    "sparse_false_positive_probability",
]

#: Features per block of a code book; the unit of nesting in ``m``.
FEATURE_BLOCK = 1 << 12
#: Neurons per column chunk of a dense code book; the unit of nesting in ``n``.
NEURON_CHUNK = 64
#: Entries of the (features x features) Gram block :func:`coherence` and :func:`decodes_every_set` hold at once.
BLOCK_ENTRIES = 1 << 23
#: Features by inputs of one dense decoding product (16 MiB of ``float32``: large enough for the BLAS to run
#: near its peak, small enough to stay in the last-level cache while it is thresholded).
DENSE_FEATURE_BLOCK = 1 << 12
DENSE_INPUT_BLOCK = 1 << 10
#: Features per block of the sparse decoder (the unit of its early stop and of its threads).
SPARSE_FEATURE_BLOCK = 1 << 15
#: Words of 64 inputs the sparse decoder treats with one look-up.
SPARSE_DECODE_WORDS = 4
#: Up to this many neurons the sparse decoder looks up pairs of neurons (a table of n^2 entries).
SPARSE_PAIR_NEURONS = 256
#: Look-ups done on every feature before the sparse decoder keeps only features some input still fires.
SPARSE_PREFILTER_LOOKUPS = 7
#: Threads of the sparse decoder (numpy releases the GIL inside its loops).
DECODE_THREADS = min(2, os.cpu_count() or 1)
#: A read this close below the threshold counts as reaching it. Dense reads of
#: k-sparse sets are multiples of 1/n, so exact ties with 1/2 are common; this
#: keeps floating-point rounding from deciding them.
READ_TOLERANCE = 1e-6


# --------------------------------------------------------------------------- #
# Validation helpers
# --------------------------------------------------------------------------- #


def _check_k(k, m: int) -> int:
    k = check_int(k, "k", 1)
    if k > m:
        raise ValueError(f"k must be in [1, m] = [1, {m}] (at most all features active), got k={k}")
    return k


# --------------------------------------------------------------------------- #
# Code books
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class DenseCode:
    """A dense Johnson--Lindenstrauss code book.

    Attributes
    ----------
    signs : numpy.ndarray
        ``(m, n)`` ``int8`` array of :math:`\\pm 1`; feature ``i`` has the
        vector ``signs[i] / sqrt(n)``.

    Examples
    --------
    >>> code = dense_code(50, 64, seed=0)
    >>> code.m, code.n, code.prefix(n=16).signs.shape
    (50, 64, (50, 16))
    """

    signs: np.ndarray

    @property
    def m(self) -> int:
        """Number of features."""
        return self.signs.shape[0]

    @property
    def n(self) -> int:
        """Number of neurons."""
        return self.signs.shape[1]

    def vectors(self) -> np.ndarray:
        """The ``(m, n)`` code vectors :math:`e_i` as ``float64``.

        Examples
        --------
        >>> code = dense_code(3, 4, seed=0)
        >>> np.linalg.norm(code.vectors(), axis=1).tolist()   # unit vectors
        [1.0, 1.0, 1.0]
        """
        return self.signs / math.sqrt(self.n)

    def prefix(self, m: int | None = None, n: int | None = None) -> DenseCode:
        """The code of the first ``m`` features in the first ``n`` neurons (what the same seed draws).

        Examples
        --------
        >>> code = dense_code(30, 64, seed=0)
        >>> code.prefix(m=10, n=16).signs.shape
        (10, 16)
        """
        m = self.m if m is None else check_int(m, "m", 1, self.m)
        n = self.n if n is None else check_int(n, "n", 1, self.n)
        return DenseCode(self.signs[:m, :n])


@dataclass(frozen=True)
class SparseCode:
    """A sparse binary code book: feature ``i`` owns the neurons ``neurons[i]``.

    Attributes
    ----------
    neurons : numpy.ndarray
        ``(m, s)`` ``int32`` array; row ``i`` is the sorted, distinct set
        :math:`S_i` of feature ``i``'s neurons.
    n : int
        Number of neurons.

    Examples
    --------
    >>> code = sparse_code(50, 40, 5, seed=0)
    >>> code.m, code.s, code.matrix().shape
    (50, 5, (50, 40))
    """

    neurons: np.ndarray
    n: int

    @property
    def m(self) -> int:
        """Number of features."""
        return self.neurons.shape[0]

    @property
    def s(self) -> int:
        """Neurons per feature."""
        return self.neurons.shape[1]

    def matrix(self) -> sp.csr_matrix:
        """The ``(m, n)`` 0/1 incidence matrix of the code book (``float32``).

        Examples
        --------
        >>> np.asarray(sparse_code(30, 20, 4, seed=0).matrix().sum(axis=1)).ravel()[:3].tolist()
        [4.0, 4.0, 4.0]
        """
        indptr = np.arange(self.m + 1, dtype=np.int64) * self.s
        return sp.csr_matrix((np.ones(self.neurons.size, np.float32), self.neurons.ravel(), indptr),
                             shape=(self.m, self.n))


def dense_code(m: int, n: int, seed=None) -> DenseCode:
    """Draw a dense code book of ``m`` features in ``n`` neurons.

    The signs come in blocks of ``FEATURE_BLOCK`` features by ``NEURON_CHUNK``
    neurons, each from its own generator labelled by the block's position, so
    the code for ``(m, n)`` is the corner of the code for any larger
    ``(m', n')`` with the same seed. Columns and rows of i.i.d. uniform signs
    stay i.i.d. uniform when cut, so reusing a corner is statistically the
    same as drawing afresh.

    Examples
    --------
    >>> big, small = dense_code(5000, 70, seed=3), dense_code(4200, 16, seed=3)
    >>> bool(np.array_equal(big.signs[:4200, :16], small.signs))   # nested in m and n
    True
    """
    m = check_int(m, "m", 1)
    n = check_int(n, "n", 1)
    check_array_size(m * n, 1, f"a dense code book of m = {m} features in n = {n} neurons")
    ss = seed_sequence(seed)
    signs = np.empty((m, n), dtype=np.int8)
    for row in range(0, m, FEATURE_BLOCK):
        rows = min(FEATURE_BLOCK, m - row)
        for col in range(0, n, NEURON_CHUNK):
            cols = min(NEURON_CHUNK, n - col)
            chunk = check_random_state(child_seed(ss, row // FEATURE_BLOCK, col // NEURON_CHUNK)).integers(
                0, 2, size=(FEATURE_BLOCK, NEURON_CHUNK), dtype=np.int8)
            signs[row:row + rows, col:col + cols] = 2 * chunk[:rows, :cols] - 1
    return DenseCode(signs)


def sparse_code(m: int, n: int, s: int, seed=None) -> SparseCode:
    """Draw a sparse binary code book: each feature owns ``s`` distinct uniformly random neurons of ``n``.

    Blocks of ``FEATURE_BLOCK`` features have their own generator labelled by
    the block's position and by ``(n, s)``, so codes of different ``(n, s)``
    drawn from one seed are independent.

    Examples
    --------
    >>> code = sparse_code(50, 40, 5, seed=0)
    >>> code.neurons.shape, bool((np.diff(code.neurons, axis=1) > 0).all())
    ((50, 5), True)
    """
    m = check_int(m, "m", 1)
    n = check_int(n, "n", 1)
    s = check_int(s, "s", 1, n)
    check_array_size(m * s, 4, f"a sparse code book of m = {m} features, s = {s} neurons each")
    ss = seed_sequence(seed)
    neurons = np.empty((m, s), dtype=np.int32)
    for row in range(0, m, FEATURE_BLOCK):
        rows = min(FEATURE_BLOCK, m - row)
        rng = check_random_state(child_seed(ss, row // FEATURE_BLOCK, n, s))
        if s * s <= 2 * n:  # a row has no repeat with probability about exp(-s^2 / 2n) >= 1/e: reject and redraw
            neurons[row:row + rows] = np.sort(distinct_draws(rng, rows, n, s), axis=1)
        else:  # the s smallest of n random keys: a uniform s-subset
            keys = rng.random((rows, n), dtype=np.float32)
            neurons[row:row + rows] = np.sort(np.argpartition(keys, s - 1, axis=1)[:, :s], axis=1)
    return SparseCode(neurons, n)


def line_code(m: int, s: int, seed=0) -> SparseCode:
    r"""A code of ``m`` features whose codes share at most one neuron: lines over :math:`\mathrm{GF}(q)`.

    The neurons form ``s`` rows of ``q`` (``q`` the least prime with
    :math:`q \ge s` and :math:`q^2 \ge m`, so :math:`n = sq \ge s\sqrt m`);
    feature :math:`i` owns a line, one neuron per row
    (:func:`superpos.codes.line_code_book`, the construction's input channel).
    Two lines meet in at most one point, so for :math:`s \ge k + 1` one ReLU
    of the raw counts, :math:`\mathrm{ReLU}(\sum_{u \in S_i} v_u - (s-1))`,
    reads feature :math:`i` exactly on every input of at most ``k`` features.

    Examples
    --------
    >>> code = line_code(40, 4, seed=0)
    >>> code.n, code.s, int((code.matrix() @ code.matrix().T - 4 * sp.identity(40)).max())
    (28, 4, 1)
    """
    from superpos.codes import LineCodeSizes, line_code_book, next_prime

    m = check_int(m, "m", 1)
    s = check_int(s, "s", 1)
    q = next_prime(max(s, math.isqrt(m - 1) + 1 if m > 1 else 1))
    neurons = np.sort(line_code_book(m, LineCodeSizes(s, q), seed), axis=1).astype(np.int32)
    return SparseCode(neurons, s * q)


def _check_code(code):
    if not isinstance(code, (DenseCode, SparseCode)):
        raise TypeError(f"code must be a DenseCode or a SparseCode, got {type(code).__name__}")
    return code


# --------------------------------------------------------------------------- #
# Encoding, reading and decoding
# --------------------------------------------------------------------------- #


def encode(code, inputs, k: int | None = None):
    """Encode a batch of sparse sets into activations.

    Parameters
    ----------
    code : DenseCode or SparseCode
    inputs : sets in any form :func:`superpos.inputs.as_input_sets` accepts
    k : int, optional
        Largest allowed set size (checked).

    Returns
    -------
    numpy.ndarray or scipy.sparse.csr_matrix
        Dense code: ``(n_samples, n)`` ``float64`` array
        :math:`v = \\sum_{i\\in A} e_i`. Sparse code: ``(n_samples, n)`` CSR
        matrix of integer counts :math:`v_u = |\\{i \\in A : u \\in S_i\\}|`.

    Examples
    --------
    >>> code = sparse_code(50, 40, 5, seed=0)
    >>> int(encode(code, [[1, 7]]).sum())   # two codes of 5 neurons
    10
    """
    code = _check_code(code)
    sets = as_input_sets(inputs, code.m, k)
    if isinstance(code, DenseCode):
        return _dense_sums(code, sets).astype(np.float64) / math.sqrt(code.n)
    # Gather the codes of the active features only: O(nnz * s) whatever m is.
    counts = sp.csr_matrix((np.ones(sets.nnz * code.s, np.int32), code.neurons[sets.indices].ravel(),
                            sets.indptr * code.s), shape=(sets.shape[0], code.n))
    counts.sum_duplicates()
    return counts


def _dense_sums(code: DenseCode, sets: sp.csr_matrix) -> np.ndarray:
    """Integer sums of the active sign vectors, ``(n_samples, n)`` ``float32`` (exact).

    Gathers only the active rows of the code book, so the cost is
    ``O(nnz * n)`` whatever ``m`` is.
    """
    gathered = code.signs[sets.indices].astype(np.float32)
    selector = sp.csr_matrix((np.ones(sets.nnz, np.float32), np.arange(sets.nnz), sets.indptr),
                             shape=(sets.shape[0], sets.nnz))
    return np.asarray(selector @ gathered, dtype=np.float32)


def reads(code, activations, features=None) -> np.ndarray:
    """The reads of the given features (all by default) for every input.

    For a dense code the read is :math:`\\langle e_i, v\\rangle`; for a sparse
    code it is :math:`\\min_{u\\in S_i} v_u`, the smallest count on the
    feature's neurons. A feature is decoded present iff its read is at least
    the threshold minus ``READ_TOLERANCE``. Forms a dense
    ``(n_samples, len(features))`` array: use it for plots and small ``m``;
    :func:`decode` scales.

    Examples
    --------
    >>> code = sparse_code(50, 40, 5, seed=0)
    >>> reads(code, encode(code, [[1, 7]]), features=[1, 2]).tolist()   # present, absent
    [[1, 0]]
    """
    code = _check_code(code)
    features = np.arange(code.m) if features is None else np.asarray(features, dtype=np.int64)
    if features.size and (features.min() < 0 or features.max() >= code.m):
        raise ValueError(f"features must lie in [0, m) = [0, {code.m})")
    check_array_size(activations.shape[0] * max(features.size, code.n), 8,
                     f"the reads of {features.size} features on {activations.shape[0]} inputs")
    if isinstance(code, DenseCode):
        v = np.asarray(activations, dtype=np.float64)
        _check_activation_shape(v, code)
        return v @ code.vectors()[features].T
    v = sp.csr_matrix(activations) if sp.issparse(activations) else sp.csr_matrix(np.asarray(activations))
    _check_activation_shape(v, code)
    dense_v = v.toarray()
    return dense_v[:, code.neurons[features]].min(axis=2)


def _check_activation_shape(v, code) -> None:
    if v.ndim != 2 or v.shape[1] != code.n:
        raise ValueError(f"activations must have shape (n_samples, n={code.n}), got {v.shape}")


def _fires_by_block(code, activations, threshold: float, stop=None):
    """Yield ``(first_feature, stop_feature, rows, features)`` of every read at or above threshold, block by block.

    Blocks of features come in order; ``stop(first, stop, rows, features)``
    returning True ends the scan after that block. Never holds a dense
    ``n_samples x m`` array.
    """
    if isinstance(code, DenseCode):
        blocks = _dense_fires(code, activations, threshold)
    else:
        blocks = _sparse_fires(code, activations, threshold)
    for start, stop_at, rows, feats in blocks:
        yield start, stop_at, rows, feats
        if stop is not None and stop(start, stop_at, rows, feats):
            blocks.close()  # also cancels the decoder's pending work
            return


def _dense_fires(code: DenseCode, activations, threshold: float):
    """Blocks of fired ``(rows, features)`` of a dense code: one ``float32`` matrix product per block.

    :math:`\\langle e_i, v\\rangle \\ge \\theta` iff
    :math:`\\sigma_i \\cdot (\\sqrt n\\, v) \\ge n\\theta` with :math:`\\sigma_i`
    the sign row; for activations of encoded sets both sides are small
    integers, so the ``float32`` products are exact. Each block of
    ``DENSE_FEATURE_BLOCK`` features by ``DENSE_INPUT_BLOCK`` inputs fits in
    the last-level cache, and only the indices of reads at or above the
    threshold leave it. The cost is :math:`2mn` flops per input, so the
    speed of the BLAS bounds it.
    """
    v = np.asarray(activations, np.float64)
    _check_activation_shape(v, code)
    sums_t = np.ascontiguousarray((v * math.sqrt(code.n)).T, dtype=np.float32)
    limit = np.float32(code.n * (threshold - READ_TOLERANCE))
    n_samples = sums_t.shape[1]
    products = np.empty((DENSE_FEATURE_BLOCK, min(n_samples, DENSE_INPUT_BLOCK)), np.float32)
    fired = np.empty(products.shape, bool)
    for start in range(0, code.m, DENSE_FEATURE_BLOCK):
        stop_at = min(code.m, start + DENSE_FEATURE_BLOCK)
        signs = code.signs[start:stop_at].astype(np.float32)
        rows, feats = [np.zeros(0, np.intp)], [np.zeros(0, np.intp)]
        for first in range(0, n_samples, DENSE_INPUT_BLOCK):
            last = min(n_samples, first + DENSE_INPUT_BLOCK)
            block = products[:stop_at - start, :last - first]
            np.matmul(signs, sums_t[:, first:last], out=block)
            mask = fired[:stop_at - start, :last - first]
            np.greater_equal(block, limit, out=mask)
            feat, row = nonzero_2d(mask)
            rows.append(row + first)
            feats.append(feat + start)
        yield start, stop_at, np.concatenate(rows), np.concatenate(feats)


def _sparse_fires(code: SparseCode, activations, threshold: float):
    """Blocks of fired ``(rows, features)`` of a sparse code, bit-parallel over inputs.

    Feature ``i`` fires for input ``b`` iff ``b`` is in :math:`\\bigcap_{u \\in
    S_i} Z_u`, where :math:`Z_u` is the set of inputs with :math:`v_u \\ge
    \\theta`. Each :math:`Z_u` is packed as bits over the inputs, ``64 *
    SPARSE_DECODE_WORDS`` inputs per group, so one table look-up and one AND
    treat that many inputs at once. When ``n`` is at most
    ``SPARSE_PAIR_NEURONS`` the table holds :math:`Z_u \\cap Z_{u'}` for every
    pair of neurons, so the :math:`s` neurons of a code cost
    :math:`\\lceil s/2\\rceil` look-ups. The first ``SPARSE_PREFILTER_LOOKUPS``
    look-ups run on every feature of a block; after them only features some
    input still fires (a fraction near ``64 * SPARSE_DECODE_WORDS`` times
    :math:`(|A|/n)^{2 \\cdot \\text{look-ups}}`) are looked up further. Cost
    about :math:`m s / (2 \\cdot 64)` word look-ups per input; blocks of
    ``SPARSE_FEATURE_BLOCK`` features run on ``DECODE_THREADS`` threads.
    """
    v = activations if sp.issparse(activations) else np.asarray(activations)
    _check_activation_shape(v, code)
    reached = v >= threshold
    reached = reached.toarray() if sp.issparse(reached) else np.asarray(reached)
    bits = _pack_inputs(reached, SPARSE_DECODE_WORDS)
    pairs = code.n <= SPARSE_PAIR_NEURONS
    # tables[g, x]: inputs of group g reaching the threshold on neuron x, or on both neurons of pair x
    tables = bits
    if pairs:
        tables = (bits[:, :, None, :] & bits[:, None, :, :]).reshape(len(bits), code.n**2, SPARSE_DECODE_WORDS)

    def block(start):
        stop_at = min(code.m, start + SPARSE_FEATURE_BLOCK)
        return start, stop_at, *_sparse_block(code, tables, start, stop_at, pairs)

    starts = range(0, code.m, SPARSE_FEATURE_BLOCK)
    if DECODE_THREADS == 1 or len(starts) == 1:
        yield from map(block, starts)
        return
    with ThreadPoolExecutor(DECODE_THREADS) as pool:
        pending = [pool.submit(block, start) for start in starts]
        try:
            for future in pending:
                yield future.result()
        finally:
            for future in pending:
                future.cancel()


def _pack_inputs(reached: np.ndarray, words: int) -> np.ndarray:
    """Pack a boolean ``(n_samples, n)`` array as bits over the inputs, ``64 * words`` inputs per group.

    Returns a ``(groups, n, words)`` little-endian ``uint64`` array whose bit
    ``q`` of word ``w`` of group ``g`` at neuron ``u`` is
    ``reached[g * 64 * words + 64 * w + q, u]`` (zero past the last input).
    """
    n_samples, n = reached.shape
    groups = -(-n_samples // (64 * words))
    padded = np.zeros((groups * 64 * words, n), bool)
    padded[:n_samples] = reached
    by_input = padded.reshape(groups, words, 64, n).transpose(0, 3, 1, 2)
    packed = np.packbits(by_input, axis=3, bitorder="little")
    return np.ascontiguousarray(packed).view(np.dtype("<u8")).reshape(groups, n, words)


def _sparse_block(code: SparseCode, tables: np.ndarray, start: int, stop_at: int, pairs: bool):
    """Fired ``(rows, features)`` of the features ``start..stop_at`` (see :func:`_sparse_fires`)."""
    neurons = code.neurons[start:stop_at].astype(np.intp)
    if pairs:  # an odd last neuron pairs with itself
        second = np.minimum(np.arange(1, code.s + 1, 2), code.s - 1)
        lookups = neurons[:, 0::2] * code.n + neurons[:, second]
    else:
        lookups = neurons
    lookups = np.ascontiguousarray(lookups.T)
    first = min(SPARSE_PREFILTER_LOOKUPS, lookups.shape[0])
    words = tables.shape[2]
    rows, feats = [], []
    for group, table in enumerate(tables):
        fired = np.take(table, lookups[0], axis=0)
        for column in lookups[1:first]:
            fired &= np.take(table, column, axis=0)
        cells = np.flatnonzero(fired.reshape(-1) != 0)
        if not cells.size:
            continue
        alive = cells // words
        alive = alive[np.concatenate([[True], alive[1:] != alive[:-1]])]
        fired = fired[alive]
        if first < lookups.shape[0]:
            fired &= np.bitwise_and.reduce(np.take(table, lookups[first:, alive], axis=0), axis=0)
        cells = np.flatnonzero(fired.reshape(-1) != 0)
        if not cells.size:
            continue
        bit_rows = np.unpackbits(fired.reshape(-1)[cells].view(np.uint8), bitorder="little").reshape(-1, 64)
        which, bit = np.nonzero(bit_rows)
        cell = cells[which]
        rows.append(group * 64 * words + (cell % words) * 64 + bit)
        feats.append(start + alive[cell // words])
    empty = np.zeros(0, np.intp)
    return (np.concatenate(rows) if rows else empty), (np.concatenate(feats) if feats else empty)


def _default_threshold(code, threshold):
    if threshold is None:
        return 0.5 if isinstance(code, DenseCode) else 1
    if not np.isfinite(threshold) or (isinstance(code, SparseCode) and threshold <= 0):
        raise ValueError(f"threshold must be finite (and > 0 for a sparse code), got {threshold}")
    return float(threshold)


def decode(code, activations, threshold: float | None = None) -> sp.csr_matrix:
    """Decode activations into the sets of features read as present.

    Parameters
    ----------
    code : DenseCode or SparseCode
    activations : array or sparse matrix, shape ``(n_samples, n)``
        As returned by :func:`encode`.
    threshold : float, optional
        Dense codes: feature present iff :math:`\\langle e_i, v\\rangle \\ge`
        threshold (default 1/2). Sparse codes: present iff every neuron of its
        code has :math:`v_u \\ge` threshold (default 1).

    Returns
    -------
    scipy.sparse.csr_matrix
        ``(n_samples, m)`` 0/1 matrix of decoded sets. Features are processed
        in blocks, so no dense ``n_samples x m`` array is formed.

    Examples
    --------
    >>> code = sparse_code(50, 40, 5, seed=0)
    >>> decode(code, encode(code, [[1, 7]])).indices.tolist()
    [1, 7]
    """
    code = _check_code(code)
    threshold = _default_threshold(code, threshold)
    rows, feats = [], []
    for _, _, r, f in _fires_by_block(code, activations, threshold):
        rows.append(r)
        feats.append(f)
    n_samples = activations.shape[0]
    r = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    f = np.concatenate(feats) if feats else np.zeros(0, np.int64)
    out = sp.csr_matrix((np.ones(r.size, np.float32), (r, f)), shape=(n_samples, code.m))
    out.sort_indices()
    return out


@dataclass(frozen=True)
class DecodingErrors:
    """Error counts of decoding a batch.

    Attributes
    ----------
    n_input_sets : int
        Inputs decoded.
    wrong_inputs : int
        Inputs whose decoded set differs from the true one (a lower bound
        when ``complete`` is False).
    false_positives : int
        Absent features decoded as present.
    false_negatives : int
        Present features decoded as absent.
    decisions : int
        Feature decisions made (``n_input_sets * m`` when complete).
    complete : bool
        False when the count stopped at the first error.

    Examples
    --------
    >>> DecodingErrors(10, 0, 0, 0, 500).exact
    True
    """

    n_input_sets: int
    wrong_inputs: int
    false_positives: int
    false_negatives: int
    decisions: int
    complete: bool = True

    @property
    def exact(self) -> bool:
        """True iff every input decoded exactly."""
        return self.wrong_inputs == 0


def decoding_errors(code, inputs, threshold: float | None = None, stop_at_first: bool = False,
                    activations=None) -> DecodingErrors:
    """Encode ``inputs``, decode them, and count the mistakes.

    Parameters
    ----------
    code : DenseCode or SparseCode
    inputs : sets in any form :func:`superpos.inputs.as_input_sets` accepts
    threshold : float, optional
        See :func:`decode`.
    stop_at_first : bool
        Stop after the first block of features holding an error (enough to
        know that decoding is not exact; used by the searches).
    activations : optional
        Precomputed ``encode(code, inputs)``.

    Examples
    --------
    >>> from superpos.inputs import random_input_sets
    >>> decoding_errors(sparse_code(50, 40, 5, seed=0), random_input_sets(50, 2, 100, seed=1))
    DecodingErrors(n_input_sets=100, wrong_inputs=4, false_positives=4, false_negatives=0, decisions=5000, complete=True)
    """
    code = _check_code(code)
    threshold = _default_threshold(code, threshold)
    sets = as_input_sets(inputs, code.m)
    if activations is None:
        activations = encode(code, sets)
    n_samples, m = sets.shape
    true_rows = np.repeat(np.arange(n_samples, dtype=np.int64), np.diff(sets.indptr))
    true_feats = sets.indices.astype(np.int64)
    order = np.argsort(true_feats, kind="stable")
    true_feats, true_rows = true_feats[order], true_rows[order]
    true_keys = true_feats * n_samples + true_rows
    wrong = np.zeros(n_samples, dtype=bool)
    counts = {"fp": 0, "fn": 0, "decisions": 0, "complete": True}

    def account(start, stop, rows, feats):
        lo, hi = np.searchsorted(true_feats, [start, stop])
        expected = true_keys[lo:hi]
        found = feats.astype(np.int64) * n_samples + rows
        fp = ~np.isin(found, expected, assume_unique=True)
        fn = ~np.isin(expected, found, assume_unique=True)
        counts["fp"] += int(fp.sum())
        counts["fn"] += int(fn.sum())
        counts["decisions"] += (stop - start) * n_samples
        wrong[rows[fp]] = True
        wrong[true_rows[lo:hi][fn]] = True
        if stop_at_first and (fp.any() or fn.any()):
            counts["complete"] = stop == m
            return True
        return False

    for _ in _fires_by_block(code, activations, threshold, stop=account):
        pass
    return DecodingErrors(n_samples, int(wrong.sum()), counts["fp"], counts["fn"], counts["decisions"],
                          counts["complete"])


# --------------------------------------------------------------------------- #
# Coherence and every-set decoding
# --------------------------------------------------------------------------- #


def coherence(code: DenseCode, n_values=None):
    """Coherence :math:`\\mu = \\max_{i\\ne j} |\\langle e_i, e_j\\rangle|` of a dense code book.

    Parameters
    ----------
    code : DenseCode
    n_values : sequence of int, optional
        If given, return the coherence of each prefix code ``code.prefix(n=n)``
        (what the same seed draws in ``n`` neurons), in one pass: the Gram
        matrix of the first ``n`` neurons is accumulated column chunk by
        column chunk, so the cost is that of the widest prefix alone.

    Returns
    -------
    float, or numpy.ndarray of float when ``n_values`` is given.

    Computed in blocks of rows of the Gram matrix with exact integer
    products in ``float32``; memory ``O(block * m)``.

    Examples
    --------
    >>> round(coherence(dense_code(20, 256, seed=0)), 4)
    0.1719
    """
    if not isinstance(code, DenseCode):
        raise TypeError(f"code must be a DenseCode, got {type(code).__name__}")
    single = n_values is None
    n_values = np.array([code.n] if single else n_values)
    if n_values.ndim != 1 or n_values.size == 0 or n_values.dtype.kind not in "iu" or np.any(np.diff(n_values) <= 0) \
            or n_values[0] < 1 or n_values[-1] > code.n:
        raise ValueError(f"n_values must be increasing integers in [1, n={code.n}], got {n_values!r}")
    worst = np.zeros(n_values.size)
    if code.m >= 2:
        signs = code.signs.astype(np.float32)
        block = max(1, BLOCK_ENTRIES // code.m)
        for start in range(0, code.m, block):
            gram = np.zeros((min(block, code.m - start), code.m), np.float32)
            rows = np.arange(gram.shape[0])
            done = 0
            for j, n in enumerate(n_values):
                gram += signs[start:start + block, done:n] @ signs[:, done:n].T
                done = n
                diagonal = gram[rows, rows + start].copy()
                gram[rows, rows + start] = 0
                worst[j] = max(worst[j], float(np.abs(gram).max()))
                gram[rows, rows + start] = diagonal
    worst = worst / n_values
    return float(worst[0]) if single else worst


def decodes_every_set(code, k: int, threshold: float | None = None) -> bool:
    """Whether every set of at most ``k`` features decodes exactly.

    Dense codes are settled without enumerating sets, in exact integers: with
    :math:`G_{ij} = n\\langle e_i, e_j\\rangle` the integer inner product of
    the sign rows, the largest read of an absent feature ``i`` over all sets
    is :math:`1/n` times the sum of its ``k`` largest positive
    :math:`G_{ij}` (:math:`j \\ne i`), and the smallest read of a present
    one is :math:`1` plus :math:`1/n` times the sum of its ``k - 1`` most
    negative :math:`G_{ij}`. Both are compared with :math:`n\\theta` as
    integers (a read equal to the threshold counts as reaching it, as in
    :func:`decode`), so ties are decided exactly. This costs
    :math:`O(m^2 n)`. Sparse codes enumerate every set with
    :func:`superpos.inputs.all_input_sets` (small ``m`` only; the certificate
    :func:`certify_sparse_code` scales).

    Examples
    --------
    >>> decodes_every_set(dense_code(10, 256, seed=0), 2)   # coherence below 1/4
    True
    >>> signs = np.array([[1, 1, 1, 1], [1, 1, -1, -1], [1, 1, 1, -1]], np.int8)
    >>> decodes_every_set(DenseCode(signs), 1)   # <e_0, e_2> = 1/2 exactly: read present when absent
    False
    """
    code = _check_code(code)
    k = _check_k(k, code.m)
    threshold = _default_threshold(code, threshold)
    if isinstance(code, SparseCode):
        return decoding_errors(code, all_input_sets(code.m, k), threshold, stop_at_first=True).exact
    return _every_set_failure(code, k, threshold) is None


def _every_set_failure(code: DenseCode, k: int, threshold: float, rows=None):
    """The first feature of ``rows`` (all by default) that some set of at most ``k`` decodes wrongly, or None.

    Exact integer arithmetic, see :func:`decodes_every_set`. The Gram rows come
    from ``float32`` products of signs, exact while :math:`n < 2^{24}`.
    """
    from fractions import Fraction

    m, n = code.m, code.n
    if n >= 1 << 24:
        raise ValueError(f"n must be below 2**24 for exact float32 Gram products, got n={n}")
    # An integer read x/n reaches the threshold iff x >= ceil(n * threshold).
    reach = math.ceil(Fraction(threshold) * n)
    signs = code.signs.astype(np.float32)
    rows = np.arange(m) if rows is None else np.asarray(rows, dtype=np.int64)
    block = max(1, BLOCK_ENTRIES // m)
    others = min(k, m - 1)
    for start in range(0, rows.size, block):
        chunk = rows[start:start + block]
        gram = (signs[chunk] @ signs.T).astype(np.int64)
        gram[np.arange(chunk.size), chunk] = 0  # the diagonal is neither interference nor help
        failing = np.zeros(chunk.size, bool)
        if others:
            top = -np.partition(-gram, others - 1, axis=1)[:, :others]
            failing |= np.clip(top, 0, None).sum(axis=1) >= reach
            helpers = min(k - 1, others)
            if helpers:
                low = np.partition(gram, helpers - 1, axis=1)[:, :helpers]
                failing |= n + np.clip(low, None, 0).sum(axis=1) < reach
        if n < reach:  # a present feature alone does not reach the threshold
            failing[:] = True
        if failing.any():
            return int(chunk[np.argmax(failing)])
    return None


# --------------------------------------------------------------------------- #
# Every input: the cover certificate of a sparse code and its union bound
# --------------------------------------------------------------------------- #

#: Bytes of the (features x features) overlap block the certificate holds at once.
CERTIFICATE_BLOCK_BYTES = 1 << 26
#: Candidate members examined in one step of the certificate's search (bounds its memory).
CERTIFICATE_STEP_ENTRIES = 1 << 21
#: What ``certify_sparse_code(..., witnesses=...)`` may collect.
WITNESS_MODES = ("first", "all")


@dataclass(frozen=True)
class CodeCertificate:
    """The verdict of :func:`certify_sparse_code` on every input with at most ``k`` active features.

    Attributes
    ----------
    m, n, s, k : int
        Features, neurons, neurons per feature, most active features.
    n_input_sets : int
        :math:`\\sum_{\\kappa\\le k}\\binom{m}{\\kappa}`, the inputs decided.
    false_reads : int
        Features read present on some input that does not hold them (counted
        over the features decided).
    witnesses : tuple
        ``(i, A)`` pairs: feature ``i`` is read present on the input ``A`` (a
        sorted tuple of at most ``k`` other features whose codes cover
        :math:`S_i`).
    features_decided : int
        Features whose every input was decided (``m`` unless the search
        stopped at the first false read).
    nodes : int
        Partial covers the search examined (its cost).
    seconds : float
        Wall time.

    Examples
    --------
    >>> CodeCertificate(10, 8, 3, 2, 56, 0, (), 10, 12, 0.01).passed
    True
    """

    m: int
    n: int
    s: int
    k: int
    n_input_sets: int
    false_reads: int
    witnesses: tuple
    features_decided: int
    nodes: int
    seconds: float

    @property
    def passed(self) -> bool:
        """True iff every input with at most ``k`` actives decodes exactly."""
        return self.false_reads == 0 and self.features_decided == self.m


def _popcount(words: np.ndarray) -> np.ndarray:
    """Set bits of masks stored as ``(..., W)`` ``uint64`` words, summed over the words."""
    counts = np.bitwise_count(words[..., 0]).astype(np.int64)
    for w in range(1, words.shape[-1]):
        counts += np.bitwise_count(words[..., w])
    return counts


def _relative_masks(neurons: np.ndarray, tables: np.ndarray) -> np.ndarray:
    """Masks ``(len(neurons), W)`` of where codes meet :math:`S_i` (bit q: the q-th neuron of :math:`S_i`).

    ``tables[w, u]`` is the bit of neuron ``u`` in word ``w`` (0 off :math:`S_i`);
    a code's bits are distinct, so their sum is their union.
    """
    return np.stack([table[neurons].sum(axis=1, dtype=np.uint64) for table in tables], axis=1)


def _extend(remainder, size, need, cap, start, chunk, lengths, masks, slots):
    """Children ``(node, rank, size, covered)`` of the nodes ``chunk``: every admissible next member."""
    lengths = lengths[chunk]
    total = int(lengths.sum())
    node = np.repeat(chunk, lengths)
    rank = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths - start[chunk], lengths)
    if slots == 1:  # the last member must contain what is left
        keep = ((masks[rank] & remainder[node]) == remainder[node]).all(axis=1)
        node, rank = node[keep], rank[keep]
        covered = size[node]
    else:
        covered = _popcount(masks[rank] & remainder[node])
        keep = (covered >= need[node]) & (covered <= cap[node])
        node, rank, covered = node[keep], rank[keep], covered[keep]
    return node, rank, size[node] - covered, covered


def _covers_of(code: SparseCode, i: int, overlaps: np.ndarray, k: int, collect_all: bool):
    """Covers of :math:`S_i` by at most ``k`` other codes (see :func:`certify_sparse_code`).

    ``overlaps[j] = |S_i ∩ S_j|`` (negative at ``j = i``). Returns ``(covers,
    nodes)``: member tuples (the first one found unless ``collect_all``) and
    the partial covers examined.
    """
    s = code.s
    words = -(-s // 64)
    tables = np.zeros((words, code.n), np.uint64)
    place = np.arange(s)
    tables[place // 64, code.neurons[i]] = np.left_shift(np.uint64(1), (place % 64).astype(np.uint64))
    remainder = np.zeros((1, words), np.uint64)
    for w in range(words):
        remainder[0, w] = np.uint64((1 << min(64, s - 64 * w)) - 1)
    size, cap = np.array([s]), np.array([s])
    start = np.zeros(1, np.int64)  # candidates of a node come after this rank of the pool
    path = np.zeros((1, 0), np.int64)
    covers, nodes = [], 0
    pool_floor, order, masks = None, np.zeros(0, np.int64), np.zeros((0, words), np.uint64)
    for slots in range(k, 0, -1):
        if not len(remainder):
            break
        need = -(-size // slots)  # some member covers at least |R| / slots of R
        floor = int(need.min())
        if pool_floor is None or floor < pool_floor:  # extend the pool, sorted by overlap, largest first
            top = np.inf if pool_floor is None else pool_floor
            members = np.flatnonzero((overlaps >= floor) & (overlaps < top))
            ranked = members[np.argsort(-overlaps[members].astype(np.int16), kind="stable")]
            order = np.concatenate([order, ranked])
            masks = np.concatenate([masks, _relative_masks(code.neurons[ranked], tables)])
            pool_floor = floor
        descending = -overlaps[order]
        # A member covers at most its overlap with S_i, so the candidates of a node are the ranks from its
        # start up to the end of the overlaps that reach its need.
        lengths = np.maximum(np.searchsorted(descending, -need, side="right") - start, 0)
        bounds = np.searchsorted(np.cumsum(lengths), np.arange(1, lengths.sum() // CERTIFICATE_STEP_ENTRIES + 1)
                                 * CERTIFICATE_STEP_ENTRIES)
        children = []
        for chunk in np.split(np.arange(len(remainder)), np.unique(bounds)):  # bounded memory per step
            child = _extend(remainder, size, need, cap, start, chunk, lengths, masks, slots)
            nodes += len(child[0])
            children.append(child)
            if not collect_all and (child[2] == 0).any():
                break
        node, rank, size, covered = (np.concatenate(parts) for parts in zip(*children))
        remainder = remainder[node] & ~masks[rank]
        path = np.hstack([path[node], order[rank][:, None]])
        # The first member has the largest overlap of the cover (ties: the smallest index), so the others
        # rank after it in the pool.
        start = rank + 1 if slots == k else start[node]
        done = size == 0
        if done.any():
            if not collect_all:  # the first cover found is enough
                return [tuple(int(x) for x in path[np.argmax(done)])], nodes
            covers.extend(tuple(int(x) for x in row) for row in path[done])
        # In the order "largest new coverage first", later members add at most what this one added.
        keep = ~done & (size <= (slots - 1) * covered)
        remainder, size, cap, start, path = remainder[keep], size[keep], covered[keep], start[keep], path[keep]
    return covers, nodes


def _minimal_sets(covers) -> list[tuple[int, ...]]:
    """The inclusion-minimal distinct sets among ``covers``, sorted."""
    distinct = sorted({tuple(sorted(c)) for c in covers}, key=lambda c: (len(c), c))
    minimal = []
    for candidate in distinct:
        if not any(set(kept) <= set(candidate) for kept in minimal):
            minimal.append(candidate)
    return sorted(minimal)


def certify_sparse_code(code: SparseCode, k: int, *, witnesses: str = "first", stop_at_first: bool = False,
                        progress: bool = False) -> CodeCertificate:
    r"""Decide, for every input with at most ``k`` active features, whether a sparse code decodes it exactly.

    With threshold 1 a present feature is never missed, and an absent feature
    :math:`i` is read present on :math:`A` iff the other codes cover its own:
    :math:`S_i \subseteq \bigcup_{j \in A} S_j`. Covering only grows with
    :math:`A`, so the code decodes every input of at most ``k`` features iff no
    :math:`S_i` is covered by ``k`` other codes (by :math:`m - 1` if fewer
    exist): iff the code is ``k``-cover-free. The certificate searches, for
    each feature, for such a cover, and proves there is none when it finds
    none.

    The search, for one feature. Let :math:`R` be the part of :math:`S_i` not
    yet covered, with room for :math:`\rho` more members. If :math:`\rho` codes cover
    :math:`R`, the one covering most of it covers at least :math:`|R|/\rho`. So
    the search takes as next member only a code :math:`S_j` with
    :math:`|S_j \cap R| \ge \lceil |R|/\rho\rceil`, removes it from :math:`R` and
    recurses with :math:`\rho - 1`; it stops at :math:`R = \emptyset` (a cover) and
    gives up a branch at :math:`\rho = 0`. Members are taken in the order of
    decreasing new coverage, so each adds at most what the one before added,
    and a branch whose :math:`|R|` exceeds :math:`\rho` times the last gain is given
    up: every cover is reached in that order, so nothing is skipped. Codes
    and the uncovered part are bit masks over the positions of :math:`S_i`;
    the overlaps :math:`|S_i \cap S_j|` that admit candidates come from one
    matrix product per block of features.

    Parameters
    ----------
    code : SparseCode
    k : int
        Most active features of an input, at least 1.
    witnesses : {"first", "all"}
        ``"first"``: one cover per falsely read feature. ``"all"``: every
        inclusion-minimal cover of every feature (small codes only: it never
        stops a feature early).
    stop_at_first : bool
        Stop at the first falsely read feature (enough to know the code fails).
    progress : bool
        Show a tqdm bar over blocks of features.

    Returns
    -------
    CodeCertificate

    Examples
    --------
    >>> certify_sparse_code(sparse_code(200, 80, 21, seed=0), 2).passed
    True
    >>> found = certify_sparse_code(sparse_code(200, 20, 4, seed=0), 2, stop_at_first=True)
    >>> found.passed, found.witnesses[0]   # the codes of features 1 and 73 cover the code of feature 0
    (False, (0, (1, 73)))
    """
    import time

    started = time.perf_counter()
    if not isinstance(code, SparseCode):
        raise TypeError(f"code must be a SparseCode, got {type(code).__name__}")
    k = check_int(k, "k", 1)
    if witnesses not in WITNESS_MODES:
        raise ValueError(f"witnesses must be one of {WITNESS_MODES}, got {witnesses!r}")
    m, n, s = code.m, code.n, code.s
    others = min(k, m - 1)
    incidence = np.zeros((m, n), np.float32)
    np.put_along_axis(incidence, code.neurons.astype(np.intp), 1.0, axis=1)
    block = max(1, min(m, CERTIFICATE_BLOCK_BYTES // (4 * m)))
    starts = range(0, m, block)
    if progress:
        from tqdm import tqdm

        starts = tqdm(starts, desc=f"certificate (m={m}, n={n}, k={k})")
    found, decided, nodes = [], 0, 0
    for start in starts:
        stop = min(m, start + block)
        overlaps = incidence[start:stop] @ incidence.T  # exact small integers in float32
        rows = np.arange(stop - start)
        overlaps[rows, start + rows] = -1
        first_need = -(-s // others) if others else s + 1
        hopeful = np.flatnonzero(overlaps.max(axis=1) >= first_need)  # no member large enough: no cover
        for row in hopeful:
            covers, explored = _covers_of(code, start + int(row), overlaps[row], others, witnesses == "all")
            nodes += explored
            if covers:
                sets = _minimal_sets(covers) if witnesses == "all" else [tuple(sorted(covers[0]))]
                found.append((start + int(row), sets))
                if stop_at_first:
                    decided = start + int(row) + 1
                    break
        else:
            decided = stop
            continue
        break
    listed = tuple((i, cover) for i, sets in found for cover in sets)
    return CodeCertificate(m, n, s, k, count_input_sets(m, min(k, m)), len(found), listed, decided, nodes,
                           time.perf_counter() - started)


# --------------------------------------------------------------------------- #
# Theory
# --------------------------------------------------------------------------- #


def jl_neurons_bound(m, k) -> np.ndarray | float:
    """The union bound :math:`16 k^2 \\ln m` on neurons for a dense code with coherence below :math:`1/(2k)`.

    Hoeffding gives :math:`P(|\\langle e_i, e_j\\rangle| \\ge \\mu) \\le
    2 e^{-n\\mu^2/2}` for one pair; over fewer than :math:`m^2/2` pairs the
    probability that some pair reaches :math:`\\mu = 1/(2k)` is below
    :math:`m^2 e^{-n/(8k^2)}`, which is below 1 once :math:`n > 16 k^2 \\ln m`.

    Examples
    --------
    >>> round(jl_neurons_bound(1000, 3), 1)
    994.7
    """
    m_arr, k_arr = np.asarray(m, dtype=float), np.asarray(k, dtype=float)
    if np.any(m_arr < 2) or np.any(k_arr < 1):
        raise ValueError(f"m must be >= 2 and k >= 1, got m={m}, k={k}")
    out = 16 * k_arr**2 * np.log(m_arr)
    return float(out) if out.ndim == 0 else out


def dense_read_error_probabilities(n, k) -> tuple[np.ndarray, np.ndarray]:
    """Exact probabilities that one read of a dense code errs, for a fixed set of size ``k``.

    For an absent feature, :math:`n r_i = \\sum_c \\epsilon_{ic} W_c` with
    :math:`W_c` the column sums of the ``k`` active sign vectors; the
    independent signs :math:`\\epsilon_{ic}` make it distributed as a sum of
    :math:`nk` independent :math:`\\pm 1`, i.e. :math:`2B - nk` with
    :math:`B \\sim \\mathrm{Bin}(nk, 1/2)`. It errs iff :math:`r_i \\ge 1/2`.
    A present feature reads :math:`1 + (2B' - n(k-1))/n` with
    :math:`B' \\sim \\mathrm{Bin}(n(k-1), 1/2)` and errs iff it is below 1/2.

    Returns
    -------
    (p_absent, p_present) : arrays broadcast over ``n`` and ``k``

    Examples
    --------
    >>> [round(float(p), 6) for p in dense_read_error_probabilities(64, 3)]
    [0.012508, 0.001687]
    """
    n = np.asarray(n, dtype=np.int64)
    k = np.asarray(k, dtype=np.int64)
    if np.any(n < 1) or np.any(k < 1):
        raise ValueError(f"n and k must be >= 1, got n={n}, k={k}")
    # absent: 2B - nk >= n/2  <=>  B >= n(2k+1)/4
    p_absent = stats.binom.sf(np.ceil(n * (2 * k + 1) / 4) - 1, n * k, 0.5)
    # present: 2B' - n(k-1) < -n/2  <=>  B' < n(2k-3)/4
    p_present = np.where(k >= 2, stats.binom.cdf(np.ceil(n * (2 * k - 3) / 4) - 1, n * (k - 1), 0.5), 0.0)
    return p_absent, p_present


def sparse_false_positive_probability(n: int, s: int, k: int, approximate: bool = False) -> float:
    """Probability that an absent feature of a sparse code fires (threshold 1), for ``k`` active features.

    Exact: the union :math:`U` of ``k`` independent uniform ``s``-subsets of
    ``n`` neurons grows by :math:`s - O` per set, with the overlap :math:`O`
    hypergeometric; then :math:`P(S_i \\subseteq U \\mid |U| = u) =
    \\binom{u}{s} / \\binom{n}{s}`. Approximate: :math:`(1 - e^{-ks/n})^s`.

    Examples
    --------
    >>> round(sparse_false_positive_probability(40, 5, 3), 5), round(sparse_false_positive_probability(40, 5, 3, True), 5)
    (0.00235, 0.00299)
    """
    n = check_int(n, "n", 1)
    s = check_int(s, "s", 1, n)
    k = check_int(k, "k", 1)
    if approximate:
        return float((1 - math.exp(-k * s / n)) ** s)
    return _exact_false_positive(n, s, k)


@functools.lru_cache(maxsize=4096)
def _exact_false_positive(n: int, s: int, k: int) -> float:
    log_factorial = _log_factorials(n)
    sizes, overlaps = np.broadcast_arrays(np.arange(n + 1)[:, None], np.arange(s + 1)[None, :])
    # step[u, o] = P(a new s-set overlaps a union of u neurons in o of them), hypergeometric
    valid = (overlaps <= sizes) & (s - overlaps <= n - sizes)
    u, o = sizes[valid], overlaps[valid]
    log_step = (log_factorial[u] - log_factorial[o] - log_factorial[u - o] + log_factorial[n - u]
                - log_factorial[s - o] - log_factorial[n - u - s + o]
                - (log_factorial[n] - log_factorial[s] - log_factorial[n - s]))
    step, grown = np.exp(log_step), u + s - o
    dist = np.zeros(n + 1)
    dist[0] = 1.0
    for _ in range(k):
        dist = np.bincount(grown, weights=dist[u] * step, minlength=n + 1)
    covered = np.exp(log_comb(np.arange(n + 1), s) - log_comb(n, s))  # C(u, s) / C(n, s)
    return float(np.dot(dist, covered))


@functools.lru_cache(maxsize=64)
def _log_factorials(n: int) -> np.ndarray:
    """``ln j!`` for ``j = 0..n``."""
    return special.gammaln(np.arange(n + 1, dtype=float) + 1)


def best_sparse_size(n: int, k: int) -> int:
    """The code size ``s`` minimising :func:`sparse_false_positive_probability` for ``n`` neurons and ``k`` active.

    The approximation :math:`(1 - e^{-ks/n})^s` is smallest at
    :math:`s = (n/k)\\ln 2` (half the neurons active, false positives
    :math:`2^{-s}`); the exact probability, unimodal in ``s``, is descended
    from there.

    Examples
    --------
    >>> best_sparse_size(100, 3)   # (n/k) ln 2 is about 23
    19
    """
    return _best_sparse_size(check_int(n, "n", 1), check_int(k, "k", 1))


@functools.lru_cache(maxsize=4096)
def _best_sparse_size(n: int, k: int) -> int:
    # Walk downhill from the approximate optimum; the exact optimum sits a little below it for small n.
    best = min(n, max(1, round(n * math.log(2) / k)))
    value = _exact_false_positive(n, best, k)
    for step in (-1, 1):
        while 1 <= best + step <= n and (lower := _exact_false_positive(n, best + step, k)) < value:
            best, value = best + step, lower
    return best


def expected_errors_per_input(n: int, m: int, k: int, code: str = "sparse") -> float:
    """Expected number of wrong reads on one random ``k``-set (a union bound on its error probability).

    Sparse: :math:`(m - k) \\cdot p_{fp}(n, s^*, k)` with :math:`s^*` from
    :func:`best_sparse_size`. Dense: :math:`(m - k) p_{absent} + k\\, p_{present}`
    from :func:`dense_read_error_probabilities`.

    Examples
    --------
    >>> bool(expected_errors_per_input(100, 1000, 3) < 1e-4)
    True
    """
    _check_code_kind(code)
    m = check_int(m, "m", 1)
    k = _check_k(k, m)
    n = check_int(n, "n", 1)
    if code == "sparse":
        return (m - k) * sparse_false_positive_probability(n, best_sparse_size(n, k), k)
    p_absent, p_present = dense_read_error_probabilities(n, k)
    return float((m - k) * p_absent + k * p_present)


def predicted_min_neurons(m: int, k: int, n_trials: int, code: str = "sparse", n_limit: int = 1 << 16) -> int:
    """Smallest ``n`` at which ``n_trials`` random inputs expect at most ``ln 2`` wrong reads.

    If wrong reads were a Poisson count, that is where one code decodes all
    inputs exactly with probability at least one half. (The least passing
    ``n`` of a scan, :func:`min_neurons` with ``search="scan"``, is the first
    success among many sizes, so it tends to lie at or below this ``n``.)

    Examples
    --------
    >>> predicted_min_neurons(1000, 3, 100)
    74
    """
    _check_code_kind(code)
    m = check_int(m, "m", 1)
    k = _check_k(k, m)
    n_trials = check_int(n_trials, "n_trials", 1)
    target = math.log(2) / n_trials

    return _least_passing(lambda n: expected_errors_per_input(n, m, k, code) <= target, n_limit,
                          "reaches the target")


def _least_passing(ok, n_limit: int, what: str) -> int:
    """The ``n`` that doubling from 1 and then bisection find with ``ok(n)`` and not ``ok(n - 1)``.

    The quantities tested fall with ``n`` up to parity wiggles of a few
    neurons, so the answer is the least passing ``n`` up to those wiggles.
    """
    hi = 1
    while not ok(hi):
        hi *= 2
        if hi > n_limit:
            raise ValueError(f"no n <= n_limit={n_limit} {what}; raise n_limit")
    lo = hi // 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if ok(mid) else (mid, hi)
    return hi


def _union_counts(n: int, s: int, k: int) -> list[int]:
    """``counts[u]``: ordered ``k``-tuples of ``s``-subsets of ``n`` neurons whose union has ``u`` neurons (exact)."""
    counts = [0] * (n + 1)
    counts[0] = 1
    for _ in range(k):
        grown = [0] * (n + 1)
        for u, ways in enumerate(counts):
            if ways:
                for o in range(max(0, s - (n - u)), min(s, u) + 1):  # o of the new set's neurons already in
                    grown[u + s - o] += ways * math.comb(u, o) * math.comb(n - u, s - o)
        counts = grown
    return counts


def expected_covers(m: int, n: int, s: int, k: int, exact: bool = False):
    r"""Expected number of (feature, input) pairs a random sparse code reads wrongly, over every input.

    For a code of ``m`` features, each an independent uniform ``s``-subset of
    ``n`` neurons, count the pairs :math:`(i, A)` with :math:`|A| = k'`
    (:math:`k' = \min(k, m - 1)`), :math:`i \notin A` and
    :math:`S_i \subseteq \bigcup_{j \in A} S_j`. A code with none decodes every
    input of at most ``k`` features exactly (covering only grows with
    :math:`A`). By linearity the expectation is
    :math:`m\binom{m-1}{k'}\,P(S_i \subseteq U)`, the probability of
    :func:`sparse_false_positive_probability`; when it is below 1, some code
    has no such pair: the union bound proves that a code of these sizes exists.

    Parameters
    ----------
    m, n, s, k : int
    exact : bool
        Return a :class:`fractions.Fraction` computed in integers (ordered
        tuples of subsets counted by the size of their union) instead of a float.

    Examples
    --------
    >>> round(expected_covers(1000, 200, 38, 3), 6)
    0.001123
    >>> expected_covers(6, 4, 2, 1, exact=True)   # 6 * 5 pairs, each covered with probability 1/6
    Fraction(5, 1)
    """
    from fractions import Fraction

    m = check_int(m, "m", 2)
    n = check_int(n, "n", 1)
    s = check_int(s, "s", 1, n)
    k = min(check_int(k, "k", 1), m - 1)
    pairs = m * math.comb(m - 1, k)
    if not exact:
        return float(pairs * sparse_false_positive_probability(n, s, k))
    counts = _union_counts(n, s, k)
    covered = sum(ways * math.comb(u, s) for u, ways in enumerate(counts))
    return Fraction(pairs * covered, math.comb(n, s) ** (k + 1))


def every_input_neurons_bound(m: int, k: int, n_limit: int = 1 << 16) -> int:
    r"""Neurons with which the union bound proves that a sparse code decodes every input exactly.

    An ``n``, found by doubling and bisection, with :func:`expected_covers`
    :math:`(m, n, s^\ast(n), k) < 1` while :math:`n - 1` fails, where
    :math:`s^\ast(n)` is :func:`best_sparse_size` (which minimises the same
    probability); the expectation falls with ``n`` up to wiggles of a few
    neurons from the integer :math:`s^\ast(n)`, so this is the least such
    ``n`` up to those wiggles. This is an
    upper bound on the neurons that *every* input with at most ``k`` features
    needs; it is :math:`O(k^2 \log m)`.

    Examples
    --------
    >>> every_input_neurons_bound(1000, 3)
    159
    """
    m = check_int(m, "m", 2)
    k = min(check_int(k, "k", 1), m - 1)
    n_limit = check_int(n_limit, "n_limit", 1)

    return _least_passing(lambda n: expected_covers(m, n, best_sparse_size(n, k), k) < 1, n_limit,
                          "brings the expected covers below 1")


def explicit_every_input_sizes(m: int, k: int) -> tuple[int, int]:
    r"""Sizes ``(n, s)`` of the explicit every-input bound: :math:`s = \lceil (k+1)\ln m\rceil`, :math:`n = \lceil e k s\rceil`.

    With :math:`n \ge eks`, :math:`P(S_i \subseteq U) \le (ks/n)^s \le e^{-s}`
    (the union of ``k`` codes has at most :math:`ks` neurons, and
    :math:`\binom{u}{s}/\binom{n}{s} \le (u/n)^s`), so
    :func:`expected_covers` is below :math:`m^{k+1}e^{-s} \le 1`: a code of
    :math:`n = O(k^2\log m)` neurons decodes every input of at most ``k``
    features exactly.

    Examples
    --------
    >>> explicit_every_input_sizes(1000, 3)
    (229, 28)
    """
    m = check_int(m, "m", 2)
    k = check_int(k, "k", 1)
    s = math.ceil((k + 1) * math.log(m))
    return math.ceil(math.e * k * s), s


def fit_log_slope(m_values, n_values, stderr: bool = False) -> tuple[float, ...]:
    """Least-squares fit :math:`n \\approx a \\ln m + b`; returns ``(a, b)``, neurons per unit of :math:`\\ln m`.

    With ``stderr=True`` returns ``(a, b, se_a)``, adding the standard error
    of the slope, :math:`\\hat\\sigma / \\sqrt{\\sum (\\ln m - \\overline{\\ln m})^2}`
    with :math:`\\hat\\sigma^2` the residual sum of squares over
    :math:`N - 2` (needs at least three points).

    Examples
    --------
    >>> [round(x, 6) for x in fit_log_slope([10, 100, 1000], [12, 22, 32])]
    [4.342945, 2.0]
    >>> [round(x, 3) for x in fit_log_slope([10, 100, 1000], [12, 24, 32], stderr=True)]
    [4.343, 2.667, 0.501]
    """
    m_values = np.asarray(m_values, dtype=float)
    n_values = np.asarray(n_values, dtype=float)
    if m_values.shape != n_values.shape or m_values.ndim != 1 or m_values.size < 2:
        raise ValueError(f"m_values and n_values must be 1-D of equal length >= 2, got {m_values.shape} and {n_values.shape}")
    if np.any(m_values <= 0):
        raise ValueError("m_values must be positive")
    x = np.log(m_values)
    slope, intercept = np.polyfit(x, n_values, 1)
    if not stderr:
        return float(slope), float(intercept)
    if m_values.size < 3:
        raise ValueError(f"a standard error needs at least 3 points, got {m_values.size}")
    residual = n_values - (slope * x + intercept)
    spread = float(np.sum((x - x.mean()) ** 2))
    if spread == 0:
        raise ValueError("m_values must not all be equal")
    se = math.sqrt(float(residual @ residual) / (m_values.size - 2) / spread)
    return float(slope), float(intercept), se


# --------------------------------------------------------------------------- #
# Empirical minimum number of neurons
# --------------------------------------------------------------------------- #


def _check_code_kind(code) -> None:
    if code not in ("sparse", "dense"):
        raise ValueError(f"code must be 'sparse' or 'dense', got {code!r}")


@dataclass(frozen=True)
class MinNeurons:
    """Result of :func:`min_neurons` and :func:`min_neurons_every_input`.

    Attributes
    ----------
    n_min : int
        With ``search="scan"``: the least ``n`` whose code passes (every
        smaller ``n`` was tested and failed). With ``search="bisect"``: an
        ``n`` that passes while ``n - 1`` fails, a pass/fail boundary that
        need not be the least passing ``n`` (passing is not monotone in ``n``).
    s : int or None
        Neurons per feature of the sparse code at ``n_min`` (None for dense).
    probes : dict
        ``{n: exact}`` for every ``n`` tested, in order.
    n_input_sets : int
        Inputs tested at each ``n`` (all sets when exhaustive).

    Examples
    --------
    >>> MinNeurons(n_min=40, s=11, probes={40: True, 39: False}, n_input_sets=50).probes[39]
    False
    """

    n_min: int
    s: int | None
    probes: dict
    n_input_sets: int


#: Searches of :func:`min_neurons` and :func:`min_neurons_every_input`.
SEARCHES = ("bisect", "scan")
#: Inputs a scan probe decodes first: most failing sizes fail on them, and the rest are decoded only if they pass.
SCAN_PREFILTER_INPUTS = 8
#: Failing (input, feature) pairs of a dense scan probe re-read first at the next ``n``.
SCAN_WITNESS_PAIRS = 4096


def _check_search(search) -> str:
    if search not in SEARCHES:
        raise ValueError(f"search must be one of {SEARCHES}, got {search!r}")
    return search


def _scan(probe, n_limit: int) -> int:
    """The least ``n`` in ``[1, n_limit]`` with ``probe(n)``, testing ``n = 1, 2, ...`` in turn."""
    for n in range(1, n_limit + 1):
        if probe(n):
            return n
    raise ValueError(f"no n <= n_limit={n_limit} passes; raise n_limit")


def min_neurons(m: int, k: int, code: str = "sparse", n_trials: int = 1000, seed=None, exhaustive: bool = False,
                n_limit: int = 1 << 14, search: str = "bisect") -> MinNeurons:
    """Neurons at which a code decodes a batch of ``k``-sparse sets without a single error.

    Parameters
    ----------
    m, k : int
        Features and active features per input.
    code : {"sparse", "dense"}
        Sparse codes use ``s = best_sparse_size(n, k)`` and threshold 1; dense
        codes threshold 1/2.
    n_trials : int
        Random ``k``-sets tested (drawn once, reused at every ``n``).
    seed : int or Generator
    exhaustive : bool
        Test every set of at most ``k`` features instead (dense: exactly, in
        integers, see :func:`decodes_every_set`; sparse: by the certificate,
        :func:`certify_sparse_code`).
    n_limit : int
        Give up (ValueError) above this many neurons.
    search : {"bisect", "scan"}
        ``"scan"`` tests ``n = 1, 2, ...`` in turn and returns the least
        ``n`` that passes: a well-defined statistic of the seed. ``"bisect"``
        brackets from the theory's prediction by doubling or halving, then
        bisects: a few probes, returning an ``n`` that passes while ``n - 1``
        fails, which need not be the least passing ``n``.

    Notes
    -----
    Passing is not monotone in ``n``: sparse codes of different ``n`` are
    independent draws, and even the nested dense book can fail at ``n + 1``
    after passing at ``n``. Each ``n`` is tested once. Dense code books are
    nested, so one book as wide as the largest ``n`` tried serves every
    probe. A failing probe stops early: at the first block of features
    holding an error, and in a scan at the first ``SCAN_PREFILTER_INPUTS``
    inputs when they already fail (random inputs), or at the feature that
    failed the last probe when it fails again (dense, every set).

    Examples
    --------
    >>> found = min_neurons(200, 2, "sparse", n_trials=50, seed=0)
    >>> found.n_min, found.s, found.probes[found.n_min]
    (40, 11, True)
    >>> scanned = min_neurons(200, 2, "sparse", n_trials=50, seed=0, search="scan")
    >>> scanned.n_min <= found.n_min, not any(scanned.probes[n] for n in range(1, scanned.n_min))
    (True, True)
    """
    _check_code_kind(code)
    m = check_int(m, "m", 1)
    k = _check_k(k, m)
    n_trials = check_int(n_trials, "n_trials", 1)
    n_limit = check_int(n_limit, "n_limit", 1)
    search = _check_search(search)
    ss = seed_sequence(seed)
    code_seed = child_seed(ss, 0)
    if exhaustive:
        sets = None
        n_input_sets = count_input_sets(m, k)
    else:
        sets = random_input_sets(m, k, n_trials, check_random_state(child_seed(ss, 1)))
        n_input_sets = n_trials
    first = sets[:SCAN_PREFILTER_INPUTS] if search == "scan" and sets is not None else None
    book = {"code": None}
    dense_sums = {}
    witness = {"feature": None}

    def dense_prefix(n):
        if book["code"] is None or book["code"].n < n:
            width = max(n, 2 * (book["code"].n if book["code"] is not None else 0))
            book["code"] = dense_code(m, min(width, n_limit), code_seed)
            if sets is not None:
                dense_sums["full"] = _dense_sums(book["code"], sets)
        return book["code"].prefix(n=n)

    def dense_every_set(prefix):
        if witness["feature"] is not None and _every_set_failure(prefix, k, 0.5, [witness["feature"]]) is not None:
            return False
        witness["feature"] = _every_set_failure(prefix, k, 0.5)
        return witness["feature"] is None

    failed = {"pairs": None}

    def dense_random_scan_probe(n):
        # Integer reads n <e_i, v> of the pairs (input, feature) that failed last; if one still errs, n fails.
        signs, sums = book["code"].signs, dense_sums["full"]
        if failed["pairs"] is not None:
            rows, feats, truth = failed["pairs"]
            pair_reads = np.einsum("pc,pc->p", sums[rows, :n], signs[feats, :n].astype(np.float32))
            if np.any((2 * pair_reads >= n) != truth):
                return False
        for start in range(0, m, DENSE_FEATURE_BLOCK):  # stop at the first block holding an error
            stop = min(m, start + DENSE_FEATURE_BLOCK)
            block_reads = sums[:, :n] @ signs[start:stop, :n].T.astype(np.float32)  # exact small integers
            truth = sets[:, start:stop].toarray().astype(bool)
            rows, feats = np.nonzero((2 * block_reads >= n) != truth)
            if rows.size:
                rows, feats = rows[:SCAN_WITNESS_PAIRS], feats[:SCAN_WITNESS_PAIRS]
                failed["pairs"] = (rows, feats + start, truth[rows, feats])
                return False
        failed["pairs"] = None
        return True

    def exact(n):
        if code == "dense":
            prefix = dense_prefix(n)
            if exhaustive:
                return dense_every_set(prefix)
            if search == "scan":
                return dense_random_scan_probe(n)
            activations = dense_sums["full"][:, :n].astype(np.float64) / math.sqrt(n)
            return decoding_errors(prefix, sets, stop_at_first=True, activations=activations).exact
        code_n = sparse_code(m, n, best_sparse_size(n, k), code_seed)
        if exhaustive:  # every set, decided by the certificate
            return certify_sparse_code(code_n, k, stop_at_first=True).passed
        if first is not None and not decoding_errors(code_n, first, stop_at_first=True).exact:
            return False
        return decoding_errors(code_n, sets, stop_at_first=True).exact

    probes: dict[int, bool] = {}

    def probe(n):
        if n not in probes:
            probes[n] = exact(n)
        return probes[n]

    if search == "scan":
        hi = _scan(probe, n_limit)
        return MinNeurons(hi, best_sparse_size(hi, k) if code == "sparse" else None, probes, n_input_sets)
    start = min(n_limit, max(1, predicted_min_neurons(m, k, n_input_sets if not exhaustive else 1, code)))
    if probe(start):
        hi, lo = start, start // 2
        while lo >= 1 and probe(lo):
            hi, lo = lo, lo // 2
    else:
        lo, hi = start, min(2 * start, n_limit)
        while not probe(hi):
            if hi == n_limit:
                raise ValueError(f"no n <= n_limit={n_limit} decodes every input exactly; raise n_limit")
            lo, hi = hi, min(2 * hi, n_limit)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if probe(mid) else (mid, hi)
    return MinNeurons(hi, best_sparse_size(hi, k) if code == "sparse" else None, probes, n_input_sets)


def _adjacent_threshold(probe, start: int, n_limit: int) -> int:
    """An ``n`` with ``probe(n)`` true and ``probe(n - 1)`` false (or ``n = 1``), searched near ``start``.

    Steps away from ``start`` grow 1, 2, 4, ... until the answer changes, then
    bisection closes the gap; a good ``start`` costs two probes.
    """
    passing = probe(start)
    anchor, step = start, 1
    while True:  # walk toward the threshold until the verdict flips
        other = anchor - step if passing else min(anchor + step, n_limit)
        if other < 1:
            return 1 if passing else anchor
        if probe(other) != passing:
            break
        if not passing and other == n_limit:
            raise ValueError(f"no n <= n_limit={n_limit} passes; raise n_limit")
        anchor, step = other, 2 * step
    lo, hi = (other, anchor) if passing else (anchor, other)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if probe(mid) else (mid, hi)
    return hi


def min_neurons_every_input(m: int, k: int, seed=None, n_limit: int = 1 << 14, progress: bool = False,
                            search: str = "bisect") -> MinNeurons:
    r"""Neurons at which the sparse code is certified to decode every input of at most ``k`` features.

    The codes are those of :func:`min_neurons` (the same seed draws the same
    code at every ``n``, with :math:`s = s^\ast(n)`); each ``n`` tried is
    decided by :func:`certify_sparse_code`, which checks every one of the
    inputs with at most ``k`` active features. Passing is not monotone in
    ``n`` (each ``n`` has its own code). ``search="scan"`` tests
    ``n = 1, 2, ...`` and returns the least ``n`` that passes;
    ``search="bisect"`` starts at :func:`every_input_neurons_bound` and
    returns an ``n`` that passes while ``n - 1`` fails (a pass/fail boundary
    near the bound, in a few probes).

    Examples
    --------
    >>> found = min_neurons_every_input(200, 2, seed=0)
    >>> found.n_min, found.probes[found.n_min], found.probes[found.n_min - 1]
    (60, True, False)
    >>> min_neurons_every_input(200, 3, seed=0).n_min, min_neurons_every_input(200, 3, seed=0, search="scan").n_min
    (119, 115)
    """
    m = check_int(m, "m", 2)
    k = check_int(k, "k", 1)
    n_limit = check_int(n_limit, "n_limit", 1)
    search = _check_search(search)
    code_seed = child_seed(seed_sequence(seed), 0)
    probes: dict[int, bool] = {}
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(desc=f"certified n (m={m}, k={k})", unit="probe")

    def probe(n):
        if n not in probes:
            code = sparse_code(m, n, best_sparse_size(n, k), code_seed)
            probes[n] = certify_sparse_code(code, k, stop_at_first=True).passed
            if bar is not None:
                bar.update()
        return probes[n]

    if search == "scan":
        n_min = _scan(probe, n_limit)
    else:
        start = min(n_limit, every_input_neurons_bound(m, k, n_limit=max(n_limit, 2)))
        n_min = _adjacent_threshold(probe, start, n_limit)
    if bar is not None:
        bar.close()
    return MinNeurons(n_min, best_sparse_size(n_min, k), probes, count_input_sets(m, min(k, m)))


def min_neurons_curve(m_values, k: int, code: str = "sparse", n_trials: int = 1000, seed=None,
                      progress: bool = False, search: str = "bisect") -> np.ndarray:
    """:func:`min_neurons` for each ``m`` in ``m_values`` (same seed for all); returns an ``int`` array.

    Dense code books are nested in ``m`` too, so the codes at different
    ``m`` share their common features.

    Examples
    --------
    >>> min_neurons_curve([50, 500], 2, "sparse", 50, seed=0).tolist()
    [31, 54]
    """
    m_values = np.asarray(m_values)
    if m_values.ndim != 1 or m_values.size == 0 or m_values.dtype.kind not in "iu":
        raise ValueError(f"m_values must be a non-empty 1-D sequence of integers, got {m_values!r}")
    iterator = m_values
    if progress:
        from tqdm import tqdm

        iterator = tqdm(m_values, desc=f"n ({code}, k={k}, {search})")
    return np.array([min_neurons(int(m), k, code, n_trials, seed, search=search).n_min for m in iterator],
                    dtype=np.int64)
