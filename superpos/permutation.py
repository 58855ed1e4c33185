r"""Neural permutation in superposition: one ReLU layer, a proved failure bound, and sizes of the lower bound's order.

The task: m' features, a permutation π of them, and inputs that are sets A
of at most k active features; output π(i) must be present exactly when input
i is active. Inputs and outputs are both in superposition with the fixed line
codes of :mod:`superpos.codes`. It is the gate instance with one endpoint and
need 1 (:func:`superpos.gates.permutation_instance`), so the network is the
AND construction with a single endpoint (:func:`superpos.gates.build_gate_network`):
neuron w of the output channel serves O_w = {ℓ : w ∈ T_ℓ}, has weight 1 on
U_w = ∪_{ℓ∈O_w} S_{π⁻¹(ℓ)} and bias −(s − 1), so it fires iff the input puts at
least s into U_w.

What is proved
--------------
*No false negatives*, for every input and every choice of codes (see
:mod:`superpos.gates`).

*False positives.* Let r = max_w |O_w| be the most outputs one neuron serves
(read off the output code book, which is drawn independently of the input
codes). Over the seeded input codes,

    P[some input with at most k actives gets a wrong decision]
        ≤ Σ_{j=1}^{k} C(m', j) (m' − j) β_j^{t−j},                                    (1)

    β_j = min_{λ>0} exp(−λ(s − j) + (r − 1)(μ_j (e^λ − 1) + p_j g_j(λ))),

    μ_j = j s (q_in − 1)/N_j,  p_j = C(j, 2) s²/N_j,  N_j = q_in² − j − 1,
    g_j(λ) = e^{λj} − 1 − j (e^λ − 1).

*Proof.* Fix an input A of j ≥ 1 actives and an absent output ℓ, so
i = π⁻¹(ℓ) ∉ A; condition on the output codes and on the lines of A ∪ {i}.
(a) An active y is in R_w only for w ∈ T_{π(y)}, and T_{π(y)} meets T_ℓ in at most
one neuron (distinct lines), so at most j rows of T_ℓ hold a *member*; in
each of the other ≥ t − j rows x, with w_x the neuron of T_ℓ there,
U_{w_x} = S_i ∪ ∪_{i'∈J_x} S_{i'} with J_x = π⁻¹(O_{w_x} ∖ {ℓ}) disjoint from A.
(b) Two lines meet at most once, so Σ_{y∈A} |S_y ∩ U_{w_x}| ≤ c + F_x with
c = Σ_y |S_y ∩ S_i| ≤ j and F_x = Σ_{i'∈J_x} X_{i'}, X_{i'} = Σ_{y∈A} |S_y ∩ S_{i'}| ∈ [0, j];
w_x fires only if F_x ≥ s − j. (c) Lines through distinct points of the line
T_ℓ share no output but ℓ, so the sets J_x are disjoint. (d) The other
features' lines are a uniform injection into the q_in² − j − 1 lines left, so
(X_{i'}) is a function of a uniform random permutation of fixed values,
hence negatively associated (Joag-Dev & Proschan 1983, Thm 2.11);
non-decreasing functions of disjoint sets of them are negatively associated
as well, so P[all F_x ≥ s − j] ≤ Π_x P[F_x ≥ s − j], and E e^{λF_x} ≤ Π E e^{λX}
(Dubhashi & Ranjan 1998). (e) Each of the s points of S_y lies on q_in − 1 other
lines, and a line meets both S_y and S_y' only through a point of each (at
most s² lines), so over the N_j free lines E X ≤ μ_j and P[X ≥ 2] ≤ p_j. As
x ↦ e^{λx} − 1 − x(e^λ − 1) is convex and vanishes at 0 and 1, it is at most
g_j(λ) on {2, …, j}, so E e^{λX} ≤ 1 + μ_j(e^λ − 1) + p_j g_j(λ) ≤
exp(μ_j(e^λ − 1) + p_j g_j(λ)); with |J_x| ≤ r − 1 and Markov's inequality,
P[F_x ≥ s − j] ≤ β_j (the minimum is taken over a grid of λ, which can only
raise it). (f) A union over the
C(m', j)(m' − j) pairs (A, ℓ) and j = 1..k gives (1); the empty input fires
nothing. ∎

*Order.* Take q_in = q_out = q ≥ √(2κm'), κ = (e² − 1)k, and suppose
r ≤ 2m'/q (true of random lines for large m'; :func:`order_sizes` uses the
exact r of a seeded code book when given a seed, and assumes r = ⌊2m'/q⌋
without one). At λ = 2, (r − 1)μ_j(e² − 1) ≤ 2m' j s (e² − 1)/q² ≤ s and
(r − 1)p_j g_j(2) ≤ 2m' C(k, 2) s² e^{2k}/q³ = O(s²/√m'), so
β_j ≤ exp(−(s − 2k) + o(1)) and (1) is at most δ once
(t − k)(s − 2k) ≥ Λ' + o(1), Λ' = ln(k Σ_j C(m', j)(m' − j)/δ) = O(log m').
With s = t = 2k + ⌈√Λ'⌉ + 1 (:func:`order_sizes`) that gives n = 2sq = Θ(√(m' log m'))
neurons and at most m' s t + t q = Θ(m' log m') one-bit parameters for fixed
k, the orders of the counting lower bounds for permutations (for parameters:
the bound for positions chosen per instance in a host of ⌊n²/4⌋ + n slots). s and t must grow
together: line codes need q_out ≥ √m', so t q_out ≥ t √m', and t = Θ(log m')
with s fixed would cost Θ(√m' log m').

:func:`permutation_sizes` searches the widths with the fewest neurons that
meet (1) (r estimated while searching, then the exact r of the code book is
used and q_out raised until (1) holds), and :func:`build_permutation_network`
builds the network.
"""

