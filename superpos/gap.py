r"""The gap between representing and computing in superposition (claim C7).

Everything here is assembled from the other modules; this module only lines
their numbers up on common grids of :math:`m'`.

* Representing :math:`m'` features, :math:`k` active at a time, takes
  :math:`n_{\mathrm{rep}}(m') \approx a \ln m' + c` neurons
  (:func:`superpos.representation.min_neurons_curve`, measured; and
  :func:`superpos.representation.predicted_min_neurons`, its theory, which
  carries the curve to sizes too large to measure).
* Computing :math:`m'` pairwise ANDs of :math:`m = m'` inputs with parameters
  of :math:`b` bits needs at least :math:`N_b(m')` neurons, the least
  :math:`n` with :math:`b\,n(n+1) \ge \lceil \log_2 |F| \rceil`
  (:func:`superpos.bounds.min_layer_width`), and
  :math:`\log_2|F| = \Theta(m' \log m')`, so
  :math:`N_b(m') = \Theta(\sqrt{m' \log m' / b})`.
* The construction of :mod:`superpos.layout` computes them with
  :math:`O(\sqrt{m'}\log m')` neurons, and one neuron per AND takes
  :math:`m + m'`.

Why the gap is exponential: write :math:`r = n_{\mathrm{rep}}` and solve
:math:`r = a \ln m'` for :math:`m' = e^{r/a}`. Then

.. math::

    N_b \approx \sqrt{\frac{m' \log_2 m'}{b}}
        = e^{r / (2a)} \sqrt{\frac{r}{a\, b \ln 2}},

so the neurons needed to compute grow exponentially in the neurons needed to
represent, at rate :math:`1/(2a)` per neuron: :math:`\ln N_b / r \to 1/(2a)`.
Read the other way, :math:`n` neurons represent :math:`e^{\Theta(n)}`
features but compute only :math:`O(n^2/\log n)` of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from superpos import bounds, construction, representation
from superpos.validation import check_int

__all__ = ["GapCurves", "gap_curves", "log_grid", "one_neuron_per_and_neurons", "exponential_rate"]


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


@dataclass(frozen=True)
class GapCurves:
    """Neurons against :math:`m'` for representing and computing (see :func:`gap_curves`).

    Attributes
    ----------
    m_measured : ndarray of int
        The :math:`m'` at which networks and codes were built and tested.
    representation_sparse, representation_dense : ndarray of int
        Measured minimum neurons to represent :math:`m'` features (sparse
        binary codes; dense JL codes), on ``m_measured``.
    construction : ndarray of int
        Neurons of the AND construction built for :math:`m'` uniform random
        pairs of :math:`m = m'` inputs, on ``m_measured``.
    construction_bits_per_param : int
        Bits per parameter of those networks (their weights are 0/1).
    m_theory : ndarray of int
        A grid up to the largest :math:`m'` of the picture.
    representation_sparse_theory, representation_dense_theory : ndarray of int
        The theory's prediction of the measured minimum, on ``m_theory``.
    lower_bound : ndarray of int
        Fewest neurons (one dense layer, ``bits_per_param`` bits) that can
        compute :math:`m'` ANDs of :math:`m = m'` inputs, on ``m_theory``.
    one_per_and : ndarray of int
        Neurons of the one-neuron-per-AND network, on ``m_theory``.
    k, bits_per_param, n_trials : int
        Active features per input, bits per parameter, inputs per measurement.

    Examples
    --------
    >>> curves = GapCurves(np.array([10, 20]), np.array([20, 30]), np.array([25, 35]), np.array([300, 400]), 1,
    ...                    np.array([10, 100]), np.array([20, 40]), np.array([25, 45]), np.array([50, 400]),
    ...                    np.array([20, 200]), k=2, bits_per_param=8, n_trials=30)
    >>> curves.construction_bits_per_param, int(curves.lower_bound[-1])
    (1, 400)
    """

    m_measured: np.ndarray
    representation_sparse: np.ndarray
    representation_dense: np.ndarray
    construction: np.ndarray
    construction_bits_per_param: int
    m_theory: np.ndarray
    representation_sparse_theory: np.ndarray
    representation_dense_theory: np.ndarray
    lower_bound: np.ndarray
    one_per_and: np.ndarray
    k: int
    bits_per_param: int
    n_trials: int

    def ratio_at_largest(self) -> float:
        """Computing lower bound over the cheaper representation (theory) at the largest :math:`m'`.

        Examples
        --------
        >>> curves = GapCurves(np.array([10, 20]), np.array([20, 30]), np.array([25, 35]), np.array([300, 400]), 1,
        ...                    np.array([10, 100]), np.array([20, 40]), np.array([25, 45]), np.array([50, 400]),
        ...                    np.array([20, 200]), k=2, bits_per_param=8, n_trials=30)
        >>> curves.ratio_at_largest()   # 400 / min(40, 45)
        10.0
        """
        cheapest = min(self.representation_sparse_theory[-1], self.representation_dense_theory[-1])
        return float(self.lower_bound[-1] / cheapest)

    def ratio_at_largest_measured(self) -> float:
        """Computing lower bound over the cheaper measured representation at the largest measured :math:`m'`.

        Examples
        --------
        >>> curves = GapCurves(np.array([10, 20]), np.array([20, 30]), np.array([25, 35]), np.array([300, 400]), 1,
        ...                    np.array([10, 100]), np.array([20, 40]), np.array([25, 45]), np.array([50, 400]),
        ...                    np.array([20, 200]), k=2, bits_per_param=8, n_trials=30)
        >>> curves.ratio_at_largest_measured()
        0.1
        """
        m = self.m_measured[-1]
        cheapest = min(self.representation_sparse[-1], self.representation_dense[-1])
        bound = bounds.min_layer_width("and", int(m), int(m), bits_per_param=self.bits_per_param, layers=1)
        return float(bound / cheapest)

    def theory_deviation(self, code: str = "sparse") -> float:
        """Largest relative gap between measured and predicted representation sizes on ``m_measured``.

        It says how far the theory curves, drawn beyond the measured sizes, can be trusted.

        Examples
        --------
        >>> curves = GapCurves(np.array([10, 20]), np.array([20, 30]), np.array([25, 35]), np.array([300, 400]), 1,
        ...                    np.array([10, 100]), np.array([20, 40]), np.array([25, 45]), np.array([50, 400]),
        ...                    np.array([20, 200]), k=2, bits_per_param=8, n_trials=30)
        >>> round(curves.theory_deviation(), 3)
        0.167
        """
        if code not in ("sparse", "dense"):
            raise ValueError(f"code must be 'sparse' or 'dense', got {code!r}")
        measured = self.representation_sparse if code == "sparse" else self.representation_dense
        predicted = np.array([representation.predicted_min_neurons(int(m), self.k, self.n_trials, code)
                              for m in self.m_measured])
        return float(np.max(np.abs(measured - predicted) / predicted))


def gap_curves(m_measured_max: int, m_theory_max: int, k: int = 3, bits_per_param: int = 8, n_trials: int = 1000,
               seed: int = 0, m_min: int = 10, per_decade: int = 1, per_decade_theory: int = 4,
               progress: bool = False) -> GapCurves:
    """Measure and compute every curve of the gap figure.

    Parameters
    ----------
    m_measured_max : int
        Largest :math:`m'` at which codes and networks are built (cost grows with it).
    m_theory_max : int
        Largest :math:`m'` of the bounds and predictions, at least ``m_measured_max``.
    k : int
        Active features per input, for representation and construction alike.
    bits_per_param : int
        Bits per parameter :math:`b` of the lower bound.
    n_trials : int
        Random inputs per representation measurement.
    seed : int
        Seed of every random choice (codes, inputs, pairs).
    m_min : int
        Smallest :math:`m'`.
    per_decade, per_decade_theory : int
        Grid points per factor of ten of :math:`m'` for the measurements and for the theory.
    progress : bool
        Show tqdm bars (command-line use; notebooks stay quiet).

    Examples
    --------
    >>> curves = gap_curves(20, 10**6, k=2, n_trials=30, seed=0)
    >>> curves.construction.tolist(), curves.representation_sparse.tolist(), curves.construction_bits_per_param
    ([325, 383], [21, 29], 1)
    """
    m_measured_max = check_int(m_measured_max, "m_measured_max", 2)
    m_theory_max = check_int(m_theory_max, "m_theory_max", m_measured_max)
    k = check_int(k, "k", 1)
    bits_per_param = check_int(bits_per_param, "bits_per_param", 1)
    n_trials = check_int(n_trials, "n_trials", 1)
    seed = check_int(seed, "seed", 0)
    m_min = check_int(m_min, "m_min", 2)
    if m_min > m_measured_max:
        raise ValueError(f"m_min must be at most m_measured_max={m_measured_max}, got {m_min}")
    m_measured = log_grid(m_min, m_measured_max, per_decade)
    m_theory = log_grid(m_min, m_theory_max, per_decade_theory)
    measured = {code: representation.min_neurons_curve(m_measured, k, code, n_trials, seed, progress=progress)
                for code in ("sparse", "dense")}
    built = construction.construction_neurons_curve(m_measured, k, seed)
    theory = {code: np.array([representation.predicted_min_neurons(int(m), k, n_trials, code) for m in m_theory])
              for code in ("sparse", "dense")}
    return GapCurves(
        m_measured=m_measured,
        representation_sparse=measured["sparse"],
        representation_dense=measured["dense"],
        construction=np.asarray(built["n_neurons"], dtype=np.int64),
        construction_bits_per_param=int(np.max(built["n_bits"] // built["n_params"])),
        m_theory=m_theory,
        representation_sparse_theory=theory["sparse"],
        representation_dense_theory=theory["dense"],
        lower_bound=np.asarray(bounds.min_layer_width("and", m_theory, m_theory, bits_per_param=bits_per_param,
                                                  layers=1), dtype=np.int64),
        one_per_and=one_neuron_per_and_neurons(m_theory),
        k=k, bits_per_param=bits_per_param, n_trials=n_trials,
    )


def exponential_rate(representation_neurons, computing_neurons) -> float:
    r"""Least-squares slope of :math:`\ln(\text{computing neurons})` against representation neurons.

    A straight line on these axes is exponential growth; its slope is the rate
    :math:`1/(2a)` of the module docstring when the representation takes
    :math:`a` neurons per unit of :math:`\ln m'`.

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
