r"""The counting lower bound: how many bits, parameters and neurons a task needs.

A *task* is a family :math:`F` of functions from sparse inputs to sets of
outputs: neural permutation on :math:`m'` features (:math:`|F| = m'!`) or
pairwise AND with :math:`m` inputs and :math:`m'` distinct pairs, listed in a
fixed order (:math:`|F| = \binom{\binom{m}{2}}{m'}`). The argument has three
steps.

1. *Distinct functions need distinct networks.* The encoder (input codes) and
   the decoder (output codes and threshold) are fixed by ``(m, m', n, k,
   seed)`` and do not depend on the function computed. Two members of
   :math:`F` differ on some input of the *distinguishing set* :math:`X_F`
   (the :math:`m'` single features for permutations, the
   :math:`\binom{m}{2}` pairs for 2-AND), so an architecture that computes
   every member computes at least :math:`|F|` distinct functions on
   :math:`X_F`.
2. *Counting settings* (a cap of :math:`b` bits per parameter): :math:`p`
   slots take at most :math:`2^{bp}` settings, so :math:`p \ge \log_2|F|/b`.
3. *Counting sign patterns* (real parameters, no cap): one ReLU layer with
   :math:`p` slots computes at most :math:`(e|X_F|)^p` functions on
   :math:`X_F` (Sauer–Shelah for the halfspaces each neuron draws), and
   :math:`L` layers at most :math:`2^L (2eLn|X_F|)^{Lp}` (Warren's bound on
   sign patterns of polynomials, applied region by region), so
   :math:`p \ge \log_2|F| / \log_2(e|X_F|)` in one layer.

From parameters to neurons: layers of widths :math:`n_0, \dots, n_L` have at
most :math:`\sum_i n_i(n_{i-1}+1)` slots (:func:`dense_slots`), at most
:math:`L(n^2+n)` if every layer is at most :math:`n` wide, and at most
:math:`\lfloor N^2/4\rfloor + N` for :math:`N = \sum_i n_i` neurons in all,
at any depth. Inverting in :math:`m'` gives the counting bound on the
*capacity* of a layer, :math:`\Theta(n^2/\log n)` features at :math:`b` bits:
the largest :math:`m'` that counting does not exclude, an upper bound on what
the layer computes (each instance by its own setting), not a promise that it
computes that many.

A lottery ticket keeps :math:`p` of the :math:`P` slots of a host network.
If the kept slots may depend on the instance, their positions carry
information: :func:`min_params_ticket` counts it, and
:func:`lottery_ticket_network` builds a ticket with :math:`O(m')` parameters
that computes every 2-AND instance exactly.

All functions take plain integers (or arrays of them where said) and return
plain numbers; the symbolic and exact-integer checks of these formulas live
in :mod:`superpos.bounds_symbolic`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from numbers import Integral, Real

import mpmath
import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog
from scipy.special import betaln, gammaln, lambertw

from superpos.codes import input_code_book, next_prime, output_code_book
from superpos.families import make_pairs
from superpos.instance import as_and_instance
from superpos.one_layer import one_layer_sizes
from superpos.network import Network
from superpos.validation import check_int

__all__ = ["ConstructionFit", "EXACT_LIMIT", "LP_MARGIN", "TASKS", "capacity", "capacity_bounds", "capacity_lambert",
           "capacity_real", "construction_capacity", "count_threshold_labelings", "dense_slots",
           "distinguishing_set_size", "family_size", "log2_family_size", "log2_functions_bound",
           "log2_num_and_instances", "log2_num_permutations", "log2_num_q_and_instances", "lottery_ticket_network",
           "min_bits", "min_bits_q_and", "min_layer_width", "min_neurons_to_represent", "min_params",
           "min_params_chosen", "min_params_q_and", "min_params_real", "min_params_ticket", "min_total_neurons",
           "min_total_neurons_chosen", "min_total_neurons_q_and", "min_total_neurons_real", "neurons_holding", "q_and_family_size",
           "sauer_count", "ticket_code_sizes", "total_neuron_slots"]

#: The two tasks of the lower bound: neural permutation and pairwise AND.
TASKS = ("permutation", "and")

#: Below this many outputs the family size is computed as an exact integer, so
#: that bit counts are exact; above it, from ``lgamma``/``betaln`` in double
#: precision (relative error about 1e-15).
EXACT_LIMIT = 3000

_LN2 = math.log(2.0)
_LOG2E = math.log2(math.e)
_FEW_PAIRS = 32  # below this many outputs, 2-AND sizes are summed factor by factor
_DIGITS = 50  # decimal digits of the mpmath re-evaluation of close comparisons
_CLOSE = 1e-9  # relative gap below which a float comparison is redone in mpmath


# --------------------------------------------------------------------------- validation


def _as_counts(value, name: str, minimum: int = 1):
    """Return ``value`` as an int (scalar input) or an int64 array, checking it.

    Accepts Python/NumPy integers and whole-valued finite reals (``1e6``), or
    array-likes of them; rejects booleans, fractions, NaN and values below
    ``minimum``.
    """
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an integer >= {minimum}, got the boolean {value!r}")
    if isinstance(value, (Integral, Real)) and np.ndim(value) == 0:
        if not math.isfinite(value) or value != math.floor(value):
            raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
        if value < minimum:
            raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
        if value > 2**62:
            raise ValueError(f"{name} must be at most 2**62, got {value!r}")
        return int(value)
    try:
        array = np.asarray(value)
    except Exception as error:  # ragged or exotic input
        raise TypeError(f"{name} must be an integer or an array of integers, got {type(value).__name__}") from error
    if array.dtype == bool or not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        raise TypeError(f"{name} must be an integer or an array of integers, got dtype {array.dtype}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(array)) or np.any(array != np.floor(array)):
        raise ValueError(f"{name} must hold integers >= {minimum}; found a non-integer value")
    if np.any(array < minimum):
        raise ValueError(f"{name} must hold integers >= {minimum}; smallest value is {int(array.min())}")
    if np.any(array > 2**62):
        raise ValueError(f"{name} must hold integers at most 2**62; largest value is {int(array.max())}")
    return array.astype(np.int64)


def _check_task(task) -> str:
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    return task


def _resolve_inputs(task: str, m_out, m_in):
    """Validate ``m_out`` and ``m_in`` for ``task``; return them (``m_in`` filled in)."""
    m_out = _as_counts(m_out, "m_out")
    if m_in is None:
        m_in = m_out
    else:
        m_in = _as_counts(m_in, "m_in")
    if task == "permutation":
        if np.any(np.asarray(m_in) != np.asarray(m_out)):
            raise ValueError("for task='permutation' m_in must equal m_out (a permutation maps m' features to m'), "
                             f"got m_in={m_in!r}, m_out={m_out!r}")
    else:
        # in floats: m (m - 1) / 2 overflows int64 beyond m = 3e9, and the comparison needs no more precision
        n_pairs = np.asarray(m_in, dtype=float) * (np.asarray(m_in, dtype=float) - 1.0) / 2.0
        if np.any(np.asarray(m_out, dtype=float) > n_pairs):
            raise ValueError("for task='and' m_out must be at most C(m_in, 2), the number of distinct pairs "
                             f"(m_in >= 3 when m_in = m_out); got m_in={m_in!r}, m_out={m_out!r}")
    return m_out, m_in


def _scalar_count(value, name: str, minimum: int = 1) -> int:
    """Check that ``value`` is one integer >= ``minimum`` (bits, layers, widths)."""
    if np.ndim(value) != 0:
        raise TypeError(f"{name} must be a single integer >= {minimum}, got an array")
    return _as_counts(value, name, minimum)


def _result(values, *inputs):
    """Return a Python scalar when every input was a scalar, else the array."""
    values = np.asarray(values)
    return values.item() if all(np.ndim(x) == 0 for x in inputs) else values


# --------------------------------------------------------------------------- family sizes


def log2_num_permutations(m_out):
    r"""Return :math:`\log_2 m'!`, the bits needed to single out one permutation.

    Parameters
    ----------
    m_out : int or array-like of int
        Number of features :math:`m' \ge 1`.

    Returns
    -------
    float or ndarray
        :math:`\log_2 m'! = \ln\Gamma(m'+1)/\ln 2`, to double precision at
        any :math:`m'` (it equals
        :math:`m'\log_2 m' - m'\log_2 e + \tfrac12\log_2(2\pi m') + O(1/m')`).

    Examples
    --------
    >>> round(log2_num_permutations(4), 12) == round(math.log2(24), 12)
    True
    """
    m_out = _as_counts(m_out, "m_out")
    values = gammaln(np.asarray(m_out, dtype=float) + 1.0) / _LN2
    return _result(values, m_out)


def log2_num_and_instances(m_in, m_out):
    r"""Return :math:`\log_2 \binom{\binom{m}{2}}{m'}`, the number of 2-AND instances.

    An instance picks :math:`m'` distinct pairs of the :math:`m` inputs; output
    :math:`\ell` is the AND of the :math:`\ell`-th pair in a fixed order.

    Parameters
    ----------
    m_in : int or array-like of int
        Number of input features :math:`m \ge 2`.
    m_out : int or array-like of int
        Number of outputs :math:`1 \le m' \le \binom{m}{2}`.

    Returns
    -------
    float or ndarray
        :math:`\log_2\binom{M}{m'}` with :math:`M = m(m-1)/2`, computed as
        :math:`-\log_2(M+1) - \log_2 B(m'+1, M-m'+1)` (the Beta function keeps
        full relative precision even when :math:`m' \ll M`).

    Examples
    --------
    >>> round(2 ** log2_num_and_instances(4, 3))  # C(6, 3)
    20
    """
    m_out, m_in = _resolve_inputs("and", m_out, m_in)
    n_pairs = np.asarray(m_in, dtype=float) * (np.asarray(m_in, dtype=float) - 1.0) / 2.0
    k = np.asarray(m_out, dtype=float)
    n_pairs, k = np.broadcast_arrays(n_pairs, k)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = (-np.log(n_pairs + 1.0) - betaln(k + 1.0, n_pairs - k + 1.0)) / _LN2
        # betaln loses digits for tiny k; there the product of the k factors (M - i)/(k - i) is exact enough
        offsets = np.arange(_FEW_PAIRS, dtype=float)
        factors = np.log2((n_pairs[..., None] - offsets) / (k[..., None] - offsets))
        few = np.where(offsets < k[..., None], factors, 0.0).sum(axis=-1)
    values = np.where(k <= _FEW_PAIRS, few, values)
    values = np.where(k == n_pairs, 0.0, values)  # one instance only: exactly zero bits
    return _result(values, m_in, m_out)


def family_size(task: str, m_out: int, m_in: int | None = None) -> int:
    r"""Return :math:`|F|` as an exact integer (small sizes only).

    Parameters
    ----------
    task : {"permutation", "and"}
        The task.
    m_out : int
        Number of outputs :math:`m'`, at most :data:`EXACT_LIMIT`.
    m_in : int, optional
        Number of inputs :math:`m` (2-AND only; default :math:`m = m'`).

    Returns
    -------
    int
        :math:`m'!` or :math:`\binom{\binom{m}{2}}{m'}`.

    Examples
    --------
    >>> family_size("permutation", 5), family_size("and", 3, m_in=4)
    (120, 20)
    """
    task = _check_task(task)
    if np.ndim(m_out) != 0 or (m_in is not None and np.ndim(m_in) != 0):
        raise TypeError("family_size takes single integers for m_out and m_in")
    m_out, m_in = _resolve_inputs(task, m_out, m_in)
    if m_out > EXACT_LIMIT:
        raise ValueError(f"m_out must be at most EXACT_LIMIT={EXACT_LIMIT} for an exact family size, got {m_out}")
    if task == "permutation":
        return math.factorial(m_out)
    return math.comb(m_in * (m_in - 1) // 2, m_out)


def log2_family_size(task: str, m_out, m_in=None):
    """Return :math:`\\log_2 |F|` for ``task`` (floats; see the two functions above)."""
    task = _check_task(task)
    if task == "permutation":
        _resolve_inputs(task, m_out, m_in)
        return log2_num_permutations(m_out)
    return log2_num_and_instances(m_out if m_in is None else m_in, m_out)


def distinguishing_set_size(task: str, m_out, m_in=None):
    r"""Return :math:`|X_F|`, the number of inputs on which any two members of the family differ somewhere.

    Two permutations differ on some single active feature, two sets of pairs
    on some active pair, so :math:`X_F` is the :math:`m'` one-feature inputs
    (permutations) or the :math:`\binom{m}{2}` two-feature inputs (2-AND). The
    precision-free bounds count functions on :math:`X_F` only.

    Examples
    --------
    >>> distinguishing_set_size("permutation", 10), distinguishing_set_size("and", 10)
    (10, 45)
    """
    task = _check_task(task)
    m_out, m_in = _resolve_inputs(task, m_out, m_in)
    if task == "permutation":
        return _result(np.asarray(m_out), m_out, m_in)
    if np.ndim(m_in) == 0 and np.ndim(m_out) == 0:
        return m_in * (m_in - 1) // 2  # a Python int, exact at any size
    if np.max(m_in) > 3 * 10**9:
        raise ValueError("distinguishing_set_size: C(m_in, 2) overflows int64 for m_in above 3e9; pass a single m_in")
    return np.broadcast_to(np.asarray(m_in) * (np.asarray(m_in) - 1) // 2, np.broadcast(m_in, m_out).shape).copy()


def _log2_size_precise(task: str, m_out: int, m_in: int):
    """:math:`\\log_2|F|` as an mpmath number: from the exact integer up to EXACT_LIMIT, else to double precision."""
    with mpmath.workdps(_DIGITS):
        if m_out <= EXACT_LIMIT:
            return mpmath.log(mpmath.mpf(family_size(task, m_out, m_in)), 2)
        return mpmath.mpf(float(log2_family_size(task, m_out, m_in)))


# --------------------------------------------------------------------------- bounds at b bits per parameter


def _ceil_log2_size(task: str, m_out, m_in):
    """Return :math:`\\lceil\\log_2|F|\\rceil` as int64, exact for :math:`m' \\le` :data:`EXACT_LIMIT`.

    The double-precision value decides the ceiling unless it lies within
    :math:`10^{-6}` of an integer; there, for small families, the exact
    integer :math:`|F|` decides it.
    """
    m_out_arr, m_in_arr = np.broadcast_arrays(np.atleast_1d(m_out), np.atleast_1d(m_in))
    approx = np.asarray(log2_family_size(task, m_out_arr, m_in_arr), dtype=float)
    ceiling = np.ceil(approx - 1e-13 * np.maximum(approx, 1.0))
    if ceiling.max(initial=0.0) < 2.0**62:
        result = ceiling.astype(np.int64)
    else:  # beyond int64 (log2|F| > 2^62, m' above about 10^17): Python integers
        result = np.array([int(value) for value in ceiling.ravel()], dtype=object).reshape(ceiling.shape)
    unsure = (np.abs(approx - np.round(approx)) < 1e-6) & (m_out_arr <= EXACT_LIMIT)
    for index in zip(*np.nonzero(unsure)):
        result[index] = _exact_ceil_log2_size(task, int(m_out_arr[index]), int(m_in_arr[index]))
    return result.reshape(np.broadcast(np.asarray(m_out), np.asarray(m_in)).shape)


@functools.lru_cache(maxsize=65536)
def _exact_ceil_log2_size(task: str, m_out: int, m_in: int) -> int:
    """Return the ceiling of log2 of the exact integer family size."""
    return (family_size(task, m_out, m_in) - 1).bit_length()


def min_bits(task: str, m_out, m_in=None):
    r"""Return the fewest bits any network computing every member of the task's family needs.

    Under fixed codes distinct members need distinct networks, so a
    description must take :math:`|F|` values: :math:`\lceil\log_2|F|\rceil`
    bits.

    Parameters
    ----------
    task : {"permutation", "and"}
        Neural permutation on :math:`m'` features, or 2-AND on :math:`m'`
        distinct pairs of :math:`m` inputs.
    m_out : int or array-like of int
        Number of output features :math:`m'`.
    m_in : int or array-like of int, optional
        Number of inputs :math:`m`; default :math:`m = m'`. For permutations
        it must equal ``m_out``; for 2-AND :math:`m' \le \binom{m}{2}`.

    Returns
    -------
    int or ndarray of int
        :math:`\lceil \log_2 |F| \rceil`; exact for :math:`m' \le`
        :data:`EXACT_LIMIT`, to double precision above.

    Examples
    --------
    >>> min_bits("permutation", 5)  # 120 permutations: 7 bits
    7
    """
    task = _check_task(task)
    m_out, m_in = _resolve_inputs(task, m_out, m_in)
    return _result(_ceil_log2_size(task, m_out, m_in), m_out, m_in)


def min_params(task: str, m_out, m_in=None, *, bits_per_param):
    r"""Return the fewest parameters (slots of a fixed architecture) the task needs at :math:`b` bits each.

    :math:`p` slots of :math:`b` bits take at most :math:`2^{bp}` settings,
    so :math:`p \ge \lceil\log_2|F|\rceil / b`.

    Parameters
    ----------
    task, m_out, m_in
        As in :func:`min_bits`.
    bits_per_param : int
        Bits :math:`b \ge 1` per parameter.

    Returns
    -------
    int or ndarray of int
        :math:`\lceil \lceil\log_2|F|\rceil / b \rceil`.

    Examples
    --------
    >>> min_params("permutation", 5, bits_per_param=2)
    4
    """
    bits = _scalar_count(bits_per_param, "bits_per_param")
    needed = np.asarray(min_bits(task, m_out, m_in))
    return _result(-(-needed // bits), needed)


def _least_width(total: np.ndarray) -> np.ndarray:
    """Return the smallest integer :math:`n \\ge 0` with :math:`n(n+1) \\ge` ``total``, elementwise."""
    total = np.asarray(total, dtype=np.int64)
    width = np.floor((np.sqrt(1.0 + 4.0 * total.astype(float)) - 1.0) / 2.0).astype(np.int64)
    # Float square roots can be off by one either way; settle it with integers.
    width = np.maximum(width - 1, 0)
    for _ in range(3):
        width = np.where(width * (width + 1) < total, width + 1, width)
    return width


def min_layer_width(task: str, m_out, m_in=None, *, bits_per_param, layers=1):
    r"""Return the least :math:`n` such that :math:`L` layers, every one at most :math:`n` wide, can hold the family.

    If every layer, the input layer and the last layer included, is at most
    :math:`n` wide, the :math:`L` layers have at most :math:`L(n^2 + n)`
    weights and biases, so :math:`bL(n^2+n) \ge \lceil\log_2|F|\rceil`; the
    answer is the least such :math:`n`, which is
    :math:`\sqrt{\log_2|F|/(bL)} - O(1)`. It bounds the widest layer; for
    the neurons of all layers together see :func:`min_total_neurons`.

    Parameters
    ----------
    task, m_out, m_in
        As in :func:`min_bits`.
    bits_per_param : int
        Bits :math:`b \ge 1` per parameter.
    layers : int, default 1
        Number :math:`L \ge 1` of layers.

    Returns
    -------
    int or ndarray of int
        The least :math:`n` with :math:`bL\,n(n+1) \ge \lceil\log_2|F|\rceil`.

    Examples
    --------
    >>> min_layer_width("permutation", 5, bits_per_param=1)  # 2 * 3 >= 7 fails, 3 * 4 >= 7 holds
    3
    """
    bits = _scalar_count(bits_per_param, "bits_per_param")
    depth = _scalar_count(layers, "layers")
    needed = np.asarray(min_bits(task, m_out, m_in))
    return _result(_least_width(-(-needed // (bits * depth))), needed)


def dense_slots(widths) -> int:
    r"""Return the weights and biases of dense layers of the given widths: :math:`\sum_{i \ge 1} n_i(n_{i-1}+1)`.

    Parameters
    ----------
    widths : sequence of int
        Widths :math:`n_0, n_1, \dots, n_L` (the input layer first), each at
        least 1, at least two of them.

    Examples
    --------
    >>> dense_slots([3, 4, 2])  # 4 * (3 + 1) + 2 * (4 + 1)
    26
    """
    if isinstance(widths, (str, bytes)) or np.ndim(widths) != 1 or len(widths) < 2:
        raise ValueError(f"widths must be a sequence of at least two layer widths (input layer first), got {widths!r}")
    sizes = [check_int(int(w) if isinstance(w, np.integer) else w, "every width", 1) for w in widths]
    return sum(upper * (lower + 1) for lower, upper in zip(sizes[:-1], sizes[1:]))


def total_neuron_slots(n_neurons) -> int:
    r"""Return :math:`\lfloor N^2/4\rfloor + N`, the most weights and biases :math:`N` neurons can hold at any depth.

    Every weight joins two consecutive layers, one of even and one of odd
    index, so :math:`\sum_i n_{i-1} n_i \le (\sum_{i\ \mathrm{even}} n_i)
    (\sum_{i\ \mathrm{odd}} n_i) \le \lfloor N^2/4 \rfloor`; there are at
    most :math:`N` biases.

    Examples
    --------
    >>> total_neuron_slots(10)
    35
    """
    n = _scalar_count(n_neurons, "n_neurons", 0)
    return n * n // 4 + n


def min_total_neurons(task: str, m_out, m_in=None, *, bits_per_param):
    r"""Return the fewest neurons, summed over all layers and at any depth, that can hold the family at :math:`b` bits.

    The least :math:`N` with :math:`b(\lfloor N^2/4\rfloor + N) \ge
    \lceil\log_2|F|\rceil` (see :func:`total_neuron_slots`); it is
    :math:`2\sqrt{1 + \lceil\log_2|F|\rceil/b} - 2` rounded up, to within one.
    This is the bound to hold against a network counted by its total neurons,
    whatever its depth and its layer widths.

    Parameters
    ----------
    task, m_out, m_in
        As in :func:`min_bits`.
    bits_per_param : int
        Bits :math:`b \ge 1` per parameter.

    Returns
    -------
    int or ndarray of int

    Examples
    --------
    >>> min_total_neurons("permutation", 5, bits_per_param=1)  # 7 bits: 3^2 // 4 + 3 = 5 < 7, 4 + 4 = 8
    4
    """
    bits = _scalar_count(bits_per_param, "bits_per_param")
    needed = np.asarray(min_bits(task, m_out, m_in))
    # Exact integers throughout: the slot count N^2/4 + N passes int64 long before N does.
    total = np.array([_least_total_neurons(-(-int(value) // bits)) for value in needed.ravel()], dtype=np.int64)
    return _result(total.reshape(needed.shape), needed)


def min_total_neurons_chosen(task: str, m_out, m_in=None, *, bits_per_param, code_integers: int = 0):
    r"""Return the fewest neurons in all when the layer widths and the codes may be chosen with the instance.

    If the architecture is picked from a set :math:`\mathcal A` once the
    instance is known, a network is a pair (architecture, setting), so
    :math:`bp + \log_2|\mathcal A| \ge \log_2|F|`. Dense layers with
    :math:`N` neurons in all are given by their widths, a composition of
    :math:`N` (at most :math:`2^{N-1}` of them); codes fixed by
    ``code_integers`` integers in :math:`1..N` add at most :math:`N^c` choices.
    This returns the least :math:`N` with
    :math:`b(\lfloor N^2/4\rfloor + N) + (N - 1) + \lceil c\log_2 N\rceil \ge
    \lceil\log_2|F|\rceil`, a necessary condition (rounding the left side up
    only weakens it); with no choice at all it is :func:`min_total_neurons`.

    Parameters
    ----------
    task, m_out, m_in
        As in :func:`min_bits` (scalars only).
    bits_per_param : int
        Bits :math:`b \ge 1` per parameter.
    code_integers : int, default 0
        Number :math:`c \ge 0` of integers in :math:`1..N` that fix the codes.

    Returns
    -------
    int

    Examples
    --------
    >>> min_total_neurons("and", 10**6, bits_per_param=1)
    9026
    >>> min_total_neurons_chosen("and", 10**6, bits_per_param=1, code_integers=4)
    9024
    """
    bits = _scalar_count(bits_per_param, "bits_per_param")
    if np.ndim(m_out) != 0 or (m_in is not None and np.ndim(m_in) != 0):
        raise TypeError("min_total_neurons_chosen takes single integers")
    integers = check_int(int(code_integers) if isinstance(code_integers, np.integer) else code_integers,
                         "code_integers", 0)
    needed = int(min_bits(task, m_out, m_in))

    def held(total: int) -> int:
        choice_bits = (total**integers - 1).bit_length() if total > 0 else 0  # ceil(c log2 N)
        return bits * total_neuron_slots(total) + max(total - 1, 0) + choice_bits

    # held grows with N, and N = min_total_neurons is enough: start there and step down.
    total = _least_total_neurons(-(-needed // bits))
    while total > 0 and held(total - 1) >= needed:
        total -= 1
    return total


def _least_total_neurons(slots: int) -> int:
    """The least N with floor(N^2/4) + N >= slots, in Python integers."""
    # N = 2 sqrt(1 + slots) - 2 solves N^2/4 + N = slots; start a few below it and step up.
    total = max(0, 2 * math.isqrt(slots + 1) - 4)
    while total * total // 4 + total < slots:
        total += 1
    return total


# --------------------------------------------------------------------------- bounds without a precision cap


def sauer_count(n_points, dimension) -> int:
    r"""Return :math:`\Phi_\nu(M) = \sum_{j=0}^{\nu}\binom{M}{j}`, the Sauer–Shelah bound.

    A family of subsets of :math:`M` points that shatters no :math:`\nu+1` of
    them has at most :math:`\Phi_\nu(M)` members. One neuron with :math:`\nu`
    free slots draws at most this many firing patterns on :math:`M` inputs.

    Examples
    --------
    >>> sauer_count(5, 2)  # 1 + 5 + 10
    16
    """
    points = check_int(n_points, "n_points", 0)
    nu = check_int(dimension, "dimension", 0)
    return sum(math.comb(points, j) for j in range(min(nu, points) + 1))


def log2_functions_bound(n_params, n_inputs_set, layers=1, max_width=None) -> float:
    r"""Return an upper bound on :math:`\log_2` of the number of functions an architecture computes on a finite input set.

    For any ReLU architecture with fixed codes, :math:`p` real parameter
    slots and :math:`L` layers, on :math:`M` inputs:

    * :math:`L = 1`: at most :math:`(eM)^p` firing patterns of the layer
      (each neuron with :math:`p_u` slots draws at most
      :math:`\Phi_{p_u}(M) \le (eM)^{p_u}` patterns), so the bound is
      :math:`p\log_2(eM)`;
    * :math:`L \ge 1`: at most :math:`2^L(2eLnM)^{Lp}` (Warren's bound on
      sign patterns of polynomials, region by region), so
      :math:`L + Lp\log_2(2eLnM)`, with :math:`n` the largest number of
      neurons with a slot in one layer (at most :math:`p`).

    For :math:`L = 1` the first form is returned.

    Parameters
    ----------
    n_params : int
        Number :math:`p \ge 0` of free slots.
    n_inputs_set : int
        Number :math:`M \ge 1` of inputs the functions are compared on.
    layers : int, default 1
        Depth :math:`L \ge 1`.
    max_width : int, optional
        The :math:`n` above (default: :math:`p`, which always holds).

    Examples
    --------
    >>> round(log2_functions_bound(1, 2 ** 10), 4) == round(math.log2(math.e * 2 ** 10), 4)
    True
    """
    p = check_int(n_params, "n_params", 0)
    points = check_int(n_inputs_set, "n_inputs_set", 1)
    depth = check_int(layers, "layers", 1)
    width = max(p, 1) if max_width is None else check_int(max_width, "max_width", 1)
    if depth == 1:
        return p * math.log2(math.e * points)
    return depth + depth * p * math.log2(2.0 * math.e * depth * width * points)


def _log2_bound_precise(p: int, points: int, depth: int, width: int):
    """:func:`log2_functions_bound` in mpmath at ``_DIGITS`` digits."""
    with mpmath.workdps(_DIGITS):
        if depth == 1:
            return p * mpmath.log(mpmath.e * points, 2)
        return depth + depth * p * mpmath.log(2 * mpmath.e * depth * width * points, 2)


def _bound_reaches(p: int, points: int, depth: int, width: int, target: float, task: str, m_out: int,
                   m_in: int) -> bool:
    """True iff the function-count bound with ``p`` slots is at least :math:`\\log_2|F|` (float, or mpmath when close)."""
    value = log2_functions_bound(p, points, depth, width)
    if abs(value - target) > _CLOSE * max(1.0, abs(target)):
        return value >= target
    return bool(_log2_bound_precise(p, points, depth, width) >= _log2_size_precise(task, m_out, m_in))


def _least(predicate, low: int, high: int) -> int:
    """Smallest integer in [low, high] where the monotone ``predicate`` holds (it must hold at ``high``)."""
    while low < high:
        mid = (low + high) // 2
        if predicate(mid):
            high = mid
        else:
            low = mid + 1
    return low


def _min_params_real_one(task: str, m_out: int, m_in: int, depth: int) -> int:
    target = float(log2_family_size(task, m_out, m_in))
    points = int(distinguishing_set_size(task, m_out, m_in))
    if target <= 0:
        return 0
    high = max(1, math.ceil(target))  # the bound with p slots is at least p
    return _least(lambda p: _bound_reaches(p, points, depth, max(p, 1), target, task, m_out, m_in), 0, high)


def min_params_real(task: str, m_out, m_in=None, *, layers=1):
    r"""Return the fewest real-valued parameters an architecture of depth :math:`L` needs, with no cap on precision.

    Under fixed codes the architecture computes at least :math:`|F|` distinct
    functions on the distinguishing set :math:`X_F`
    (:func:`distinguishing_set_size`), and at most
    :math:`2^{\text{log2\_functions\_bound}}` (:func:`log2_functions_bound`,
    with :math:`n \le p`). The answer is the least :math:`p` with

    * :math:`p\log_2(e|X_F|) \ge \log_2|F|` for :math:`L = 1`;
    * :math:`L + Lp\log_2(2eLp|X_F|) \ge \log_2|F|` for :math:`L \ge 2`.

    It is :math:`\Omega(m'/L)` up to a logarithmic factor: about :math:`m'`
    for a permutation and :math:`m'/2` for 2-AND in one layer (:math:`m = m'`).

    Parameters
    ----------
    task, m_out, m_in
        As in :func:`min_bits`.
    layers : int, default 1
        Depth :math:`L \ge 1`.

    Returns
    -------
    int or ndarray of int
        Exact for :math:`m' \le` :data:`EXACT_LIMIT` (comparisons within
        :math:`10^{-9}` are redone at 50 digits with the exact :math:`|F|`).

    Examples
    --------
    >>> min_params_real("permutation", 10)  # 10! needs p log2(10 e) >= 21.8
    5
    """
    task = _check_task(task)
    depth = _scalar_count(layers, "layers")
    m_out, m_in = _resolve_inputs(task, m_out, m_in)
    outs, ins = np.broadcast_arrays(np.atleast_1d(m_out), np.atleast_1d(m_in))
    values = np.array([_min_params_real_one(task, int(o), int(i), depth) for o, i in zip(outs.ravel(), ins.ravel())],
                      dtype=np.int64).reshape(outs.shape)
    return values.item() if np.ndim(m_out) == 0 and np.ndim(m_in) == 0 else values


def _real_neuron_bound(total: int, points: int, depth: int | None) -> float:
    """Largest log2 function count over networks of ``total`` neurons in all (depth ``depth``, or any)."""
    if total < 2:
        return 0.0  # no layer at all: one function
    one_layer = ((total + 1) ** 2 // 4) * math.log2(math.e * points)  # n_1 (n_0 + 1) <= (N + 1)^2 / 4
    if depth == 1:
        return one_layer
    deepest = total - 1 if depth is None else depth
    if deepest > total - 1:
        return 0.0  # fewer neurons than layers: no such network
    slots = total_neuron_slots(total)
    deep = deepest + deepest * slots * math.log2(2.0 * math.e * deepest * total * points)
    return max(one_layer, deep) if depth is None else deep


def _min_total_neurons_real_one(task: str, m_out: int, m_in: int, depth: int | None) -> int:
    target = float(log2_family_size(task, m_out, m_in))
    points = int(distinguishing_set_size(task, m_out, m_in))
    if target <= 0:
        return 0
    high = 2
    while _real_neuron_bound(high, points, depth) < target:
        high *= 2
    return _least(lambda total: _real_neuron_bound(total, points, depth) >= target, 0, high)


def min_total_neurons_real(task: str, m_out, m_in=None, *, layers=None):
    r"""Return the fewest neurons in all (input layer included) of a real-weight network of depth :math:`L`, or of any depth.

    With :math:`N` neurons in all: one layer has at most
    :math:`n_1(n_0+1) \le \lfloor (N+1)^2/4 \rfloor` slots; :math:`L` layers at
    most :math:`q = \lfloor N^2/4\rfloor + N` slots, widths at most :math:`N`,
    and :math:`L \le N - 1`. The answer is the least :math:`N` for which
    :func:`log2_functions_bound` reaches :math:`\log_2|F|` on :math:`X_F`
    (for ``layers=None``, at the depth that makes the bound largest). It
    grows like :math:`\sqrt{m'/L}` up to logarithms for a fixed depth, and
    only like :math:`(m'/\log m')^{1/3}` when the depth is free.

    Parameters
    ----------
    task, m_out, m_in
        As in :func:`min_bits`.
    layers : int or None, default None
        Depth :math:`L \ge 1`, or None for any depth.

    Returns
    -------
    int or ndarray of int
        Computed in double precision (the answer is a neuron count far from
        the rounding of the logarithms).

    Examples
    --------
    >>> min_total_neurons_real("permutation", 100, layers=1)  # floor(17^2 / 4) log2(100 e) >= log2 100!
    16
    """
    task = _check_task(task)
    depth = None if layers is None else _scalar_count(layers, "layers")
    m_out, m_in = _resolve_inputs(task, m_out, m_in)
    outs, ins = np.broadcast_arrays(np.atleast_1d(m_out), np.atleast_1d(m_in))
    values = np.array([_min_total_neurons_real_one(task, int(o), int(i), depth)
                       for o, i in zip(outs.ravel(), ins.ravel())], dtype=np.int64).reshape(outs.shape)
    return values.item() if np.ndim(m_out) == 0 and np.ndim(m_in) == 0 else values


#: Margin of the linear programs in :func:`count_threshold_labelings`: a point
#: counts as clearly on one side when it is this far inside the constraint.
LP_MARGIN = 1e-6


def _separable(lifted: np.ndarray, labels: np.ndarray) -> tuple[bool, np.ndarray | None]:
    """Is there u with lifted·u >= 0 where labels are 1 and <= -1 where 0? Return (answer, u)."""
    signs = np.where(labels, -1.0, 1.0)
    result = linprog(np.zeros(lifted.shape[1]), A_ub=signs[:, None] * lifted, b_ub=np.where(labels, 0.0, -1.0),
                     bounds=[(None, None)] * lifted.shape[1], method="highs")
    return result.status == 0, (result.x if result.status == 0 else None)


def count_threshold_labelings(points, max_points: int = 24) -> int:
    r"""Count the labelings :math:`(\mathbf 1[\langle w, x_j\rangle + \beta \ge 0])_j` of points by real :math:`(w, \beta)`.

    These are the firing patterns one neuron with free weights and bias can
    draw on inputs whose first-layer activations are the given points (the
    threshold is absorbed into :math:`\beta`). A labeling is realisable iff
    the linear program :math:`\langle w, x_j\rangle + \beta \ge 0` (label 1),
    :math:`\le -1` (label 0) is feasible (scale any strict solution).
    Labelings are grown point by point, and a prefix that is infeasible is
    not extended; when the solution found for a prefix already puts the next
    point clearly on one side, that child needs no new program (a solution
    scaled by a factor above 1 stays a solution, so a point clearly below 0
    can be pushed below -1).

    Parameters
    ----------
    points : array-like of shape (M, d)
        The points, one per row.
    max_points : int, default 24
        Refuse larger sets (the count can reach :math:`2^M`).

    Returns
    -------
    int
        The number of distinct labelings; for points in general position it
        equals Cover's count :math:`2\sum_{j=0}^{d}\binom{M-1}{j}`.

    Examples
    --------
    >>> count_threshold_labelings([[0.0], [1.0], [2.0]])  # thresholds on a line: 2M labelings
    6
    """
    array = np.asarray(points, dtype=float)
    if array.ndim != 2 or array.shape[0] < 1 or array.shape[1] < 1 or not np.all(np.isfinite(array)):
        raise ValueError(f"points must be a finite 2-D array with at least one row and one column, got shape "
                         f"{array.shape}")
    if array.shape[0] > check_int(max_points, "max_points", 1):
        raise ValueError(f"{array.shape[0]} points; at most max_points={max_points} are counted")
    return _count_labelings(tuple(map(tuple, array.tolist())))


@functools.lru_cache(maxsize=64)
def _count_labelings(points: tuple) -> int:
    """:func:`count_threshold_labelings` on a checked point set, as a tuple of rows (cached)."""
    array = np.asarray(points, dtype=float)
    lifted = np.hstack([array, np.ones((array.shape[0], 1))])
    count = 0
    stack = [(np.zeros(0, dtype=bool), np.zeros(lifted.shape[1]))]  # (labels of the first points, a witness u)
    while stack:
        labels, witness = stack.pop()
        depth = labels.size
        if depth == lifted.shape[0]:
            count += 1
            continue
        value = lifted[depth] @ witness
        for label in (False, True):
            extended = np.append(labels, label)
            if label and value >= LP_MARGIN:
                stack.append((extended, witness))
            elif not label and value <= -LP_MARGIN:
                # scaling a witness up keeps it feasible for the prefix and pushes this point below -1
                stack.append((extended, witness * max(1.0, (1.0 + LP_MARGIN) / -value)))
            else:
                feasible, solution = _separable(lifted[:depth + 1], extended)
                if feasible:
                    stack.append((extended, solution))
    return count


# --------------------------------------------------------------------------- lottery tickets


def min_params_ticket(task: str, m_out, m_in=None, *, bits_per_param, n_slots):
    r"""Return the fewest parameters a lottery ticket needs when its kept slots may depend on the instance.

    A ticket keeps at most :math:`p` of the :math:`P` slots of a host
    network, chosen per instance (different instances may keep different
    numbers), each with a value of :math:`b` bits: at most
    :math:`\sum_{j \le p}\binom{P}{j}2^{bj} \le 2^{bp}\Phi_p(P)` tickets
    (:func:`sauer_count`), so :math:`\log_2\Phi_p(P) + bp \ge \log_2|F|`; as
    :math:`\Phi_p(P) \le (eP/p)^p`, this gives
    :math:`p \ge \log_2|F| / (b + \log_2(eP/p))`, only :math:`\Omega(m')` for
    a host polynomial in :math:`m'`. The search uses
    :math:`\Phi_p(P) \le \min\big(2^P, \binom{P}{p}/(1 - r)\big)` with
    :math:`r = p/(P - p + 1) < 1` (each term of :math:`\Phi_p` is at most
    :math:`r` times the next), which only weakens the condition.

    Parameters
    ----------
    task, m_out, m_in
        As in :func:`min_bits` (scalars only).
    bits_per_param : int
        Bits :math:`b \ge 1` per kept parameter.
    n_slots : int
        Number :math:`P` of slots of the host network.

    Returns
    -------
    int
        The least :math:`p \le P` with :math:`\log_2\Phi_p(P) + bp \ge
        \lceil\log_2|F|\rceil` (with the upper bound on :math:`\Phi_p(P)` above).

    Raises
    ------
    ValueError
        If even all :math:`P` slots (:math:`bP` bits) cannot hold the family.

    Examples
    --------
    >>> min_params_ticket("permutation", 100, bits_per_param=1, n_slots=10 ** 6)
    31
    """
    if np.ndim(n_slots) != 0 or np.ndim(m_out) != 0 or (m_in is not None and np.ndim(m_in) != 0):
        raise TypeError("min_params_ticket takes single integers")
    return min_params_chosen(int(min_bits(task, m_out, m_in)), bits_per_param=bits_per_param, n_slots=n_slots)


def min_params_chosen(needed_bits, *, bits_per_param, n_slots) -> int:
    r"""Return the fewest kept parameters that can single out ``needed_bits`` bits when their positions are chosen.

    The count of :func:`min_params_ticket` for a family of any size: a ticket
    keeping at most :math:`p` of :math:`P` slots, each with :math:`b` bits, is
    one of at most :math:`2^{bp}\Phi_p(P)` networks, so it computes every
    member of a family :math:`F` only if
    :math:`\log_2\Phi_p(P) + bp \ge \lceil\log_2|F|\rceil`. Taking
    :math:`\lceil\log_2|F|\rceil` itself, it serves families the task
    names do not cover (the relabellings of one instance, q-AND).

    Parameters
    ----------
    needed_bits : int
        :math:`\lceil\log_2|F|\rceil`, at least 0.
    bits_per_param : int
        Bits :math:`b \ge 1` per kept parameter.
    n_slots : int
        Slots :math:`P \ge 1` of the host.

    Returns
    -------
    int
        The least :math:`p \le P` with :math:`\log_2\Phi_p(P) + bp \ge` ``needed_bits``, with the upper
        bound on :math:`\Phi_p(P)` of :func:`min_params_ticket`.

    Raises
    ------
    ValueError
        If even all :math:`P` slots (:math:`bP` bits) hold fewer than ``needed_bits``.

    Examples
    --------
    >>> min_params_chosen(7, bits_per_param=1, n_slots=10)
    2
    >>> min_params_chosen(100, bits_per_param=1, n_slots=10)
    Traceback (most recent call last):
    ...
    ValueError: n_slots=10 slots of 1 bits hold 10 bits, fewer than the 100 the family needs; no sub-network of this size exists
    """
    bits = _scalar_count(bits_per_param, "bits_per_param")
    slots = _as_counts(n_slots, "n_slots")
    needed = check_int(needed_bits, "needed_bits", 0)
    if bits * slots < needed:
        raise ValueError(f"n_slots={slots} slots of {bits} bits hold {bits * slots} bits, fewer than the "
                         f"{needed} the family needs; no sub-network of this size exists")

    def description_bits(p: int) -> float:
        # an upper bound on log2 Phi_p(P) + b p; both parts grow with p
        ratio = p / (slots - p + 1.0)
        log_phi = float(slots)
        if ratio < 1.0:
            log_binomial = (-math.log(slots + 1.0) - float(betaln(p + 1.0, slots - p + 1.0))) / _LN2
            log_phi = min(log_phi, log_binomial - math.log1p(-ratio) / _LN2)
        return log_phi + bits * p

    # description_bits does not decrease in p on [0, P]: log2 C(P, p) and -log2(1 - r) increase while r < 1,
    # that is for p < (P + 1) / 2, where the bound is at most P; beyond, it is exactly P
    return _least(lambda p: description_bits(p) >= needed - 1e-9 * needed, 0, slots)


def ticket_code_sizes(n_inputs: int, n_outputs: int, k: int) -> tuple[int, int, int, int]:
    r"""Return :math:`(s, q_{in}, t, q_{out})` of the lottery ticket of :func:`lottery_ticket_network`.

    :math:`s = 2k-1` neurons per input code and :math:`t = \binom{k}{2}+1`
    per output code, both line codes: :math:`q_{in}` is the least prime
    :math:`\ge \max(s, \lceil\sqrt m\,\rceil)` and :math:`q_{out}` the least
    prime :math:`\ge \max(t, \lceil\sqrt{m'}\,\rceil)`.

    Examples
    --------
    >>> ticket_code_sizes(100, 100, 3)
    (5, 11, 4, 11)
    """
    n_inputs = check_int(n_inputs, "n_inputs", 2)
    n_outputs = check_int(n_outputs, "n_outputs", 1)
    k = check_int(k, "k", 1)
    s, t = 2 * k - 1, math.comb(k, 2) + 1
    q_in = next_prime(max(s, math.isqrt(n_inputs - 1) + 1))
    q_out = next_prime(max(t, math.isqrt(n_outputs - 1) + 1))
    return s, q_in, t, q_out


def lottery_ticket_network(pairs, n_inputs: int, k: int, seed: int = 0) -> Network:
    r"""Build a sparse ReLU network that computes the pairwise AND of ``pairs`` exactly, with :math:`O(m')` parameters.

    The input and output codes are fixed line codes
    (:func:`superpos.codes.input_code_book`, ``output_code_book``),
    with the sizes of :func:`ticket_code_sizes`. Hidden unit :math:`\ell`
    reads the union of the codes of the endpoints :math:`a, b` of pair
    :math:`\ell` with weight 1 and bias :math:`-(2s-1)`, and writes with
    weight 1 to the :math:`t` neurons of the output code :math:`T_\ell`
    (output biases 0, threshold 1).

    Exact for every input with at most ``k`` active features: two line codes
    share at most one neuron, so an active feature other than :math:`a, b`
    adds at most 2 to unit :math:`\ell`; with one endpoint active the unit
    sees at most :math:`s + 2(k-1) \le 2s - 1` and stays off, with both it
    sees at least :math:`2s` and is on (at least 1). An absent output has at
    most :math:`\binom{k}{2}` true outputs, each covering at most one neuron of
    its code, so with :math:`t \ge \binom{k}{2}+1` one neuron of its code stays
    below threshold.

    It is a lottery ticket of the dense host with the same widths
    (:func:`dense_slots` of ``network.widths``): which input neurons unit
    :math:`\ell` reads depends on the instance, and so does the information,
    since every kept weight is 1 and every kept bias :math:`-(2s-1)`.

    Parameters
    ----------
    pairs : array-like of shape (m', 2)
        The instance.
    n_inputs : int
        Number :math:`m` of input features.
    k : int
        Most active features per input, at least 1.
    seed : int, default 0
        Seed of the code books.

    Returns
    -------
    superpos.network.Network
        Widths :math:`(s q_{in}, m', t q_{out})`, at most
        :math:`m'(2s + 1 + t)` parameters.

    Examples
    --------
    >>> net = lottery_ticket_network([[0, 1], [1, 2], [0, 3]], 6, k=2)
    >>> net.widths, net.n_params <= 3 * (2 * 3 + 1 + 2)
    ([9, 3, 4], True)
    """
    pairs = as_and_instance(pairs, n_inputs).pairs
    k = check_int(k, "k", 1, n_inputs)
    seed = check_int(seed, "seed", 0)
    n_outputs = len(pairs)
    s, q_in, t, q_out = ticket_code_sizes(n_inputs, n_outputs, k)
    input_codes = input_code_book(n_inputs, s * q_in, s, seed)
    output_codes = output_code_book(n_outputs, t * q_out, t, seed)
    reads = input_codes[pairs[:, 0]] + input_codes[pairs[:, 1]]  # the union of the two codes, weights summed
    reads.data[:] = 1.0
    hidden = (sp.csr_matrix(reads), np.full(n_outputs, -(2.0 * s - 1.0)))
    rows = output_codes.ravel()
    columns = np.repeat(np.arange(n_outputs), t)
    writes = sp.csr_matrix((np.ones(rows.size), (rows, columns)), shape=(t * q_out, n_outputs))
    return Network(input_codes, [hidden, (writes, np.zeros(t * q_out))], output_codes, 1.0,
                   name=f"lottery ticket, s = {s}, t = {t}")


# --------------------------------------------------------------------------- representation


def min_neurons_to_represent(m_features, max_active, *, bits_per_neuron):
    r"""Return the fewest neurons that can represent every ``max_active``-sparse set.

    A representation must give distinct activation vectors to distinct sets
    :math:`A` with :math:`|A| \le k`; :math:`n` neurons of :math:`b` bits take
    :math:`2^{bn}` values, so :math:`bn \ge \log_2\sum_{j \le k}\binom{m}{j}`,
    which is :math:`\Theta(k \log m / b)`: the counting view of claim C1.

    Parameters
    ----------
    m_features : int or array-like of int
        Number of features :math:`m`.
    max_active : int
        Sparsity :math:`k \ge 1`, at most :math:`m`.
    bits_per_neuron : int
        Bits :math:`b \ge 1` per activation.

    Returns
    -------
    int or ndarray of int
        :math:`\lceil \lceil\log_2 \sum_{j\le k}\binom{m}{j}\rceil / b\rceil`.

    Examples
    --------
    >>> min_neurons_to_represent(4, 1, bits_per_neuron=1)  # 5 sets: 3 bits
    3
    """
    m_features = _as_counts(m_features, "m_features")
    if np.ndim(max_active) != 0:
        raise TypeError("max_active must be a single integer >= 1")
    k = _as_counts(max_active, "max_active")
    bits = _scalar_count(bits_per_neuron, "bits_per_neuron")
    if np.any(np.asarray(m_features) < k):
        raise ValueError(f"max_active must be at most m_features, got max_active={k}, m_features={m_features!r}")
    m = np.atleast_1d(np.asarray(m_features))
    needed = np.empty(m.shape, dtype=np.int64)
    for index, size in enumerate(m.tolist()):
        if size <= EXACT_LIMIT * 100:
            needed[index] = (sum(math.comb(size, j) for j in range(k + 1)) - 1).bit_length()
        else:  # the largest term dominates: sum_j C(m, j) <= 2 C(m, k) when k <= m/3
            log2_terms = [(float(gammaln(size + 1.0) - gammaln(j + 1.0) - gammaln(size - j + 1.0)) / _LN2)
                          for j in range(k + 1)]
            top = max(log2_terms)
            needed[index] = math.ceil(top + math.log2(sum(2.0 ** (t - top) for t in log2_terms)) - 1e-9 * top)
    values = -(-needed // bits)
    return values.item() if np.ndim(m_features) == 0 else values.reshape(np.shape(m_features))


# --------------------------------------------------------------------------- capacity


def _largest_fitting(fits, smallest: int) -> int:
    """Largest m' >= ``smallest`` with ``fits(m')``, by doubling and bisection (``fits(smallest)`` must hold)."""
    low, high = smallest, 2 * smallest
    while fits(high):
        low, high = high, 2 * high
    while high - low > 1:  # fits(low) and not fits(high)
        mid = (low + high) // 2
        if fits(mid):
            low = mid
        else:
            high = mid
    return low


def _budget(n_neurons, bits_per_param, layers) -> int:
    n = _scalar_count(n_neurons, "n_neurons")
    return _scalar_count(bits_per_param, "bits_per_param") * _scalar_count(layers, "layers") * (n * n + n)


def capacity(n_neurons, bits_per_param, layers=1, task: str = "and") -> int:
    r"""Return the largest :math:`m'` the counting bound allows in ``layers`` layers of width :math:`n`.

    With :math:`L` layers of width :math:`n` (input layer included) and
    :math:`b` bits per parameter the network holds :math:`B = bL(n^2+n)` bits;
    the capacity is the largest :math:`m'` with
    :math:`\lceil\log_2|F(m')|\rceil \le B`, found by doubling and bisection
    (the family size grows with :math:`m'`). For 2-AND the number of inputs
    is :math:`m = m'`. This is a necessary condition, so the result is an
    upper bound on what such layers compute, not a promise that they compute
    it. It lies in the bracket of :func:`capacity_bounds`, and the counting
    bound is :math:`\Theta(n^2/\log n)`.

    Parameters
    ----------
    n_neurons : int
        Width :math:`n \ge 1` of each layer.
    bits_per_param : int
        Bits :math:`b \ge 1` per parameter.
    layers : int, default 1
        Number :math:`L \ge 1` of layers.
    task : {"permutation", "and"}, default "and"
        The task.

    Returns
    -------
    int
        The largest :math:`m'` whose family fits in :math:`B` bits
        (for 2-AND at least 3, where the family has one member).

    Examples
    --------
    >>> capacity(4, 1, 1, "permutation")  # 20 bits hold 9! (19 bits), not 10! (22 bits)
    9
    """
    task = _check_task(task)
    budget = _budget(n_neurons, bits_per_param, layers)
    return _largest_fitting(lambda m_out: int(min_bits(task, m_out)) <= budget, 3 if task == "and" else 1)


def capacity_lambert(n_neurons, bits_per_param, layers=1, task: str = "and") -> float:
    r"""Return the leading-order closed form of :func:`capacity` (an estimate; it differs by a few features).

    Keep the leading terms of :math:`\ln|F|` and solve exactly:

    * permutations, :math:`m'\ln m' - m' = B\ln 2`:
      :math:`m' = B\ln 2 / W(B\ln 2/e)`;
    * 2-AND with :math:`m=m'`, :math:`m'\ln(e m'/2) = B\ln 2` (from
      :math:`\binom{M}{m'} \approx (eM/m')^{m'}`, :math:`M \approx m'^2/2`):
      :math:`m' = B\ln 2 / W(eB\ln 2/2)`;

    with :math:`B = bL(n^2+n)` and :math:`W` the principal branch of the
    Lambert function.

    Examples
    --------
    >>> abs(capacity_lambert(4096, 8) - capacity(4096, 8)) <= 2
    True
    """
    task = _check_task(task)
    nats = _budget(n_neurons, bits_per_param, layers) * _LN2
    argument = nats / math.e if task == "permutation" else math.e * nats / 2.0
    return float(nats / lambertw(argument).real)


def capacity_bounds(n_neurons, bits_per_param, layers=1, task: str = "and") -> tuple[int, int]:
    r"""Return a proved bracket :math:`(\lfloor \mu_-\rfloor, \lfloor\mu_+\rfloor)` around :func:`capacity`.

    With :math:`c = B\ln 2`, :math:`B = bL(n^2+n)`:

    * permutations: :math:`m'\ln(m'/e) \le \ln m'! \le m'\ln m'` give
      :math:`\mu_- = c/W(c)` and :math:`\mu_+ = c/W(c/e)`;
    * 2-AND with :math:`m = m'`: :math:`m'\ln(m'/3) \le m'\ln\frac{m'-1}{2}
      \le \ln|F| \le m'\ln\frac{em'}{2}` (:math:`m' \ge 3`) give
      :math:`\mu_- = c/W(ec/2)` and :math:`\mu_+ = c/W(c/3)`.

    Every :math:`m' \le \mu_-` fits in :math:`B` bits and none above
    :math:`\mu_+` does; both are :math:`c/\ln c\,(1 + o(1))`, so the counting
    bound is :math:`\Theta(n^2/\log n)`.

    Examples
    --------
    >>> low, high = capacity_bounds(4096, 8)
    >>> low <= capacity(4096, 8) <= high
    True
    """
    task = _check_task(task)
    nats = _budget(n_neurons, bits_per_param, layers) * _LN2
    if task == "permutation":
        lower, upper = nats / lambertw(nats).real, nats / lambertw(nats / math.e).real
    else:
        lower, upper = nats / lambertw(math.e * nats / 2.0).real, nats / lambertw(nats / 3.0).real
    return int(math.floor(lower)), int(math.floor(upper))


def capacity_real(n_neurons, layers=1, task: str = "and") -> int:
    r"""Return the largest :math:`m'` that :math:`L` layers of width :math:`n` can hold with real weights.

    :math:`p = L(n^2+n)` slots and widths :math:`n`: the largest :math:`m'`
    with :math:`\log_2|F(m')| \le` :func:`log2_functions_bound`
    :math:`(p, |X_F(m')|, L, n)`; for 2-AND :math:`m = m'`. In one layer it is
    :math:`\Theta(n^2)` (a permutation of about :math:`n^2` features, 2-AND
    of about :math:`2n^2`): without a cap on precision the counting bound
    loses only its :math:`1/\log n`. Like :func:`capacity`, an upper bound.

    Examples
    --------
    >>> capacity_real(4, 1, "permutation")  # 20 log2(34 e) >= log2 34!, not so at 35
    34
    """
    task = _check_task(task)
    width = _scalar_count(n_neurons, "n_neurons")
    depth = _scalar_count(layers, "layers")
    slots = depth * (width * width + width)

    def fits(m_out: int) -> bool:
        target = float(log2_family_size(task, m_out))
        points = int(distinguishing_set_size(task, m_out))
        return _bound_reaches(slots, points, depth, width, target, task, m_out, m_out)

    return _largest_fitting(fits, 3 if task == "and" else 1)


@dataclass(frozen=True)
class ConstructionFit:
    """Where the one-layer construction fits in layers of a given width.

    Attributes
    ----------
    width : int
        The width :math:`n` both layers must fit in.
    m_out : int or None
        An :math:`m'` at which the sized network has input and output layers
        of at most ``width`` neurons: the largest one tried (None: none tried
        fits); a larger :math:`m'` not tried may fit again.
    next_m_out : int or None
        The smallest :math:`m'` tried above ``m_out`` (it does not fit; None
        if ``m_out`` is the largest tried).
    input_width, output_width : int
        The two widths of the network at ``m_out`` (0 if none fits).
    """

    width: int
    m_out: int | None
    next_m_out: int | None
    input_width: int
    output_width: int


@functools.lru_cache(maxsize=4096)
def _construction_widths(m_out: int, k: int, seed: int, failure_prob: float) -> tuple[int, int]:
    """Input and output widths of the one-layer construction sized for uniform pairs, m = m'."""
    sizes = one_layer_sizes(make_pairs("uniform", m_out, m_out, seed=seed), m_out, k, failure_prob)
    return sizes.n_input_neurons, sizes.n_output_neurons


