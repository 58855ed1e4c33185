"""An instance of pairwise AND, checked once: m input features, m' distinct pairs, and what they imply.

Output ℓ of an instance is present on an input set A iff both endpoints of
its pair ``(a_ℓ, b_ℓ)`` are in A. :class:`AndInstance` validates the pairs
when it is made (integer indices in ``[0, m)``, two distinct ends, no pair
twice; each pair is stored as ``(a, b)`` with ``a < b``, in the given order,
which names the outputs) and then answers, from cached arrays, what every
check and every builder asks of it: m and m', the influence of each input
(the number of pairs it belongs to), where a pair sits (:meth:`AndInstance.
index_of`) and the true outputs of a batch of inputs
(:meth:`AndInstance.true_outputs`).

Public functions that take ``pairs`` accept an :class:`AndInstance` or
anything :class:`AndInstance` accepts, and convert it once, at their
boundary, with :func:`as_and_instance`; an instance passes through unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from superpos.inputs import as_input_sets
from superpos.validation import check_array_size, check_int

__all__ = ["MAX_INPUTS", "AndInstance", "as_and_instance", "pair_keys"]

#: Largest m: the key a·m + b of a pair must fit in 64 bits.
MAX_INPUTS = 2**31


def pair_keys(pairs: np.ndarray, n_inputs: int) -> np.ndarray:
    """One int64 key per pair (a, b) with a < b: ``a * m + b``; distinct pairs have distinct keys.

    Examples
    --------
    >>> pair_keys(np.array([[0, 3], [1, 2]]), 5).tolist()
    [3, 7]
    """
    return pairs[:, 0] * np.int64(n_inputs) + pairs[:, 1]


@dataclass(frozen=True, eq=False)
class AndInstance:
    """m input features and m' distinct pairs; output ℓ is ``x[a_ℓ] AND x[b_ℓ]``.

    Parameters
    ----------
    pairs : array-like of shape (m', 2)
        Pair ℓ = (a, b) asks for the output ``x_a AND x_b``. A row given as
        (b, a) is stored as (a, b); the order of rows is kept, since it names
        the outputs. Whole-number floats are accepted.
    n_inputs : int
        The number m of input features (``2 <= m <= MAX_INPUTS``); every
        index must lie in [0, m).

    Attributes
    ----------
    pairs : numpy.ndarray of shape (m', 2), int64, read-only
    n_inputs : int

    Raises
    ------
    ValueError
        Not an (m', 2) integer array, m' = 0, an index out of range, a feature
        paired with itself, a pair listed twice, or m outside its range.

    Examples
    --------
    >>> instance = AndInstance([[3, 1], [0, 2]], 5)
    >>> instance.pairs.tolist(), instance.n_outputs, instance.influence.tolist()
    ([[1, 3], [0, 2]], 2, [1, 1, 1, 1, 0])
    >>> AndInstance([[0, 5]], 5)
    Traceback (most recent call last):
    ...
    ValueError: pairs[0] = (0, 5) has an index out of range [0, 5) (n_inputs)
    """

    pairs: np.ndarray
    n_inputs: int

    def __post_init__(self):
        n_inputs = check_int(self.n_inputs, "n_inputs", 2, MAX_INPUTS)
        object.__setattr__(self, "n_inputs", n_inputs)
        object.__setattr__(self, "pairs", _checked_pairs(self.pairs, n_inputs))

    @classmethod
    def _trusted(cls, pairs: np.ndarray, n_inputs: int) -> "AndInstance":
        """An instance of pairs already checked (rows of a checked instance): no second check."""
        instance = cls.__new__(cls)
        pairs = np.array(pairs, dtype=np.int64)
        pairs.flags.writeable = False
        object.__setattr__(instance, "pairs", pairs)
        object.__setattr__(instance, "n_inputs", n_inputs)
        return instance

    def __repr__(self) -> str:
        return f"AndInstance(m={self.n_inputs}, m'={self.n_outputs}, max influence={int(self.influence.max())})"

    @property
    def n_outputs(self) -> int:
        """m', the number of pairs (outputs)."""
        return int(self.pairs.shape[0])

    @cached_property
    def influence(self) -> np.ndarray:
        """Number of pairs each input belongs to (its influence), shape (m,), read-only."""
        check_array_size(self.n_inputs, 8, f"the influence of each of m = {self.n_inputs} inputs")
        counts = np.bincount(self.pairs.ravel(), minlength=self.n_inputs)
        counts.flags.writeable = False
        return counts

    def subset(self, rows) -> "AndInstance":
        """The instance of the pairs selected by ``rows`` (a boolean mask or indices), in their order.

        Examples
        --------
        >>> AndInstance([[0, 1], [1, 2], [2, 3]], 4).subset([True, False, True]).pairs.tolist()
        [[0, 1], [2, 3]]
        """
        chosen = self.pairs[np.asarray(rows)]
        if chosen.shape[0] == 0:
            raise ValueError("a subset of an instance must keep at least one pair")
        return AndInstance._trusted(chosen, self.n_inputs)

    @cached_property
    def _sorted_keys(self) -> tuple[np.ndarray, np.ndarray]:
        keys = pair_keys(self.pairs, self.n_inputs)
        order = np.argsort(keys)
        return keys[order], order

    def index_of(self, a, b) -> np.ndarray:
        """The output index of each pair (a, b) (either order), or -1 where it is not a pair of the instance.

        Examples
        --------
        >>> AndInstance([[0, 1], [2, 3]], 4).index_of([3, 1], [2, 2]).tolist()
        [1, -1]
        """
        a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
        keys = np.minimum(a, b) * np.int64(self.n_inputs) + np.maximum(a, b)
        sorted_keys, order = self._sorted_keys
        where = np.minimum(np.searchsorted(sorted_keys, keys), sorted_keys.size - 1)
        return np.where(sorted_keys[where] == keys, order[where], -1)

    def true_outputs(self, inputs) -> sp.csr_matrix:
        """The correct outputs: entry (r, ℓ) is True iff both ends of pair ℓ are active in row r.

        Only the C(|A|, 2) pairs inside each input set A are looked up (by
        binary search in the sorted pair keys), so the cost is about
        batch · k² log m' and no dense batch × m' array is formed.

        Parameters
        ----------
        inputs : anything :func:`superpos.inputs.as_input_sets` accepts

        Returns
        -------
        scipy.sparse.csr_matrix of bool, shape (batch, m')

        Examples
        --------
        >>> AndInstance([[0, 1], [1, 2]], 4).true_outputs([[0, 1, 2], [0, 3]]).toarray().tolist()
        [[True, True], [False, False]]
        """
        matrix = as_input_sets(inputs, self.n_inputs)
        n_inputs = self.n_inputs
        sorted_keys, order = self._sorted_keys
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
            where = np.minimum(np.searchsorted(sorted_keys, candidate), self.n_outputs - 1)
            found = sorted_keys[where] == candidate
            hit_rows.append(np.broadcast_to(rows[:, None], candidate.shape)[found])
            hit_outputs.append(order[where[found]])
        rows = np.concatenate(hit_rows) if hit_rows else np.empty(0, dtype=np.int64)
        outputs = np.concatenate(hit_outputs) if hit_outputs else np.empty(0, dtype=np.int64)
        result = sp.csr_matrix((np.ones(rows.size, dtype=bool), (rows, outputs)),
                               shape=(matrix.shape[0], self.n_outputs))
        result.sort_indices()
        return result


def _checked_pairs(pairs, n_inputs: int) -> np.ndarray:
    """The pairs as a read-only (m', 2) int64 array with a < b in each row, after every check."""
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
        raise ValueError(f"pairs[{row}] = {tuple(map(int, array[row]))} has an index out of range [0, {n_inputs}) "
                         "(n_inputs)")
    same = array[:, 0] == array[:, 1]
    if same.any():
        row = int(np.flatnonzero(same)[0])
        raise ValueError(f"pairs[{row}] pairs feature {int(array[row, 0])} with itself; the two ends must differ")
    normal = np.sort(array, axis=1)
    keys = pair_keys(normal, n_inputs)
    order = np.argsort(keys, kind="stable")
    repeated = np.flatnonzero(keys[order][1:] == keys[order][:-1])
    if repeated.size:
        first, second = sorted((int(order[repeated[0]]), int(order[repeated[0] + 1])))
        raise ValueError(f"pairs[{second}] repeats pairs[{first}] = {tuple(map(int, normal[first]))}; "
                         "every pair must be distinct")
    normal.flags.writeable = False
    return normal


def as_and_instance(pairs, n_inputs: int | None = None) -> AndInstance:
    """``pairs`` as a checked :class:`AndInstance` over ``n_inputs`` features (an instance passes through).

    Parameters
    ----------
    pairs : AndInstance or array-like of shape (m', 2)
    n_inputs : int, optional
        m; needed for an array of pairs, and when given with an instance it
        must equal the instance's m.

    Examples
    --------
    >>> instance = as_and_instance([[0, 1]], 3)
    >>> as_and_instance(instance) is instance, as_and_instance(instance, 3) is instance
    (True, True)
    >>> as_and_instance(instance, 4)
    Traceback (most recent call last):
    ...
    ValueError: the instance has n_inputs = 3, but n_inputs = 4 was given
    """
    if isinstance(pairs, AndInstance):
        if n_inputs is not None and check_int(n_inputs, "n_inputs", 2) != pairs.n_inputs:
            raise ValueError(f"the instance has n_inputs = {pairs.n_inputs}, but n_inputs = {int(n_inputs)} was given")
        return pairs
    if n_inputs is None:
        raise ValueError("n_inputs (the number m of input features) is needed with an array of pairs")
    return AndInstance(pairs, n_inputs)
