r"""Checks of the counting bound that could fail: SymPy identities, limits and exact ranges.

Each ``check_*`` function returns a :class:`Check` whose ``passed`` is true
only when SymPy settles the statement (an identity simplifies to zero, a limit
evaluates to the stated number, a sign is decided) or when every case of an
exact range holds. An unevaluated SymPy result counts as a failure, never as a
pass; where SymPy cannot settle a limit directly, the check bounds the
expression from both sides by forms it can settle.

Symbols carry their assumptions: counts such as :math:`m'`, :math:`b`,
:math:`L`, :math:`n` are ``positive=True, integer=True``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from superpos import bounds

#: The symbols of the chapter, with their assumptions.
m = sp.Symbol("m", positive=True, integer=True)  # m', the number of outputs
b = sp.Symbol("b", positive=True, integer=True)  # bits per parameter
L = sp.Symbol("L", positive=True, integer=True)  # dense layers
n = sp.Symbol("n", positive=True, integer=True)  # neurons per layer


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
        Number of exact cases behind it (1 for a symbolic statement).
    """

    name: str
    statement: str
    passed: bool
    cases: int = 1


def _is_zero(expr) -> bool:
    """True only if SymPy simplifies ``expr`` to exactly zero."""
    return sp.simplify(expr) == 0