def _refine_fit(size_at, width: int, low: int, high: int, rel_tol: float) -> tuple[int, int]:
    """Shrink ``low < high`` (``size_at(low) <= width < size_at(high)``) until ``high <= low (1 + rel_tol)`` or adjacent.

    Each step tries the m' where ``size_at``, interpolated linearly in (log m', log size), reaches ``width``
    (kept a tenth of the bracket away from its ends), then the m' a factor ``1 + rel_tol`` beyond it on the
    other side, which closes the bracket when the interpolation was close.
    """
    def close() -> bool:
        return high - low <= 1 or high <= low * (1.0 + rel_tol)

    while not close():
        size_low, size_high = size_at(low), size_at(high)
        fraction = 0.5
        if size_high > size_low > 0:
            fraction = math.log(width / size_low) / math.log(size_high / size_low)
        fraction = min(max(fraction, 0.1), 0.9)
        guess = int(round(math.exp(math.log(low) + fraction * math.log(high / low))))
        guess = min(max(guess, low + 1), high - 1)
        if size_at(guess) <= width:
            low = guess
            probe = min(high - 1, int(math.ceil(guess * (1.0 + rel_tol))))
        else:
            high = guess
            probe = max(low + 1, int(math.floor(guess / (1.0 + rel_tol))))
        if close() or not low < probe < high:
            continue
        if size_at(probe) <= width:
            low = probe
        else:
            high = probe
    return low, high


