r"""Training one-hidden-layer ReLU networks on pairwise AND, under the book's fixed codes and decoder.

The construction chapter builds a network for m' pairs; this module asks what
gradient descent finds for the same task, with the encoder and the decoder
held fixed exactly as the model of the book requires:

* **input layer** (fixed): input i owns a line code S_i of s neurons
  (:func:`superpos.codes.input_code_book`), and an input set A is the
  activation v = Σ_{i∈A} 1_{S_i} of the n₀ = s·q₀ input neurons;
* **hidden layer** (trained): n₁ ReLU units u, v⁽¹⁾ = ReLU(W⁽¹⁾ v + β⁽¹⁾);
* **output layer** (trained): the n₂ = t·q₁ neurons of the fixed output codes
  (:func:`superpos.codes.output_code_book`), v⁽²⁾ = ReLU(W⁽²⁾ v⁽¹⁾ + β⁽²⁾);
* **decoder** (fixed): output ℓ is present iff every neuron of its code T_ℓ
  has v⁽²⁾_w ≥ θ (θ = 1).

The trained model is a :class:`superpos.network.Network`, so the book's
checks (:mod:`superpos.verify`, :mod:`superpos.adversary`) run on it
unchanged. It has n₀ + n₁ + n₂ neurons, all layers counted, and dense float32
weights.

The training target
-------------------
A decision is exact when every neuron of every true output's code is ≥ θ
and every absent output has *at least one* code neuron below θ. A neuron
belongs to many codes, so the second condition does not say which neurons
must be low. Two targets are offered (``TARGETS``):

* ``"neurons"``: neuron w must be on iff it lies in the code of some true
  output, w ∈ ∪_{ℓ true} T_ℓ. *Sufficient for exact decoding* when
  t > C(k, 2): an input of at most k actives has at most C(k, 2) true
  outputs, two line codes share at most one neuron, so the union of the
  true codes covers at most C(k, 2) < t neurons of an absent code, and that
  absent output keeps a neuron below θ. The target is a fixed 0/1 label per
  neuron, so each neuron's loss is an ordinary binary classification.
* ``"decisions"``: the true codes' neurons must be on as before; an absent
  output is pushed down only when all its t neurons reach θ − η, and then only
  at its lowest neuron. This is the decoding rule itself (with a margin η),
  so it asks less; which neuron goes low is left to the network.

Each labelled neuron costs the logistic loss of its margin z − θ (z the
output pre-activation) at sharpness κ: w₊ log(1 + e^{−κ(z−θ)}) on a neuron
that must be on, log(1 + e^{κ(z−θ)}) on one that must be off.

The training inputs
-------------------
Under uniform random inputs a true AND is rare (about k²m'/m² per input),
so the inputs are *planted*: a fraction of them contain a random pair of
the instance plus random other features, a fraction contain one endpoint of
a random pair (the inputs on which an AND must stay off), and the rest are
uniform; a fraction of all rows are cut short, so sizes below k occur
(:func:`planted_input_sets`). Held-out checks use fresh seeds.

The trainer is plain NumPy: minibatches, Adam with a cosine-decayed step,
checks on validation inputs every ``check_every`` steps and a stop once they
have been decided right ``patience`` checks in a row. Same seed, same
machine: same network. (Its matrix products run on one BLAS thread: they are
small, and width searches run several trainings in forked processes.)

What is here
------------
* training: :class:`TrainingSettings`, :func:`training_channels`,
  :func:`planted_input_sets`, :func:`train_and_network`;
* searching the hidden width: :func:`search_trained_width`, and the
  chapter's comparison with the construction and the bound,
  :func:`trained_beside_built`;
* checking: :func:`held_out_errors` (fresh uniform and planted inputs),
  :func:`pair_supersets` and :func:`verify_pair_supersets` (every input that
  contains a pair: exact for false negatives),
  :func:`wrong_decisions_per_output`; the exact reference network with one
  hidden unit per AND, :func:`one_unit_per_and_network`;
* reading a trained network: :func:`unit_roles` (which units serve which
  outputs), :func:`hub_purity`, :func:`dead_units` (exact) and
  :func:`without_units` (ablation).
"""

from __future__ import annotations

import ctypes
import glob
import multiprocessing
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from math import comb, isqrt, sqrt

import numpy as np
import scipy.sparse as sp

from superpos.codes import LineCodeSizes, input_code_book, line_code_sizes, next_prime, output_code_book
from superpos.inputs import MAX_ENUMERATED_SETS, as_input_sets, random_input_sets
from superpos.instance import AndInstance, as_and_instance
from superpos.network import Network
from superpos.validation import check_int, check_random_state, child_seed
from superpos.verify import ErrorCount, checked_instance, count_errors

__all__ = ["TARGETS", "THRESHOLD", "HeldOutErrors", "TrainedAndNetwork", "TrainedBesideBuilt", "TrainingSettings", "UnitRoles",
           "WidthSearch", "count_pair_supersets", "held_out_errors", "hub_purity", "pair_supersets",
           "planted_input_sets", "search_trained_width", "train_and_network", "trained_beside_built", "training_channels", "unit_roles",
           "dead_units", "one_unit_per_and_network", "verify_pair_supersets", "without_units",
           "wrong_decisions_per_output"]

#: What the output neurons are trained towards (see the module docstring).
TARGETS = ("neurons", "decisions")
#: The decoder's threshold θ: a neuron fires when its activation is at least θ.
THRESHOLD = 1.0
#: Adam's moment decay rates and its denominator's guard.
_ADAM = (0.9, 0.999, 1e-8)
#: Validation rows decoded at a time.
_DECODE_ROWS = 256


# ----------------------------------------------------------------------------- BLAS threads

#: (getter, setter) symbol names of the thread count in the OpenBLAS builds numpy ships.
_BLAS_THREAD_SYMBOLS = (("scipy_openblas_get_num_threads64_", "scipy_openblas_set_num_threads64_"),
                        ("scipy_openblas_get_num_threads", "scipy_openblas_set_num_threads"),
                        ("openblas_get_num_threads", "openblas_set_num_threads"))


def _blas_thread_controls():
    """The (get, set) functions of the thread count of numpy's bundled OpenBLAS, or None."""
    folder = os.path.dirname(np.__file__) + ".libs"
    for path in sorted(glob.glob(os.path.join(folder, "*openblas*"))):
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for getter, setter in _BLAS_THREAD_SYMBOLS:
            if hasattr(library, getter) and hasattr(library, setter):
                return getattr(library, getter), getattr(library, setter)
    return None


@contextmanager
def _one_blas_thread():
    """Run the block with one BLAS thread (the trainer's products are small; threads only wait on each other)."""
    controls = _blas_thread_controls()
    if controls is None:
        yield
        return
    getter, setter = controls
    before = int(getter())
    setter(1)
    try:
        yield
    finally:
        setter(before)


# ----------------------------------------------------------------------------- settings and channels

