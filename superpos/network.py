"""A network that computes in superposition, held as raw sparse arrays.

A network maps an input set A (k-sparse, out of m features) to a set of
outputs (out of m') in three steps:

1. encode: layer 0 is h⁰ = Σ_{i∈A} row i of ``input_codes`` (an m × n₀ 0/1
   matrix, so input i lights its code neurons);
2. compute: for each layer (W, b), h ← ReLU(W h + b), with W sparse;
3. decode: output ℓ is present iff every neuron of its code ``output_codes[ℓ]``
   (t indices of the last layer) has activation ≥ ``threshold``.

Counting: the neurons are the widths of all layers, the input layer included;
the parameters are the nonzero weights and biases of the layers (the input and
output codes are fixed by (m, m', n, k, seed) and are not counted); the bits
are parameters × ⌈log₂(number of distinct nonzero parameter values)⌉.

Evaluation keeps activations sparse: those of a batch are csr matrices (batch
× width) holding only the neurons that are on. A layer forms its
pre-activations one of two ways. A sparse W is used through the csr product
H Wᵀ, which only touches the rows of Wᵀ read by active neurons. A dense one
(a constant fraction of nonzeros, as in a one-layer AND network where each
input neuron feeds ~20% of the layer) gets a dense copy of Wᵀ in the narrowest
type that holds its weights exactly (one byte for 0/1 weights); a block of
inputs then sums the rows of that copy read by its active neurons, in a small
integer type when activations are integers (exact, and equal to the float32
result of the sparse product), which is several times faster than the sparse
product and needs no transposed float copy. Decoding never forms the
batch × m' output matrix: each output is indexed by the first neuron of its
code, so only outputs whose first code neuron fires are candidates, and a
candidate survives only if its other t − 1 neurons fire too.

Replaying a saved network needs nothing but numpy and scipy::

    z = np.load("net.npz")
    csr = lambda p: scipy.sparse.csr_matrix((z[p + "_data"], z[p + "_indices"], z[p + "_indptr"]),
                                            shape=z[p + "_shape"])
    h = x @ csr("input_codes").toarray()                 # x: (batch, m) 0/1
    for i in range(int(z["n_layers"])):
        h = np.maximum(h @ csr(f"layer{i}_W").T + z[f"layer{i}_b"], 0)
    present = (h[:, z["output_codes"]] >= z["threshold"]).all(axis=2)
"""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass
from typing import ClassVar
from functools import cached_property
from math import ceil, log2
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp

from superpos.inputs import as_input_sets
from superpos.numerics import FLOAT32_EXACT, is_integral, nonzero_2d, smallest_exact_dtype
from superpos.validation import check_array_size

__all__ = ["DENSE_MIN_DENSITY", "Network", "PreparedLayer"]


def _canonical_csr(matrix, name: str, copy: bool = True) -> sp.csr_matrix:
    if not (sp.issparse(matrix) or isinstance(matrix, np.ndarray)):
        raise TypeError(f"{name} must be a scipy.sparse matrix or a numpy array, got {type(matrix).__name__}")
    if matrix.ndim != 2:
        raise ValueError(f"{name} must be 2-D, got {matrix.ndim} dimensions")
    out = sp.csr_matrix(matrix, copy=copy)
    if not (np.issubdtype(out.dtype, np.number) or out.dtype == bool):
        raise ValueError(f"{name} must hold numbers, got dtype {out.dtype}")
    if out.dtype == bool or np.issubdtype(out.dtype, np.integer):
        out = out.astype(np.float64)
    out.sum_duplicates()
    out.eliminate_zeros()
    if not np.all(np.isfinite(out.data)):
        raise ValueError(f"{name} holds a non-finite value (nan or inf)")
    return out