from __future__ import annotations

from math import ceil, comb, e, isqrt, log, sqrt

import numpy as np

from superpos.codes import is_prime, next_prime, output_code_book
from superpos.gates import GateInstance, bound_from_terms, build_gate_network, permutation_instance, served_counts, \
    smallest_sizes
from superpos.network import Network
from superpos.one_layer import OneLayerSizes
from superpos.validation import check_int, check_probability, check_random_state

__all__ = ["LAMBDAS", "as_permutation", "build_permutation_network", "order_sizes", "permutation_failure_bound",
           "permutation_sizes", "random_permutation", "served_most"]


def random_permutation(n_features: int, seed: int = 0) -> np.ndarray:
    """A uniform random permutation of 0..m'-1 (``result[i] = π(i)``), drawn with ``seed``.

    Examples
    --------
    >>> sorted(random_permutation(5, seed=1).tolist())
    [0, 1, 2, 3, 4]
    """
    n_features = check_int(n_features, "n_features", 1)
    return check_random_state(seed).permutation(n_features)


def as_permutation(permutation) -> GateInstance:
    """The gate instance of a permutation (a :class:`~superpos.gates.GateInstance` of one endpoint passes through).

    Examples
    --------
    >>> as_permutation([1, 0]).endpoints.ravel().tolist()
    [1, 0]
    >>> as_permutation([0, 0])
    Traceback (most recent call last):
    ...
    ValueError: not a permutation of 0..1: value 0 appears 2 times and 1 never
    """
    if isinstance(permutation, GateInstance):
        if permutation.q != 1 or permutation.n_inputs != permutation.n_outputs or \
                np.unique(permutation.endpoints).size != permutation.n_outputs:
            raise ValueError("a gate instance is a permutation only with one endpoint per output, each input once")
        return permutation
    return permutation_instance(permutation)


def _event_counts(n_features: int, k: int) -> list[float]:
    """C(m', j) (m' − j) for j = 1..k: the (input, absent output) pairs with j actives."""
    return [float(comb(n_features, j)) * (n_features - j) for j in range(1, k + 1)]


#: The values of λ over which the bound (1) is minimised (any λ > 0 gives a valid bound).
LAMBDAS = np.concatenate([np.geomspace(1e-3, 1.0, 60, endpoint=False), np.linspace(1.0, 16.0, 241)])


def _bases(k: int, s: int, q_in: float, served) -> np.ndarray:
    """β_j of (1) for j = 1..k, shape (len(served), k)."""
    served = np.atleast_1d(np.asarray(served, float))
    out = np.ones((served.size, k))
    lam = LAMBDAS[None, :]
    for j in range(1, k + 1):
        if s <= j:
            continue
        free = q_in * q_in - j - 1
        mean, double = j * s * (q_in - 1) / free, comb(j, 2) * s * s / free
        convex = np.expm1(lam * j) - j * np.expm1(lam)  # g(j) = e^{λj} − 1 − j(e^λ − 1)
        exponent = -lam * (s - j) + np.maximum(served[:, None] - 1, 0) * (mean * np.expm1(lam) + double * convex)
        out[:, j - 1] = np.minimum(np.exp(exponent.min(axis=1)), 1.0)
    return out