def construction_capacity(widths, k: int = 3, seed: int = 0, failure_prob: float = 1e-6, per_decade: int = 1,
                          m_min: int = 10, m_max: int = 10**5, rel_tol: float | None = None) -> list[ConstructionFit]:
    r"""Search, for each width :math:`n`, for an :math:`m'` whose one-layer construction fits in layers of :math:`n` neurons.

    For uniform pairs on :math:`m = m'` inputs, the sizes are those of
    :func:`superpos.one_layer.one_layer_sizes` (every-input failure bound
    ``failure_prob``); the network *fits* width :math:`n` if its input layer
    and its output layer both have at most :math:`n` neurons, the shape the
    capacity bound assumes. The :math:`m'` tried are a geometric grid of
    ``per_decade`` points per factor of ten from ``m_min`` to ``m_max``; the
    answer is the largest :math:`m'` tried so far that fits (the grid, and the
    refinements for the widths before it). With ``rel_tol`` it is then
    refined against the next :math:`m'` tried above it (which does not fit)
    until the fitting and the failing :math:`m'` are within that relative
    distance (0: adjacent integers): each step tries the :math:`m'` at which
    the larger of the two widths, interpolated linearly in
    :math:`(\log m', \log n)` between the two, reaches :math:`n`, then the
    :math:`m'` a factor ``1 + rel_tol`` beyond it. Sizings are shared between
    widths.

    The sizes are not monotone in :math:`m'` (code sizes jump with primes
    and rounding), so the answer is *some* fitting :math:`m'` with a failing
    one close above it, not necessarily the largest :math:`m'` that fits.
    Each sizing takes about two seconds, and is cached.

    Returns
    -------
    list of ConstructionFit
        One per width, in the order given.

    Examples
    --------
    >>> fit, = construction_capacity([100], m_min=10, m_max=10)
    >>> fit.m_out is None, fit.next_m_out
    (True, 10)
    """
    k = check_int(k, "k", 1)
    seed = check_int(seed, "seed", 0)
    failure_prob = float(failure_prob)
    if not 0.0 < failure_prob < 1.0:
        raise ValueError(f"failure_prob must lie in (0, 1), got {failure_prob!r}")
    per_decade = check_int(per_decade, "per_decade", 1)
    m_min = check_int(m_min, "m_min", max(k + 1, 4))
    m_max = check_int(m_max, "m_max", m_min)
    if rel_tol is not None and not (isinstance(rel_tol, Real) and 0.0 <= rel_tol):
        raise ValueError(f"rel_tol must be None or a number >= 0, got {rel_tol!r}")
    sizes = [check_int(int(w) if isinstance(w, np.integer) else w, "every width", 1) for w in widths]
    steps = max(1, round(per_decade * math.log10(m_max / m_min))) if m_max > m_min else 0
    grid = sorted({int(round(m_min * (m_max / m_min) ** (j / steps))) for j in range(steps + 1)} if steps else {m_min})

    tried: dict[int, int] = {}  # m' -> the larger of its two widths, over all widths searched

    def size_at(m_out: int) -> int:
        if m_out not in tried:
            tried[m_out] = max(_construction_widths(m_out, k, seed, failure_prob))
        return tried[m_out]

    def widths_at(m_out: int) -> tuple[int, int]:
        return _construction_widths(m_out, k, seed, failure_prob)

    results = []
    for width in sizes:
        for m_out in grid:
            size_at(m_out)
        # the largest m' tried so far that fits, and the next one tried above it (which does not)
        fitting = [m for m, size in tried.items() if size <= width]
        low = max(fitting) if fitting else None
        above = [m for m in tried if low is None or m > low]
        high = min(above) if above else None
        if rel_tol is not None and low is not None and high is not None:
            low, high = _refine_fit(size_at, width, low, high, rel_tol)
        input_width, output_width = widths_at(low) if low is not None else (0, 0)
        results.append(ConstructionFit(width, low, high, input_width, output_width))
    return results