@dataclass(eq=False, repr=False)
class Network:
    """A ReLU network computing m' outputs in superposition from m inputs.

    Parameters
    ----------
    input_codes : scipy.sparse matrix (m, n₀) of 0/1
        Row i is the code of input i: the layer-0 neurons it turns on.
    layers : list of (W, b)
        W sparse of shape (n_out, n_in), b of shape (n_out,); each layer maps
        h to ReLU(W h + b). May be empty (the network then only represents).
    output_codes : int array (m', t)
        Row ℓ lists the t neurons of the last layer that make up output ℓ.
    threshold : float > 0
        Output ℓ is present iff all its code neurons are ≥ threshold.
    name : str
        Free text, shown in ``repr``.

    The object is treated as immutable: counts and evaluation caches are
    computed once.

    Examples
    --------
    >>> codes = sp.identity(3, format="csr")
    >>> and_of_0_and_1 = (sp.csr_matrix(np.array([[1.0, 1.0, 0.0]])), np.array([-1.0]))
    >>> net = Network(codes, [and_of_0_and_1], np.array([[0]]), 1.0, name="one AND")
    >>> net.widths, net.n_params, net.compute([[0, 1], [0, 2]]).toarray().ravel().tolist()
    ([3, 1], 3, [True, False])
    """

    input_codes: sp.csr_matrix
    layers: list
    output_codes: np.ndarray
    threshold: float
    name: str = ""
    #: Bytes the dense copies of Wᵀ (the fast path of :class:`PreparedLayer`) may
    #: take, over all layers; set it on an instance before its first evaluation.
    dense_budget_bytes: ClassVar[int] = 2 * 2**30

    def __post_init__(self, copy: bool = True):
        # The network keeps its own copy of the matrices it is given; only
        # ``load``, which owns the arrays it has just read, skips the copy.
        codes = _canonical_csr(self.input_codes, "input_codes", copy)
        if codes.nnz and not np.all(codes.data == 1):
            raise ValueError("input_codes must be a 0/1 matrix, found entry "
                             f"{float(codes.data[codes.data != 1][0])}")
        if codes.shape[0] < 1 or codes.shape[1] < 1:
            raise ValueError(f"input_codes must have at least one row and one column, got shape {codes.shape}")
        self.input_codes = codes
        if not isinstance(self.layers, (list, tuple)):
            raise TypeError(f"layers must be a list of (W, b) pairs, got {type(self.layers).__name__}")
        width = codes.shape[1]
        checked = []
        for position, layer in enumerate(self.layers):
            if not (isinstance(layer, (list, tuple)) and len(layer) == 2):
                raise ValueError(f"layers[{position}] must be a pair (W, b)")
            weights = _canonical_csr(layer[0], f"layers[{position}] W", copy)
            if weights.shape[1] != width:
                raise ValueError(f"layers[{position}] W has {weights.shape[1]} columns but the previous layer has "
                                 f"{width} neurons; W must have shape (n_out, {width})")
            bias = np.asarray(layer[1], dtype=np.float64)
            if bias.shape != (weights.shape[0],):
                raise ValueError(f"layers[{position}] b has shape {bias.shape}; it must have shape "
                                 f"({weights.shape[0]},), one bias per row of W")
            if not np.all(np.isfinite(bias)):
                raise ValueError(f"layers[{position}] b holds a non-finite value (nan or inf)")
            checked.append((weights, bias))
            width = weights.shape[0]
        self.layers = checked
        out = np.asarray(self.output_codes)
        if out.ndim != 2 or out.shape[0] < 1 or out.shape[1] < 1:
            raise ValueError(f"output_codes must have shape (n_outputs, t) with both >= 1, got shape {out.shape}")
        if not np.issubdtype(out.dtype, np.integer):
            raise ValueError(f"output_codes must hold integer neuron indices, got dtype {out.dtype}")
        if out.min() < 0 or out.max() >= width:
            raise ValueError(f"output_codes must index the last layer's {width} neurons, found index "
                             f"{out.min() if out.min() < 0 else out.max()}")
        self.output_codes = out.astype(np.int64)
        if isinstance(self.threshold, (bool, np.bool_)) or not isinstance(self.threshold, Real):
            raise TypeError(f"threshold must be a real number, got {type(self.threshold).__name__}")
        if not (np.isfinite(self.threshold) and self.threshold > 0):
            raise ValueError(f"threshold must be finite and > 0 (a zero activation never fires), got {self.threshold}")
        self.threshold = float(self.threshold)
        self.name = str(self.name)

    def __repr__(self) -> str:
        label = f"{self.name!r}, " if self.name else ""
        return (f"Network({label}m={self.n_inputs}, m'={self.n_outputs}, widths={self.widths}, "
                f"t={self.output_codes.shape[1]}, threshold={self.threshold:g}, n_params={self.n_params})")

    # ------------------------------------------------------------------ counts
    @property
    def n_inputs(self) -> int:
        """m, the number of input features."""
        return self.input_codes.shape[0]

    @property
    def n_outputs(self) -> int:
        """m', the number of output features."""
        return self.output_codes.shape[0]

    @property
    def widths(self) -> list[int]:
        """Widths n₀, n₁, …, n_L of every layer, the input layer first."""
        return [self.input_codes.shape[1]] + [weights.shape[0] for weights, _ in self.layers]

    @property
    def n_neurons(self) -> int:
        """Total neurons, the input layer included."""
        return int(sum(self.widths))

    @cached_property
    def n_params(self) -> int:
        """Nonzero weights plus nonzero biases over all layers."""
        return int(sum(weights.nnz + np.count_nonzero(bias) for weights, bias in self.layers))

    @cached_property
    def bits_per_param(self) -> int:
        """⌈log₂ of the number of distinct nonzero parameter values⌉, at least 1."""
        values = [np.unique(bias[bias != 0]) for _, bias in self.layers]
        for weights, _ in self.layers:
            # Sorting 10⁸ weights is slow; most take few values, so find them on a
            # prefix and sort only what is left over.
            seen = np.unique(weights.data[:100_000])
            rest = weights.data[~np.isin(weights.data, seen)]
            values += [seen, np.unique(rest)]
        distinct = np.unique(np.concatenate(values)) if values else np.empty(0)
        return max(1, ceil(log2(distinct.size))) if distinct.size > 1 else 1

    @property
    def n_bits(self) -> int:
        """Description length: n_params × bits_per_param."""
        return self.n_params * self.bits_per_param

    # -------------------------------------------------------------- evaluation
    @cached_property
    def _prepared(self) -> tuple:
        """Input codes as float32 csr and one :class:`PreparedLayer` per layer (built before any fork)."""
        budget = self.dense_budget_bytes
        prepared = []
        for weights, bias in self.layers:
            layer = PreparedLayer.build(weights, bias, budget)
            if layer.dense is not None:
                budget -= layer.dense.nbytes
            prepared.append(layer)
        return self.input_codes.astype(np.float32), prepared

    def _propagate(self, batch: sp.csr_matrix, keep_all: bool, depth: int | None = None) -> list[sp.csr_matrix]:
        """Activations (csr float32, only the positive entries) of the first ``depth`` layers, or of the last only."""
        codes, prepared = self._prepared
        activation = batch.astype(np.float32) @ codes
        history = [activation] if keep_all else []
        for layer in prepared[:depth]:
            activation = layer.apply(activation)
            if keep_all:
                history.append(activation)
        return history if keep_all else [activation]

    def prepare(self) -> "Network":
        """Build the evaluation caches now and return the network.

        Call it before forking worker processes, so that they share the
        caches (the dense copies of Wᵀ, the output index) with the parent
        instead of each building its own.

        Examples
        --------
        >>> net = Network(sp.identity(2, format="csr"), [], np.array([[0], [1]]), 1.0)
        >>> net.prepare() is net
        True
        """
        self._prepared, self._output_index
        return self

    @property
    def prepared_layers(self) -> tuple["PreparedLayer", ...]:
        """Each layer made ready for evaluation (:class:`PreparedLayer`): its dense or sparse path.

        Examples
        --------
        >>> net = Network(sp.identity(2, format="csr"), [(sp.csr_matrix(np.ones((3, 2))), np.zeros(3))],
        ...               np.array([[0], [1]]), 1.0)
        >>> [layer.dense is not None for layer in net.prepared_layers]   # a dense W gets a dense copy
        [True]
        """
        return tuple(self._prepared[1])

    def encode(self, inputs) -> sp.csr_matrix:
        """Layer-0 activations h⁰ = Σ_{i∈A} row i of ``input_codes``, as csr float32 (batch, n₀).

        Examples
        --------
        >>> net = Network(sp.csr_matrix(np.array([[1, 1, 0], [0, 1, 1]])), [], np.array([[0], [2]]), 1.0)
        >>> net.encode([[0, 1]]).toarray().tolist()
        [[1.0, 2.0, 1.0]]
        """
        return as_input_sets(inputs, self.n_inputs).astype(np.float32) @ self._prepared[0]

    def layer_sums(self, layer_index: int, below: sp.csr_matrix) -> np.ndarray:
        """W h of one layer for every row of ``below`` (the activations of the layer below), dense, no bias.

        The sums run on the layer's own path (:meth:`PreparedLayer.sums`): in the
        narrowest integer type that holds them exactly when weights and
        activations are integers, else in float32.

        Examples
        --------
        >>> net = Network(sp.identity(2, format="csr"), [(sp.csr_matrix(np.array([[1, 1], [0, 2]])), np.zeros(2))],
        ...               np.array([[0], [1]]), 1.0)
        >>> net.layer_sums(0, net.encode([[0, 1], [1]])).tolist()
        [[2, 2], [1, 2]]
        """
        return self._prepared[1][layer_index].sums(below)

    def preactivations_at(self, layer_index: int, below: sp.csr_matrix, rows: np.ndarray,
                          neurons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """W h and W⁺ h (W⁺ = max(W, 0)) of one layer at given (row, neuron) positions, without the bias.

        ``below`` holds the activations h of the layer below (one row per
        input); entry i of each result is row ``rows[i]`` of W h (resp. W⁺ h)
        at neuron ``neurons[i]``, in float64. Only the weights those positions
        need are read, from the dense copy of Wᵀ or from W.

        Examples
        --------
        >>> net = Network(sp.identity(2, format="csr"), [(sp.csr_matrix(np.array([[1, -1], [0, 2]])), np.zeros(2))],
        ...               np.array([[0], [1]]), 1.0)
        >>> direct, positive = net.preactivations_at(0, net.encode([[0, 1]]), np.array([0, 0]), np.array([0, 1]))
        >>> direct.tolist(), positive.tolist()
        ([0.0, 2.0], [1.0, 2.0])
        """
        layer = self._prepared[1][layer_index]
        if layer.dense is not None:
            # Gather the few weights each position needs from the dense Wᵀ.
            entries, values = _padded_entries(below, pad=layer.dense.shape[0] - 1, ones_first=False)
            gathered = layer.dense[entries[rows], neurons[:, None]].astype(np.float64)
            weighted = values[rows].astype(np.float64)
            return (gathered * weighted).sum(axis=1), (np.maximum(gathered, 0) * weighted).sum(axis=1)
        weights = self.layers[layer_index][0][neurons]
        lower = below[rows]
        direct = np.asarray(weights.multiply(lower).sum(axis=1), dtype=np.float64).ravel()
        if weights.nnz == 0 or weights.data.min() >= 0:
            return direct, direct
        positive = np.asarray(weights.maximum(0).multiply(lower).sum(axis=1), dtype=np.float64).ravel()
        return direct, positive

    def forward(self, inputs, batch_size: int = 4096, sparse: bool = False, depth: int | None = None) -> list:
        """Activations of every layer (layer 0 first) for one moderate batch.

        Parameters
        ----------
        inputs : anything :func:`superpos.inputs.as_input_sets` accepts
        batch_size : int
            Rows evaluated at a time; the results are stacked.
        sparse : bool
            Return csr float32 matrices instead of dense float32 arrays.
        depth : int, optional
            Run only the first ``depth`` layers (0 ≤ depth ≤ L); all by default.

        Returns
        -------
        list of arrays (batch, n_j), one per layer j = 0..depth.

        Examples
        --------
        >>> net = Network(sp.identity(3, format="csr"), [(sp.csr_matrix(np.array([[1.0, 1.0, 0.0]])), np.array([-1.0]))],
        ...               np.array([[0]]), 1.0)
        >>> [layer.tolist() for layer in net.forward([[0, 1], [2]])]
        [[[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]], [[1.0], [0.0]]]
        """
        batch_size = _check_batch_size(batch_size)
        if depth is None:
            depth = len(self.layers)
        elif isinstance(depth, (bool, np.bool_)) or not isinstance(depth, Integral) or not 0 <= depth <= len(self.layers):
            raise ValueError(f"depth must be an integer from 0 to the number of layers {len(self.layers)}, got {depth}")
        matrix = as_input_sets(inputs, self.n_inputs)
        chunks = [self._propagate(matrix[start:start + batch_size], keep_all=True, depth=int(depth))
                  for start in range(0, max(matrix.shape[0], 1), batch_size)]
        stacked = [sp.vstack([chunk[j] for chunk in chunks], format="csr") for j in range(int(depth) + 1)]
        if sparse:
            for activation in stacked:
                activation.sort_indices()
            return stacked
        for activation in stacked:
            check_array_size(activation.shape[0] * activation.shape[1], 4,
                             f"dense activations of {activation.shape[0]} inputs on {activation.shape[1]} neurons "
                             "(use sparse=True)")
        return [activation.toarray() for activation in stacked]

    @cached_property
    def _output_index(self) -> tuple[np.ndarray, np.ndarray]:
        """Inverted index: outputs sorted by the first neuron of their code, and where each neuron's run starts."""
        lead = self.output_codes[:, 0]
        order = np.argsort(lead, kind="stable")
        starts = np.zeros(self.widths[-1] + 1, dtype=np.int64)
        np.cumsum(np.bincount(lead, minlength=self.widths[-1]), out=starts[1:])
        return order, starts

    def _decode(self, last: sp.csr_matrix) -> sp.csr_matrix:
        """Outputs whose every code neuron is >= threshold, as csr bool (batch, m')."""
        n_rows, width = last.shape
        rows = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(last.indptr))
        firing = last.data >= np.float32(self.threshold)
        fire_rows, fire_cols = rows[firing], last.indices[firing].astype(np.int64)
        fired_keys = np.sort(fire_rows * width + fire_cols)
        order, starts = self._output_index
        counts = starts[fire_cols + 1] - starts[fire_cols]
        total = int(counts.sum())
        run_start = np.repeat(starts[fire_cols] - (np.cumsum(counts) - counts), counts)
        candidates = order[np.arange(total, dtype=np.int64) + run_start]
        candidate_rows = np.repeat(fire_rows, counts)
        for column in range(1, self.output_codes.shape[1]):
            if candidates.size == 0 or fired_keys.size == 0:
                break
            probe = candidate_rows * width + self.output_codes[candidates, column]
            where = np.minimum(np.searchsorted(fired_keys, probe), fired_keys.size - 1)
            keep = fired_keys[where] == probe
            candidates, candidate_rows = candidates[keep], candidate_rows[keep]
        order_rc = np.lexsort((candidates, candidate_rows))
        indptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(np.bincount(candidate_rows, minlength=n_rows), out=indptr[1:])
        return sp.csr_matrix((np.ones(candidates.size, dtype=bool), candidates[order_rc], indptr),
                             shape=(n_rows, self.n_outputs))

    def compute(self, inputs, batch_size: int = 4096, progress: bool = False, n_jobs: int = 1) -> sp.csr_matrix:
        """Decoded outputs of a batch of inputs, as csr bool (batch, m').

        Parameters
        ----------
        inputs : anything :func:`superpos.inputs.as_input_sets` accepts
        batch_size : int
            Rows per task. Dense layers work through it in blocks of about
            1 MB of pre-activations; a sparse product's memory grows with it.
        progress : bool
            Show a tqdm bar over batches.
        n_jobs : int
            Worker processes evaluating batches at once (forked, so Linux and
            macOS only when > 1).

        Examples
        --------
        >>> net = Network(sp.identity(3, format="csr"), [(sp.csr_matrix(np.array([[1.0, 1.0, 0.0]])), np.array([-1.0]))],
        ...               np.array([[0]]), 1.0)
        >>> net.compute([[0, 1], [0, 2], []]).toarray().ravel().tolist()
        [True, False, False]
        """
        batch_size = _check_batch_size(batch_size)
        if isinstance(n_jobs, (bool, np.bool_)) or not isinstance(n_jobs, Integral) or n_jobs < 1:
            raise ValueError(f"n_jobs must be a positive integer, got {n_jobs}")
        matrix = as_input_sets(inputs, self.n_inputs)
        starts = range(0, matrix.shape[0], batch_size)
        self.prepare()  # build the caches before any fork
        if n_jobs == 1 or len(starts) < 2:
            pool = None
            results = (self._compute_batch(matrix[start:start + batch_size]) for start in starts)
        else:
            # scipy's sparse products hold the GIL, so use processes; forked
            # workers share the network's arrays with the parent copy-on-write.
            _FORKED_WORK.update(network=self, matrix=matrix, batch_size=batch_size)
            pool = multiprocessing.get_context("fork").Pool(n_jobs)
            results = pool.imap(_compute_forked_batch, starts)
        if progress:
            from tqdm.auto import tqdm
            results = tqdm(results, total=len(starts), desc="compute", unit="batch")
        try:
            parts = list(results)
        finally:
            if pool is not None:
                pool.close()
                pool.join()
                _FORKED_WORK.clear()
        if not parts:
            return sp.csr_matrix((0, self.n_outputs), dtype=bool)
        return sp.vstack(parts, format="csr")

    def _compute_batch(self, batch: sp.csr_matrix) -> sp.csr_matrix:
        return self._decode(self._propagate(batch, keep_all=False)[0])

    # ---------------------------------------------------------------- storage
    def save(self, path) -> None:
        """Write the raw arrays to one uncompressed .npz (see the module docstring to replay it).

        Examples
        --------
        >>> net = Network(sp.identity(3, format="csr"), [(sp.csr_matrix(np.array([[1.0, 1.0, 0.0]])), np.array([-1.0]))],
        ...               np.array([[0]]), 1.0)
        >>> import tempfile, pathlib
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     net.save(pathlib.Path(folder) / "net.npz")
        ...     loaded = Network.load(pathlib.Path(folder) / "net.npz")
        >>> loaded.widths == net.widths
        True
        """
        arrays = {"n_layers": np.int64(len(self.layers)), "output_codes": self.output_codes,
                  "threshold": np.float64(self.threshold), "name": np.str_(self.name)}
        for prefix, matrix in [("input_codes", self.input_codes)] + \
                [(f"layer{i}_W", weights) for i, (weights, _) in enumerate(self.layers)]:
            arrays.update({f"{prefix}_data": matrix.data, f"{prefix}_indices": matrix.indices,
                           f"{prefix}_indptr": matrix.indptr, f"{prefix}_shape": np.array(matrix.shape)})
        for i, (_, bias) in enumerate(self.layers):
            arrays[f"layer{i}_b"] = bias
        np.savez(path, **arrays)

    @classmethod
    def load(cls, path) -> "Network":
        """Read a network written by ``save``.

        Examples
        --------
        >>> net = Network(sp.identity(3, format="csr"), [(sp.csr_matrix(np.array([[1.0, 1.0, 0.0]])), np.array([-1.0]))],
        ...               np.array([[0]]), 1.0)
        >>> import tempfile, pathlib
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     net.save(pathlib.Path(folder) / "net.npz")
        ...     loaded = Network.load(pathlib.Path(folder) / "net.npz")
        >>> (loaded.compute([[0, 1]]) != net.compute([[0, 1]])).nnz
        0
        """
        with np.load(path, allow_pickle=False) as stored:
            def csr(prefix):
                return sp.csr_matrix((stored[f"{prefix}_data"], stored[f"{prefix}_indices"], stored[f"{prefix}_indptr"]),
                                     shape=tuple(stored[f"{prefix}_shape"]))

            layers = [(csr(f"layer{i}_W"), stored[f"layer{i}_b"]) for i in range(int(stored["n_layers"]))]
            network = cls.__new__(cls)
            network.input_codes, network.layers, network.output_codes = csr("input_codes"), layers, stored["output_codes"]
            network.threshold, network.name = float(stored["threshold"]), str(stored["name"])
        network.__post_init__(copy=False)   # the arrays were just read: no second copy of W
        return network


