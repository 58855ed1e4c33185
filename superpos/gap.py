r"""The gap between representing and computing in superposition (claim C7).

Everything here is assembled from the other modules; this module lines their
numbers up on common grids of :math:`m'` and defines the one ratio both
chapters quote.

* Representing :math:`m'` features so that *every* input with at most
  :math:`k` active features decodes exactly takes at most
  :math:`n_{\mathrm{rep}}(m')` neurons, the union bound of
  :func:`superpos.representation.every_input_neurons_bound` (a proved upper
  bound, :math:`O(k^2\log m')`); the representation chapter certifies codes of
  about that size. For random inputs fewer suffice
  (:func:`superpos.representation.predicted_min_neurons`).
* Computing :math:`m'` pairwise ANDs of :math:`m = m'` inputs, exactly on every
  input, under fixed codes, with parameters of :math:`b` bits, takes at least
  :math:`N_b(m')` neurons in all, at any depth, the least :math:`N` with
  :math:`b(\lfloor N^2/4\rfloor + N) \ge \lceil\log_2|F|\rceil`
  (:func:`superpos.bounds.min_total_neurons`, proved), and
  :math:`N_b = \Theta(\sqrt{m'\log m'/b})`.
* The construction's networks are read from the table its chapter saves
  (:func:`construction_line`); one neuron per AND takes :math:`m + m'`.

:func:`gap_factor` is :math:`N_b(m') / n_{\mathrm{rep}}(m')`: a lower bound
(proved) on how many times more neurons computing takes than representing, at
the same standard (every input).

Why the gap is exponential: write :math:`n_{\mathrm{rep}} = c_{\mathrm{rep}}\ln m'` for
the neurons that represent :math:`m'` features; then
:math:`m' = e^{n_{\mathrm{rep}}/c_{\mathrm{rep}}}` and
:math:`N_b \approx 2\sqrt{m'\log_2 m'/b} = 2e^{n_{\mathrm{rep}}/(2c_{\mathrm{rep}})}
\sqrt{n_{\mathrm{rep}}/(c_{\mathrm{rep}} b\ln 2)}`. This is a change of variables, true
of any pair of functions of these orders: it restates the two bounds, it adds
nothing to them.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from superpos import bounds, representation
from superpos.validation import check_int

__all__ = ["GapTheory", "construction_line", "exponential_rate", "gap_factor", "gap_theory", "log2_relabellings",
           "log_grid", "one_neuron_per_and_neurons", "relabelling_neurons_bound"]

#: Columns a construction table must have (see :func:`construction_line`).
CONSTRUCTION_COLUMNS = ("family", "n_outputs", "n_inputs", "n_neurons", "n_params", "bits_per_param", "n_layers",
                        "naive_neurons", "guarantee")


def log_grid(m_min: int, m_max: int, per_decade: int) -> np.ndarray:
    """Integers from ``m_min`` to ``m_max`` (both included), about ``per_decade`` per factor of ten.

    Parameters
    ----------
    m_min, m_max : int
        Ends of the grid, ``2 <= m_min <= m_max``.
    per_decade : int
        Points per factor of ten, at least 1 (rounding may merge a few at the low end).

    Returns
    -------
    ndarray of int64
        Strictly increasing, log-spaced, starting at ``m_min`` and ending at ``m_max``.

    Examples
    --------
    >>> log_grid(10, 1000, 2).tolist()
    [10, 32, 100, 316, 1000]
    """
    m_min = check_int(m_min, "m_min", 2)
    m_max = check_int(m_max, "m_max", m_min)
    per_decade = check_int(per_decade, "per_decade", 1)
    count = max(2, int(np.ceil(np.log10(m_max / m_min) * per_decade)) + 1)
    grid = np.unique(np.rint(np.geomspace(m_min, m_max, count)).astype(np.int64))
    return grid


def one_neuron_per_and_neurons(n_outputs, n_inputs=None) -> np.ndarray:
    """Neurons of the one-neuron-per-AND network: ``n_inputs`` (m) input neurons plus one per output.

    The count of :func:`superpos.layout.naive_and_network` (input layer
    included, as for every network of the book), in closed form so that it can
    be drawn at sizes where building the network would be pointless.
    ``n_inputs`` defaults to ``n_outputs`` (m = m').

    Examples
    --------
    >>> one_neuron_per_and_neurons(np.array([10, 100])).tolist()
    [20, 200]
    """
    n_outputs = np.asarray(n_outputs)
    n_inputs = n_outputs if n_inputs is None else np.asarray(n_inputs)
    if n_outputs.dtype.kind not in "iu" or n_inputs.dtype.kind not in "iu":
        raise TypeError(f"n_outputs and n_inputs must be integers, got dtypes {n_outputs.dtype} and {n_inputs.dtype}")
    if np.any(n_outputs < 1) or np.any(n_inputs < 2):
        raise ValueError("n_outputs must be at least 1 and n_inputs at least 2 (a pair needs two inputs)")
    return (n_inputs + n_outputs).astype(np.int64)


def gap_factor(m_out: int, k: int = 3, bits_per_param: int = 1) -> float:
    r"""How many times more neurons computing :math:`m'` ANDs takes than representing :math:`m'` features, at least.

    The ratio :math:`N_b(m') / n_{\mathrm{rep}}(m')` of the fewest neurons in
    all (any depth, :math:`b` bits per parameter, fixed codes) that compute
    every instance of 2-AND with :math:`m' = m` outputs exactly on every input
    (:func:`superpos.bounds.min_total_neurons`) to the neurons with which a
    sparse code provably represents :math:`m'` features for every input of at
    most ``k`` actives (:func:`superpos.representation.every_input_neurons_bound`).
    The first is a lower bound and the second an upper bound on what their
    tasks need, so the ratio is a lower bound on the true ratio of the two
    costs. The chapters quote this function and no other ratio.

    Examples
    --------
    >>> round(gap_factor(10**6), 2)
    27.52
    """
    m_out = check_int(m_out, "m_out", 3)
    k = check_int(k, "k", 1)
    bits_per_param = check_int(bits_per_param, "bits_per_param", 1)
    computing = bounds.min_total_neurons("and", m_out, m_in=m_out, bits_per_param=bits_per_param)
    return float(computing / representation.every_input_neurons_bound(m_out, k))


@dataclass(frozen=True)
class GapTheory:
    """Neurons against :math:`m'` from the proved bounds and the theory (see :func:`gap_theory`).

    Attributes
    ----------
    m : ndarray of int
        The grid of :math:`m'` (features represented, ANDs computed, m = m').
    lower_bound : dict of int to ndarray
        For each bits per parameter :math:`b`, the fewest neurons in all that
        compute every 2-AND instance (:func:`superpos.bounds.min_total_neurons`).
    every_input : ndarray
        Neurons with which a sparse code provably decodes every input
        (:func:`superpos.representation.every_input_neurons_bound`).
    random_input : ndarray
        The theory's minimum for ``n_trials`` random inputs
        (:func:`superpos.representation.predicted_min_neurons`).
    one_per_and : ndarray
        :math:`m + m'`.
    k, n_trials : int

    Examples
    --------
    >>> theory = gap_theory(1000, k=2, n_trials=100, per_decade=1)
    >>> theory.m.tolist(), theory.lower_bound[1].tolist()
    ([10, 100, 1000], [10, 52, 202])
    """

    m: np.ndarray
    lower_bound: dict
    every_input: np.ndarray
    random_input: np.ndarray
    one_per_and: np.ndarray
    k: int
    n_trials: int


def gap_theory(m_max: int, k: int = 3, bits=(1, 8), n_trials: int = 1000, m_min: int = 10,
               per_decade: int = 4) -> GapTheory:
    """The bounds of both tasks on a log grid of :math:`m'` from ``m_min`` to ``m_max``.

    Parameters
    ----------
    m_max, m_min : int
        Ends of the grid (:func:`log_grid`), ``m_min >= 3``.
    k : int
        Most active features of an input, for both tasks.
    bits : sequence of int
        Bits per parameter of the lower bounds drawn.
    n_trials : int
        Random inputs of the random-input theory.
    per_decade : int
        Grid points per factor of ten.

    Examples
    --------
    >>> theory = gap_theory(10**6, per_decade=1)
    >>> int(theory.every_input[-1]), int(theory.lower_bound[1][-1]), int(theory.lower_bound[8][-1])
    (328, 9026, 3190)
    """
    m_min = check_int(m_min, "m_min", 3)
    grid = log_grid(m_min, check_int(m_max, "m_max", m_min), per_decade)
    k = check_int(k, "k", 1)
    n_trials = check_int(n_trials, "n_trials", 1)
    bits = tuple(check_int(b, "every entry of bits", 1) for b in bits)
    if not bits:
        raise ValueError("bits must name at least one number of bits per parameter")
    lower = {b: np.asarray(bounds.min_total_neurons("and", grid, m_in=grid, bits_per_param=b), dtype=np.int64)
             for b in bits}
    every = np.array([representation.every_input_neurons_bound(int(m), k) for m in grid], dtype=np.int64)
    random = np.array([representation.predicted_min_neurons(int(m), k, n_trials) for m in grid], dtype=np.int64)
    return GapTheory(grid, lower, every, random, one_neuron_per_and_neurons(grid), k, n_trials)


def construction_line(table: dict, family: str = "uniform") -> dict:
    """The networks of one pair family from the construction chapter's table, by increasing :math:`m'`.

    Parameters
    ----------
    table : dict of str to array
        As :func:`superpos.results.load_results` returns the table
        ``construction-curves``: columns ``family``, ``n_outputs``,
        ``n_inputs``, ``n_neurons`` (all layers), ``n_params``,
        ``bits_per_param``, ``n_layers``, ``naive_neurons`` and ``guarantee``.
    family : str
        The family whose rows are returned.

    Returns
    -------
    dict of str to ndarray
        The same columns (without ``family``), sorted by ``n_outputs``, with
        ``lower_bound``: the fewest neurons in all that any network with the
        same parameter precision needs for the same :math:`(m, m')`.

    Examples
    --------
    >>> table = {"family": np.array(["uniform", "star"]), "n_outputs": np.array([1000, 1000]),
    ...          "n_inputs": np.array([1000, 1001]), "n_neurons": np.array([2605, 2263]),
    ...          "n_params": np.array([273345, 1]), "bits_per_param": np.array([1, 1]),
    ...          "n_layers": np.array([1, 1]), "naive_neurons": np.array([2000, 2001]),
    ...          "guarantee": np.array(["heuristic bound", "certified"])}
    >>> line = construction_line(table)
    >>> line["n_neurons"].tolist(), line["lower_bound"].tolist(), line["guarantee"].tolist()
    ([2605], [202], ['heuristic bound'])
    """
    if not isinstance(table, dict):
        raise TypeError(f"table must be a dict of columns, got {type(table).__name__}")
    missing = [c for c in CONSTRUCTION_COLUMNS if c not in table]
    if missing:
        raise ValueError(f"the construction table lacks the columns {missing}; it needs {list(CONSTRUCTION_COLUMNS)}")
    rows = np.flatnonzero(np.asarray(table["family"]) == family)
    if not rows.size:
        found = sorted(set(np.asarray(table["family"]).tolist()))
        raise ValueError(f"the construction table has no rows of family {family!r}; it has {found}")
    rows = rows[np.argsort(np.asarray(table["n_outputs"])[rows], kind="stable")]
    line = {c: np.asarray(table[c])[rows] for c in CONSTRUCTION_COLUMNS if c != "family"}
    line["lower_bound"] = np.array([
        bounds.min_total_neurons("and", int(m_out), m_in=int(m_in), bits_per_param=int(b))
        for m_out, m_in, b in zip(line["n_outputs"], line["n_inputs"], line["bits_per_param"])], dtype=np.int64)
    return line


def log2_relabellings(tuples, n_inputs: int) -> float:
    r"""Return a lower bound on :math:`\log_2` of the number of instances that relabel the inputs of ``tuples``.

    An instance is the ordered list of its :math:`m'` output tuples (pairs, or
    q-tuples) on :math:`m` inputs. Relabelling the inputs by a permutation
    :math:`\sigma` keeps every influence, so a construction whose widths
    depend on the instance only through its influences builds every
    relabelling with the same widths. The relabellings number
    :math:`m!/|\mathrm{Stab}|`, where :math:`\sigma \in \mathrm{Stab}` maps
    every tuple to itself (the outputs have fixed codes, so the order of the
    list is kept). Such a :math:`\sigma` maps input :math:`i` to an input in
    exactly the same outputs as :math:`i`, so it permutes each group of inputs
    that share their set of outputs within the group, and
    :math:`|\mathrm{Stab}| \le \prod_g n_g!`. Two distinct relabellings
    differ in some output's tuple, and the input that activates exactly that
    tuple tells them apart, as in the bounds chapter's distinguishing lemma, so
    the counting bounds hold for this family with
    :math:`\log_2|F| \ge \log_2 m! - \sum_g \log_2 n_g!`, the value returned.

    Parameters
    ----------
    tuples : array-like of int, shape (m', a)
        The endpoints of every output, each in ``0 .. n_inputs - 1``.
    n_inputs : int
        :math:`m`, at least 2.

    Examples
    --------
    >>> round(log2_relabellings([[0, 1], [0, 2]], 4), 6)  # every input in outputs of its own: 4! = 24
    4.584963
    >>> log2_relabellings([[0, 1]], 2)  # swapping the two endpoints keeps the one pair
    0.0
    """
    n_inputs = check_int(n_inputs, "n_inputs", 2)
    array = np.asarray(tuples)
    if array.ndim != 2 or array.shape[0] < 1 or array.dtype.kind not in "iu":
        raise ValueError(f"tuples must be a 2-D integer array of shape (m', a) with m' >= 1, got {array!r:.80}")
    if array.min() < 0 or array.max() >= n_inputs:
        raise ValueError(f"every endpoint must lie in 0 .. n_inputs - 1 = {n_inputs - 1}")
    inputs = array.ravel()
    outputs = np.repeat(np.arange(array.shape[0]), array.shape[1])
    order = np.lexsort((outputs, inputs))
    inputs, outputs = inputs[order], outputs[order]
    starts = np.flatnonzero(np.r_[True, inputs[1:] != inputs[:-1]])
    groups = Counter(tuple(part.tolist()) for part in np.split(outputs, starts[1:]))
    groups[()] += n_inputs - starts.size  # inputs in no output
    log_stab = sum(math.lgamma(size + 1) for size in groups.values())
    return max(0.0, (math.lgamma(n_inputs + 1) - log_stab) / math.log(2))


def relabelling_neurons_bound(tuples, n_inputs: int, bits_per_param: int) -> int:
    r"""Return the fewest neurons in all that compute every relabelling of ``tuples`` at :math:`b` bits.

    The least :math:`N` with :math:`b(\lfloor N^2/4\rfloor + N) \ge
    \lfloor L\rfloor`, :math:`L` from :func:`log2_relabellings` (rounded down,
    so the bound can only be weaker), as
    :func:`superpos.bounds.min_total_neurons` for the whole family.

    Examples
    --------
    >>> relabelling_neurons_bound([[0, 1], [0, 2], [1, 2]], 6, 1)  # 6!/(3! 1! 1! 1!) = 120: 6 bits
    4
    """
    bits = check_int(bits_per_param, "bits_per_param", 1)
    needed = math.floor(log2_relabellings(tuples, n_inputs))
    return int(bounds.neurons_holding(-(-needed // bits)))


def exponential_rate(representation_neurons, computing_neurons) -> float:
    r"""Least-squares slope of :math:`\ln(\text{computing neurons})` against representation neurons.

    A straight line on these axes is exponential growth; its slope is the rate
    :math:`1/(2c_{\mathrm{rep}})` of the module docstring when the representation takes
    :math:`c_{\mathrm{rep}}` neurons per unit of :math:`\ln m'`.

    Examples
    --------
    >>> x = np.array([10, 20, 30])
    >>> round(exponential_rate(x, 3 * np.exp(0.1 * x)), 6)
    0.1
    """
    x = np.asarray(representation_neurons, dtype=float)
    y = np.asarray(computing_neurons, dtype=float)
    if x.ndim != 1 or x.shape != y.shape or x.size < 2:
        raise ValueError(f"representation_neurons and computing_neurons must be 1-D of equal length >= 2, "
                         f"got shapes {x.shape} and {y.shape}")
    if np.any(y <= 0):
        raise ValueError("computing_neurons must be positive (their logarithm is fitted)")
    if np.ptp(x) == 0:
        raise ValueError("representation_neurons must not all be equal (the slope is undefined)")
    slope, _ = np.polyfit(x, np.log(y), 1)
    return float(slope)