# --------------------------------------------------------------------------- q-AND: the family of m' q-tuples
#
# A q-AND instance picks m' distinct q-tuples of the m inputs, in a fixed
# order; output ℓ is the AND of the ℓ-th tuple. Two instances differ on some
# input that activates exactly one q-tuple (the C(m, q) such inputs are the
# distinguishing set, reachable once k ≥ q), so under fixed codes the family
# of C(C(m, q), m') instances needs that many distinct networks, and the
# three steps of the module docstring apply unchanged. For q = 2 this is the
# 2-AND family.


def _check_q(q, m_in) -> int:
    q = check_int(int(q) if isinstance(q, np.integer) else q, "q", 1)
    if np.any(np.asarray(m_in) < q):
        raise ValueError(f"m_in must be at least q = {q} (a q-tuple of distinct inputs), got m_in={m_in!r}")
    return q


def _q_and_inputs(m_out, m_in, q):
    """Validate ``m_out``, ``m_in`` (default m') and ``q`` for the q-AND family; return them."""
    m_out = _as_counts(m_out, "m_out")
    m_in = m_out if m_in is None else _as_counts(m_in, "m_in")
    q = _check_q(q, m_in)
    tuples = np.asarray(_log_comb_float(np.asarray(m_in, dtype=float), q))
    if np.any(np.log(np.asarray(m_out, dtype=float)) > tuples + 1e-9):
        raise ValueError(f"m_out must be at most C(m_in, q), the number of distinct {q}-tuples; "
                         f"got m_in={m_in!r}, m_out={m_out!r}")
    return m_out, m_in, q