# A dense copy of Wᵀ costs n_in · n_out small integers; it pays off over the
# sparse product (several ns per stored weight) once W is this dense.
DENSE_MIN_DENSITY = 1 / 32
# Rows of the dense accumulator handled at once: about 1 MB stays in cache.
ACCUMULATOR_BLOCK_BYTES = 2**20
# Rows of W turned dense at a time while filling the dense copy of Wᵀ.
_FILL_ROWS = 256


def _padded_entries(activation: sp.csr_matrix, pad: int, ones_first: bool) -> tuple[np.ndarray, np.ndarray]:
    """The stored entries of each row as a rectangle: neuron indices (padded with ``pad``) and values (padded with 1).

    Entries keep their stored order, or with ``ones_first`` the entries equal
    to 1 come first in each row (so whole columns of the rectangle are 1).
    """
    n_rows = activation.shape[0]
    counts = np.diff(activation.indptr)
    width = int(counts.max()) if n_rows else 0
    row = np.repeat(np.arange(n_rows), counts)
    order = np.lexsort((activation.data != 1, row)) if ones_first else np.arange(row.size)
    position = np.arange(row.size) - activation.indptr[row]
    entries = np.full((n_rows, width), pad, dtype=np.int64)
    values = np.ones((n_rows, width), dtype=np.float32)
    entries[row, position] = activation.indices[order]
    values[row, position] = activation.data[order]
    return entries, values