def _terms(n_features: int, k: int, s: int, q_in: float, served) -> list:
    bases = _bases(k, s, q_in, served)
    return [(count, np.ones(1), bases[:, j - 1:j], j) for j, count in enumerate(_event_counts(n_features, k), 1)]


def permutation_failure_bound(n_features: int, k: int, code_size: int, q_in: int, output_code_size: int,
                              served) -> np.ndarray:
    """The proved bound (1) on P[some input with at most k actives gets a wrong decision].

    Parameters
    ----------
    n_features : int
        m' (= m).
    k : int
        The most active inputs.
    code_size, q_in : int
        s and the prime of the input line code.
    output_code_size : int
        t.
    served : int or array of int
        r, the most outputs one output neuron serves (vectorised).

    Examples
    --------
    >>> bounds = permutation_failure_bound(10**4, 3, 12, 691, 20, [20, 30, 40])
    >>> bool(np.all(np.diff(bounds) > 0)), bool(bounds[-1] < 1e-6)   # more outputs per neuron, larger bound
    (True, True)
    """
    n_features = check_int(n_features, "n_features", 1)
    k = check_int(k, "k", 1, n_features)
    s, t = check_int(code_size, "code_size", 1), check_int(output_code_size, "output_code_size", 1)
    q_in = check_int(q_in, "q_in", 2)
    return bound_from_terms(_terms(n_features, k, s, float(q_in), served), t).reshape(np.shape(served))


def served_most(n_features: int, output_code_size: int, q_out: int, seed: int = 0) -> int:
    """r: the most outputs one neuron of the seeded output line code serves.

    Examples
    --------
    >>> served_most(1000, 5, 47, seed=0) >= 1000 // 47
    True
    """
    codes = output_code_book(n_features, output_code_size * q_out, output_code_size, seed)
    return int(served_counts(codes, output_code_size * q_out).max())


def _load_estimate(n_features: int, q_out) -> np.ndarray:
    """An estimate of r used while searching: the mean load μ = m'/q_out plus √(2μ ln(40 q_out)) and 2.

    (The largest of about t q_out counts of mean μ; the exact r replaces it once the sizes are chosen.)
    """
    load = n_features / np.asarray(q_out, float)
    return np.ceil(load + np.sqrt(2 * load * np.log(40 * np.asarray(q_out, float))) + 2)


def permutation_sizes(n_features: int, k: int, failure_prob: float = 1e-6, seed: int = 0, *,
                      code_sizes=None, output_code_sizes=None) -> OneLayerSizes:
    """Widths with the fewest neurons s·q_in + t·q_out whose proved bound (1) is at most ``failure_prob``.

    The search (:func:`superpos.gates.smallest_sizes`, s in 2..30 and t in
    k+1..40 unless given) uses an estimate of r; the exact r of the output
    code book drawn with ``seed`` is then computed, and q_out is moved along
    the primes (up until (1) holds with it, then down, one prime at a time,
    while it still does). ``failure_bound`` of the result is (1)
    with the exact r, so it is a proved bound for the network
    :func:`build_permutation_network` builds with the same seed.

    Examples
    --------
    >>> sizes = permutation_sizes(1000, 3, 1e-6)
    >>> sizes.failure_bound <= 1e-6, sizes.output_code_size > 3
    (True, True)
    """
    n_features = check_int(n_features, "n_features", 2)
    k = check_int(k, "k", 1, n_features)
    failure_prob = check_probability(failure_prob, "failure_prob")
    code_sizes = list(range(2, 31)) if code_sizes is None else list(code_sizes)
    output_code_sizes = list(range(k + 1, 41)) if output_code_sizes is None else list(output_code_sizes)

    def terms_of(s, q_in, grid):
        return _terms(n_features, k, s, float(q_in), _load_estimate(n_features, grid))

    sizes = smallest_sizes(n_features, n_features, terms_of, failure_prob, code_sizes=code_sizes,
                           output_code_sizes=output_code_sizes)
    s, q_in, t = sizes.code_size, sizes.q_in, sizes.output_code_size

    def exact(q_out):
        return float(permutation_failure_bound(n_features, k, s, q_in, t, served_most(n_features, t, q_out, seed)))

    # With the exact r: up (by 1 %, at least to the next prime) until (1) holds, then down prime by prime
    # while it still does (20 primes at most).
    q_out, bound = sizes.q_out, exact(sizes.q_out)
    while not bound <= failure_prob:
        q_out = next_prime(max(q_out + 1, int(q_out * 1.01)))
        bound = exact(q_out)
    floor = max(t, isqrt(n_features - 1) + 1)
    for _ in range(20):
        lower = next((p for p in range(q_out - 1, floor - 1, -1) if is_prime(p)), None)
        if lower is None:
            break
        trial = exact(lower)
        if not trial <= failure_prob:
            break
        q_out, bound = lower, trial
    return OneLayerSizes(s, q_in, t, q_out, bound)