def _log_comb_float(total, q: int):
    """ln C(total, q) for float arrays ``total`` ≥ q and a small integer q (a product of q factors)."""
    total = np.asarray(total, dtype=float)
    return sum(np.log(total - i) for i in range(q)) - math.lgamma(q + 1)


def _ln_comb_of_huge(big: float, k: int) -> float:
    """ln C(M, k) for a float M ≥ k that may be huge (M = C(m, q)) and an int k, to double precision.

    ln C(M, k) = k ln M − ln k! + Σ_{i<k} ln(1 − i/M); the sum is taken term by term
    up to k = 2·10⁷, and beyond by its series −S₁/M − S₂/(2M²) − S₃/(3M³) (S_p = Σ_{i<k} i^p)
    when k/M < 10⁻³, whose next term is below 10⁻¹³ k; else from lgamma.
    """
    if k == 0:
        return 0.0
    if k <= 2 * 10**7:
        steps = np.arange(k, dtype=float) / big
        return k * math.log(big) - math.lgamma(k + 1) + float(np.log1p(-steps).sum())
    if k / big < 1e-3:
        s1 = k * (k - 1) / 2.0
        s2 = (k - 1) * k * (2 * k - 1) / 6.0
        s3 = s1 * s1
        return k * math.log(big) - math.lgamma(k + 1) - s1 / big - s2 / (2 * big**2) - s3 / (3 * big**3)
    return math.lgamma(big + 1) - math.lgamma(big - k + 1) - math.lgamma(k + 1)