@dataclass(eq=False)
class PreparedLayer:
    """One layer h ↦ ReLU(W h + b) made ready for fast evaluation (see :attr:`Network.prepared_layers`).

    Two ways to form the pre-activations z = W h of a batch (rows = inputs):

    * sparse: the csr product H Wᵀ (``transposed`` holds Wᵀ in float32);
    * dense: ``dense`` holds Wᵀ as an (n_in + 1) × n_out array in the narrowest
      dtype that stores every weight exactly (the last row is zero, a target
      for padding); a block of rows accumulates z[r] = Σ_j h[r, j] · Wᵀ[j] by
      gathering the rows j that are active in r. When the weights and
      activations are integers and |z| ≤ Σ_j |h[r, j]| · max|W| < 2²⁴, the sum
      runs in the narrowest integer type that holds that bound (uint8 for 0/1
      weights and small codes), which is exact and equals the float32 sum of
      the sparse path; otherwise it runs in float32, adding the terms in the
      row's stored order as the sparse product does.

    Both keep the positive entries of z + b (b in float32), so the activation
    is ReLU(z + b) as a csr matrix. The dense copy is made when W has at least
    ``DENSE_MIN_DENSITY`` of its entries nonzero and it fits in the budget.

    Examples
    --------
    >>> layer = PreparedLayer.build(sp.csr_matrix(np.array([[1.0, 1.0], [0.0, 1.0]])), np.array([-1.0, 0.0]), 2**20)
    >>> layer.dense.dtype, layer.accumulator_dtype(sp.csr_matrix(np.array([[1.0, 1.0]])))
    (dtype('uint8'), dtype('uint8'))
    >>> layer.apply(sp.csr_matrix(np.array([[1.0, 1.0]]))).toarray().tolist()
    [[1.0, 1.0]]
    """

    bias: np.ndarray                 # float32, (n_out,)
    dense: np.ndarray | None         # Wᵀ dense (n_in + 1, n_out), or None
    largest_weight: float            # max |W|
    transposed: sp.csr_matrix | None  # Wᵀ float32 csr when there is no dense copy

    @classmethod
    def build(cls, weights: sp.csr_matrix, bias: np.ndarray, budget: float) -> "PreparedLayer":
        """Prepare the layer (W, b), with a dense copy of Wᵀ if W is dense enough and it fits in ``budget`` bytes.

        Examples
        --------
        >>> layer = PreparedLayer.build(sp.csr_matrix(np.array([[1.0, 1.0], [0.0, 2.0]])), np.array([-1.0, 0.0]), 2**20)
        >>> h = sp.csr_matrix(np.array([[1.0, 1.0], [0.0, 1.0]]))
        >>> layer.dense.shape, layer.transposed is None   # Wᵀ plus a row of zeros for padding
        ((3, 2), True)
        """
        n_out, n_in = weights.shape
        dtype, largest = smallest_exact_dtype(weights.data)
        dense_bytes = (n_in + 1) * n_out * dtype.itemsize
        if weights.nnz >= DENSE_MIN_DENSITY * n_out * n_in and dense_bytes <= budget:
            dense = np.zeros((n_in + 1, n_out), dtype=dtype)
            # Fill Wᵀ a block of columns at a time: scatter a block of rows of W
            # into a small dense buffer, then copy its transpose into place, so
            # the big array is written in runs rather than one byte at a time.
            for first in range(0, n_out, _FILL_ROWS):
                last = min(first + _FILL_ROWS, n_out)
                lo, hi = weights.indptr[first], weights.indptr[last]
                block = sp.csr_matrix((weights.data[lo:hi].astype(dtype), weights.indices[lo:hi],
                                       weights.indptr[first:last + 1] - lo), shape=(last - first, n_in))
                dense[:n_in, first:last] = block.toarray().T
            return cls(bias.astype(np.float32), dense, largest, None)
        transposed = weights.T.tocsr().astype(np.float32, copy=False)
        transposed.sort_indices()
        return cls(bias.astype(np.float32), None, largest, transposed)

    def apply(self, activation: sp.csr_matrix) -> sp.csr_matrix:
        """ReLU(z + b) for a batch of activations of the layer below (csr, rows = inputs).

        Examples
        --------
        >>> layer = PreparedLayer.build(sp.csr_matrix(np.array([[1.0, 1.0], [0.0, 2.0]])), np.array([-1.0, 0.0]), 2**20)
        >>> h = sp.csr_matrix(np.array([[1.0, 1.0], [0.0, 1.0]]))
        >>> layer.apply(h).toarray().tolist()   # ReLU(W h + b)
        [[1.0, 2.0], [0.0, 2.0]]
        """
        if self.dense is None:
            return self.apply_sparse(activation)
        return self.apply_dense(activation)

    def apply_sparse(self, activation: sp.csr_matrix) -> sp.csr_matrix:
        """ReLU(z + b) by the csr product with Wᵀ (needs ``transposed``).

        Examples
        --------
        >>> layer = PreparedLayer.build(sp.csr_matrix(np.array([[1.0, 1.0], [0.0, 2.0]])), np.array([-1.0, 0.0]), 0)
        >>> layer.apply_sparse(sp.csr_matrix(np.array([[1.0, 1.0], [0.0, 1.0]]))).toarray().tolist()
        [[1.0, 2.0], [0.0, 2.0]]
        """
        pre = activation @ self.transposed
        positive = np.flatnonzero(self.bias > 0)
        if positive.size:
            # A neuron with a positive bias is on even with no input: add its
            # bias to every row explicitly.
            n_rows = activation.shape[0]
            filled = sp.csr_matrix((np.tile(self.bias[positive], n_rows), np.tile(positive, n_rows),
                                    np.arange(0, (n_rows + 1) * positive.size, positive.size)), shape=pre.shape)
            pre = (pre + filled).tocsr()
        # Neurons with no input and a bias <= 0 stay at ReLU(b) = 0, so only
        # the stored entries matter: keep those with z + b > 0.
        shifted = pre.data + np.minimum(self.bias, 0)[pre.indices]
        keep = shifted > 0
        kept_before = np.zeros(keep.size + 1, dtype=np.int64)
        np.cumsum(keep, out=kept_before[1:])
        return sp.csr_matrix((shifted[keep], pre.indices[keep], kept_before[pre.indptr]), shape=pre.shape)

    def accumulator_dtype(self, activation: sp.csr_matrix) -> np.dtype:
        """The integer type that holds every z of the batch exactly, or float32 (the dense path's sums).

        Examples
        --------
        >>> layer = PreparedLayer.build(sp.csr_matrix(np.array([[1.0, 1.0], [0.0, 2.0]])), np.array([-1.0, 0.0]), 2**20)
        >>> h = sp.csr_matrix(np.array([[1.0, 1.0], [0.0, 1.0]]))
        >>> layer.accumulator_dtype(h), layer.accumulator_dtype(h * 0.5)
        (dtype('uint8'), dtype('float32'))
        """
        data = activation.data
        if self.dense.dtype.kind == "f" or not is_integral(data):
            return np.dtype(np.float32)
        row = np.repeat(np.arange(activation.shape[0]), np.diff(activation.indptr))
        bound = float(np.bincount(row, weights=np.abs(data), minlength=1).max()) * self.largest_weight
        if bound >= FLOAT32_EXACT:
            return np.dtype(np.float32)
        signed = self.dense.dtype.kind == "i"
        for dtype in ((np.int8, np.int16, np.int32) if signed else (np.uint8, np.uint16, np.uint32)):
            if bound <= np.iinfo(dtype).max:
                return np.dtype(dtype)

    def _accumulate(self, entries: np.ndarray, weights: np.ndarray, accumulator: np.dtype) -> np.ndarray:
        """z = Σ_j h[r, j] · Wᵀ[j] for rows given as padded (entries, weights), summed in ``accumulator``."""
        integral = accumulator.kind != "f"
        z = np.zeros((entries.shape[0], self.dense.shape[1]), dtype=accumulator)
        for position in range(entries.shape[1]):
            gathered = self.dense[entries[:, position]]
            factor = weights[:, position]
            if integral and np.all(factor == 1):
                z += gathered
            elif integral:
                z += gathered.astype(accumulator) * factor.astype(accumulator)[:, None]
            else:
                z += gathered * factor[:, None]
        return z

    def sums(self, activation: sp.csr_matrix) -> np.ndarray:
        """z = W h for every row of ``activation``, dense (rows, n_out), without the bias.

        On the dense path in :meth:`accumulator_dtype` (exact integers when it is
        an integer type); on the sparse path the float32 csr product.

        Examples
        --------
        >>> layer = PreparedLayer.build(sp.csr_matrix(np.array([[1.0, 1.0], [0.0, 2.0]])), np.array([-1.0, 0.0]), 2**20)
        >>> h = sp.csr_matrix(np.array([[1.0, 1.0], [0.0, 1.0]]))
        >>> layer.sums(h).tolist()   # W h in uint8, exact (no bias)
        [[2, 2], [1, 2]]
        """
        if self.dense is None:
            return (activation @ self.transposed).toarray()
        accumulator = self.accumulator_dtype(activation)
        entries, weights = _padded_entries(activation, self.dense.shape[0] - 1, ones_first=accumulator.kind != "f")
        return self._accumulate(entries, weights, accumulator)

    def apply_dense(self, activation: sp.csr_matrix) -> sp.csr_matrix:
        """ReLU(z + b) from the dense copy of Wᵀ (needs ``dense``), a block of about 1 MB of z at a time.

        Examples
        --------
        >>> layer = PreparedLayer.build(sp.csr_matrix(np.array([[1.0, 1.0], [0.0, 2.0]])), np.array([-1.0, 0.0]), 2**20)
        >>> h = sp.csr_matrix(np.array([[1.0, 1.0], [0.0, 1.0]]))
        >>> layer.apply_dense(h).toarray().tolist()
        [[1.0, 2.0], [0.0, 2.0]]
        """
        n_rows, n_out = activation.shape[0], self.dense.shape[1]
        pad = self.dense.shape[0] - 1
        accumulator = self.accumulator_dtype(activation)
        integral = accumulator.kind != "f"
        if integral:
            # z + b > 0 ⟺ z ≥ ⌊−b⌋ + 1 for integer z (b as the float32 the sparse path adds).
            info = np.iinfo(accumulator)
            fire_at = np.floor(-self.bias.astype(np.float64)) + 1
            never = fire_at > info.max
            fire_at = np.clip(fire_at, info.min, info.max).astype(accumulator)
        block = max(1, ACCUMULATOR_BLOCK_BYTES // (n_out * accumulator.itemsize))
        rows, columns, values = [], [], []
        for start in range(0, n_rows, block):
            entries, weights = _padded_entries(activation[start:start + block], pad, ones_first=integral)
            z = self._accumulate(entries, weights, accumulator)
            if integral:
                firing = z >= fire_at
                if never.any():
                    firing &= ~never
                row, column = nonzero_2d(firing)
                value = z[row, column].astype(np.float32) + self.bias[column]
            else:
                shifted = z + self.bias
                row, column = nonzero_2d(shifted > 0)
                value = shifted[row, column]
            rows.append(row + start)
            columns.append(column)
            values.append(value)
        row = np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)
        indptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(np.bincount(row, minlength=n_rows), out=indptr[1:])
        return sp.csr_matrix((np.concatenate(values) if values else np.empty(0, np.float32),
                              np.concatenate(columns) if columns else np.empty(0, np.int64), indptr),
                             shape=(n_rows, n_out))


_FORKED_WORK: dict = {}


def _compute_forked_batch(start: int) -> sp.csr_matrix:
    work = _FORKED_WORK
    return work["network"]._compute_batch(work["matrix"][start:start + work["batch_size"]])


def _check_batch_size(batch_size) -> int:
    if isinstance(batch_size, (bool, np.bool_)) or not isinstance(batch_size, Integral) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size}")
    return int(batch_size)