def order_sizes(n_features: int, k: int, failure_prob: float = 1e-6, seed: int | None = None) -> OneLayerSizes:
    """Sizes of the order argument: q_in = q_out = q ≥ √(2(e² − 1)k m'), s = t = 2k + ⌈√Λ'⌉ + 1.

    With ``seed=None``, ``failure_bound`` is the bound (1) with r = ⌊2m'/q⌋,
    which the argument *assumes* of the output code. With a seed, r is the
    most outputs one neuron of the output code book drawn with that seed
    serves (:func:`served_most`, recomputed for every t tried), so the bound
    is proved for that code book. The o(1) term of the argument is checked
    numerically: s = t grows by one until (1) is at most ``failure_prob``.
    Its neurons 2sq grow as √(m' log m') for fixed k.

    Examples
    --------
    >>> sizes = order_sizes(10**6, 3)
    >>> sizes.failure_bound <= 1e-6, sizes.code_size == sizes.output_code_size
    (True, True)
    >>> order_sizes(1000, 3, seed=0).failure_bound <= 1e-6
    True
    """
    n_features = check_int(n_features, "n_features", 2)
    k = check_int(k, "k", 1, n_features)
    failure_prob = check_probability(failure_prob, "failure_prob")
    if seed is not None:
        seed = check_int(seed, "seed", 0)
    budget = log(k * sum(_event_counts(n_features, k)) / failure_prob)
    size = 2 * k + ceil(sqrt(budget)) + 1
    q = next_prime(max(size + 1, ceil(sqrt(2 * (e * e - 1) * k * n_features)), isqrt(n_features - 1) + 1))
    while True:
        served = 2 * n_features // q if seed is None else served_most(n_features, size, q, seed)
        bound = float(permutation_failure_bound(n_features, k, size, q, size, served))
        if bound <= failure_prob:
            return OneLayerSizes(size, q, size, q, bound)
        size += 1


def build_permutation_network(permutation, k: int, seed: int = 0, *, sizes: OneLayerSizes | None = None,
                              failure_prob: float = 1e-6) -> Network:
    """Build the one-layer permutation network, sized by the proved bound (1) unless ``sizes`` are given.

    Parameters
    ----------
    permutation : sequence of int or GateInstance
        π, with ``permutation[i] = π(i)``.
    k : int
        The most active inputs the sizing covers.
    seed : int
        Seed of the input and output code books.
    sizes : OneLayerSizes, optional
        Widths to build (any, including too small ones); searched by
        :func:`permutation_sizes` for ``failure_prob`` when omitted.

    Examples
    --------
    >>> net = build_permutation_network([2, 0, 1, 3], 2, sizes=OneLayerSizes(3, 3, 3, 5, 1.0))
    >>> net.compute([[0], [1, 3]]).toarray().astype(int).tolist()
    [[0, 0, 1, 0], [1, 0, 0, 1]]
    """
    instance = as_permutation(permutation)
    k = check_int(k, "k", 1, instance.n_inputs)
    if sizes is None:
        sizes = permutation_sizes(instance.n_inputs, k, failure_prob, seed)
    elif not isinstance(sizes, OneLayerSizes):
        raise TypeError(f"sizes must be OneLayerSizes, got {type(sizes).__name__}")
    return build_gate_network(instance, sizes, seed, name=f"permutation ({sizes.describe()})")