def log2_num_q_and_instances(m_in, m_out, q):
    r"""Return :math:`\log_2 \binom{\binom{m}{q}}{m'}`, the number of q-AND instances.

    Parameters
    ----------
    m_in : int or array-like of int
        Number of input features :math:`m \ge q`.
    m_out : int or array-like of int
        Number of outputs :math:`1 \le m' \le \binom{m}{q}`.
    q : int
        Inputs per AND (:math:`q = 2` gives :func:`log2_num_and_instances`).

    Returns
    -------
    float or ndarray
        To double precision (:math:`\binom{m}{q}` as an exact integer, then
        :math:`\ln\binom{M}{m'} = m'\ln M - \ln m'! + \sum_{i<m'}\ln(1 - i/M)`).

    Examples
    --------
    >>> round(2 ** log2_num_q_and_instances(5, 2, 3))  # C(C(5, 3), 2) = C(10, 2)
    45
    >>> bool(abs(log2_num_q_and_instances(40, 100, 2) - log2_num_and_instances(40, 100)) < 1e-9)
    True
    """
    m_out, m_in, q = _q_and_inputs(m_out, m_in, q)
    m_in_arr, m_out_arr = np.broadcast_arrays(np.atleast_1d(m_in), np.atleast_1d(m_out))
    def log2_size(m_value: int, count: int) -> float:
        total = math.comb(m_value, q)
        return _ln_comb_of_huge(float(total), min(count, total - count)) / _LN2  # C(M, k) = C(M, M - k)

    values = np.array([log2_size(int(a), int(k)) for a, k in zip(m_in_arr.ravel(), m_out_arr.ravel())])
    values = values.reshape(m_in_arr.shape)
    return _result(values.reshape(np.broadcast(np.asarray(m_in), np.asarray(m_out)).shape), m_in, m_out)