@dataclass(frozen=True)
class TrainingSettings:
    """How one network is trained (the hidden width included).

    Parameters
    ----------
    hidden_width : int
        n₁, the trained hidden ReLU units.
    steps : int
        Most minibatch steps; the step size follows a cosine from
        ``learning_rate`` to 0 over them.
    batch_size : int
        Input sets per step.
    learning_rate : float
        Adam's initial step.
    target : {"neurons", "decisions"}
        What the output neurons are trained towards (module docstring).
    sharpness : float
        κ: the logistic loss reads the margin z − θ scaled by κ (the temperature τ = 1/κ).
    positive_weight : float
        w₊: weight of the loss of a neuron that must be on.
    margin : float
        η of the ``"decisions"`` target: an absent output is pushed down once
        all its neurons reach θ − η.
    planted, one_end, shorter : float
        Fractions of the training inputs that contain a pair of the
        instance, that contain one endpoint of a pair, and that are cut
        below k features (:func:`planted_input_sets`).
    check_every : int
        Steps between checks on the validation inputs.
    patience : int
        Training stops after this many checks in a row with every
        validation input decided right.
    validation_samples : int
        Validation inputs (drawn like the training inputs, with their own seed).

    Examples
    --------
    >>> TrainingSettings(hidden_width=64).steps
    2000
    >>> TrainingSettings(hidden_width=64, target="outputs")
    Traceback (most recent call last):
    ...
    ValueError: target must be one of ('neurons', 'decisions'), got 'outputs'
    """

    hidden_width: int
    steps: int = 2000
    batch_size: int = 512
    learning_rate: float = 1e-2
    target: str = "neurons"
    sharpness: float = 4.0
    positive_weight: float = 3.0
    margin: float = 0.5
    planted: float = 0.5
    one_end: float = 0.25
    shorter: float = 0.2
    check_every: int = 250
    patience: int = 2
    validation_samples: int = 4000

    def __post_init__(self):
        for name in ("hidden_width", "steps", "batch_size", "check_every", "patience", "validation_samples"):
            object.__setattr__(self, name, check_int(getattr(self, name), name, 1))
        if self.target not in TARGETS:
            raise ValueError(f"target must be one of {TARGETS}, got {self.target!r}")
        for name in ("learning_rate", "sharpness", "positive_weight", "margin"):
            value = float(getattr(self, name))
            if not (np.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a finite number > 0, got {getattr(self, name)!r}")
            object.__setattr__(self, name, value)
        _check_fractions(self.planted, self.one_end, self.shorter)

    @property
    def presentations(self) -> float:
        """Planted pairs over the whole run: steps × batch size × ``planted`` (divide by m' for each pair's share).

        Examples
        --------
        >>> TrainingSettings(8, steps=1000, batch_size=512).presentations
        256000.0
        """
        return self.steps * self.batch_size * self.planted

    @classmethod
    def for_presentations(cls, hidden_width: int, n_outputs: int, per_pair: float, min_steps: int = 1,
                          **options) -> "TrainingSettings":
        """Settings whose steps plant each of m' pairs about ``per_pair`` times (at least ``min_steps`` steps).

        Examples
        --------
        >>> TrainingSettings.for_presentations(8, 1000, 512.0).steps   # 1000 · 512 / (512 · 0.5)
        2000
        """
        probe = cls(hidden_width, **options)
        per_step = probe.batch_size * probe.planted
        if not per_step > 0:
            raise ValueError("for_presentations needs planted > 0: no pair is ever planted")
        steps = max(check_int(min_steps, "min_steps", 1),
                    int(np.ceil(check_int(n_outputs, "n_outputs", 1) * float(per_pair) / per_step)))
        return replace(probe, steps=steps)


def _check_fractions(planted, one_end, shorter) -> tuple[float, float, float]:
    values = tuple(float(x) for x in (planted, one_end, shorter))
    if not all(0.0 <= x <= 1.0 for x in values) or values[0] + values[1] > 1.0:
        raise ValueError("planted, one_end and shorter must lie in [0, 1] with planted + one_end <= 1, got "
                         f"planted = {planted}, one_end = {one_end}, shorter = {shorter}")
    return values


def training_channels(n_inputs: int, n_outputs: int, k: int, code_size: int = 11,
                      output_code_size: int | None = None) -> tuple[LineCodeSizes, LineCodeSizes]:
    """The fixed channels of a trained network: the narrowest line codes of the given code sizes.

    The input channel has s·q₀ neurons, q₀ the least prime ≥ max(s, ⌈√m⌉)
    (so that the m inputs get distinct lines); the output channel t·q₁, q₁
    the least prime ≥ max(t, ⌈√m'⌉). By default t = C(k, 2) + 1, the
    least code size with which the ``"neurons"`` target decodes exactly
    (module docstring).

    Returns
    -------
    (LineCodeSizes, LineCodeSizes)
        The input and the output channel.

    Examples
    --------
    >>> inputs, outputs = training_channels(100, 100, 3)
    >>> inputs, outputs
    (LineCodeSizes(rows=11, q=11), LineCodeSizes(rows=4, q=11))
    """
    n_inputs = check_int(n_inputs, "n_inputs", 2)
    n_outputs = check_int(n_outputs, "n_outputs", 1)
    k = check_int(k, "k", 2, n_inputs)
    code_size = check_int(code_size, "code_size", 1)
    output_code_size = comb(k, 2) + 1 if output_code_size is None else check_int(output_code_size,
                                                                                 "output_code_size", 1)
    q_in = next_prime(max(code_size, isqrt(n_inputs - 1) + 1))
    q_out = next_prime(max(output_code_size, isqrt(n_outputs - 1) + 1))
    return (line_code_sizes(n_inputs, code_size * q_in, code_size, "input"),
            line_code_sizes(n_outputs, output_code_size * q_out, output_code_size, "output"))


# ----------------------------------------------------------------------------- inputs

def _draw_rows(rng: np.random.Generator, pairs: np.ndarray, n_inputs: int, k: int, n_rows: int,
               planted: float, one_end: float, shorter: float) -> tuple[np.ndarray, np.ndarray]:
    """Rows of k distinct features and the number of them that are active (the first ones)."""
    rows = rng.integers(n_inputs, size=(n_rows, k))
    kind = rng.random(n_rows)
    chosen = pairs[rng.integers(pairs.shape[0], size=n_rows)]
    with_pair = kind < planted
    with_end = (kind >= planted) & (kind < planted + one_end)
    rows[with_pair, :2] = chosen[with_pair]
    rows[with_end, 0] = chosen[with_end, rng.integers(2, size=int(with_end.sum()))]
    kept = np.where(with_pair, 2, np.where(with_end, 1, 0))
    column_pairs = [(first, second) for first in range(k) for second in range(first + 1, k)]
    for _ in range(1000):
        repeated = np.zeros(n_rows, dtype=bool)
        for first, second in column_pairs:
            repeated |= rows[:, first] == rows[:, second]
        bad = np.flatnonzero(repeated)
        if bad.size == 0:
            break
        fresh = rng.integers(n_inputs, size=(bad.size, k))
        rows[bad] = np.where(np.arange(k)[None, :] < kept[bad, None], rows[bad], fresh)
    else:
        raise ValueError(f"could not draw {k} distinct features out of m = {n_inputs}; k is too large for m")
    sizes = np.full(n_rows, k)
    cut = rng.random(n_rows) < shorter
    sizes[cut] = rng.integers(0, k, size=int(cut.sum()))
    return rows, np.maximum(sizes, kept)


def planted_input_sets(pairs, n_inputs: int, k: int, n_samples: int, seed=0, planted: float = 1.0,
                       one_end: float = 0.0, shorter: float = 0.0) -> sp.csr_matrix:
    """Input sets in which true ANDs are common: pairs of the instance planted among random features.

    Each row is, with probability ``planted``, a random pair of the instance
    plus k − 2 further uniform features; with probability ``one_end``, one
    endpoint of a random pair plus k − 1 uniform features; otherwise k
    uniform features (all distinct). Then, with probability ``shorter``, the
    row keeps only its first j features, j uniform in 0..k−1 (never dropping
    a planted pair or endpoint).

    Returns
    -------
    scipy.sparse.csr_matrix of bool, shape (n_samples, m)

    Examples
    --------
    >>> sets = planted_input_sets([[0, 1], [2, 3]], 10, 3, 5, seed=0)
    >>> from superpos.instance import AndInstance
    >>> bool(AndInstance([[0, 1], [2, 3]], 10).true_outputs(sets).sum(axis=1).min() >= 1)   # every row holds a pair
    True
    """
    instance = as_and_instance(pairs, n_inputs)
    k = check_int(k, "k", 2, instance.n_inputs)
    n_samples = check_int(n_samples, "n_samples", 0)
    planted, one_end, shorter = _check_fractions(planted, one_end, shorter)
    rows, sizes = _draw_rows(check_random_state(seed), instance.pairs, instance.n_inputs, k, n_samples,
                             planted, one_end, shorter)
    active = np.arange(k)[None, :] < sizes[:, None]
    return as_input_sets([row[keep].tolist() for row, keep in zip(rows, active)], instance.n_inputs, k=k)


# ----------------------------------------------------------------------------- the model being trained

class _Model:
    """The arrays of one training run: codes, weights, Adam's moments, and the batch computations."""

    def __init__(self, instance: AndInstance, k: int, channels, settings: TrainingSettings, seed: int):
        inputs, outputs = channels
        self.instance, self.k, self.settings = instance, k, settings
        self.n_in, self.n_out = inputs.n_neurons, outputs.n_neurons
        self.input_codes = input_code_book(instance.n_inputs, self.n_in, inputs.rows, seed)
        self.code_neurons = self.input_codes.indices.reshape(instance.n_inputs, inputs.rows).astype(np.int64)
        self.output_codes = output_code_book(instance.n_outputs, self.n_out, outputs.rows, seed)
        t = outputs.rows
        self.t = t
        self.membership = sp.csr_matrix((np.ones(self.output_codes.size, np.float32), self.output_codes.ravel(),
                                         np.arange(0, self.output_codes.size + 1, t)),
                                        shape=(instance.n_outputs, self.n_out)).T.tocsr()
        h = settings.hidden_width
        rng = check_random_state(child_seed(seed, 0))
        # He-style scales: a hidden pre-activation sums about k·s code neurons, an output one h units.
        self.w1 = (rng.standard_normal((h, self.n_in)) / sqrt(k * inputs.rows)).astype(np.float32)
        self.b1 = np.zeros(h, np.float32)
        self.w2 = (rng.standard_normal((self.n_out, h)) / sqrt(h)).astype(np.float32)
        self.b2 = np.zeros(self.n_out, np.float32)
        self.params = [self.w1, self.b1, self.w2, self.b2]
        self.moments = [np.zeros_like(p) for p in self.params]
        self.squares = [np.zeros_like(p) for p in self.params]

    # -- batches
    def encode(self, rows: np.ndarray, sizes: np.ndarray) -> np.ndarray:
        """Dense layer-0 activations v (batch, n₀) of the rows."""
        n_rows, k = rows.shape
        active = np.arange(k)[None, :] < sizes[:, None]
        flat = (np.arange(n_rows)[:, None, None] * self.n_in + self.code_neurons[rows])[active]
        return np.bincount(flat.ravel(), minlength=n_rows * self.n_in).reshape(n_rows, self.n_in).astype(np.float32)

    def true_pairs(self, rows: np.ndarray, sizes: np.ndarray) -> np.ndarray:
        """(batch, C(k, 2)) output indices of the pairs inside each row, −1 where there is none."""
        k = rows.shape[1]
        found = []
        for first in range(k):
            for second in range(first + 1, k):
                output = self.instance.index_of(rows[:, first], rows[:, second])
                output[sizes <= second] = -1
                found.append(output)
        return np.stack(found, axis=1)

    def on_targets(self, true: np.ndarray) -> np.ndarray:
        """(batch, n₂) bool: the neurons of the true outputs' codes."""
        target = np.zeros((true.shape[0], self.n_out), dtype=bool)
        row, column = np.nonzero(true >= 0)
        target[np.repeat(row, self.t), self.output_codes[true[row, column]].ravel()] = True
        return target

    def forward(self, v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        hidden = v @ self.w1.T
        hidden += self.b1
        active = np.maximum(hidden, 0)
        out = active @ self.w2.T
        out += self.b2
        return hidden, active, out

    def off_targets(self, out: np.ndarray, on: np.ndarray, true: np.ndarray) -> np.ndarray:
        """(batch, n₂) bool: the neurons the loss pushes below θ."""
        if self.settings.target == "neurons":
            return ~on
        # An absent output whose t neurons all reach θ − η: push its lowest neuron down.
        high = sp.csr_matrix(out >= THRESHOLD - self.settings.margin, dtype=np.float32)
        counts = (high @ self.membership).tocoo()
        full = counts.data >= self.t - 0.5
        row, output = counts.row[full].astype(np.int64), counts.col[full].astype(np.int64)
        true_row, true_column = np.nonzero(true >= 0)
        is_true = np.isin(row * self.instance.n_outputs + output,
                          true_row.astype(np.int64) * self.instance.n_outputs + true[true_row, true_column])
        row, output = row[~is_true], output[~is_true]
        off = np.zeros(out.shape, dtype=bool)
        lowest = out[row[:, None], self.output_codes[output]].argmin(axis=1)
        off[row, self.output_codes[output, lowest]] = True
        return off

    def step(self, rows: np.ndarray, sizes: np.ndarray, number: int, rate: float) -> float:
        """One Adam step on the batch; returns the batch's mean loss."""
        settings = self.settings
        v = self.encode(rows, sizes)
        true = self.true_pairs(rows, sizes)
        on = self.on_targets(true)
        hidden, active, out = self.forward(v)
        off = self.off_targets(out, on, true)
        logit = settings.sharpness * (out - THRESHOLD)
        # σ(u) = (1 + tanh(u/2)) / 2 never overflows.
        sigma = 0.5 * (1.0 + np.tanh(0.5 * logit))
        loss = (settings.positive_weight * np.logaddexp(0, -logit[on]).sum() + np.logaddexp(0, logit[off]).sum())
        grad_out = np.where(on, -settings.positive_weight * (1.0 - sigma), np.where(off, sigma, 0.0))
        grad_out *= settings.sharpness / rows.shape[0]
        grad_out = grad_out.astype(np.float32)
        grad_hidden = grad_out @ self.w2
        grad_hidden *= hidden > 0
        grads = [grad_hidden.T @ v, grad_hidden.sum(axis=0), grad_out.T @ active, grad_out.sum(axis=0)]
        decay1, decay2, guard = _ADAM
        scale = rate / (1 - decay1 ** number)
        correction = 1 - decay2 ** number
        for param, grad, moment, square in zip(self.params, grads, self.moments, self.squares):
            moment *= decay1
            moment += (1 - decay1) * grad
            square *= decay2
            square += (1 - decay2) * grad * grad
            param -= scale * moment / (np.sqrt(square / correction) + guard)
        return float(loss) / rows.shape[0]

    def wrong(self, v: np.ndarray, truth: np.ndarray) -> tuple[int, int]:
        """(false positives, false negatives) of the decoded outputs against ``truth`` (rows, m') bool."""
        fired = self.forward(v)[2] >= THRESHOLD
        positives = negatives = 0
        for start in range(0, fired.shape[0], _DECODE_ROWS):
            decoded = fired[start:start + _DECODE_ROWS][:, self.output_codes].all(axis=2)
            expected = truth[start:start + _DECODE_ROWS]
            positives += int(np.count_nonzero(decoded & ~expected))
            negatives += int(np.count_nonzero(~decoded & expected))
        return positives, negatives

    def network(self, name: str) -> Network:
        layers = [(sp.csr_matrix(self.w1), self.b1.astype(np.float64)),
                  (sp.csr_matrix(self.w2), self.b2.astype(np.float64))]
        return Network(self.input_codes, layers, self.output_codes, THRESHOLD, name=name)


# ----------------------------------------------------------------------------- training

@dataclass
class TrainedAndNetwork:
    """A trained network and how its training went.

    Examples
    --------
    >>> trained = train_and_network([[0, 1], [2, 3], [1, 4]], 8, 3, TrainingSettings(8, steps=50), seed=0)
    >>> trained.network.widths[1], len(trained.history["step"]) >= 1
    (8, True)
    """

    network: Network
    settings: TrainingSettings
    steps_run: int  #: steps taken before the stop
    seconds: float  #: wall-clock time of the training loop
    reached_zero: bool  #: every validation input decided right at the last check
    history: dict = field(default_factory=dict)  #: ``step``, ``loss``, ``false_positives``, ``false_negatives``
    initial_weights: tuple = ()  #: (W⁽¹⁾, W⁽²⁾) before the first step, dense float32

    @property
    def n_neurons(self) -> int:
        """Neurons of the network, every layer counted (n₀ + n₁ + n₂)."""
        return self.network.n_neurons


def train_and_network(pairs, n_inputs: int, k: int, settings: TrainingSettings, seed: int = 0, *,
                      code_size: int = 11, output_code_size: int | None = None,
                      progress: bool = False) -> TrainedAndNetwork:
    """Train a one-hidden-layer ReLU network to compute the ANDs of ``pairs`` under fixed codes.

    The input and output codes are the book's line codes of the channels
    :func:`training_channels` chooses, drawn with ``seed`` (the same code
    books as a construction of the same widths and seed). Training stops at
    ``settings.patience`` checks in a row at which every validation input is
    decided right, or after ``settings.steps`` steps.

    Parameters
    ----------
    pairs : AndInstance or array-like (m', 2)
    n_inputs : int or None
        m (None with an instance).
    k : int
        Most active features of a training input.
    settings : TrainingSettings
    seed : int
        Seeds the codes, the initial weights, the training and the validation inputs.
    code_size, output_code_size : int
        s and t of the channels (:func:`training_channels`).
    progress : bool
        Show a tqdm bar over the steps.

    Returns
    -------
    TrainedAndNetwork

    Examples
    --------
    >>> from superpos.families import uniform_pairs
    >>> pairs = uniform_pairs(30, 20, seed=0)
    >>> trained = train_and_network(pairs, 30, 3, TrainingSettings(40, steps=600), seed=0)
    >>> trained.network.widths, trained.reached_zero
    ([121, 40, 20], True)
    """
    if not isinstance(settings, TrainingSettings):
        raise TypeError(f"settings must be TrainingSettings, got {type(settings).__name__}")
    instance = as_and_instance(pairs, n_inputs)
    k = check_int(k, "k", 2, instance.n_inputs)
    seed = check_int(seed, "seed", 0)
    channels = training_channels(instance.n_inputs, instance.n_outputs, k, code_size, output_code_size)
    model = _Model(instance, k, channels, settings, seed)
    initial = (model.w1.copy(), model.w2.copy())
    fractions = (settings.planted, settings.one_end, settings.shorter)
    validation_rows, validation_sizes = _draw_rows(check_random_state(child_seed(seed, 2)), instance.pairs,
                                                   instance.n_inputs, k, settings.validation_samples, *fractions)
    validation_v = model.encode(validation_rows, validation_sizes)
    validation_truth = np.zeros((settings.validation_samples, instance.n_outputs), dtype=bool)
    found = model.true_pairs(validation_rows, validation_sizes)
    row, column = np.nonzero(found >= 0)
    validation_truth[row, found[row, column]] = True
    rng = check_random_state(child_seed(seed, 1))
    history = {"step": [], "loss": [], "false_positives": [], "false_negatives": []}
    steps = range(1, settings.steps + 1)
    if progress:
        from tqdm.auto import tqdm
        steps = tqdm(steps, desc=f"train h={settings.hidden_width}", unit="step")
    started = time.perf_counter()
    reached = False
    number = 0
    streak = 0
    with _one_blas_thread():
        for number in steps:
            rate = settings.learning_rate * 0.5 * (1.0 + np.cos(np.pi * (number - 1) / settings.steps))
            rows, sizes = _draw_rows(rng, instance.pairs, instance.n_inputs, k, settings.batch_size, *fractions)
            loss = model.step(rows, sizes, number, rate)
            if number % settings.check_every == 0 or number == settings.steps:
                positives, negatives = model.wrong(validation_v, validation_truth)
                for key, value in zip(history, (number, loss, positives, negatives)):
                    history[key].append(value)
                streak = streak + 1 if positives == negatives == 0 else 0
                reached = streak > 0
                if streak >= settings.patience:
                    break
    seconds = time.perf_counter() - started
    if progress:
        steps.close()
    name = (f"trained one hidden layer (h={settings.hidden_width}, target={settings.target}, "
            f"{number} steps)")
    return TrainedAndNetwork(network=model.network(name), settings=settings, steps_run=number, seconds=seconds,
                             reached_zero=reached, history={key: np.asarray(value) for key, value in history.items()},
                             initial_weights=initial)


# ----------------------------------------------------------------------------- held-out checks

@dataclass(frozen=True)
class HeldOutErrors:
    """Wrong decisions of a network on fresh uniform inputs and on fresh inputs with a planted pair.

    Examples
    --------
    >>> errors = HeldOutErrors(ErrorCount(10, 100, 0, 0), ErrorCount(10, 100, 1, 2))
    >>> errors.wrong, errors.false_positives, errors.false_negatives
    (3, 1, 2)
    """

    random: ErrorCount  #: uniform sets of exactly k features
    planted: ErrorCount  #: a pair of the instance plus k − 2 uniform features

    @property
    def wrong(self) -> int:
        """Wrong decisions on both sets."""
        return self.random.wrong + self.planted.wrong

    @property
    def false_positives(self) -> int:
        """Outputs decoded present that are absent, on both sets."""
        return self.random.false_positives + self.planted.false_positives

    @property
    def false_negatives(self) -> int:
        """True outputs decoded absent, on both sets."""
        return self.random.false_negatives + self.planted.false_negatives


def held_out_errors(network: Network, pairs, k: int, n_samples: int, seed: int = 0) -> HeldOutErrors:
    """Wrong decisions on ``n_samples`` uniform random k-sets and ``n_samples`` k-sets with a planted pair.

    Uniform inputs (seed ``seed``) test mostly that absent outputs stay
    absent, since a true AND is rare among them; planted ones (seed
    ``seed + 1``) test the true outputs.

    Examples
    --------
    >>> from superpos.layout import naive_and_network
    >>> held_out_errors(naive_and_network([[0, 1], [2, 3]], 6), [[0, 1], [2, 3]], 3, 50).wrong
    0
    """
    instance, k = checked_instance(network, pairs, k)
    n_samples = check_int(n_samples, "n_samples", 1)
    seed = check_int(seed, "seed", 0)
    uniform = random_input_sets(instance.n_inputs, k, n_samples, seed=seed)
    planted = planted_input_sets(instance, instance.n_inputs, k, n_samples, seed=seed + 1)
    return HeldOutErrors(count_errors(network, instance, uniform), count_errors(network, instance, planted))


def wrong_decisions_per_output(network: Network, pairs, inputs) -> tuple[np.ndarray, np.ndarray]:
    """False positives and false negatives of each output over ``inputs``: two int arrays of length m'.

    Examples
    --------
    >>> from superpos.layout import naive_and_network
    >>> fp, fn = wrong_decisions_per_output(naive_and_network([[0, 1], [2, 3]], 4), [[0, 1], [2, 3]], [[0, 1]])
    >>> fp.tolist(), fn.tolist()
    ([0, 0], [0, 0])
    """
    instance, _ = checked_instance(network, pairs)
    matrix = as_input_sets(inputs, instance.n_inputs)
    difference = (network.compute(matrix).astype(np.int8) - instance.true_outputs(matrix).astype(np.int8)).tocoo()
    positives = np.bincount(difference.col[difference.data > 0], minlength=instance.n_outputs)
    negatives = np.bincount(difference.col[difference.data < 0], minlength=instance.n_outputs)
    return positives, negatives


def count_pair_supersets(n_inputs: int, n_outputs: int, k: int) -> int:
    """Upper bound on the inputs :func:`pair_supersets` lists: m' · Σ_{j ≤ k−2} C(m − 2, j).

    Examples
    --------
    >>> count_pair_supersets(10, 4, 3)   # each pair alone, or with one of the 8 other features
    36
    """
    n_inputs = check_int(n_inputs, "n_inputs", 2)
    k = check_int(k, "k", 2, n_inputs)
    return check_int(n_outputs, "n_outputs", 1) * sum(comb(n_inputs - 2, j) for j in range(k - 1))


def pair_supersets(pairs, n_inputs: int, k: int) -> sp.csr_matrix:
    """Every input set of at most k features that contains a pair of the instance, each once.

    A false negative is a true output ℓ decoded absent on some input
    A ⊇ {a_ℓ, b_ℓ} with |A| ≤ k, so these inputs (at most
    :func:`count_pair_supersets`) decide every possible false negative:
    checking them all is an exact certificate against false negatives.
    Refused beyond ``superpos.inputs.MAX_ENUMERATED_SETS`` inputs.

    Examples
    --------
    >>> sets = pair_supersets([[0, 1], [1, 2]], 4, 3)
    >>> sorted(sets.indices[sets.indptr[r]:sets.indptr[r + 1]].tolist() for r in range(sets.shape[0]))
    [[0, 1], [0, 1, 2], [0, 1, 3], [1, 2], [1, 2, 3]]
    """
    instance = as_and_instance(pairs, n_inputs)
    m = instance.n_inputs
    k = check_int(k, "k", 2, m)
    total = count_pair_supersets(m, instance.n_outputs, k)
    if total > MAX_ENUMERATED_SETS:
        raise ValueError(f"m = {m}, m' = {instance.n_outputs}, k = {k} give {total} inputs that contain a pair, more "
                         f"than MAX_ENUMERATED_SETS = {MAX_ENUMERATED_SETS}; use random and adversarial inputs")
    from itertools import combinations
    rows = []
    for extra in range(k - 1):
        chosen = list(combinations(range(m), extra))
        others = np.array(chosen, dtype=np.int64).reshape(len(chosen), extra)
        for a, b in instance.pairs:
            keep = ~np.isin(others, (a, b)).any(axis=1)
            block = np.concatenate([np.tile([a, b], (int(keep.sum()), 1)), others[keep]], axis=1)
            rows.append(np.pad(np.sort(block, axis=1), ((0, 0), (0, k - 2 - extra)), constant_values=-1))
    unique = np.unique(np.concatenate(rows), axis=0)
    return as_input_sets([row[row >= 0].tolist() for row in unique], m, k=k)


def verify_pair_supersets(network: Network, pairs, k: int, batch_size: int = 4096) -> ErrorCount:
    """Wrong decisions over every input of at most k features that contains a pair (:func:`pair_supersets`).

    Zero false negatives here means none on any input with at most k actives.

    Examples
    --------
    >>> from superpos.layout import naive_and_network
    >>> verify_pair_supersets(naive_and_network([[0, 1], [1, 2]], 4), [[0, 1], [1, 2]], 3).false_negatives
    0
    """
    instance, k = checked_instance(network, pairs, k)
    return count_errors(network, instance, pair_supersets(instance, instance.n_inputs, k), batch_size=batch_size)


# ----------------------------------------------------------------------------- width search

@dataclass(frozen=True)
class WidthSearch:
    """Networks trained at increasing hidden widths, up to the first one that is right on every held-out input.

    Examples
    --------
    >>> search = search_trained_width([[0, 1], [2, 3], [1, 4]], 8, 3, [4, 16], TrainingSettings(1, steps=300),
    ...                               n_held_out=100)
    >>> search.smallest_width in (4, 16, None), len(search.table["hidden_width"]) <= 2
    (True, True)
    """

    table: dict  #: one row per width tried (see :func:`search_trained_width`)
    smallest_width: int | None  #: the first width right on every held-out input, or None
    networks: tuple  #: the :class:`TrainedAndNetwork` of each row

    @property
    def smallest(self) -> TrainedAndNetwork | None:
        """The trained network at ``smallest_width``, or None."""
        if self.smallest_width is None:
            return None
        return self.networks[list(self.table["hidden_width"]).index(self.smallest_width)]


_FORKED: dict = {}


def _train_one(width: int):
    work = _FORKED
    settings = replace(work["settings"], hidden_width=int(width))
    trained = train_and_network(work["instance"], None, work["k"], settings, work["seed"], **work["channels"])
    errors = held_out_errors(trained.network, work["instance"], work["k"], work["n_held_out"], work["held_out_seed"])
    return trained, errors


def search_trained_width(pairs, n_inputs: int, k: int, widths, settings: TrainingSettings, seed: int = 0, *,
                         n_held_out: int = 2000, held_out_seed: int | None = None, code_size: int = 11,
                         output_code_size: int | None = None, n_jobs: int = 1,
                         progress: bool = False) -> WidthSearch:
    """Train at each hidden width in increasing order until one is right on every held-out input.

    Each width gets :func:`train_and_network` with ``settings`` (its
    ``hidden_width`` replaced) and the same ``seed``, then
    :func:`held_out_errors` on ``n_held_out`` uniform and ``n_held_out``
    planted inputs drawn with ``held_out_seed`` (default ``seed + 1000``, so
    never the training or validation inputs). The search stops at the first
    width with no wrong decision: the answer is the smallest width *of the
    grid* at which training succeeded, for this budget and seed.

    Returns
    -------
    WidthSearch
        ``table`` has, per width tried: ``hidden_width``, ``n_neurons``
        (n₀ + n₁ + n₂), ``n_params`` (nonzero weights and biases),
        ``steps_run``, ``seconds``, ``reached_zero`` (validation),
        ``false_positives`` and ``false_negatives`` on the held-out inputs
        (uniform and planted together), ``wrong_random`` and ``wrong_planted``,
        and ``held_out_inputs`` (both sets).

    Examples
    --------
    >>> search = search_trained_width([[0, 1], [2, 3]], 6, 3, [8], TrainingSettings(1, steps=300), n_held_out=50)
    >>> sorted(search.table)[:3]
    ['false_negatives', 'false_positives', 'held_out_inputs']
    """
    instance = as_and_instance(pairs, n_inputs)
    k = check_int(k, "k", 2, instance.n_inputs)
    widths = sorted({check_int(int(w) if isinstance(w, np.integer) else w, "widths entries", 1) for w in widths})
    if not widths:
        raise ValueError("widths must hold at least one hidden width")
    n_jobs = check_int(n_jobs, "n_jobs", 1)
    seed = check_int(seed, "seed", 0)
    held_out_seed = seed + 1000 if held_out_seed is None else check_int(held_out_seed, "held_out_seed", 0)
    _FORKED.update(settings=settings, instance=instance, k=k, seed=seed, n_held_out=n_held_out,
                   held_out_seed=held_out_seed, channels={"code_size": code_size,
                                                          "output_code_size": output_code_size})
    results = []
    groups = [widths[start:start + n_jobs] for start in range(0, len(widths), n_jobs)]
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=len(widths), desc="width search", unit="width")
    try:
        for group in groups:
            if n_jobs == 1 or len(group) == 1:
                done = [_train_one(width) for width in group]
            else:
                with multiprocessing.get_context("fork").Pool(len(group)) as pool:
                    done = pool.map(_train_one, group)
            results.extend(done)
            if bar is not None:
                bar.update(len(group))
            if any(errors.wrong == 0 for _, errors in done):
                break
    finally:
        _FORKED.clear()
        if bar is not None:
            bar.close()
    keys = ("hidden_width", "n_neurons", "n_params", "steps_run", "seconds", "reached_zero", "false_positives",
            "false_negatives", "wrong_random", "wrong_planted", "held_out_inputs")
    rows = [(trained.settings.hidden_width, trained.n_neurons, trained.network.n_params, trained.steps_run,
             trained.seconds, trained.reached_zero, errors.false_positives, errors.false_negatives,
             errors.random.wrong, errors.planted.wrong, errors.random.n_input_sets + errors.planted.n_input_sets)
            for trained, errors in results]
    table = {key: np.array([row[j] for row in rows]) for j, key in enumerate(keys)}
    passing = [row[0] for row, (_, errors) in zip(rows, results) if errors.wrong == 0]
    return WidthSearch(table=table, smallest_width=min(passing) if passing else None,
                       networks=tuple(trained for trained, _ in results))


# ----------------------------------------------------------------------------- what the hidden units do

@dataclass(frozen=True)
class UnitRoles:
    """What each hidden unit of a trained network does for each output, read from its activations.

    For output ℓ, the AND of features i_ℓ and j_ℓ, unit u's activation on
    the input {i_ℓ, j_ℓ} is v⁽¹⁾_uℓ, and on the endpoints alone v⁽¹⁾_u(i_ℓ),
    v⁽¹⁾_u(j_ℓ). Unit u *serves* ℓ when it responds to the conjunction
    (v⁽¹⁾_uℓ > v⁽¹⁾_u(i_ℓ) + v⁽¹⁾_u(j_ℓ)) and sends it a positive net weight
    (Σ_{w∈T_ℓ} W⁽²⁾[w, u] > 0). Its *contribution* to ℓ on the input
    {i_ℓ, j_ℓ} is ψ_uℓ = v⁽¹⁾_uℓ · Σ_{w∈T_ℓ} W⁽²⁾[w, u], and the effective
    number of units behind ℓ is the participation ratio
    (Σ_u |ψ_uℓ|)² / Σ_u ψ_uℓ²: n₁ if every unit contributes equally, 1 if one
    unit does it all.

    Examples
    --------
    >>> roles = UnitRoles(np.array([[True, False], [True, True]]), np.array([1.0, 2.0]))
    >>> roles.outputs_served.tolist(), roles.units_per_output.tolist()
    ([2, 1], [1, 2])
    """

    serves: np.ndarray  #: (m', n₁) bool
    participation: np.ndarray  #: (m',) effective number of units behind each output

    @property
    def outputs_served(self) -> np.ndarray:
        """Outputs each unit serves, shape (h,)."""
        return self.serves.sum(axis=0)

    @property
    def units_per_output(self) -> np.ndarray:
        """Units serving each output, shape (m',)."""
        return self.serves.sum(axis=1)


def unit_roles(network: Network, pairs) -> UnitRoles:
    """Which hidden units serve which outputs (see :class:`UnitRoles`), for a one-hidden-layer network.

    Examples
    --------
    >>> trained = train_and_network([[0, 1], [2, 3], [1, 4]], 8, 3, TrainingSettings(16, steps=400), seed=0)
    >>> roles = unit_roles(trained.network, [[0, 1], [2, 3], [1, 4]])
    >>> roles.serves.shape, bool((roles.participation >= 1).all())
    ((3, 16), True)
    """
    instance, _ = checked_instance(network, pairs)
    if len(network.layers) != 2:
        raise ValueError(f"unit_roles reads networks with one hidden layer (two weight layers), got "
                         f"{len(network.layers)} layers")
    singles = network.forward([[i] for i in range(instance.n_inputs)], depth=1)[1]
    together = network.forward(instance.pairs, depth=1)[1]
    alone = singles[instance.pairs[:, 0]] + singles[instance.pairs[:, 1]]
    weights = network.layers[1][0].toarray()
    net_weight = weights[network.output_codes].sum(axis=1)          # (m', n₁): Σ_{w ∈ T_ℓ} W⁽²⁾[w, u]
    serves = (together > alone + 1e-6) & (net_weight > 0)
    contribution = np.abs(together * net_weight)
    total = contribution.sum(axis=1)
    squares = (contribution ** 2).sum(axis=1)
    participation = np.divide(total ** 2, squares, out=np.zeros_like(total), where=squares > 0)
    return UnitRoles(serves=serves, participation=participation)


def hub_purity(serves: np.ndarray, pairs) -> np.ndarray:
    """For each unit, the largest share of the outputs it serves that have one feature in common.

    1 means every output the unit serves contains the same feature (a unit
    dedicated to one hub, as in the construction's blocks); a unit that
    serves outputs at random among m' scores about the influence of its most
    frequent endpoint over the outputs it serves. NaN for a unit that serves
    nothing.

    Parameters
    ----------
    serves : bool array (m', h)
        Which unit serves which output (:attr:`UnitRoles.serves`).
    pairs : AndInstance or array-like (m', 2)

    Examples
    --------
    >>> serves = np.array([[True, True], [True, False], [False, True]])
    >>> hub_purity(serves, np.array([[0, 1], [0, 2], [3, 4]])).tolist()   # unit 0 serves (0,1), (0,2): all hold 0
    [1.0, 0.5]
    """
    pairs = np.asarray(pairs.pairs if isinstance(pairs, AndInstance) else pairs)
    serves = np.asarray(serves, dtype=bool)
    if serves.ndim != 2 or serves.shape[0] != pairs.shape[0]:
        raise ValueError(f"serves must have shape (m', h) with m' = {pairs.shape[0]}, got {serves.shape}")
    n_features = int(pairs.max()) + 1
    ends = sp.csr_matrix((np.ones(2 * pairs.shape[0]), (np.repeat(np.arange(pairs.shape[0]), 2), pairs.ravel())),
                         shape=(pairs.shape[0], n_features))
    per_feature = (ends.T @ sp.csr_matrix(serves.astype(np.float64))).toarray()   # (features, h)
    served = serves.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(served > 0, per_feature.max(axis=0) / served, np.nan)


# ----------------------------------------------------------------------------- the chapter's comparison

@dataclass(frozen=True)
class TrainedBesideBuilt:
    """Trained networks set beside the construction and the lower bound (see :func:`trained_beside_built`).

    Examples
    --------
    >>> TrainedBesideBuilt(rows=[{"family": "uniform"}], searches={}, instances={}).column("family")
    ['uniform']
    """

    rows: list  #: one dict per (family, m')
    searches: dict  #: (family, m') -> WidthSearch
    instances: dict  #: (family, m') -> AndInstance
    constructions: dict = field(default_factory=dict)  #: (family, m') -> the construction's Network
    #: (family, m') -> the :class:`TrainedAndNetwork` of ``certified_width`` (rows with one only)
    certified: dict = field(default_factory=dict)

    def column(self, key: str) -> list:
        """The values of one key over the rows."""
        return [row[key] for row in self.rows]


def trained_beside_built(families, n_outputs_values, k: int, width_ratios, per_pair: float, seed: int = 0, *,
                         min_steps: int = 1000, n_held_out: int = 2000, adversarial_targets: int = 100,
                         exhaustive_max: int = 200_000, code_size: int = 11, bits_per_param: int = 32,
                         failure_prob: float = 1e-6, n_jobs: int = 1, progress: bool = False,
                         **settings_options) -> TrainedBesideBuilt:
    """Train, check and count networks for each family and m', beside the construction and the bound.

    For each family and m' (m from :func:`superpos.families.default_n_inputs`,
    pairs drawn with ``seed``): :func:`search_trained_width` over hidden
    widths n₁ = ratio · m' with a budget of ``per_pair`` planted
    presentations of each pair (at least ``min_steps`` steps); then, for the
    smallest width found, the adversary of :mod:`superpos.adversary`
    (``adversarial_targets`` inputs, seed ``seed + 2``), every input that
    contains a pair (:func:`verify_pair_supersets`, exact for false
    negatives), and every input with at most k actives when there are at
    most ``exhaustive_max`` of them; where that enumeration finds a wrong
    decision, wider networks of the grid are trained until one passes it.
    Beside it: the construction's one-layer
    network (:func:`superpos.construction.construction_network`, ``layout="one_layer"``, the layout
    that computes in the output channel itself), one neuron
    per AND, and the counting bounds on neurons in all, at
    ``bits_per_param`` bits (:func:`superpos.bounds.min_total_neurons`) and
    with real weights in two layers (:func:`superpos.bounds.min_total_neurons_real`).

    Returns
    -------
    TrainedBesideBuilt
        ``rows`` hold: ``family``, ``m_out``, ``m``, ``hidden_width`` (None if
        no width of the grid passed), ``trained_neurons``, ``input_width``,
        ``output_width``, ``trained_params``, ``trained_bits`` (params ×
        ``bits_per_param``), ``construction_neurons``, ``construction_params``,
        ``construction_bits``, ``construction_layers``, ``one_per_and``,
        ``bound_neurons``, ``bound_neurons_real``, ``bound_bits``,
        ``held_out_inputs``, ``wrong_random``, ``wrong_planted``,
        ``adversarial_inputs``, ``wrong_adversarial``, ``superset_inputs``,
        ``wrong_supersets``, ``exhaustive_inputs`` and ``wrong_exhaustive``
        (None when not enumerated), ``certified_width`` and
        ``certified_neurons`` (the first width of the grid, from the one found
        on, whose network is right on every input; None when not enumerated
        or none is), ``certified_params`` and ``certified_bits`` (of that
        network), ``wider_wrong`` (a list of (width, wrong decisions on
        every input) for each wider network trained after an enumeration
        found the network found wrong), ``steps`` (the step cap of every
        width), ``steps_run`` (the steps the network found took),
        ``presentations_per_pair`` (steps × batch × planted / m', at the
        cap), ``construction_certified`` and ``construction_wrong`` (the
        verdict of :func:`superpos.certificate.certify` on the construction's
        network: every input with at most k actives decided, and its count
        of wrong outputs), ``training_seconds`` (the network found) and
        ``search_seconds`` (every width tried by the search).

    Examples
    --------
    >>> result = trained_beside_built(["star"], [12], 3, [2.0], 400.0, min_steps=300, n_held_out=200,
    ...                               adversarial_targets=5)
    >>> row = result.rows[0]
    >>> row["hidden_width"], row["wrong_exhaustive"], row["trained_neurons"] < row["construction_neurons"]
    (24, 0, True)
    >>> row["certified_width"], row["construction_certified"], row["steps"]
    (24, True, 300)
    """
    from superpos.adversary import verify_adversarial
    from superpos.bounds import min_bits, min_total_neurons, min_total_neurons_real
    from superpos.certificate import certify
    from superpos.construction import construction_network
    from superpos.families import default_n_inputs, make_pairs
    from superpos.inputs import count_input_sets
    from superpos.layout import naive_n_neurons
    from superpos.verify import verify_exhaustive

    rows, searches, instances, constructions, certified = [], {}, {}, {}, {}
    for family in families:
        for value in n_outputs_values:
            m_out = check_int(int(value) if isinstance(value, np.integer) else value, "n_outputs_values entries", 2)
            m = default_n_inputs(family, m_out)
            instance = as_and_instance(make_pairs(family, m, m_out, seed=seed), m)
            settings = TrainingSettings.for_presentations(1, m_out, per_pair, min_steps, **settings_options)
            widths = sorted({max(1, int(round(float(ratio) * m_out))) for ratio in width_ratios})
            search = search_trained_width(instance, m, k, widths, settings, seed, n_held_out=n_held_out,
                                          code_size=code_size, n_jobs=n_jobs, progress=progress)
            built = construction_network(instance, m, k, seed, failure_prob=failure_prob, layout="one_layer")
            verdict = certify(built, instance, k)
            row = {"family": family, "m_out": m_out, "m": m, "hidden_width": search.smallest_width,
                   "steps": settings.steps, "presentations_per_pair": settings.presentations / m_out,
                   "construction_certified": verdict.passed,
                   "construction_wrong": verdict.false_positives + verdict.false_negatives,
                   "construction_neurons": built.n_neurons, "construction_params": built.n_params,
                   "construction_bits": built.n_bits, "construction_layers": len(built.layers),
                   "one_per_and": naive_n_neurons(m, m_out),
                   "bound_neurons": int(min_total_neurons("and", m_out, m, bits_per_param=bits_per_param)),
                   "bound_neurons_real": int(min_total_neurons_real("and", m_out, m, layers=2)),
                   "bound_bits": int(min_bits("and", m_out, m)),
                   "search_seconds": float(search.table["seconds"].sum())}
            found = search.smallest
            if found is None:
                row.update({key: None for key in ("trained_neurons", "input_width", "output_width", "trained_params",
                                                  "trained_bits", "held_out_inputs", "wrong_random", "wrong_planted",
                                                  "adversarial_inputs", "wrong_adversarial", "superset_inputs",
                                                  "wrong_supersets", "exhaustive_inputs", "wrong_exhaustive",
                                                  "training_seconds", "certified_width", "certified_neurons",
                                                  "certified_params", "certified_bits", "steps_run")})
                row["wider_wrong"] = []
            else:
                net = found.network
                where = list(search.table["hidden_width"]).index(search.smallest_width)
                adversarial = verify_adversarial(net, instance, k, adversarial_targets, seed=seed + 2)
                supersets = verify_pair_supersets(net, instance, k)
                n_sets = count_input_sets(m, k)
                exhaustive = verify_exhaustive(net, instance, k) if n_sets <= exhaustive_max else None
                right, wider_wrong = None, []
                if exhaustive is not None and exhaustive.wrong == 0:
                    right = found
                elif exhaustive is not None:
                    # Wider networks of the grid, trained with the same budget, until one is right on every input.
                    for width in (w for w in widths if w > search.smallest_width):
                        wider = train_and_network(instance, m, k, replace(settings, hidden_width=width), seed,
                                                  code_size=code_size)
                        wrong = verify_exhaustive(wider.network, instance, k).wrong
                        wider_wrong.append((width, wrong))
                        if wrong == 0:
                            right = wider
                            break
                if right is not None:
                    certified[family, m_out] = right
                row.update({"certified_width": None if right is None else right.settings.hidden_width,
                            "certified_neurons": None if right is None else right.n_neurons,
                            "certified_params": None if right is None else right.network.n_params,
                            "certified_bits": None if right is None else right.network.n_params * bits_per_param,
                            "wider_wrong": wider_wrong, "steps_run": found.steps_run})
                row.update({"trained_neurons": net.n_neurons, "input_width": net.widths[0],
                            "output_width": net.widths[-1], "trained_params": net.n_params,
                            "trained_bits": net.n_params * bits_per_param,
                            "held_out_inputs": int(search.table["held_out_inputs"][where]),
                            "wrong_random": int(search.table["wrong_random"][where]),
                            "wrong_planted": int(search.table["wrong_planted"][where]),
                            "adversarial_inputs": adversarial.n_input_sets, "wrong_adversarial": adversarial.wrong,
                            "superset_inputs": supersets.n_input_sets, "wrong_supersets": supersets.wrong,
                            "exhaustive_inputs": None if exhaustive is None else exhaustive.n_input_sets,
                            "wrong_exhaustive": None if exhaustive is None else exhaustive.wrong,
                            "training_seconds": float(found.seconds)})
            rows.append(row)
            searches[family, m_out] = search
            instances[family, m_out] = instance
            constructions[family, m_out] = built
    return TrainedBesideBuilt(rows=rows, searches=searches, instances=instances, constructions=constructions,
                              certified=certified)


def one_unit_per_and_network(pairs, n_inputs: int, k: int, seed: int = 0, *, code_size: int = 11,
                             output_code_size: int | None = None) -> Network:
    """The exact network of the trained architecture with one hidden unit per AND (n₁ = m').

    Same channels and codes as :func:`train_and_network` with these
    arguments. Hidden unit ℓ has weight 1 on S_a ∪ S_b and bias −(2s − 1), so
    it is on iff both a and b are active, as long as s > 2(k − 1): another
    active input shares at most one neuron with each of the two codes, so a
    without b puts at most s + 2(k − 1) < 2s into S_a ∪ S_b. Output neuron w
    sums the units of the outputs whose codes hold it, with bias 0, so it is
    ≥ 1 iff it lies in a true output's code: the ``"neurons"`` target, which
    decodes exactly when t > C(k, 2).

    Examples
    --------
    >>> from superpos.verify import verify_exhaustive
    >>> net = one_unit_per_and_network([[0, 1], [1, 2], [3, 4]], 8, 3)
    >>> net.widths, verify_exhaustive(net, [[0, 1], [1, 2], [3, 4]], 3).wrong
    ([121, 3, 20], 0)
    """
    instance = as_and_instance(pairs, n_inputs)
    k = check_int(k, "k", 2, instance.n_inputs)
    inputs, outputs = training_channels(instance.n_inputs, instance.n_outputs, k, code_size, output_code_size)
    if inputs.rows <= 2 * (k - 1):
        raise ValueError(f"one hidden unit per AND is exact only for code_size > 2(k - 1) = {2 * (k - 1)}, "
                         f"got code_size = {inputs.rows}")
    codes = input_code_book(instance.n_inputs, inputs.n_neurons, inputs.rows, seed)
    output_codes = output_code_book(instance.n_outputs, outputs.n_neurons, outputs.rows, seed)
    m_out = instance.n_outputs
    ends = sp.csr_matrix((np.ones(2 * m_out), (np.repeat(np.arange(m_out), 2), instance.pairs.ravel())),
                         shape=(m_out, instance.n_inputs))
    hidden = (ends @ codes).tocsr()
    hidden.data[:] = 1.0
    routing = sp.csr_matrix((np.ones(output_codes.size), (output_codes.ravel(), np.repeat(np.arange(m_out),
                                                                                          outputs.rows))),
                            shape=(outputs.n_neurons, m_out))
    routing.data[:] = 1.0
    layers = [(hidden, np.full(m_out, -(2.0 * inputs.rows - 1))), (routing, np.zeros(outputs.n_neurons))]
    return Network(codes, layers, output_codes, THRESHOLD, name="one hidden unit per AND (trained architecture)")


def dead_units(network: Network, k: int) -> np.ndarray:
    """Hidden units that are zero on every input of at most k features: a proof, not a sample.

    Unit u of the first layer has pre-activation
    z_u(A) = β⁽¹⁾_u + Σ_{i∈A} c_iu with c_iu = Σ_{x∈S_i} W⁽¹⁾_{ux} (the input
    layer is a sum of codes), so its largest value over |A| ≤ k is β⁽¹⁾_u plus
    the k largest positive c_iu. When that is ≤ 0 the unit's ReLU is 0 on every
    such input and removing it changes no activation of any later layer
    (:func:`without_units`). The sum is taken in float64; a unit whose bound is
    within 1e-4 of 0 counts as live.

    Returns
    -------
    numpy.ndarray of bool, one entry per unit of the first layer.

    Examples
    --------
    >>> from superpos.layout import naive_and_network
    >>> dead_units(naive_and_network([[0, 1], [1, 2]], 3), 2).tolist()
    [False, False]
    """
    if not isinstance(network, Network) or not network.layers:
        raise ValueError("dead_units needs a Network with at least one layer")
    k = check_int(k, "k", 1, network.n_inputs)
    weights, bias = network.layers[0]
    per_feature = (network.input_codes.astype(np.float64) @ weights.T.astype(np.float64)).toarray()   # (m, n₁)
    positive = np.maximum(per_feature, 0)
    largest = -np.partition(-positive, min(k, positive.shape[0]) - 1, axis=0)[:k] if positive.shape[0] > k \
        else positive
    return bias + largest.sum(axis=0) <= -1e-4


def without_units(network: Network, drop) -> Network:
    """The network with the given units of its first layer removed (their rows of W⁽¹⁾, β⁽¹⁾ and columns of W⁽²⁾).

    Removing units that are zero on every input (:func:`dead_units`)
    changes no decision.

    Examples
    --------
    >>> net = one_unit_per_and_network([[0, 1], [1, 2]], 6, 3)
    >>> without_units(net, [True, False]).widths[1]
    1
    """
    drop = np.asarray(drop, dtype=bool)
    if len(network.layers) < 2 or drop.shape != (network.widths[1],):
        raise ValueError(f"drop must hold one bool per unit of the first layer ({network.widths[1]}) of a network "
                         "with at least two layers")
    keep = np.flatnonzero(~drop)
    (first, first_bias), (second, second_bias), *rest = network.layers
    layers = [(first[keep], first_bias[keep]), (second[:, keep], second_bias), *rest]
    return Network(network.input_codes, layers, network.output_codes, network.threshold,
                   name=f"{network.name} without {int(drop.sum())} units")
