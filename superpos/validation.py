"""Argument checks and seeds shared by every module, so that bad input fails the same clear way everywhere.

* :func:`check_int`, :func:`check_probability`: a value of the right type in
  the allowed range, returned as a plain Python number (so error messages and
  results never show ``np.int64(5)``).
* :func:`check_array_size`: a dense array that would not fit in memory is
  refused with a ``ValueError`` naming its size and the limit
  (``MAX_ARRAY_BYTES``), before numpy tries to allocate it.
* Seeds: every random choice of the package takes a ``seed``, which is a
  non-negative int, a :class:`numpy.random.SeedSequence` or a
  :class:`numpy.random.Generator`. :func:`seed_sequence` turns it into a
  ``SeedSequence``, :func:`check_random_state` into a ``Generator`` (the
  convention of scikit-learn's function of that name), and :func:`child_seed`
  derives the independent seed of one labelled part of a computation.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

__all__ = ["MAX_ARRAY_BYTES", "check_array_size", "check_int", "check_probability", "check_random_state",
           "child_seed", "seed_sequence"]

#: Largest dense array (in bytes) a function of the package allocates at a caller's request.
MAX_ARRAY_BYTES = 8 * 2**30


def check_int(value, name: str, minimum: int = 1, maximum: int | None = None) -> int:
    """Return ``value`` as a Python int after checking its type and range.

    Parameters
    ----------
    value : object
        The argument to check; bools are refused even though they are integers.
    name : str
        The argument's name, used in the error message.
    minimum, maximum : int, optional
        The allowed range, both ends included; ``maximum=None`` means no upper end.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``value`` is not an integer.
    ValueError
        If ``value`` lies outside the allowed range; the message states the range.

    Examples
    --------
    >>> check_int(np.int64(5), "k")
    5
    >>> check_int(0, "k")
    Traceback (most recent call last):
    ...
    ValueError: k must be at least 1, got 0
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    value = int(value)
    if maximum is None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and not minimum <= value <= maximum:
        raise ValueError(f"{name} must be in [{minimum}, {maximum}], got {value}")
    return value


def check_probability(value, name: str) -> float:
    """Return ``value`` as a float strictly between 0 and 1.

    Examples
    --------
    >>> check_probability(1e-6, "failure_prob")
    1e-06
    >>> check_probability(0, "failure_prob")
    Traceback (most recent call last):
    ...
    ValueError: failure_prob must be a probability strictly between 0 and 1, got 0.0
    """
    value = float(value)
    if not 0.0 < value < 1.0:
        raise ValueError(f"{name} must be a probability strictly between 0 and 1, got {value}")
    return value


def check_array_size(n_entries: int, itemsize: int, what: str) -> None:
    """Refuse a dense array of ``n_entries`` entries of ``itemsize`` bytes beyond ``MAX_ARRAY_BYTES``.

    Parameters
    ----------
    n_entries : int
        Entries the array would hold (the product of its shape).
    itemsize : int
        Bytes per entry.
    what : str
        What the array is, with its shape, for the message.

    Raises
    ------
    ValueError
        If the array would take more than ``MAX_ARRAY_BYTES``.

    Examples
    --------
    >>> check_array_size(10**6, 8, "the influence of each of m = 1000000 inputs")
    >>> check_array_size(10**12, 8, "the influence of each of m = 10**12 inputs")
    Traceback (most recent call last):
    ...
    ValueError: the influence of each of m = 10**12 inputs would take 8000000000000 bytes (1000000000000 entries of 8 bytes, 7450.6 GiB); at most MAX_ARRAY_BYTES = 8589934592 bytes fit
    """
    n_bytes = int(n_entries) * int(itemsize)
    if n_bytes > MAX_ARRAY_BYTES:
        raise ValueError(f"{what} would take {n_bytes} bytes ({int(n_entries)} entries of {int(itemsize)} bytes, "
                         f"{n_bytes / 2**30:.1f} GiB); at most MAX_ARRAY_BYTES = {MAX_ARRAY_BYTES} bytes fit")


def seed_sequence(seed) -> np.random.SeedSequence:
    """The :class:`numpy.random.SeedSequence` a ``seed`` stands for.

    Parameters
    ----------
    seed : int, numpy.random.SeedSequence or numpy.random.Generator
        An int ``>= 0`` seeds ``SeedSequence(seed)``; a ``SeedSequence`` is
        returned as it is; a ``Generator`` is not used directly: four 63-bit
        words drawn from it (advancing it by that much, whatever the callee
        draws afterwards) seed the sequence.

    Returns
    -------
    numpy.random.SeedSequence

    Raises
    ------
    TypeError
        For anything else (``None`` included: every random choice takes a seed).

    Examples
    --------
    >>> seed_sequence(3).entropy
    3
    >>> seed_sequence(None)
    Traceback (most recent call last):
    ...
    TypeError: seed must be a non-negative int, a numpy Generator or a SeedSequence, got None
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(seed.integers(0, 2**63, size=4))
    if isinstance(seed, Integral) and not isinstance(seed, (bool, np.bool_)) and seed >= 0:
        return np.random.SeedSequence(int(seed))
    raise TypeError(f"seed must be a non-negative int, a numpy Generator or a SeedSequence, got {seed!r}")


def check_random_state(seed) -> np.random.Generator:
    """The :class:`numpy.random.Generator` of a ``seed`` (see :func:`seed_sequence`).

    For an int this is ``numpy.random.default_rng(seed)``.

    Examples
    --------
    >>> int(check_random_state(0).integers(100)) == int(np.random.default_rng(0).integers(100))
    True
    """
    return np.random.default_rng(seed_sequence(seed))


def child_seed(seed, *key: int) -> np.random.SeedSequence:
    """The seed of one labelled part of a computation, independent of every other label.

    ``child_seed(seed, *key)`` is the ``SeedSequence`` with the entropy of
    ``seed_sequence(seed)`` and its spawn key extended by ``key``, which is
    how :meth:`numpy.random.SeedSequence.spawn` labels children, so the
    children of one seed never share a stream. Derive several children from
    one ``SeedSequence`` (not from a ``Generator``, which would advance
    between calls).

    Examples
    --------
    >>> root = seed_sequence(7)
    >>> child_seed(root, 0).spawn_key, child_seed(root, 1, 2).spawn_key
    ((0,), (1, 2))
    """
    parent = seed_sequence(seed)
    return np.random.SeedSequence(parent.entropy, spawn_key=tuple(parent.spawn_key) + tuple(int(k) for k in key))