def q_and_family_size(m_out: int, m_in: int | None = None, *, q: int) -> int:
    r"""Return :math:`\binom{\binom{m}{q}}{m'}` as an exact integer (:math:`m' \le` :data:`EXACT_LIMIT`).

    Examples
    --------
    >>> q_and_family_size(2, 5, q=3), q_and_family_size(3, 4, q=2) == family_size("and", 3, m_in=4)
    (45, True)
    """
    if np.ndim(m_out) != 0 or (m_in is not None and np.ndim(m_in) != 0):
        raise TypeError("q_and_family_size takes single integers for m_out and m_in")
    m_out, m_in, q = _q_and_inputs(m_out, m_in, q)
    if m_out > EXACT_LIMIT:
        raise ValueError(f"m_out must be at most EXACT_LIMIT={EXACT_LIMIT} for an exact family size, got {m_out}")
    return math.comb(math.comb(m_in, q), m_out)


def min_bits_q_and(m_out, m_in=None, *, q):
    r"""Return :math:`\lceil\log_2\binom{\binom{m}{q}}{m'}\rceil`: the fewest bits of a network computing every q-AND.

    Exact for :math:`m' \le` :data:`EXACT_LIMIT` (the exact integer decides a
    value within :math:`10^{-6}` of an integer), to double precision above.

    Examples
    --------
    >>> min_bits_q_and(2, 5, q=3)  # 45 instances: 6 bits
    6
    """
    m_out, m_in, q = _q_and_inputs(m_out, m_in, q)
    m_out_arr, m_in_arr = np.broadcast_arrays(np.atleast_1d(m_out), np.atleast_1d(m_in))
    approx = np.asarray(log2_num_q_and_instances(m_in_arr, m_out_arr, q), dtype=float)
    result = np.ceil(approx - 1e-13 * np.maximum(approx, 1.0)).astype(np.int64)
    unsure = (np.abs(approx - np.round(approx)) < 1e-6) & (m_out_arr <= EXACT_LIMIT)
    for index in zip(*np.nonzero(unsure)):
        result[index] = (q_and_family_size(int(m_out_arr[index]), int(m_in_arr[index]), q=q) - 1).bit_length()
    return _result(result.reshape(np.broadcast(np.asarray(m_out), np.asarray(m_in)).shape), m_out, m_in)


