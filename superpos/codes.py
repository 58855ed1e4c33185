"""Codes over finite fields: the fixed input and output channels of the AND construction.

A *line code* of ``rows`` neurons per code lays its neurons out in ``rows``
rows of q neurons, q a prime. Item j owns a line (α_j, β_j) over GF(q), with
intercept α_j and slope β_j: in row x it holds neuron
``x·q + (α_j + β_j x) mod q``. Two distinct lines meet in at
most one point, so two codes share at most one neuron (a bounded-overlap code,
the random cousin of Kautz & Singleton's superimposed codes); which line an
item gets is a seeded random choice among the q² lines.

* **Input channel.** Feature i owns a code S_i of s neurons out of
  n_in = s·q_in (:func:`input_code_book`).
* **Output channel.** Output ℓ owns a code T_ℓ of t neurons of the last layer,
  out of t·q_out (:func:`output_code_book`); it is read as present iff every
  neuron of T_ℓ is ≥ 1.

*Independent codes* (``kind="independent"``) lay their neurons out the same
way, in ``rows`` rows of q neurons (any q ≥ 2), but draw the neuron of every
row of every code uniformly and independently (:func:`independent_code_book`).
Two codes may then share more than one neuron; what they buy is full
independence between rows and between codes, which the proved failure bound
of :mod:`superpos.one_layer` needs (the rows of a line are only pairwise
independent).

Both kinds are functions of (m or m', width, code size, seed) only, never of
the pairs: a decoder that depended on the pairs could smuggle in the very
information the counting lower bound charges for. The primes the widths need
come from :func:`next_prime` (one), :func:`next_primes` (many at once) and
:func:`prime_grid` (a geometric grid of them, for the sizing searches).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from math import isqrt

import numpy as np
import scipy.sparse as sp

from superpos.validation import check_int, check_random_state

__all__ = ["CODE_KINDS", "ChannelWidths", "LineCodeSizes", "code_book_seed", "independent_code_book",
           "input_code_book", "is_prime", "line_code_book", "line_code_sizes", "next_prime", "next_primes", "output_code_book", "prime_grid"]

#: The kinds of code book: lines over GF(q) (two codes share at most one neuron), or rows drawn independently.
CODE_KINDS = ("lines", "independent")


def is_prime(n: int) -> bool:
    """Return True iff the integer n is a prime (trial division; n < 10¹²).

    Examples
    --------
    >>> [p for p in range(20) if is_prime(p)]
    [2, 3, 5, 7, 11, 13, 17, 19]
    """
    n = int(n)
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    return all(n % d for d in range(3, isqrt(n) + 1, 2))


@lru_cache(maxsize=None)
def next_prime(n: int) -> int:
    """Return the smallest prime ≥ n.

    Examples
    --------
    >>> next_prime(24), next_prime(29)
    (29, 29)
    """
    n = max(2, int(n))
    while not is_prime(n):
        n += 1
    return n


def next_primes(values: np.ndarray) -> np.ndarray:
    """The least prime ≥ each value (vectorised: a sieve up to twice the largest, by Bertrand's postulate).

    Examples
    --------
    >>> next_primes(np.array([1, 8, 13, 90])).tolist()
    [2, 11, 13, 97]
    """
    if values.size == 0:
        return values.astype(np.int64)
    limit = 2 * max(int(values.max()), 2) + 1
    sieve = np.ones(limit + 1, bool)
    sieve[:2] = False
    for d in range(2, isqrt(limit) + 1):
        if sieve[d]:
            sieve[d * d::d] = False
    primes = np.flatnonzero(sieve)
    return primes[np.searchsorted(primes, values)]


def prime_grid(start: int, count: int, ratio: float) -> list[int]:
    """Primes on a geometric grid: next_prime(start·ratio^j), j = 0..count-1, repeats dropped.

    Examples
    --------
    >>> prime_grid(10, 5, 1.5)
    [11, 17, 23, 37, 53]
    """
    out = []
    for j in range(count):
        p = next_prime(int(np.ceil(start * ratio ** j)))
        if not out or p != out[-1]:
            out.append(p)
    return out


class ChannelWidths:
    """The widths of the two fixed channels, for the sizes classes of every layout (a mixin).

    The sizes hold ``code_size`` (s) and ``q_in``, ``output_code_size`` (t)
    and ``q_out``; both channels are line codes of rows of q neurons.

    Examples
    --------
    >>> from superpos.one_layer import OneLayerSizes
    >>> sizes = OneLayerSizes(3, 11, 4, 13, 0.5)
    >>> sizes.n_input_neurons, sizes.n_output_neurons
    (33, 52)
    """

    @property
    def n_input_neurons(self) -> int:
        """Width of the input channel, s·q_in."""
        return self.code_size * self.q_in

    @property
    def n_output_neurons(self) -> int:
        """Width of the output channel, t·q_out."""
        return self.output_code_size * self.q_out


@dataclass(frozen=True)
class LineCodeSizes:
    """Shape of a line code: ``rows`` neurons per code, rows of ``q`` neurons (q prime).

    Examples
    --------
    >>> LineCodeSizes(rows=3, q=7).n_neurons
    21
    """

    rows: int
    q: int

    @property
    def n_neurons(self) -> int:
        """Neurons of the whole code book, rows · q."""
        return self.rows * self.q


def line_code_sizes(n_items: int, n_neurons: int, code_size: int, what: str = "input") -> LineCodeSizes:
    """The shape of a line code of ``n_items`` codes of ``code_size`` neurons in ``n_neurons`` neurons.

    Parameters
    ----------
    n_items : int
        Codes needed (m inputs or m' outputs).
    n_neurons : int
        The channel's width; it must be ``code_size * q`` with q a prime
        ``>= code_size`` and ``q * q >= n_items`` (enough distinct lines).
    code_size : int
        Neurons per code (the rows).
    what : {"input", "output"}
        The channel, named in error messages.

    Raises
    ------
    ValueError
        If the width is not a valid line code; the message names the nearest valid width.

    Examples
    --------
    >>> line_code_sizes(150, 7 * 13, 7)
    LineCodeSizes(rows=7, q=13)
    >>> line_code_sizes(150, 7 * 12, 7)
    Traceback (most recent call last):
    ...
    ValueError: n_input_neurons must be code_size * q with q a prime >= code_size (lines over GF(q)); got n_input_neurons = 84, code_size = 7; the nearest valid width is 91
    """
    n_items = check_int(n_items, f"n_{what}s", 1)
    n_neurons = check_int(n_neurons, f"n_{what}_neurons", 1)
    code_size = check_int(code_size, f"{what} code_size", 1)
    q, rest = divmod(n_neurons, code_size)
    if rest or not is_prime(q) or q < code_size:
        raise ValueError(
            f"n_{what}_neurons must be code_size * q with q a prime >= code_size "
            f"(lines over GF(q)); got n_{what}_neurons = {n_neurons}, code_size = {code_size}; "
            f"the nearest valid width is {code_size * next_prime(max(q, code_size))}")
    if q * q < n_items:
        raise ValueError(
            f"{n_items} {what} codes need q*q >= {n_items} distinct lines, but q = {q}; "
            f"use n_{what}_neurons >= {code_size * next_prime(max(isqrt(n_items - 1) + 1, code_size))}")
    return LineCodeSizes(code_size, q)


def line_code_book(n_items: int, sizes: LineCodeSizes, seed: int) -> np.ndarray:
    """Return the codes of ``n_items`` items as lines over GF(q), drawn with ``seed``.

    Item j gets a distinct line (α_j, β_j), intercept α_j and slope β_j, chosen
    by a seeded draw of ``n_items`` of the q² slots β_j·q + α_j without
    replacement; its code holds, in every row x = 0..rows-1, the neuron
    ``x·q + (α_j + β_j x) mod q``. Two distinct
    lines agree in at most one x, so two codes share at most one neuron.

    Returns
    -------
    numpy.ndarray of int64, shape (n_items, rows), sorted along each row.

    Examples
    --------
    >>> codes = line_code_book(30, LineCodeSizes(rows=4, q=7), seed=0)
    >>> shared = [len(set(a) & set(b)) for i, a in enumerate(codes.tolist()) for b in codes.tolist()[i + 1:]]
    >>> codes.shape, max(shared)
    ((30, 4), 1)
    """
    rng = check_random_state(seed)
    slots = rng.choice(sizes.q * sizes.q, size=n_items, replace=False)
    alpha, beta = np.divmod(slots.astype(np.int64), sizes.q)
    x = np.arange(sizes.rows, dtype=np.int64)
    return x * sizes.q + (beta[:, None] + alpha[:, None] * x) % sizes.q


def _codes_matrix(codes: np.ndarray, n_neurons: int) -> sp.csr_matrix:
    n_items, size = codes.shape
    indptr = np.arange(0, n_items * size + 1, size, dtype=np.int64)
    return sp.csr_matrix((np.ones(n_items * size, dtype=np.float32), codes.ravel(), indptr),
                         shape=(n_items, n_neurons))


def independent_code_book(n_items: int, rows: int, q: int, seed: int) -> np.ndarray:
    """Return ``n_items`` codes of one neuron in each of ``rows`` rows of ``q``, every choice independent.

    Item j holds, in row x, the neuron ``x·q + u_{j,x}`` with the u_{j,x}
    independent and uniform on {0, ..., q-1}: the rows of a code, and the
    codes of different items, are independent. Two codes share Binomial(rows,
    1/q) neurons, with no bound but ``rows``.

    Returns
    -------
    numpy.ndarray of int64, shape (n_items, rows), sorted along each row.

    Examples
    --------
    >>> codes = independent_code_book(1000, 4, 5, seed=0)
    >>> codes.shape, bool(np.all(codes // 5 == np.arange(4)))   # one neuron in each row
    ((1000, 4), True)
    """
    n_items = check_int(n_items, "n_items", 1)
    rows = check_int(rows, "rows", 1)
    q = check_int(q, "q", 2)
    rng = check_random_state(seed)
    return np.arange(rows, dtype=np.int64) * q + rng.integers(q, size=(n_items, rows), dtype=np.int64)


def _code_book(n_items: int, n_neurons: int, code_size: int, seed: int, kind: str, what: str) -> np.ndarray:
    if kind == "lines":
        return line_code_book(n_items, line_code_sizes(n_items, n_neurons, code_size, what), seed)
    if kind != "independent":
        raise ValueError(f"kind must be one of {CODE_KINDS}, got {kind!r}")
    n_items = check_int(n_items, f"n_{what}s", 1)
    n_neurons = check_int(n_neurons, f"n_{what}_neurons", 1)
    code_size = check_int(code_size, f"{what} code_size", 1)
    q, rest = divmod(n_neurons, code_size)
    if rest or q < 2:
        raise ValueError(f"n_{what}_neurons must be code_size * q with q >= 2 (independent codes); got "
                         f"n_{what}_neurons = {n_neurons}, code_size = {code_size}")
    return independent_code_book(n_items, code_size, q, seed)


def input_code_book(n_inputs: int, n_neurons: int, code_size: int, seed: int = 0, kind: str = "lines") -> sp.csr_matrix:
    """Return the fixed input codes: an (m, n_in) 0/1 csr matrix, one code per feature.

    A function of (m, n_in, s, seed, kind) only, never of the pairs. For line
    codes ``n_neurons`` must be ``code_size * q`` with q a prime ≥ code_size and
    q² ≥ m (see :func:`line_code_book`); for independent codes any q ≥ 2. (Two
    independent codes that share a neuron put 2 there, like two lines that meet.)

    Examples
    --------
    >>> codes = input_code_book(150, 7 * 13, 7, seed=1)
    >>> codes.shape, int((codes @ codes.T - 7 * sp.identity(150)).max())
    ((150, 91), 1)
    >>> input_code_book(150, 7 * 12, 7, seed=1, kind="independent").sum(axis=1).min()
    np.float32(7.0)
    """
    codes = _code_book(n_inputs, n_neurons, code_size, code_book_seed(seed, 0), kind, "input")
    return _codes_matrix(codes, n_neurons)


def output_code_book(n_outputs: int, n_neurons: int, code_size: int, seed: int = 0, kind: str = "lines") -> np.ndarray:
    """Return the fixed output codes: an (m', t) int array of last-layer neurons.

    A function of (m', n_out, t, seed, kind) only, never of the pairs.

    Examples
    --------
    >>> output_code_book(100, 5 * 11, 5, seed=4).shape
    (100, 5)
    """
    return _code_book(n_outputs, n_neurons, code_size, code_book_seed(seed, 1), kind, "output")


def code_book_seed(seed, stream: int) -> int:
    """The integer seed of stream ``stream`` of the construction's code books for ``seed`` (an int >= 0).

    Stream 0 draws the input codes, 1 the output codes, 2 the shared compute
    units of the three-channel layout and 3 + j the lines of its j-th block.

    Examples
    --------
    >>> code_book_seed(0, 0) != code_book_seed(0, 1)
    True
    """
    seed = check_int(seed, "seed", 0)
    return int(np.random.SeedSequence([seed, stream]).generate_state(1)[0])