def _limit_is(expr, var, value) -> bool:
    """True only if SymPy evaluates the limit at infinity to exactly ``value``."""
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

    Let :math:`d(m) = \ln m! - (m\ln m - m + \tfrac12\ln m)`. SymPy checks
    (i) :math:`d(1) = 1`; (ii) :math:`d(m) - d(m+1) = (m+\tfrac12)\ln(1+1/m) - 1`;
    (iii) with :math:`x = 1/(2m+1)`, :math:`(m+\tfrac12)\ln(1+1/m) =
    \ln\frac{1+x}{1-x}/(2x)`; (iv) :math:`g(x) = \ln\frac{1+x}{1-x} - 2x` has
    :math:`g(0) = 0` and :math:`g'(x) = 2x^2/(1-x^2) > 0` at :math:`x = 1/(2m+1)`.
    So :math:`d` decreases and :math:`d(m) \le d(1) = 1`.
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
    return Check("stirling-upper", r"$d(m') = \ln m'! - m'\ln m' + m' - \tfrac12\ln m'$ decreases from $d(1) = 1$",
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
    r"""Each factor of :math:`\binom{N}{k} = \prod_{i<k}\frac{N-i}{k-i}` is at least :math:`N/k`.

    :math:`(N-i)k - N(k-i) = i(N-k) \ge 0` for :math:`0 \le i < k \le N`, so
    :math:`\binom{N}{k} \ge (N/k)^k`. And
    :math:`\binom{N}{k} \le N^k/k! \le (eN/k)^k` by the Stirling lower bound.
    """
    N, i = sp.symbols("N i", nonnegative=True, integer=True)
    slack = sp.Symbol("s", nonnegative=True, integer=True)  # N - k
    k = sp.Symbol("k", positive=True, integer=True)
    identity = _is_zero(sp.expand((N - i) * k - N * (k - i) - i * (N - k)))
    sign = (i * slack).is_nonnegative is True
    upper = _is_zero(sp.expand_log(sp.log((sp.E * N / k) ** k) - (k * sp.log(N) - (k * sp.log(k) - k)), force=True))
    return Check("family-size-symbolic", r"$(N/m')^{m'} \le \binom{N}{m'} \le (eN/m')^{m'}$",
                 identity and sign and upper)


def check_family_size_exact(n_max: int = 150) -> Check:
    r"""Check :math:`(N/k)^k \le \binom{N}{k} \le N^k/k!` for every :math:`1 \le k \le N \le` ``n_max``.

    Exact integers: :math:`\binom{N}{k}k^k \ge N^k` and :math:`\binom{N}{k}k! \le N^k`.
    Also checks :func:`superpos.bounds.log2_num_and_instances` against
    :math:`\log_2\binom{\binom{m}{2}}{m'}` computed from exact integers for
    every :math:`m \le 60` and every valid :math:`m'` (relative error
    below :math:`10^{-12}`).
    """
    n_max = _check_positive_int(n_max, "n_max")
    passed, cases = True, 0
    for total in range(1, n_max + 1):
        for k in range(1, total + 1):
            exact = math.comb(total, k)
            passed &= exact * k**k >= total**k and exact * math.factorial(k) <= total**k
            cases += 1
    for m_in in range(2, 61):
        pairs = m_in * (m_in - 1) // 2
        outputs = np.arange(1, pairs + 1)
        numeric = bounds.log2_num_and_instances(m_in, outputs)
        exact = np.array([_log2_int(math.comb(pairs, int(k))) for k in outputs])
        passed &= bool(np.all(np.abs(numeric - exact) <= 1e-12 * np.maximum(exact, 1.0)))
        cases += len(outputs)
    return Check("family-size-exact", rf"$(N/k)^k \le \binom{{N}}{{k}} \le N^k/k!$ for all $k \le N \le {n_max}$; "
                 r"numeric $\log_2$ of 2-AND sizes against exact integers", bool(passed), cases)


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
    r""":func:`superpos.bounds.min_neurons` is the least width, for every :math:`m' \le` ``m_max``.

    For both families, :math:`b \in \{1, 2, 8, 32\}` and :math:`L \in \{1, 3\}`:
    :math:`bL\,n(n+1) \ge \lceil\log_2|F|\rceil > bL\,(n-1)n`, in exact integers.
    """
    m_max = _check_positive_int(m_max, "m_max")
    passed, cases = True, 0
    for family, start in (("permutation", 1), ("and", 3)):
        outputs = np.arange(start, max(m_max, start) + 1)
        needed = bounds.min_bits(family, outputs)
        for bits in (1, 2, 8, 32):
            for depth in (1, 3):
                width = bounds.min_neurons(family, outputs, bits_per_param=bits, layers=depth)
                cap = bits * depth
                least = (width == 0) | (cap * (width - 1) * width < needed)
                passed &= bool(np.all(cap * width * (width + 1) >= needed) and np.all(least))
                cases += len(outputs)
    return Check("neuron-bound-exact", rf"min_neurons is the least width for every $m' \le {m_max}$", passed, cases)


# --------------------------------------------------------------------------- capacity


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
    r"""The Lambert-W capacities solve the leading-order equations exactly.

    Permutations: with :math:`c = B\ln 2`, :math:`w = W(c/e)` (so
    :math:`c = e\,w\,e^{w}`) and :math:`m' = c/w`: :math:`m'\ln m' - m' = c`.
    2-AND (:math:`m = m'`): with :math:`w = W(ec/2)` (so :math:`c = 2we^{w}/e`)
    and :math:`m' = c/w`: :math:`m'\ln(em'/2) = c`.
    """
    w = sp.Symbol("w", positive=True)
    c_perm = sp.E * w * sp.exp(w)
    m_perm = c_perm / w
    perm = _is_zero(sp.expand_log(m_perm * sp.log(m_perm) - m_perm - c_perm, force=True))
    c_and = 2 * w * sp.exp(w) / sp.E
    m_and = c_and / w
    pairs = _is_zero(sp.expand_log(m_and * sp.log(sp.E * m_and / 2) - c_and, force=True))
    return Check("capacity-inversion", r"$m' = B\ln 2/W(B\ln 2/e)$ solves $m'\ln m' - m' = B\ln 2$ (and the 2-AND form)",
                 perm and pairs)


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
        passed &= _limit_is(low / scale, n, target) and _limit_is(high / scale, n, target)
    return Check("capacity-order", r"$\mathrm{capacity}\cdot\ln n/n^2 \to bL\ln 2/2$", bool(passed))


def check_capacity_closed_form(widths=(2, 4, 16, 64, 256, 768, 3072, 4096, 12288), bit_widths=(1, 8, 16, 32)) -> Check:
    r"""Exact capacity by search and the Lambert-W form differ by at most two features.

    The closed form drops :math:`\tfrac12\log_2(2\pi m')` bits (permutations)
    or :math:`O(\log m')` bits (2-AND), and each extra feature costs about
    :math:`\log_2 m'` bits, so the two differ by :math:`O(1)` features, at every
    width (checked for :math:`L \in \{1, 4\}`).
    """
    passed, cases = True, 0
    for family in bounds.FAMILIES:
        for width in widths:
            for bits in bit_widths:
                for depth in (1, 4):
                    exact = bounds.capacity(width, bits, depth, family)
                    closed = bounds.capacity_lambert(width, bits, depth, family)
                    passed &= abs(closed - exact) <= 2
                    cases += 1
    return Check("capacity-closed-form", r"search and Lambert-W capacities differ by at most 2 features", bool(passed),
                 cases)


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
    direct = _limit_is(sp.log(sp.factorial(m)) / scale, m, 1)
    stirling = (_limit_is((m * sp.log(m) - m + 1) / scale, m, 1)
                and _limit_is((m * sp.log(m) - m + sp.log(m) / 2 + 1) / scale, m, 1))
    pairs = (_limit_is(m * sp.log((m - 1) / 2) / scale, m, 1)
             and _limit_is(m * sp.log(sp.E * (m - 1) / 2) / scale, m, 1))
    power = _limit_is(sp.log(m ** (2 * alpha) / (2 * m)) / sp.log(m), m, 2 * alpha - 1)
    return Check("growth-limits", r"$\log_2|F|/(m'\log_2 m') \to 1$ for both families ($m = m'$)",
                 direct and stirling and pairs and power)


def check_precision() -> Check:
    r"""How the parameter bound moves with :math:`b`.

    :math:`b` constant: :math:`(m'\ln m' - m')/b \big/ (m'\ln m') \to 1/b`.
    :math:`b = \beta\log_2 m'`: :math:`\log_2 m'!/b \big/ m' \to 1/\beta`, only
    :math:`\Omega(m')`.
    """
    beta = sp.Symbol("beta", positive=True)
    constant = _limit_is((m * sp.log(m) - m) / b / (m * sp.log(m)), m, 1 / b)
    log_bits = _limit_is((m * sp.log(m, 2) - m * sp.log(sp.E, 2)) / (beta * sp.log(m, 2)) / m, m, 1 / beta)
    return Check("precision", r"$b = O(1)$ gives $\Omega(m'\log m')$ parameters; $b = \Theta(\log m')$ only $\Omega(m')$",
                 constant and log_bits)


def check_gap() -> Check:
    r"""C7: computing over representing, :math:`\sqrt{m'\ln m'}/\ln m'`, beats every power of :math:`\ln m'`.

    With :math:`t = \ln m'` the ratio over :math:`(\ln m')^c` is
    :math:`e^{t/2}t^{-c-1/2}`, whose limit SymPy finds to be :math:`\infty`
    for a symbolic :math:`c > 0`.
    """
    t, c = sp.symbols("t c", positive=True)
    ratio = sp.sqrt(sp.exp(t) * t) / t
    rewritten = _is_zero(ratio / t**c - sp.exp(t / 2) * t ** (-c - sp.Rational(1, 2)))
    return Check("gap", r"$\sqrt{m'\ln m'}/\ln m' \,\big/\, (\ln m')^c \to \infty$ for every $c > 0$",
                 rewritten and _limit_is(sp.exp(t / 2) * t ** (-c - sp.Rational(1, 2)), t, sp.oo))


def run_all(m_max: int = 2000, n_max: int = 150) -> list[Check]:
    """Run every check; ``m_max`` and ``n_max`` size the exact ranges."""
    return [check_stirling_lower(), check_stirling_upper(), check_stirling_exact(m_max),
            check_family_size_symbolic(), check_family_size_exact(n_max), check_neuron_bound(),
            check_neuron_bound_exact(m_max), check_lambert_identity(), check_lambert_bounds(),
            check_capacity_inversion(), check_capacity_order(), check_capacity_closed_form(),
            check_growth_limits(), check_precision(), check_gap()]