def min_params_q_and(m_out, m_in=None, *, q, bits_per_param):
    r"""Return :math:`\lceil \lceil\log_2|F_q|\rceil / b\rceil`, the fewest parameters of :math:`b` bits for q-AND.

    Examples
    --------
    >>> min_params_q_and(2, 5, q=3, bits_per_param=4)
    2
    """
    bits = _scalar_count(bits_per_param, "bits_per_param")
    needed = np.asarray(min_bits_q_and(m_out, m_in, q=q))
    return _result(-(-needed // bits), needed)


def neurons_holding(slots):
    r"""Return the least :math:`N` with :math:`\lfloor N^2/4\rfloor + N \ge` ``slots`` (exact integers, elementwise).

    :math:`N` neurons hold at most :math:`\lfloor N^2/4\rfloor + N` weights and
    biases at any depth (:func:`total_neuron_slots`).

    Examples
    --------
    >>> neurons_holding(7), neurons_holding(8), neurons_holding(np.array([0, 35, 36])).tolist()
    (4, 4, [0, 10, 11])
    """
    values = np.atleast_1d(np.asarray(slots, dtype=np.int64))
    out = np.empty(values.shape, dtype=np.int64)
    for index, target in np.ndenumerate(values):
        target = int(target)
        total = max(2 * math.isqrt(target + 1) - 3, 0)
        while total * total // 4 + total < target:
            total += 1
        out[index] = total
    return out.item() if np.ndim(slots) == 0 else out


def min_total_neurons_q_and(m_out, m_in=None, *, q, bits_per_param):
    r"""Return the fewest neurons, over all layers and at any depth, that hold every q-AND instance at :math:`b` bits.

    The least :math:`N` with :math:`b(\lfloor N^2/4\rfloor + N) \ge \lceil\log_2|F_q|\rceil`, as
    :func:`min_total_neurons` for the other tasks.

    Examples
    --------
    >>> pairs = min_total_neurons("and", 1000, bits_per_param=1)
    >>> int(min_total_neurons_q_and(1000, q=2, bits_per_param=1)) == int(pairs)
    True
    """
    needed = np.asarray(min_params_q_and(m_out, m_in, q=q, bits_per_param=bits_per_param))
    return _result(np.asarray(neurons_holding(needed)), needed)
