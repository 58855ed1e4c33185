r"""Checks of the counting bound that could fail: SymPy identities, limits and exact ranges.

Each ``check_*`` function returns a :class:`Check` whose ``passed`` is true
only when SymPy settles the statement (an identity simplifies to zero, a limit
evaluates to the stated number, a sign is decided) or when every case of an
exact range holds. An unevaluated SymPy result counts as a failure, never as a
pass; where SymPy cannot settle a limit directly, the check bounds the
expression from both sides by forms it can settle. Exact ranges use Python
integers, rationals, or mpmath interval arithmetic, so that rounding cannot
turn a false case into a pass.

Symbols carry their assumptions: counts such as :math:`m'`, :math:`b`,
:math:`L`, :math:`n` are ``positive=True, integer=True``.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np
import sympy as sp

from superpos import bounds, representation
from superpos.enumeration import enumerate_one_layer
from superpos.inputs import all_input_sets
from superpos.families import make_pairs
from superpos.verify import verify_exhaustive

__all__ = ["COVER_CASES", "Check", "L", "LAMBERT_DIGITS", "TICKET_CASES", "UNION_BOUND_CASES",
           "check_capacity_inversion", "check_capacity_order", "check_capacity_search",
           "check_every_input_union_bound", "check_family_size_exact", "check_family_size_symbolic", "check_gap",
           "check_growth_limits", "check_lambert_bounds", "check_lambert_identity", "check_neuron_bound",
           "check_neuron_bound_exact", "check_one_layer_count", "check_precision", "check_q_and_family_size_exact",
           "check_q_and_neurons_exact", "check_q_and_order", "check_real_params_exact", "check_real_params_order",
           "check_sauer_shelah", "check_stirling_exact", "check_stirling_lower", "check_stirling_upper",
           "check_threshold_counter", "check_ticket", "check_total_neurons", "limit_is", "run_all", "run_q_and"]

#: The symbols of the chapter, with their assumptions.
m = sp.Symbol("m", positive=True, integer=True)  # m', the number of outputs
b = sp.Symbol("b", positive=True, integer=True)  # bits per parameter
L = sp.Symbol("L", positive=True, integer=True)  # layers
n = sp.Symbol("n", positive=True, integer=True)  # neurons per layer

#: A rational lower and upper bound on e (e = 2.71828...), for exact comparisons.
E_BELOW, E_ABOVE = Fraction(271828, 100000), Fraction(271829, 100000)


@dataclass(frozen=True)
class Check:
    """The outcome of one check.

    Attributes
    ----------
    name : str
        Short identifier.
    statement : str
        What was checked, in words and LaTeX.
    passed : bool
        True only if the statement was settled and holds.
    cases : int
        Number of cases behind it (1 for a symbolic statement); how each is
        evaluated (exact integers, intervals, high precision, linear programs)
        is said by the check's docstring and statement.
    """

    name: str
    statement: str
    passed: bool
    cases: int = 1


def _is_zero(expr) -> bool:
    """True only if SymPy simplifies ``expr`` to exactly zero."""
    return sp.simplify(expr) == 0


def limit_is(expr, var, value) -> bool:
    """True only if SymPy evaluates the limit at infinity to exactly ``value`` (an unevaluated limit fails).

    Examples
    --------
    >>> n = sp.Symbol("n", positive=True)
    >>> limit_is(sp.log(n) / sp.log(n**2), n, sp.Rational(1, 2)), limit_is(1 / n, n, 1)
    (True, False)
    """
    result = sp.limit(expr, var, sp.oo)
    if result.has(sp.Limit):  # unevaluated: not a pass
        return False
    return result == sp.oo if value is sp.oo else sp.simplify(result - value) == 0


def _check_positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    return int(value)


# --------------------------------------------------------------------------- Stirling


def check_stirling_lower() -> Check:
    r"""Lower Stirling bound from an integral: :math:`\ln m'! \ge m'\ln m' - m' + 1`.

    :math:`\ln` is increasing, so :math:`\sum_{j=2}^{m'}\ln j \ge \int_1^{m'}\ln x\,dx`;
    SymPy evaluates the integral and the sign of the derivative.
    """
    x = sp.Symbol("x", positive=True)
    integral = sp.integrate(sp.log(x), (x, 1, m))
    passed = _is_zero(integral - (m * sp.log(m) - m + 1)) and sp.diff(sp.log(x), x).is_positive is True
    return Check("stirling-lower", r"$\int_1^{m'}\ln x\,dx = m'\ln m' - m' + 1$ and $\ln$ increases", passed)


def check_stirling_upper() -> Check:
    r"""Upper Stirling bound :math:`\ln m'! \le m'\ln m' - m' + \tfrac12\ln m' + 1`.

    Let :math:`\eta(m) = \ln m! - (m\ln m - m + \tfrac12\ln m)`. SymPy checks
    (i) :math:`\eta(1) = 1`; (ii) :math:`\eta(m) - \eta(m+1) = (m+\tfrac12)\ln(1+1/m) - 1`;
    (iii) with :math:`x = 1/(2m+1)`, :math:`(m+\tfrac12)\ln(1+1/m) =
    \ln\frac{1+x}{1-x}/(2x)`; (iv) :math:`\psi(x) = \ln\frac{1+x}{1-x} - 2x` has
    :math:`\psi(0) = 0` and :math:`\psi'(x) = 2x^2/(1-x^2) > 0` at :math:`x = 1/(2m+1)`.
    So :math:`\eta` decreases and :math:`\eta(m) \le \eta(1) = 1`.
    """
    x = sp.Symbol("x", positive=True)

    def d(k):
        return sp.log(sp.factorial(k)) - (k * sp.log(k) - k + sp.log(k) / 2)

    step = sp.log(m + 1) - ((m + 1) * sp.log(m + 1) - (m + 1) + sp.log(m + 1) / 2) + (m * sp.log(m) - m + sp.log(m) / 2)
    step_ok = _is_zero(sp.expand_log(-step - ((m + sp.Rational(1, 2)) * sp.log(1 + 1 / m) - 1), force=True))
    at_one = _is_zero(d(sp.Integer(1)) - 1)
    # log(m+1) - log(m) = log((1+x)/(1-x)) for x = 1/(2m+1), and m + 1/2 = 1/(2x)
    x_of_m = 1 / (2 * m + 1)
    substitution_ok = (_is_zero((1 + x_of_m) / (1 - x_of_m) - (m + 1) / m)
                       and _is_zero(1 / (2 * x_of_m) - (m + sp.Rational(1, 2))))
    g = sp.log((1 + x) / (1 - x)) - 2 * x
    derivative_ok = _is_zero(sp.diff(g, x) - 2 * x**2 / (1 - x**2)) and g.subs(x, 0) == 0
    positive_ok = sp.factor(sp.simplify((2 * x**2 / (1 - x**2)).subs(x, x_of_m))).is_positive is True
    passed = step_ok and at_one and substitution_ok and derivative_ok and positive_ok
    return Check("stirling-upper", r"$\eta(m') = \ln m'! - m'\ln m' + m' - \tfrac12\ln m'$ decreases from $\eta(1) = 1$",
                 passed)


def check_stirling_exact(m_max: int = 2000) -> Check:
    r"""Both Stirling bounds for every :math:`1 \le m' \le` ``m_max`` with exact :math:`m'!`.

    :math:`m'!` is an exact integer; its logarithm and the bounds are
    evaluated in mpmath interval arithmetic (80-bit), so rounding cannot make
    a false case pass. Also checks :func:`superpos.bounds.log2_num_permutations`
    against the exact value (relative error below :math:`10^{-12}`) and
    :func:`superpos.bounds.min_bits` against :math:`\lceil\log_2 m'!\rceil`
    from the exact integer.
    """
    m_max = _check_positive_int(m_max, "m_max")
    iv = mpmath.iv
    iv.prec = 80
    numeric = bounds.log2_num_permutations(np.arange(1, m_max + 1))
    ceilings = bounds.min_bits("permutation", np.arange(1, m_max + 1))
    factorial, passed = 1, True
    for k in range(1, m_max + 1):
        factorial *= k
        log_fact = iv.log(iv.mpf(factorial))
        k_iv = iv.mpf(k)
        lower = k_iv * iv.log(k_iv) - k_iv
        upper = lower + iv.log(k_iv) / 2 + 1
        exact_log2 = log_fact / iv.log(iv.mpf(2))
        close = abs(numeric[k - 1] - float(exact_log2.mid)) <= 1e-12 * max(1.0, float(exact_log2.mid))
        exact_ceiling = ceilings[k - 1] == (factorial - 1).bit_length()
        passed &= bool(lower.b <= log_fact.a and upper.a >= log_fact.b and close and exact_ceiling)
    return Check("stirling-exact", rf"$m'\ln m' - m' \le \ln m'! \le m'\ln m' - m' + \tfrac12\ln m' + 1$ "
                 rf"for every $m' \le {m_max}$", passed, m_max)


# --------------------------------------------------------------------------- family size


def check_family_size_symbolic() -> Check:
    r"""Each factor of :math:`\binom{Q}{j} = \prod_{i<j}\frac{Q-i}{j-i}` is at least :math:`Q/j`.

    :math:`(Q-i)j - Q(j-i) = i(Q-j) \ge 0` for :math:`0 \le i < j \le Q`, so
    :math:`\binom{Q}{j} \ge (Q/j)^j`. And
    :math:`\binom{Q}{j} \le Q^j/j! \le (eQ/j)^j` by the Stirling lower bound.
    """
    Q, i = sp.symbols("Q i", nonnegative=True, integer=True)
    slack = sp.Symbol("s", nonnegative=True, integer=True)  # Q - j
    j = sp.Symbol("j", positive=True, integer=True)
    identity = _is_zero(sp.expand((Q - i) * j - Q * (j - i) - i * (Q - j)))
    sign = (i * slack).is_nonnegative is True
    upper = _is_zero(sp.expand_log(sp.log((sp.E * Q / j) ** j) - (j * sp.log(Q) - (j * sp.log(j) - j)), force=True))
    return Check("family-size-symbolic", r"$(Q/j)^{j} \le \binom{Q}{j} \le (eQ/j)^{j}$",
                 identity and sign and upper)


def check_family_size_exact(n_max: int = 150, m_in_max: int = 60) -> Check:
    r"""Check :math:`(Q/j)^j \le \binom{Q}{j} \le Q^j/j!` for every :math:`1 \le j \le Q \le` ``n_max``.

    Exact integers: :math:`\binom{Q}{j}j^j \ge Q^j` and :math:`\binom{Q}{j}j! \le Q^j`.
    Also checks :func:`superpos.bounds.log2_num_and_instances` against
    :math:`\log_2\binom{\binom{m}{2}}{m'}` computed from exact integers for
    every :math:`2 \le m \le` ``m_in_max`` and every valid :math:`m'`
    (relative error below :math:`10^{-12}`).
    """
    n_max = _check_positive_int(n_max, "n_max")
    m_in_max = _check_positive_int(m_in_max, "m_in_max")
    passed, cases = True, 0
    for total in range(1, n_max + 1):
        for k in range(1, total + 1):
            exact = math.comb(total, k)
            passed &= exact * k**k >= total**k and exact * math.factorial(k) <= total**k
            cases += 1
    for m_in in range(2, m_in_max + 1):
        pairs = m_in * (m_in - 1) // 2
        outputs = np.arange(1, pairs + 1)
        numeric = bounds.log2_num_and_instances(m_in, outputs)
        exact = np.array([_log2_int(math.comb(pairs, int(k))) for k in outputs])
        passed &= bool(np.all(np.abs(numeric - exact) <= 1e-12 * np.maximum(exact, 1.0)))
        cases += len(outputs)
    return Check("family-size-exact", rf"$(Q/j)^j \le \binom{{Q}}{{j}} \le Q^j/j!$ for all $j \le Q \le {n_max}$; "
                 rf"numeric $\log_2$ of 2-AND sizes against exact integers for $m \le {m_in_max}$", bool(passed),
                 cases)


def _log2_int(value: int) -> float:
    """Return :math:`\\log_2` of a positive integer of any size to double precision."""
    shift = max(value.bit_length() - 60, 0)
    return math.log2(value >> shift) + shift


# --------------------------------------------------------------------------- neurons


def check_neuron_bound() -> Check:
    r"""Solve :math:`n^2 + n = x` with :math:`x = \log_2|F|/(bL)` and bracket the root.

    SymPy returns one positive root :math:`(\sqrt{1+4x}-1)/2`, and
    :math:`\sqrt{x} - \tfrac12 \le (\sqrt{1+4x}-1)/2 \le \sqrt{x}`, so the width
    is :math:`\sqrt{\log_2|F|/(bL)} - O(1)`.
    """
    bits = sp.Symbol("B", positive=True)
    width = sp.Symbol("n", positive=True)
    x = bits / (b * L)
    roots = [r for r in sp.solve(sp.Eq(width**2 + width, x), width) if r.is_positive is not False]
    root = (sp.sqrt(1 + 4 * x) - 1) / 2
    solved = len(roots) == 1 and _is_zero(roots[0] - root)
    # upper: (sqrt(x) + 1/2)^2 - (1 + 4x)/4 = sqrt(x) >= 0; lower: (1 + 4x) - (2 sqrt(x))^2 = 1 > 0
    upper = _is_zero(sp.expand((sp.sqrt(x) + sp.Rational(1, 2)) ** 2 - (1 + 4 * x) / 4) - sp.sqrt(x))
    lower = _is_zero(sp.expand((1 + 4 * x) - (2 * sp.sqrt(x)) ** 2) - 1)
    return Check("neuron-bound", r"$n(n+1) \ge \log_2|F|/(bL) \iff n \ge (\sqrt{1+4\log_2|F|/(bL)}-1)/2"
                 r" \in [\sqrt{\log_2|F|/(bL)}-\tfrac12, \sqrt{\log_2|F|/(bL)}]$", solved and upper and lower)


def check_neuron_bound_exact(m_max: int = 3000) -> Check:
    r""":func:`superpos.bounds.min_layer_width` is the least width, for every :math:`m' \le` ``m_max``.

    For both tasks, :math:`b \in \{1, 2, 8, 32\}` and :math:`L \in \{1, 3\}`:
    :math:`bL\,n(n+1) \ge \lceil\log_2|F|\rceil > bL\,(n-1)n`, in exact integers.
    """
    m_max = _check_positive_int(m_max, "m_max")
    passed, cases = True, 0
    for task, start in (("permutation", 1), ("and", 3)):
        outputs = np.arange(start, max(m_max, start) + 1)
        needed = bounds.min_bits(task, outputs)
        for bits in (1, 2, 8, 32):
            for depth in (1, 3):
                width = bounds.min_layer_width(task, outputs, bits_per_param=bits, layers=depth)
                cap = bits * depth
                least = (width == 0) | (cap * (width - 1) * width < needed)
                passed &= bool(np.all(cap * width * (width + 1) >= needed) and np.all(least))
                cases += len(outputs)
    return Check("neuron-bound-exact", rf"min_layer_width is the least width for every $m' \le {m_max}$", passed, cases)


def _compositions(total: int):
    """Every sequence of at least two positive widths summing to ``total``."""
    for cuts in range(1, total):
        for places in itertools.combinations(range(1, total), cuts):
            edges = (0, *places, total)
            yield [edges[i + 1] - edges[i] for i in range(len(edges) - 1)]


def check_total_neurons(n_max: int = 14, m_max: int = 2000) -> Check:
    r"""The depth-free slot count :math:`\lfloor N^2/4\rfloor + N` and :func:`superpos.bounds.min_total_neurons`.

    (i) For every sequence of widths :math:`n_0, \dots, n_L` (:math:`L \ge 1`)
    with :math:`N = \sum n_i \le` ``n_max``: :math:`\sum n_{i-1}n_i \le
    (\sum_{\text{even}} n_i)(\sum_{\text{odd}} n_i) \le \lfloor N^2/4\rfloor`,
    :func:`~superpos.bounds.dense_slots` is at most
    :func:`~superpos.bounds.total_neuron_slots`, and a single layer has at most
    :math:`\lfloor (N+1)^2/4\rfloor` slots. (ii) SymPy: :math:`N = 2\sqrt{1+x}-2`
    solves :math:`N^2/4 + N = x` and lies in :math:`[2\sqrt{x} - 2, 2\sqrt{x}]`.
    (iii) For every :math:`m' \le` ``m_max``, both tasks and
    :math:`b \in \{1, 8\}`, :func:`~superpos.bounds.min_total_neurons` is the
    least :math:`N` with :math:`b(\lfloor N^2/4\rfloor + N) \ge
    \lceil\log_2|F|\rceil`, in exact integers.
    """
    n_max = _check_positive_int(n_max, "n_max")
    m_max = _check_positive_int(m_max, "m_max")
    passed, cases = True, 0
    for total in range(2, n_max + 1):
        for widths in _compositions(total):
            weights = sum(a * c for a, c in zip(widths[:-1], widths[1:]))
            even, odd = sum(widths[0::2]), sum(widths[1::2])
            passed &= weights <= even * odd <= total * total // 4
            passed &= bounds.dense_slots(widths) <= bounds.total_neuron_slots(total)
            if len(widths) == 2:
                passed &= bounds.dense_slots(widths) <= (total + 1) ** 2 // 4
            cases += 1
    x = sp.Symbol("x", positive=True)
    root = 2 * sp.sqrt(1 + x) - 2
    solves = _is_zero(root**2 / 4 + root - x)
    # 2 sqrt(1 + x) - 2 >= 2 sqrt(x) - 2, and 2 sqrt(1 + x) - 2 <= 2 sqrt(x) iff sqrt(1 + x) <= sqrt(x) + 1
    bracket = (_is_zero(sp.expand((sp.sqrt(x) + 1) ** 2 - (1 + x)) - 2 * sp.sqrt(x))
               and sp.sqrt(1 + x).is_positive is True)
    passed &= solves and bracket
    for task, start in (("permutation", 1), ("and", 3)):
        outputs = np.arange(start, max(m_max, start) + 1)
        needed = [int(v) for v in bounds.min_bits(task, outputs)]
        for bits in (1, 8):
            found = [int(v) for v in bounds.min_total_neurons(task, outputs, bits_per_param=bits)]
            for need, total in zip(needed, found):
                slots = -(-need // bits)
                passed &= total * total // 4 + total >= slots and (total == 0 or (total - 1) ** 2 // 4 + total - 1 < slots)
                cases += 1
    return Check("total-neurons", r"$\sum_i n_{i-1}n_i \le \lfloor N^2/4\rfloor$ for all widths; min_total_neurons "
                 r"is the least $N$ with $b(\lfloor N^2/4\rfloor + N) \ge \lceil\log_2\lvert F\rvert\rceil$",
                 bool(passed), cases)


# --------------------------------------------------------------------------- without a precision cap


def check_sauer_shelah(n_max: int = 60) -> Check:
    r"""The Sauer–Shelah count and its bound :math:`\Phi_\nu(M) \le (eM/\nu)^\nu \le (eM)^\nu`.

    Exact integers for every :math:`0 \le \nu \le M + 5` and
    :math:`1 \le M \le` ``n_max``: Pascal's rule
    :math:`\Phi_\nu(M) = \Phi_\nu(M-1) + \Phi_{\nu-1}(M-1)` (the step of the
    proof), :math:`\Phi_\nu(M)\,\nu^\nu < (e_-M)^\nu` for :math:`1 \le \nu
    \le M` and :math:`\Phi_\nu(M) \le (e_-M)^\nu` for all :math:`\nu`, with
    the rational :math:`e_- = 2.71828 < e`. SymPy: :math:`\ln(1+y) \le y` for
    :math:`y \ge 0` (the derivative of :math:`y - \ln(1+y)` is
    :math:`y/(1+y) \ge 0` and it vanishes at 0), which gives
    :math:`(1 + \nu/M)^M \le e^\nu`.
    """
    n_max = _check_positive_int(n_max, "n_max")
    passed, cases = True, 0
    for total in range(1, n_max + 1):
        for nu in range(0, total + 6):
            count = bounds.sauer_count(total, nu)
            below = bounds.sauer_count(total - 1, nu) + (bounds.sauer_count(total - 1, nu - 1) if nu else 0)
            passed &= count == below
            passed &= count <= (E_BELOW * total) ** nu
            if 1 <= nu <= total:
                passed &= count * nu**nu <= (E_BELOW * total) ** nu
            cases += 1
    y = sp.Symbol("y", nonnegative=True)
    gap = y - sp.log(1 + y)
    symbolic = _is_zero(sp.diff(gap, y) - y / (1 + y)) and gap.subs(y, 0) == 0 and (y / (1 + y)).is_nonnegative is True
    return Check("sauer-shelah", rf"$\Phi_\nu(M) \le (eM/\nu)^\nu \le (eM)^\nu$ for all $\nu$ and $M \le {n_max}$",
                 bool(passed and symbolic), cases)


#: Point sets in general position on which the labeling counter must give Cover's count exactly.
COVER_CASES = ((6, 1), (8, 2), (8, 3), (9, 2))


def check_threshold_counter(cases=COVER_CASES, seed: int = 0) -> Check:
    r""":func:`superpos.bounds.count_threshold_labelings` gives Cover's count on points in general position.

    For Gaussian points (general position with probability 1) the number of
    labelings by affine halfspaces is exactly
    :math:`2\sum_{j=0}^{\nu}\binom{M-1}{j}` in :math:`\mathbb R^\nu` (Cover 1965); the counter,
    which solves linear programs, must reproduce it for each ``(M, ν)`` of
    ``cases`` (default :data:`COVER_CASES`). This validates the counter used
    on code points.
    """
    rng = np.random.default_rng(seed)
    passed = True
    for points, dimension in cases:
        found = bounds.count_threshold_labelings(rng.normal(size=(points, dimension)))
        passed &= found == 2 * sum(math.comb(points - 1, j) for j in range(dimension + 1))
    return Check("threshold-counter", r"labelings of $M$ points in general position in $\mathbb R^d$: "
                 r"$2\sum_{j\le d}\binom{M-1}{j}$", bool(passed), len(cases))


def check_one_layer_count(cases: dict) -> Check:
    r"""The one-layer function count against brute force, for tiny architectures.

    For each architecture (input codes, output codes, weight values, bias
    values; every input with at most 2 active features, as in
    :func:`superpos.enumeration.enumerate_one_layer`): the number of distinct
    functions its finite-valued settings compute is at most :math:`\Lambda^{n_1}`,
    where :math:`\Lambda` counts the labelings that one neuron with *real* weights
    draws on the input points (:func:`superpos.bounds.count_threshold_labelings`),
    which is at most :math:`\Phi_{n_0+1}(|X|)^{n_1}`, which is at most
    :math:`(e|X|)^{p}` with :math:`p = n_1(n_0 + 1)`; all in exact integers.
    """
    passed = True
    for input_codes, output_codes, weights, biases in cases.values():
        result = enumerate_one_layer(input_codes, output_codes, weights, biases, k=2)
        points = all_input_sets(np.shape(input_codes)[0], 2).toarray().astype(np.int64) @ np.asarray(input_codes)
        n_in, n_out = np.shape(input_codes)[1], np.shape(output_codes)[1]
        labelings = bounds.count_threshold_labelings(points)
        sauer = bounds.sauer_count(len(points), n_in + 1)
        passed &= (result.n_functions <= labelings**n_out <= sauer**n_out
                   <= (E_BELOW * len(points)) ** (n_out * (n_in + 1)))
    return Check("one-layer-count", r"distinct functions $\le \Lambda^{n_1} \le \Phi_{n_0+1}(\lvert X\rvert)^{n_1} \le "
                 r"(e\lvert X\rvert)^{p}$ on tiny architectures", bool(passed), len(cases))


def _interval_log2_size(task: str, m_out: int):
    iv = mpmath.iv
    return iv.log(iv.mpf(bounds.family_size(task, m_out))) / iv.log(iv.mpf(2))


def _interval_bound(p: int, points: int, depth: int, width: int):
    iv = mpmath.iv
    if depth == 1:
        return p * iv.log(iv.e * points) / iv.log(iv.mpf(2))
    return depth + depth * p * iv.log(2 * iv.e * depth * width * points) / iv.log(iv.mpf(2))


def _interval_total_bound(total: int, points: int, depth):
    """Interval form of the real-weight bound for ``total`` neurons (mirrors min_total_neurons_real)."""
    iv = mpmath.iv
    if total < 2:
        return iv.mpf(0)
    one_layer = ((total + 1) ** 2 // 4) * iv.log(iv.e * points) / iv.log(iv.mpf(2))
    if depth == 1:
        return one_layer
    deepest = total - 1 if depth is None else depth
    if deepest > total - 1:
        return iv.mpf(0)
    slots = total * total // 4 + total
    deep = deepest + deepest * slots * iv.log(2 * iv.e * deepest * total * points) / iv.log(iv.mpf(2))
    if depth is None:
        return iv.mpf([max(one_layer.a, deep.a), max(one_layer.b, deep.b)])
    return deep


def check_real_params_exact(m_max: int = 500) -> Check:
    r""":func:`superpos.bounds.min_params_real` and ``min_total_neurons_real`` are the least solutions, for every :math:`m'`.

    For every :math:`m' \le \min(` ``m_max`` :math:`,` EXACT_LIMIT :math:`)`, both tasks
    (:math:`m = m'`) and :math:`L \in \{1, 2, 3\}`: the function-count bound
    with :math:`p` slots reaches :math:`\log_2|F|` and with :math:`p - 1` it
    does not; and for :math:`L \in \{1, 2, \text{any}\}` the same for the total
    neurons. Evaluated in mpmath interval arithmetic (200 bits) with the exact
    integer :math:`|F|`; a comparison the intervals cannot decide fails.
    """
    m_max = min(_check_positive_int(m_max, "m_max"), bounds.EXACT_LIMIT)
    passed, cases = True, 0
    iv = mpmath.iv
    old_prec, iv.prec = iv.prec, 200
    try:
        for task, start in (("permutation", 2), ("and", 4)):
            for m_out in range(start, max(m_max, start) + 1):
                target = _interval_log2_size(task, m_out)
                points = int(bounds.distinguishing_set_size(task, m_out))
                for depth in (1, 2, 3):
                    p = bounds.min_params_real(task, m_out, layers=depth)
                    reached = _interval_bound(p, points, depth, max(p, 1))
                    short = _interval_bound(p - 1, points, depth, max(p - 1, 1))
                    passed &= bool(reached.a >= target.b and short.b < target.a)
                    cases += 1
                for depth in (1, 2, None):
                    total = bounds.min_total_neurons_real(task, m_out, layers=depth)
                    reached = _interval_total_bound(total, points, depth)
                    short = _interval_total_bound(total - 1, points, depth)
                    passed &= bool(reached.a >= target.b and short.b < target.a)
                    cases += 1
    finally:
        iv.prec = old_prec
    return Check("real-params-exact", rf"min_params_real and min_total_neurons_real are the least solutions for "
                 rf"every $m' \le {m_max}$", bool(passed), cases)


def check_real_params_order() -> Check:
    r"""Orders of the precision-free bounds, and what a cap of :math:`b` bits buys.

    One layer, from the Stirling and binomial bounds on :math:`\ln|F|` and
    :math:`|X_F| = m'` (permutations) or :math:`\binom{m'}{2}` (2-AND): the
    lower and upper forms of :math:`\ln|F|/(m'\ln(e|X_F|))` tend to 1 and to
    :math:`1/2`. Depth :math:`L`: with :math:`\ln|F| \ge m'\ln m' - m' + 1`
    and, inside the logarithm, :math:`\log_2|F| \le m'\log_2 m'`, the explicit
    bound :math:`(\log_2|F| - L)/(L\log_2(2eL|X_F|\log_2|F|))` over
    :math:`m'` tends to :math:`1/(2L)` for permutations, and with the binomial
    bounds to :math:`1/(3L)` for 2-AND. The cap: the
    :math:`b`-bit bound over the one-layer real bound,
    :math:`\ln(e|X_F|)/(b\ln 2)`, tends to infinity.
    """
    low_perm = (m * sp.log(m) - m + 1) / sp.log(sp.E * m) / m
    high_perm = (m * sp.log(m) - m + sp.log(m) / 2 + 1) / sp.log(sp.E * m) / m
    pairs = m * (m - 1) / 2
    low_and = m * sp.log((m - 1) / 2) / sp.log(sp.E * pairs) / m
    high_and = m * sp.log(sp.E * (m - 1) / 2) / sp.log(sp.E * pairs) / m
    one_layer = (limit_is(low_perm, m, 1) and limit_is(high_perm, m, 1)
                 and limit_is(low_and, m, sp.Rational(1, 2)) and limit_is(high_and, m, sp.Rational(1, 2)))
    depth = sp.Symbol("L", positive=True)
    bits_lower = (m * sp.log(m) - m + 1) / sp.log(2)
    explicit = (bits_lower - depth) / (depth * sp.log(2 * sp.E * depth * m * m * sp.log(m, 2), 2)) / m
    and_lower = m * sp.log((m - 1) / 2, 2)
    and_upper = m * sp.log(sp.E * (m - 1) / 2, 2)
    explicit_and = (and_lower - depth) / (depth * sp.log(2 * sp.E * depth * pairs * and_upper, 2)) / m
    deep = limit_is(explicit, m, 1 / (2 * depth)) and limit_is(explicit_and, m, 1 / (3 * depth))
    cap = limit_is(sp.log(sp.E * m) / (b * sp.log(2)), m, sp.oo)
    return Check("real-params-order", r"real weights: $p \gtrsim m'$ (permutation) and $m'/2$ (2-AND) in one layer, "
                 r"$m'/(2L)$ and $m'/(3L)$ in $L$ layers; a cap of $b$ bits gains a factor $\log_2(e\lvert X_F\rvert)/b \to \infty$",
                 bool(one_layer and deep and cap))


# --------------------------------------------------------------------------- lottery tickets


#: Instances (family, m, m', k) on which the lottery ticket is checked on every input.
TICKET_CASES = (("uniform", 20, 40, 2), ("uniform", 20, 40, 3), ("matching", 40, 20, 3), ("star", 31, 30, 3),
                ("clique", 16, 40, 3), ("power_law", 24, 40, 3))


def check_ticket(cases=TICKET_CASES, seed: int = 0) -> Check:
    r"""The lottery ticket of :func:`superpos.bounds.lottery_ticket_network`, certified on every input.

    For each instance: no wrong decision on any input with at most :math:`k`
    active features (every one of them is run); at most
    :math:`m'(2s + 1 + t)` parameters, all of one bit; and its parameter count
    respects the per-instance counting bound
    :func:`~superpos.bounds.min_params_ticket` for its dense host. The cases
    are the inputs run.
    """
    passed, inputs = True, 0
    for family, n_inputs, n_outputs, k in cases:
        pairs = make_pairs(family, n_inputs, n_outputs, seed=seed)
        net = bounds.lottery_ticket_network(pairs, n_inputs, k, seed=seed)
        errors = verify_exhaustive(net, pairs, k)
        s, _, t, _ = bounds.ticket_code_sizes(n_inputs, n_outputs, k)
        host = bounds.dense_slots(net.widths)
        floor = bounds.min_params_ticket("and", n_outputs, n_inputs, bits_per_param=1, n_slots=host)
        passed &= (errors.wrong == 0 and net.n_params <= n_outputs * (2 * s + 1 + t) and net.bits_per_param == 1
                   and net.n_params >= floor)
        inputs += errors.n_input_sets
    return Check("lottery-ticket", r"the $O(m')$ ticket decodes every input with at most $k$ active features exactly",
                 bool(passed), inputs)


def check_lambert_identity() -> Check:
    r""":math:`W(x)e^{W(x)} = x`, proved from SymPy's derivative of :math:`W`.

    With :math:`f(x) = W(x)e^{W(x)} - x`, SymPy finds :math:`(f/x)' = 0` and
    :math:`f(e) = 0` (it knows :math:`W(e) = 1`), so :math:`f \equiv 0`. Taking
    logarithms, :math:`W(x) = \ln x - \ln W(x)`.
    """
    x = sp.Symbol("x", positive=True)
    w = sp.LambertW(x)
    f = w * sp.exp(w) - x
    passed = _is_zero(sp.diff(f / x, x)) and _is_zero(f.subs(x, sp.E)) and sp.LambertW(sp.E) == 1
    return Check("lambert-identity", r"$W(x)e^{W(x)} = x$", passed)


#: Decimal digits of the mpmath arithmetic that checks the bounds on W.
LAMBERT_DIGITS = 50


def check_lambert_bounds(n_points: int = 400) -> Check:
    r""":math:`\ln x - \ln\ln x \le W(x) \le \ln x` for :math:`x \ge e`.

    Proof: :math:`W` increases (:math:`W' = W/(x(1+W)) > 0`) and :math:`W(e) = 1`,
    so :math:`W \ge 1` and :math:`\ln W \ge 0` there; then
    :math:`W = \ln x - \ln W \le \ln x`, hence :math:`\ln W \le \ln\ln x` and
    :math:`W \ge \ln x - \ln\ln x`. SymPy checks the derivative formula; the
    bounds are then checked at ``n_points`` points :math:`x = e^{t}`,
    :math:`t \in [1, 10^4]`, at ``LAMBERT_DIGITS`` digits (with a slack of :math:`10^{-40}`,
    as both bounds are equalities at :math:`x = e`).
    """
    n_points = _check_positive_int(n_points, "n_points")
    x = sp.Symbol("x", positive=True)
    w = sp.LambertW(x)
    derivative = _is_zero(sp.diff(w, x) - w / (x * (1 + w)))
    passed = True
    with mpmath.workdps(LAMBERT_DIGITS):
        for t in np.geomspace(1.0, 1e4, n_points):
            value = mpmath.exp(mpmath.mpf(t))
            lam = mpmath.lambertw(value).real
            slack = mpmath.mpf(10) ** -40
            passed &= bool(mpmath.log(value) - mpmath.log(mpmath.log(value)) - slack <= lam <= mpmath.log(value) + slack)
    return Check("lambert-bounds", r"$\ln x - \ln\ln x \le W(x) \le \ln x$ for $x \ge e$", derivative and passed,
                 n_points)


def check_capacity_inversion() -> Check:
    r"""The Lambert-W forms solve their equations exactly.

    For :math:`\rho > 0`: with :math:`w = W(\rho\kappa)` (so :math:`\rho\kappa = we^{w}`),
    :math:`x = \kappa/w` solves :math:`x\ln(\rho x) = \kappa`, and the derivative of
    :math:`x\ln(\rho x)` is :math:`\ln(\rho x) + 1`, so it increases where
    :math:`\rho x \ge 1`: for :math:`x > 0`, :math:`x\ln(\rho x) \le \kappa` iff
    :math:`x \le \kappa/W(\rho\kappa)`. This gives every end of the bracket of
    :func:`superpos.bounds.capacity_bounds` (:math:`\rho = 1, 1/e` for
    permutations, :math:`\rho = e/2, 1/3` for 2-AND). The leading-order
    estimates: :math:`m' = \kappa/W(\kappa/e)` solves :math:`m'\ln m' - m' = \kappa`
    and :math:`m' = \kappa/W(e\kappa/2)` solves :math:`m'\ln(em'/2) = \kappa`.
    """
    w, rho = sp.symbols("w rho", positive=True)
    kappa = w * sp.exp(w) / rho
    x = kappa / w
    general = _is_zero(sp.expand_log(x * sp.log(rho * x) - kappa, force=True))
    y = sp.Symbol("y", positive=True)
    increasing = _is_zero(sp.diff(y * sp.log(rho * y), y) - (sp.log(rho * y) + 1))  # >= 1 where rho y >= 1
    kappa_perm = sp.E * w * sp.exp(w)
    m_perm = kappa_perm / w
    perm = _is_zero(sp.expand_log(m_perm * sp.log(m_perm) - m_perm - kappa_perm, force=True))
    kappa_and = 2 * w * sp.exp(w) / sp.E
    m_and = kappa_and / w
    pairs = _is_zero(sp.expand_log(m_and * sp.log(sp.E * m_and / 2) - kappa_and, force=True))
    return Check("capacity-inversion", r"$x = \kappa/W(\rho\kappa)$ solves $x\ln(\rho x) = \kappa$; the leading-order "
                 r"forms solve theirs",
                 general and increasing and perm and pairs)


def check_capacity_order() -> Check:
    r"""The capacity is :math:`\Theta(n^2/\log n)`: its ratio to :math:`n^2/\ln n` tends to :math:`bL\ln 2/2`.

    SymPy leaves :math:`\lim \ln n / W(n^2)` unevaluated, so the check bounds
    :math:`W` by :math:`\ln x - \ln\ln x \le W(x) \le \ln x` and takes the two
    limits, which SymPy evaluates; both equal :math:`bL\ln 2/2`, for either
    family (the argument of :math:`W` differs by a constant factor).
    """
    c = b * L * (n**2 + n) * sp.log(2)
    target = b * L * sp.log(2) / 2
    passed = True
    for argument in (c / sp.E, sp.E * c / 2):
        low = c / sp.log(argument)  # W <= ln x gives a lower bound on c / W
        high = c / (sp.log(argument) - sp.log(sp.log(argument)))
        scale = n**2 / sp.log(n)
        passed &= limit_is(low / scale, n, target) and limit_is(high / scale, n, target)
    return Check("capacity-order", r"$\mathrm{capacity}\cdot\ln n/n^2 \to bL\ln 2/2$", bool(passed))


def check_capacity_search(widths=(2, 4, 16, 64, 256, 768, 3072, 4096, 12288), bit_widths=(1, 8, 16, 32)) -> Check:
    r"""The capacity by search against its proved bracket and its leading-order estimate.

    For both tasks, every width, every :math:`b` and :math:`L \in \{1, 4\}`:
    the search of :func:`superpos.bounds.capacity` returns the largest
    :math:`m'` with :math:`\lceil\log_2|F|\rceil \le B` (it fits, the next
    does not), lies in the bracket of :func:`superpos.bounds.capacity_bounds`,
    and is within 2 features of :func:`superpos.bounds.capacity_lambert` (the
    estimate drops :math:`O(\log m')` bits, and a feature costs about
    :math:`\log_2 m'` bits). For :math:`L \in \{1, 2\}` the real-weight
    capacity :func:`superpos.bounds.capacity_real` fits and the next
    :math:`m'` does not.
    """
    passed, cases = True, 0
    for task in bounds.TASKS:
        for width in widths:
            for bits in bit_widths:
                for depth in (1, 4):
                    exact = bounds.capacity(width, bits, depth, task)
                    budget = bits * depth * (width * width + width)
                    low, high = bounds.capacity_bounds(width, bits, depth, task)
                    closed = bounds.capacity_lambert(width, bits, depth, task)
                    passed &= bounds.min_bits(task, exact) <= budget < bounds.min_bits(task, exact + 1)
                    passed &= low <= exact <= high and abs(closed - exact) <= 2
                    cases += 1
            for depth in (1, 2):
                found = bounds.capacity_real(width, depth, task)
                slots = depth * (width * width + width)
                for size, fits in ((found, True), (found + 1, False)):
                    reached = bounds.log2_functions_bound(slots, int(bounds.distinguishing_set_size(task, size)),
                                                          depth, width)
                    passed &= (float(bounds.log2_family_size(task, size)) <= reached) == fits
                cases += 1
    return Check("capacity-search", r"capacity by search: largest fitting $m'$, inside the proved bracket, within 2 "
                 r"of the Lambert-W estimate", bool(passed), cases)


# --------------------------------------------------------------------------- orders of growth


def check_growth_limits() -> Check:
    r""":math:`\log_2 m'!/(m'\log_2 m') \to 1`, and the same for 2-AND with :math:`m = m'`.

    The permutation limit SymPy takes directly and, independently, through the
    two Stirling bounds. For 2-AND it takes the limits of the two bounds
    :math:`m'\ln\frac{m'-1}{2} \le \ln\binom{\binom{m'}{2}}{m'} \le
    m'\ln\frac{e(m'-1)}{2}`. With :math:`m = m'^{\alpha}` the lower bound
    gives :math:`2\alpha - 1`, so :math:`\alpha > 1/2` keeps
    :math:`\Theta(m'\log m')`.
    """
    alpha = sp.Symbol("alpha", positive=True)
    scale = m * sp.log(m)
    direct = limit_is(sp.log(sp.factorial(m)) / scale, m, 1)
    stirling = (limit_is((m * sp.log(m) - m + 1) / scale, m, 1)
                and limit_is((m * sp.log(m) - m + sp.log(m) / 2 + 1) / scale, m, 1))
    pairs = (limit_is(m * sp.log((m - 1) / 2) / scale, m, 1)
             and limit_is(m * sp.log(sp.E * (m - 1) / 2) / scale, m, 1))
    power = limit_is(sp.log(m ** (2 * alpha) / (2 * m)) / sp.log(m), m, 2 * alpha - 1)
    return Check("growth-limits", r"$\log_2|F|/(m'\log_2 m') \to 1$ for both families ($m = m'$)",
                 direct and stirling and pairs and power)


def check_precision() -> Check:
    r"""How the parameter bound moves with :math:`b`.

    :math:`b` constant: :math:`(m'\ln m' - m')/b \big/ (m'\ln m') \to 1/b`.
    :math:`b = \lambda\log_2 m'`: :math:`\log_2 m'!/b \big/ m' \to 1/\lambda`, only
    :math:`\Omega(m')`.
    """
    beta = sp.Symbol("lambda", positive=True)
    constant = limit_is((m * sp.log(m) - m) / b / (m * sp.log(m)), m, 1 / b)
    log_bits = limit_is((m * sp.log(m, 2) - m * sp.log(sp.E, 2)) / (beta * sp.log(m, 2)) / m, m, 1 / beta)
    return Check("precision", r"$b = O(1)$ gives $\Omega(m'\log m')$ parameters; $b = \Theta(\log m')$ only $\Omega(m')$",
                 constant and log_bits)


def check_gap() -> Check:
    r"""C7: computing over representing, :math:`\sqrt{m'\ln m'}/\ln m'`, beats every power of :math:`\ln m'`.

    With :math:`u = \ln m'` the ratio over :math:`(\ln m')^{g}` is
    :math:`e^{u/2}u^{-g-1/2}`, whose limit SymPy finds to be :math:`\infty`
    for a symbolic exponent :math:`g > 0`.
    """
    u, g = sp.symbols("u g", positive=True)
    ratio = sp.sqrt(sp.exp(u) * u) / u
    rewritten = _is_zero(ratio / u**g - sp.exp(u / 2) * u ** (-g - sp.Rational(1, 2)))
    return Check("gap", r"$\sqrt{m'\ln m'}/\ln m'$ divided by any positive power of $\ln m'$ tends to $\infty$",
                 rewritten and limit_is(sp.exp(u / 2) * u ** (-g - sp.Rational(1, 2)), u, sp.oo))


#: (m, k) at which the every-input union bound of the representation chapter is met in exact integers.
UNION_BOUND_CASES = ((100, 2), (1000, 3), (10**4, 3), (10**6, 3))


def check_every_input_union_bound(cases=UNION_BOUND_CASES) -> Check:
    r"""The union bound over every input, met in exact integers where the book quotes it.

    For each ``(m, k)``: :func:`superpos.representation.every_input_neurons_bound`
    returns an ``n`` at which the expected number of covered (feature, input)
    pairs, :func:`superpos.representation.expected_covers` computed exactly in
    integers with :math:`s = s^\ast(n)`, is below 1 (so some sparse code of ``n``
    neurons decodes every input); and at the explicit sizes
    :math:`s = \lceil (k+1)\ln m\rceil`, :math:`n = \lceil eks\rceil` it is
    below 1 as well, with :math:`n \ge eks` and :math:`e^s \ge m^{k+1}` checked
    in rationals (:math:`e` bounded below by 2.71828).
    """
    passed = True
    for m_features, k in cases:
        n_neurons = representation.every_input_neurons_bound(m_features, k)
        s = representation.best_sparse_size(n_neurons, k)
        passed &= representation.expected_covers(m_features, n_neurons, s, k, exact=True) < 1
        n_explicit, s_explicit = representation.explicit_every_input_sizes(m_features, k)
        passed &= n_explicit >= E_ABOVE * k * s_explicit and E_BELOW ** s_explicit >= m_features ** (k + 1)
        passed &= representation.expected_covers(m_features, n_explicit, s_explicit, k, exact=True) < 1
    return Check("every-input-union-bound", r"$m\binom{m-1}{k}\Pr(S_i \subseteq \bigcup_{j \in A} S_j) < 1$ "
                 r"at the union bound's $n$ and at $n = \lceil ek\lceil (k+1)\ln m\rceil\rceil$, exactly",
                 bool(passed), 2 * len(cases))


def run_all(m_max: int = 2000, n_max: int = 150, one_layer_cases: dict | None = None,
            cover_cases=COVER_CASES) -> list[Check]:
    """Run every check; ``m_max`` and ``n_max`` size the exact ranges, the cases the brute-force counts."""
    checks = [check_stirling_lower(), check_stirling_upper(), check_stirling_exact(m_max),
              check_family_size_symbolic(), check_family_size_exact(n_max), check_neuron_bound(),
              check_neuron_bound_exact(m_max), check_total_neurons(min(n_max, 14), m_max), check_sauer_shelah(n_max),
              check_threshold_counter(cover_cases), check_real_params_exact(min(m_max, 300)), check_real_params_order(),
              check_ticket(), check_lambert_identity(), check_lambert_bounds(), check_capacity_inversion(),
              check_capacity_order(), check_capacity_search(), check_growth_limits(), check_precision(), check_gap(),
              check_every_input_union_bound()]
    if one_layer_cases is not None:
        checks.append(check_one_layer_count(one_layer_cases))
    return checks


# --------------------------------------------------------------------------- q-AND


def check_q_and_family_size_exact(m_max: int = 24, qs=(3, 4)) -> Check:
    r""":func:`superpos.bounds.log2_num_q_and_instances` and ``min_bits_q_and`` against exact integers.

    For every q in ``qs``, every :math:`q \le m \le` ``m_max`` and every
    :math:`m' \le \min(\binom{m}{q}, 400)`: the float :math:`\log_2|F_q|` is within
    :math:`10^{-12}` (relative) of :math:`\log_2` of the exact
    :math:`\binom{\binom{m}{q}}{m'}`, ``min_bits_q_and`` equals
    ``(|F_q| - 1).bit_length()``, and :math:`(Q/m')^{m'} \le |F_q| \le Q^{m'}/m'!`
    with :math:`Q = \binom{m}{q}`, in exact integers.
    """
    m_max = _check_positive_int(m_max, "m_max")
    passed, cases = True, 0
    for q in qs:
        for m_in in range(q, m_max + 1):
            total = math.comb(m_in, q)
            outputs = np.arange(1, min(total, 400) + 1)
            numeric = np.atleast_1d(bounds.log2_num_q_and_instances(m_in, outputs, q))
            bits = np.atleast_1d(bounds.min_bits_q_and(outputs, m_in, q=q))
            for count, value, bit in zip(outputs.tolist(), numeric, bits):
                exact = math.comb(total, count)
                passed &= abs(value - _log2_int(exact)) <= 1e-12 * max(_log2_int(exact), 1.0)
                passed &= int(bit) == (exact - 1).bit_length()
                passed &= exact * count**count >= total**count and exact * math.factorial(count) <= total**count
                cases += 1
    return Check("q-and-family-size-exact", rf"$\log_2\binom{{\binom{{m}}{{q}}}}{{m'}}$ and its ceiling against exact "
                 rf"integers, $q \in {set(qs)}$, $m \le {m_max}$", bool(passed), cases)


def check_q_and_order(qs=(2, 3, 4)) -> Check:
    r"""With :math:`m = m'`, :math:`\log_2|F_q| / (m'\log_2 m') \to q - 1`.

    From :math:`(Q/m')^{m'} \le |F_q| \le (eQ/m')^{m'}`
    (:func:`check_family_size_symbolic`), :math:`\log_2|F_q|/(m'\log_2 m')`
    lies between :math:`\ln(Q/m')/\ln m'` and :math:`\ln(eQ/m')/\ln m'` with
    :math:`Q = \binom{m'}{q} = m'(m'-1)\cdots(m'-q+1)/q!`; SymPy finds both
    limits equal to :math:`q - 1`. So the parameters need
    :math:`\Omega((q-1)\,m'\log m')` and the neurons :math:`\Omega(\sqrt{(q-1)\,m'\log m'})`.
    """
    passed = True
    for q in qs:
        tuples = sp.Mul(*[(m - i) for i in range(q)]) / sp.factorial(q)
        lower = sp.expand_log(sp.log(tuples / m), force=True) / sp.log(m)
        upper = sp.expand_log(sp.log(sp.E * tuples / m), force=True) / sp.log(m)
        passed &= limit_is(lower, m, q - 1) and limit_is(upper, m, q - 1)
    return Check("q-and-order", r"$\log_2\binom{\binom{m'}{q}}{m'} \sim (q-1)\, m'\log_2 m'$ for "
                 rf"$q \in {set(qs)}$", bool(passed))


def check_q_and_neurons_exact(m_max: int = 2000, qs=(3, 4)) -> Check:
    r""":func:`superpos.bounds.min_total_neurons_q_and` is the least total, for every :math:`m' \le` ``m_max``.

    With :math:`m = m'` and :math:`b \in \{1, 8\}`: :math:`b(\lfloor N^2/4\rfloor + N) \ge`
    the bits :math:`> b(\lfloor (N-1)^2/4\rfloor + N - 1)`, in exact integers.
    """
    m_max = _check_positive_int(m_max, "m_max")
    passed, cases = True, 0
    for q in qs:
        outputs = np.arange(q + 1, m_max + 1)
        needed = np.atleast_1d(bounds.min_bits_q_and(outputs, q=q))
        for bits in (1, 8):
            total = np.atleast_1d(bounds.min_total_neurons_q_and(outputs, q=q, bits_per_param=bits))
            holds = bits * (total * total // 4 + total) >= needed
            least = (total == 0) | (bits * ((total - 1) ** 2 // 4 + total - 1) < needed)
            passed &= bool(np.all(holds) and np.all(least))
            cases += len(outputs)
    return Check("q-and-neurons-exact", rf"min_total_neurons_q_and is the least total for every $m' \le {m_max}$",
                 bool(passed), cases)


def run_q_and(m_max: int = 2000, exact_m_max: int = 24) -> list[Check]:
    """The q-AND checks: family sizes against exact integers, the order (q − 1) m' log m', the least neurons."""
    return [check_q_and_family_size_exact(exact_m_max), check_q_and_order(), check_q_and_neurons_exact(m_max)]
