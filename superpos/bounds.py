r"""The counting lower bound: how many bits, parameters and neurons a family needs.

The argument has three steps.

1. *Distinct functions need distinct networks.* The encoder (input codes) and
   the decoder (output codes and threshold) are fixed by ``(m, m', n, k,
   seed)`` and do not depend on the function computed. Two members of a family
   :math:`F` that differ on some :math:`k`-sparse input therefore cannot be
   computed by the same weights, so at least :math:`|F|` distinct weight
   settings are needed, that is :math:`\lceil \log_2 |F| \rceil` bits.
2. *Family sizes.* Neural permutation on :math:`m'` features:
   :math:`|F| = m'!`. Pairwise AND with :math:`m` inputs and :math:`m'`
   distinct pairs (one function per set of pairs, outputs in a fixed order):
   :math:`|F| = \binom{\binom{m}{2}}{m'} \ge (\binom{m}{2}/m')^{m'}`.
3. *Bits to parameters to neurons.* With :math:`b` bits per parameter a fixed
   architecture with :math:`p` parameter slots takes at most :math:`2^{bp}`
   settings, so :math:`p \ge \log_2|F| / b`; :math:`L` dense layers of width at
   most :math:`n` have :math:`p \le L(n^2 + n)`, so
   :math:`n(n+1) \ge \log_2|F| / (bL)`.

Inverting the last inequality in :math:`m'` gives the *capacity* of ``n``
neurons, :math:`\Theta(n^2/\log n)` features, with a Lambert-W closed form.

All functions take plain integers (or arrays of them where said) and return
plain numbers; the symbolic checks of these formulas live in
:mod:`superpos.bounds_symbolic`.
"""

from __future__ import annotations

import functools
import math
from numbers import Integral, Real

import numpy as np
from scipy.special import betaln, gammaln, lambertw

#: The two families of the lower bound: neural permutation and pairwise AND.
FAMILIES = ("permutation", "and")

#: Below this many outputs the family size is computed as an exact integer, so
#: that bit counts are exact; above it, from ``lgamma``/``betaln`` in double
#: precision (relative error about 1e-15).
EXACT_LIMIT = 3000

_LN2 = math.log(2.0)
_FEW_PAIRS = 32  # below this many outputs, 2-AND sizes are summed factor by factor


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
        raise ValueError(f"{name} must hold integers >= {minimum}; smallest value is {array.min()}")
    if np.any(array > 2**62):
        raise ValueError(f"{name} must hold integers at most 2**62; largest value is {array.max()}")
    return array.astype(np.int64)


def _check_family(family) -> str:
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")
    return family


def _resolve_inputs(family: str, m_out, m_in):
    """Validate ``m_out`` and ``m_in`` for ``family``; return them (``m_in`` filled in)."""
    m_out = _as_counts(m_out, "m_out")
    if m_in is None:
        m_in = m_out
    else:
        m_in = _as_counts(m_in, "m_in")
    if family == "permutation":
        if np.any(np.asarray(m_in) != np.asarray(m_out)):
            raise ValueError("for family='permutation' m_in must equal m_out (a permutation maps m' features to m'), "
                             f"got m_in={m_in!r}, m_out={m_out!r}")
    else:
        n_pairs = np.asarray(m_in) * (np.asarray(m_in) - 1) // 2
        if np.any(np.asarray(m_out) > n_pairs):
            raise ValueError("for family='and' m_out must be at most C(m_in, 2), the number of distinct pairs "
                             f"(m_in >= 3 when m_in = m_out); got m_in={m_in!r}, m_out={m_out!r}")
    return m_out, m_in


