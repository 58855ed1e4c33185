r"""Sizing by certificate: the smallest one-layer AND network that the exact certificate passes.

The failure bounds of :mod:`superpos.one_layer` size a network so that, with
probability at least 1 − δ over the seeded codes, no input goes wrong. Once a
network is built, its codes are no longer random: :func:`superpos.certificate.certify`
decides exactly, for *that* network, whether any input with at most k actives
gets a wrong decision. So a network can be sized by the certificate instead
of by the bound: build smaller networks with the same seed and keep the
smallest one the certificate passes.

What the result means
---------------------
For the returned network, every one of the Σ_{j≤k} C(m, j) inputs gets every
decision right: *certified*, no probability left. It is the smallest network
*found*, not a proved minimum: passing is not monotone in the widths (a
wider network has other codes), so the search below can miss a smaller
network that passes.

The search
----------
Start from the sizes of the every-input bound, (s, t_B, q_0, q_1). For each
output-code size t in ``output_code_sizes`` (by default t_B and about ¾ and ½
of it) scale both channel widths by a factor α, keeping s and t fixed:

    n_in(α) = s · p(α s q_0 / s),   n_out(α) = t · p(α t_B q_1 / t),

with p(x) the least prime ≥ x that still makes line codes (q ≥ s, q² ≥ m).
α = 1 keeps the bound's neurons; if the certificate fails there, α grows by
a factor 1.25 up to ``max_growth`` times. Then bisection on log α between
the smallest passing α and the largest failing one (α = ¼ of the passing one
to begin with, never itself tried), until the two are within a factor
1 + ``rel_tol``. The widths of every size tried and the certificate's verdict on
it are returned (:class:`SizingTrial`), so the search can be shown whole.

Examples
--------
>>> from superpos.families import uniform_pairs
>>> pairs = uniform_pairs(60, 200, seed=0)
>>> result = certified_one_layer(pairs, 60, 3, seed=0, output_code_sizes=(10,), rel_tol=0.1)
>>> result.certificate.passed, result.bound_sizes.n_neurons, result.n_neurons
(True, 1950, 900)
"""

from __future__ import annotations

from dataclasses import dataclass
from math import isqrt, sqrt

from superpos.certificate import Certificate, certify
from superpos.codes import next_prime
from superpos.instance import as_and_instance
from superpos.network import Network
from superpos.one_layer import (OneLayerSizes, build_one_layer_and_network, one_layer_sizes,
                                one_layer_sizes_for_widths)
from superpos.validation import check_int, check_probability

__all__ = ["CertifiedSizing", "SizingTrial", "certified_one_layer"]


@dataclass(frozen=True)
class SizingTrial:
    """One network the search built and certified.

    Examples
    --------
    >>> SizingTrial(OneLayerSizes(3, 11, 3, 11, 0.5), passed=False, false_positives=4, seconds=0.1).n_neurons
    66
    """

    sizes: OneLayerSizes  #: its widths (and their every-input bound, for reference)
    passed: bool  #: the certificate's verdict over every input
    false_positives: int  #: outputs that some input makes fire wrongly
    seconds: float  #: wall time of the certificate

    @property
    def n_neurons(self) -> int:
        """Neurons of the network tried."""
        return self.sizes.n_neurons


@dataclass(frozen=True)
class CertifiedSizing:
    """The smallest certified network found, the bound-sized one it started from, and every trial.

    Examples
    --------
    >>> from superpos.families import uniform_pairs
    >>> found = certified_one_layer(uniform_pairs(40, 60, seed=1), 40, 2, output_code_sizes=(3,), rel_tol=0.2)
    >>> found.n_neurons == found.network.n_neurons, found.shrink < 1
    (True, True)
    """

    sizes: OneLayerSizes  #: sizes of the certified network
    network: Network  #: the certified network (seeded as asked)
    certificate: Certificate  #: its verdict: passed
    bound_sizes: OneLayerSizes  #: sizes the every-input bound chooses for the same δ
    trials: tuple  #: every :class:`SizingTrial`, in the order tried

    @property
    def n_neurons(self) -> int:
        """Neurons of the certified network."""
        return self.sizes.n_neurons

    @property
    def shrink(self) -> float:
        """Neurons of the certified network over those of the bound-sized one."""
        return self.n_neurons / self.bound_sizes.n_neurons


def _prime_width(target: float, rows: int, n_items: int) -> int:
    """The width rows·q of the least prime q ≥ target/rows that makes a line code of n_items codes."""
    floor = max(rows, isqrt(n_items - 1) + 1)
    return rows * next_prime(max(floor, int(round(target / rows))))


def certified_one_layer(pairs, n_inputs: int, k: int, seed: int = 0, *, failure_prob: float = 1e-6,
                        output_code_sizes=None, rel_tol: float = 0.02, max_growth: int = 4,
                        n_jobs: int = 1, memory_budget_bytes: int = 2 * 2**30,
                        progress: bool = False) -> CertifiedSizing:
    """Build the smallest one-layer AND network found that the certificate passes on every input.

    Parameters
    ----------
    pairs : AndInstance or array-like (m', 2)
    n_inputs : int or None
        m (None with an instance).
    k : int
        The most active features of an input; the certificate decides every
        input with at most k of them.
    seed : int
        Seed of the code books of every network tried (one seed, so the
        result is reproducible and belongs to that seed).
    failure_prob : float
        δ of the every-input bound whose sizes the search starts from.
    output_code_sizes : iterable of int, optional
        The values of t to search; by default the bound's t and about ¾ and ½ of it (at least 2).
    rel_tol : float
        Bisection stops when the failing and passing scale factors are within
        a factor 1 + rel_tol.
    max_growth : int
        Times the bound's widths may grow by 1.25 if the bound-sized network
        itself fails the certificate.
    n_jobs, memory_budget_bytes
        Passed to :func:`superpos.certificate.certify`.
    progress : bool
        Print one line per network tried (for command-line runs).

    Returns
    -------
    CertifiedSizing

    Raises
    ------
    ValueError
        Bad arguments, or no network passed within the widths allowed (the
        message gives the largest one tried).

    Examples
    --------
    >>> from superpos.families import uniform_pairs
    >>> found = certified_one_layer(uniform_pairs(40, 60, seed=1), 40, 2, output_code_sizes=(3,), rel_tol=0.2)
    >>> [trial.passed for trial in found.trials][:1]
    [True]
    >>> certified_one_layer(uniform_pairs(40, 60, seed=1), 40, 2, rel_tol=0)
    Traceback (most recent call last):
    ...
    ValueError: rel_tol must be a number in (0, 1], got 0
    """
    instance = as_and_instance(pairs, n_inputs)
    m, m_out = instance.n_inputs, instance.n_outputs
    k = check_int(k, "k", 1, m)
    failure_prob = check_probability(failure_prob, "failure_prob")
    max_growth = check_int(max_growth, "max_growth", 0)
    if not isinstance(rel_tol, (int, float)) or not 0 < rel_tol <= 1:
        raise ValueError(f"rel_tol must be a number in (0, 1], got {rel_tol!r}")
    bound = one_layer_sizes(instance, m, k, failure_prob)
    s, t_bound = bound.code_size, bound.output_code_size
    if output_code_sizes is None:
        output_code_sizes = sorted({t_bound, max(2, round(0.75 * t_bound)), max(2, round(0.5 * t_bound))},
                                   reverse=True)
    output_code_sizes = [check_int(t, "output_code_sizes[...]", 1) for t in output_code_sizes]
    if not output_code_sizes:
        raise ValueError("output_code_sizes must hold at least one value of t")

    trials: list[SizingTrial] = []
    tried: dict[tuple, tuple[bool, Network | None, Certificate]] = {}

    def attempt(t: int, scale: float) -> tuple[bool, OneLayerSizes]:
        widths = (_prime_width(scale * bound.n_input_neurons, s, m),
                  _prime_width(scale * t_bound * bound.q_out, t, m_out))
        sizes = one_layer_sizes_for_widths(instance, m, k, code_size=s, output_code_size=t,
                                           n_input_neurons=widths[0], n_output_neurons=widths[1])
        key = (t, widths)
        if key not in tried:
            network = build_one_layer_and_network(instance, m, k, seed, sizes=sizes, failure_prob=failure_prob,
                                                  enforce_bound=False)
            verdict = certify(network, instance, k, max_witnesses=1, n_jobs=n_jobs,
                              memory_budget_bytes=memory_budget_bytes)
            tried[key] = (verdict.passed, network if verdict.passed else None, verdict)
            trials.append(SizingTrial(sizes, verdict.passed, verdict.false_positives, verdict.seconds))
            if progress:
                print(f"certified sizing: {sizes.describe()}, {sizes.n_neurons:,} neurons: "
                      f"{'passed' if verdict.passed else f'{verdict.false_positives:,} outputs wrong'} "
                      f"({verdict.seconds:.1f} s)", flush=True)
        return tried[key][0], sizes

    best: tuple[int, tuple] | None = None
    for t in output_code_sizes:
        passing, failing = 1.0, None
        passed, sizes = attempt(t, passing)
        growth = 0
        while not passed and growth < max_growth:
            failing, passing, growth = passing, passing * 1.25, growth + 1
            passed, sizes = attempt(t, passing)
        if not passed:
            continue
        if failing is None:
            failing = passing / 4
        # Bisection on log α; a failing low end is never certified, so it is tested only when reached.
        while passing / failing > 1 + rel_tol:
            middle = sqrt(passing * failing)
            ok, _ = attempt(t, middle)
            passing, failing = (middle, failing) if ok else (passing, middle)
        _, sizes = attempt(t, passing)
        if best is None or sizes.n_neurons < best[0]:
            best = (sizes.n_neurons, (t, (sizes.n_input_neurons, sizes.n_output_neurons)), sizes)
    if best is None:
        largest = max(trials, key=lambda trial: trial.n_neurons)
        raise ValueError(f"no one-layer network passed the certificate; the largest tried "
                         f"({largest.sizes.describe()}, {largest.n_neurons:,} neurons) has "
                         f"{largest.false_positives:,} outputs with a false positive; raise max_growth")
    _, key, sizes = best
    _, network, verdict = tried[key]
    return CertifiedSizing(sizes, network, verdict, bound, tuple(trials))