def _scalar_count(value, name: str) -> int:
    """Check that ``value`` is one integer >= 1 (bits, layers, widths)."""
    if np.ndim(value) != 0:
        raise TypeError(f"{name} must be a single integer >= 1, got an array")
    return _as_counts(value, name)


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
        :math:`\log_2\binom{N}{m'}` with :math:`N = m(m-1)/2`, computed as
        :math:`-\log_2(N+1) - \log_2 B(m'+1, N-m'+1)` (the Beta function keeps
        full relative precision even when :math:`m' \ll N`).
    """
    m_out, m_in = _resolve_inputs("and", m_out, m_in)
    n_pairs = np.asarray(m_in, dtype=float) * (np.asarray(m_in, dtype=float) - 1.0) / 2.0
    k = np.asarray(m_out, dtype=float)
    n_pairs, k = np.broadcast_arrays(n_pairs, k)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = (-np.log(n_pairs + 1.0) - betaln(k + 1.0, n_pairs - k + 1.0)) / _LN2
        # betaln loses digits for tiny k; there the product of the k factors (N - i)/(k - i) is exact enough
        offsets = np.arange(_FEW_PAIRS, dtype=float)
        factors = np.log2((n_pairs[..., None] - offsets) / (k[..., None] - offsets))
        few = np.where(offsets < k[..., None], factors, 0.0).sum(axis=-1)
    values = np.where(k <= _FEW_PAIRS, few, values)
    values = np.where(k == n_pairs, 0.0, values)  # one instance only: exactly zero bits
    return _result(values, m_in, m_out)


def family_size(family: str, m_out: int, m_in: int | None = None) -> int:
    r"""Return :math:`|F|` as an exact integer (small sizes only).

    Parameters
    ----------
    family : {"permutation", "and"}
        The family.
    m_out : int
        Number of outputs :math:`m'`, at most :data:`EXACT_LIMIT`.
    m_in : int, optional
        Number of inputs :math:`m` (2-AND only; default :math:`m = m'`).

    Returns
    -------
    int
        :math:`m'!` or :math:`\binom{\binom{m}{2}}{m'}`.
    """
    family = _check_family(family)
    if np.ndim(m_out) != 0 or (m_in is not None and np.ndim(m_in) != 0):
        raise TypeError("family_size takes single integers for m_out and m_in")
    m_out, m_in = _resolve_inputs(family, m_out, m_in)
    if m_out > EXACT_LIMIT:
        raise ValueError(f"m_out must be at most EXACT_LIMIT={EXACT_LIMIT} for an exact family size, got {m_out}")
    if family == "permutation":
        return math.factorial(m_out)
    return math.comb(m_in * (m_in - 1) // 2, m_out)


def log2_family_size(family: str, m_out, m_in=None):
    """Return :math:`\\log_2 |F|` for ``family`` (floats; see the two functions above)."""
    family = _check_family(family)
    if family == "permutation":
        _resolve_inputs(family, m_out, m_in)
        return log2_num_permutations(m_out)
    return log2_num_and_instances(m_out if m_in is None else m_in, m_out)


# --------------------------------------------------------------------------- bounds


def _ceil_log2_size(family: str, m_out, m_in):
    """Return :math:`\\lceil\\log_2|F|\\rceil` as int64, exact for :math:`m' \\le` :data:`EXACT_LIMIT`.

    The double-precision value decides the ceiling unless it lies within
    :math:`10^{-6}` of an integer; there, for small families, the exact
    integer :math:`|F|` decides it.
    """
    m_out_arr, m_in_arr = np.broadcast_arrays(np.atleast_1d(m_out), np.atleast_1d(m_in))
    approx = np.asarray(log2_family_size(family, m_out_arr, m_in_arr), dtype=float)
    result = np.ceil(approx - 1e-13 * np.maximum(approx, 1.0)).astype(np.int64)
    unsure = (np.abs(approx - np.round(approx)) < 1e-6) & (m_out_arr <= EXACT_LIMIT)
    for index in zip(*np.nonzero(unsure)):
        result[index] = _exact_ceil_log2_size(family, int(m_out_arr[index]), int(m_in_arr[index]))
    return result.reshape(np.broadcast(np.asarray(m_out), np.asarray(m_in)).shape)


@functools.lru_cache(maxsize=65536)
def _exact_ceil_log2_size(family: str, m_out: int, m_in: int) -> int:
    """Return the ceiling of log2 of the exact integer family size."""
    return (family_size(family, m_out, m_in) - 1).bit_length()


def min_bits(family: str, m_out, m_in=None):
    r"""Return the fewest bits any network computing every member of ``family`` needs.

    Under fixed codes distinct members need distinct networks, so a
    description must take :math:`|F|` values: :math:`\lceil\log_2|F|\rceil`
    bits.

    Parameters
    ----------
    family : {"permutation", "and"}
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
    """
    family = _check_family(family)
    m_out, m_in = _resolve_inputs(family, m_out, m_in)
    return _result(_ceil_log2_size(family, m_out, m_in), m_out, m_in)


def min_params(family: str, m_out, m_in=None, *, bits_per_param):
    r"""Return the fewest parameters (slots of a fixed architecture) the family needs.

    A fixed architecture with :math:`p` slots of :math:`b` bits takes
    :math:`2^{bp}` settings, so :math:`p \ge \lceil\log_2|F|\rceil / b`.

    Parameters
    ----------
    family, m_out, m_in
        As in :func:`min_bits`.
    bits_per_param : int
        Bits :math:`b \ge 1` per parameter.

    Returns
    -------
    int or ndarray of int
        :math:`\lceil \lceil\log_2|F|\rceil / b \rceil`.
    """
    bits = _scalar_count(bits_per_param, "bits_per_param")
    needed = np.asarray(min_bits(family, m_out, m_in))
    return _result(-(-needed // bits), needed)


def _min_width(total: np.ndarray) -> np.ndarray:
    """Return the smallest integer :math:`n \\ge 0` with :math:`n(n+1) \\ge` ``total``, elementwise."""
    total = np.asarray(total, dtype=np.int64)
    width = np.floor((np.sqrt(1.0 + 4.0 * total.astype(float)) - 1.0) / 2.0).astype(np.int64)
    # Float square roots can be off by one either way; settle it with integers.
    width = np.maximum(width - 1, 0)
    for _ in range(3):
        width = np.where(width * (width + 1) < total, width + 1, width)
    return width


def min_neurons(family: str, m_out, m_in=None, *, bits_per_param, layers=1):
    r"""Return the smallest width of :math:`L` dense layers that can hold the family.

    :math:`L` dense ReLU layers of width at most :math:`n` have at most
    :math:`L(n^2 + n)` weights and biases, so :math:`bL(n^2+n) \ge
    \lceil\log_2|F|\rceil`; the answer is the least such :math:`n`, which is
    :math:`\sqrt{\log_2|F|/(bL)} - O(1)`. Any network of this shape therefore
    has at least this many neurons (in its widest layer alone).

    Parameters
    ----------
    family, m_out, m_in
        As in :func:`min_bits`.
    bits_per_param : int
        Bits :math:`b \ge 1` per parameter.
    layers : int, default 1
        Number :math:`L \ge 1` of dense layers.

    Returns
    -------
    int or ndarray of int
        The least :math:`n` with :math:`bL\,n(n+1) \ge \lceil\log_2|F|\rceil`.
    """
    bits = _scalar_count(bits_per_param, "bits_per_param")
    depth = _scalar_count(layers, "layers")
    needed = np.asarray(min_bits(family, m_out, m_in))
    return _result(_min_width(-(-needed // (bits * depth))), needed)


def min_params_sparse(family: str, m_out, m_in=None, *, bits_per_param, n_slots):
    r"""Return the fewest nonzero parameters when their positions are free.

    A sub-network keeping :math:`p` of the :math:`P` parameter slots of a
    dense network (a "lottery ticket") is described by which slots it keeps
    and their values: :math:`\binom{P}{p}\,2^{bp}` settings. It needs
    :math:`\log_2\binom{P}{p} + bp \ge \log_2|F|`; as
    :math:`\log_2\binom{P}{p} \le p\log_2(eP/p)`, this gives
    :math:`p \ge \log_2|F| / (b + \log_2(eP/p))`.

    Parameters
    ----------
    family, m_out, m_in
        As in :func:`min_bits` (scalars only).
    bits_per_param : int
        Bits :math:`b \ge 1` per kept parameter.
    n_slots : int
        Number :math:`P` of slots the positions are chosen from.

    Returns
    -------
    int
        The least :math:`p \le P` with :math:`\log_2\binom{P}{p} + bp \ge
        \lceil\log_2|F|\rceil`.

    Raises
    ------
    ValueError
        If even all :math:`P` slots (:math:`bP` bits) cannot hold the family.
    """
    bits = _scalar_count(bits_per_param, "bits_per_param")
    if np.ndim(n_slots) != 0 or np.ndim(m_out) != 0 or (m_in is not None and np.ndim(m_in) != 0):
        raise TypeError("min_params_sparse takes single integers")
    slots = _as_counts(n_slots, "n_slots")
    needed = int(min_bits(family, m_out, m_in))
    if bits * slots < needed:
        raise ValueError(f"n_slots={slots} slots of {bits} bits hold {bits * slots} bits, fewer than the "
                         f"{needed} the family needs; no sub-network of this size exists")

    def description_bits(p: int) -> float:
        return (-math.log(slots + 1.0) - float(betaln(p + 1.0, slots - p + 1.0))) / _LN2 + bits * p

    low, high = 0, slots  # description_bits is increasing in p on [0, P]
    while low < high:
        mid = (low + high) // 2
        if description_bits(mid) >= needed - 1e-9 * needed:
            high = mid
        else:
            low = mid + 1
    return low


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


def capacity(n_neurons, bits_per_param, layers=1, family: str = "and") -> int:
    r"""Return the largest :math:`m'` the counting bound allows in ``layers`` dense layers.

    With :math:`L` layers of width :math:`n` and :math:`b` bits per parameter
    the network holds :math:`B = bL(n^2+n)` bits; the capacity is the largest
    :math:`m'` with :math:`\lceil\log_2|F(m')|\rceil \le B`, found by
    doubling and bisection (the family size grows with :math:`m'`). For 2-AND
    the number of inputs is :math:`m = m'`. It is :math:`\Theta(n^2/\log n)`;
    compare :func:`capacity_lambert`.

    Parameters
    ----------
    n_neurons : int
        Width :math:`n \ge 1` of each layer.
    bits_per_param : int
        Bits :math:`b \ge 1` per parameter.
    layers : int, default 1
        Number :math:`L \ge 1` of dense layers.
    family : {"permutation", "and"}, default "and"
        The family.

    Returns
    -------
    int
        The largest :math:`m'` whose family fits in :math:`B` bits
        (for 2-AND at least 3, where the family has one member).
    """
    family = _check_family(family)
    n = _scalar_count(n_neurons, "n_neurons")
    budget = _scalar_count(bits_per_param, "bits_per_param") * _scalar_count(layers, "layers") * (n * n + n)
    smallest = 3 if family == "and" else 1

    def fits(m_out: int) -> bool:
        return int(min_bits(family, m_out)) <= budget

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


def capacity_lambert(n_neurons, bits_per_param, layers=1, family: str = "and") -> float:
    r"""Return the Lambert-W closed form of :func:`capacity`.

    Keep the leading terms of :math:`\log_2|F|` and solve exactly:

    * permutations, :math:`m'\ln m' - m' = B\ln 2`:
      :math:`m' = B\ln 2 / W(B\ln 2/e)`;
    * 2-AND with :math:`m=m'`, :math:`m'\ln(e m'/2) = B\ln 2` (from
      :math:`\binom{N}{m'} \approx (eN/m')^{m'}`, :math:`N \approx m'^2/2`):
      :math:`m' = B\ln 2 / W(eB\ln 2/2)`;

    with :math:`B = bL(n^2+n)` and :math:`W` the principal branch. As
    :math:`W(x) = \ln x - \ln\ln x + o(1)`, both are :math:`\Theta(n^2/\log n)`.

    Parameters
    ----------
    n_neurons, bits_per_param, layers, family
        As in :func:`capacity`.

    Returns
    -------
    float
        The closed-form capacity.
    """
    family = _check_family(family)
    n = _scalar_count(n_neurons, "n_neurons")
    nats = _scalar_count(bits_per_param, "bits_per_param") * _scalar_count(layers, "layers") * (n * n + n) * _LN2
    argument = nats / math.e if family == "permutation" else math.e * nats / 2.0
    return float(nats / lambertw(argument).real)
