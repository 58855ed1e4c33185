"""Adversarial inputs: k-sparse sets built to switch on one chosen absent output of a network.

Pick a target ℓ = (a, b) and one endpoint, say a, so ℓ stays absent as long
as b is never added; then add k − 1 further inputs greedily. At each step a
pool of candidates is tried, drawn from (i) the partners of a and b (inputs
that share a pair with them, whose AND neurons sit near ℓ's), (ii) inputs
whose input codes share a neuron with a's or b's code (they mimic the
endpoints), (iii) uniformly random inputs; the candidate kept is the one that
most raises ℓ's output code, scored lexicographically by the number of its t
code neurons that reach the threshold, then the weakest code neuron's
pre-activation, then the summed pre-activation of the neurons that feed the
code (the code's "cone" in the layer below), which moves even when no code
neuron does (:func:`forward_scores`). The search only runs the network
forward, through its public evaluation interface
(:class:`superpos.network.Network`); it never reads how the network was built.

On a two-layer network with integer weights and biases the same scores are
computed without the full forward pass, from the hidden units that some
candidate can switch on and from cached rows of W₂⁺W₁
(:class:`TwoLayerScorer`); the sums are exact integers
(:func:`two_layer_scores_are_exact`), so the inputs chosen are the same.

:func:`verify_adversarial` counts the wrong decisions on such inputs, as
:mod:`superpos.verify` does on exhaustive and random ones.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from superpos.inputs import as_input_sets
from superpos.network import Network
from superpos.numerics import FLOAT32_EXACT, FLOAT64_EXACT, binary_support, is_integral
from superpos.validation import check_int, check_random_state
from superpos.verify import ErrorCount, checked_instance, count_errors

__all__ = ["CONE_CACHE_BYTES", "CONE_STEP", "SCORER_BLOCK_BYTES", "SCORINGS", "TwoLayerScorer", "adversarial_inputs",
           "forward_scores", "two_layer_scores_are_exact", "verify_adversarial"]

#: How candidates are scored: the two-layer scorer when it is exact, the forward pass always, or the scorer always.
SCORINGS = ("auto", "forward", "two_layer")


def _partner_matrix(pairs: np.ndarray, n_inputs: int) -> sp.csr_matrix:
    """Symmetric m × m adjacency of the pairs: row i lists the partners of input i."""
    rows = np.concatenate([pairs[:, 0], pairs[:, 1]])
    cols = np.concatenate([pairs[:, 1], pairs[:, 0]])
    return sp.csr_matrix((np.ones(rows.size, dtype=bool), (rows, cols)), shape=(n_inputs, n_inputs))


def _random_member(matrix: sp.csr_matrix, rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A uniform random column index stored in each given row; -1 for an empty row."""
    starts, lengths = matrix.indptr[rows], np.diff(matrix.indptr)[rows]
    picks = starts + (rng.random(rows.size) * lengths).astype(np.int64)
    return np.where(lengths > 0, matrix.indices[np.minimum(picks, matrix.indices.size - 1)], -1)


def _draw_candidates(active: np.ndarray, ends: np.ndarray, other: np.ndarray, n_candidates: int,
                     partners: sp.csr_matrix, codes: sp.csr_matrix, holders: sp.csr_matrix,
                     rng: np.random.Generator) -> np.ndarray:
    """(targets, n_candidates) inputs to try next: partners, code look-alikes, random ones."""
    n_targets, n_inputs = active.shape[0], partners.shape[0]
    endpoint = ends[np.arange(n_targets)[:, None], rng.integers(2, size=(n_targets, n_candidates))].ravel()
    kind = np.arange(n_candidates) % 3
    kind = np.broadcast_to(kind, (n_targets, n_candidates)).ravel()
    candidates = rng.integers(n_inputs, size=endpoint.size)
    partner = _random_member(partners, endpoint, rng)
    candidates = np.where((kind == 0) & (partner >= 0), partner, candidates)
    neuron = _random_member(codes, endpoint, rng)
    lookalike = _random_member(holders, np.maximum(neuron, 0), rng)
    candidates = np.where((kind == 1) & (neuron >= 0) & (lookalike >= 0), lookalike, candidates)
    candidates = candidates.reshape(n_targets, n_candidates)
    for _ in range(100):  # redraw candidates that would complete the AND or repeat an active input
        bad = (candidates == other[:, None]) | (candidates[:, :, None] == active[:, None, :]).any(axis=2)
        if not bad.any():
            return candidates
        candidates[bad] = rng.integers(n_inputs, size=int(bad.sum()))
    raise ValueError("could not draw admissible adversarial candidates; n_inputs is too small for k")


def _rowwise_dot(per_group: sp.csr_matrix, group_of_row: np.ndarray, activations: sp.csr_matrix) -> np.ndarray:
    """Row r of ``activations`` dotted with row ``group_of_row[r]`` of ``per_group``."""
    per_group.sort_indices()                  # element look-ups bisect sorted rows
    entries = activations.tocoo()
    looked_up = np.asarray(per_group[group_of_row[entries.row], entries.col]).ravel()
    return np.bincount(entries.row, weights=looked_up * entries.data, minlength=activations.shape[0])


def _positive_last_weights(network: Network) -> sp.csr_matrix | None:
    """The positive part of the last layer's W (W itself when no weight is negative), computed once per search.

    Only the cone score of a network with two or more layers reads it.
    """
    if len(network.layers) < 2:
        return None
    weights = network.layers[-1][0]
    return weights if weights.nnz == 0 or weights.data.min() >= 0 else weights.maximum(0).tocsr()


def forward_scores(network: Network, active: np.ndarray, group_targets: np.ndarray, candidates: np.ndarray,
                   batch_size: int = 4096, positive_weights: sp.csr_matrix | None = None) -> np.ndarray:
    """Score keys of each candidate by the forward pass: (n firing, weakest code neuron, cone pre-activation).

    Parameters
    ----------
    network : Network
    active : int array (G, j)
        The partial input of each of G targets (j distinct features each).
    group_targets : int array (G,)
        The target output of each group.
    candidates : int array (G, C)
        The features tried as the next active input of each group.
    batch_size : int
        Rows evaluated at a time.
    positive_weights : csr matrix, optional
        W⁺ of the last layer, if already at hand.

    Returns
    -------
    numpy.ndarray of shape (3, G · C): row g · C + i scores candidate i of group g.

    Examples
    --------
    >>> from superpos.layout import naive_and_network
    >>> net = naive_and_network([[0, 1], [2, 3]], 4)
    >>> forward_scores(net, np.array([[0]]), np.array([0]), np.array([[1, 2]])).tolist()   # 1 completes output 0
    [[1.0, 0.0], [1.0, 0.0], [2.0, 1.0]]
    """
    n_candidates = candidates.shape[1]
    rows = np.concatenate([np.repeat(active, n_candidates, axis=0), candidates.reshape(-1, 1)], axis=1)
    if positive_weights is None:
        positive_weights = _positive_last_weights(network)
    return _code_scores(network, rows, group_targets, n_candidates, batch_size, positive_weights)


def _code_scores(network: Network, rows: np.ndarray, group_targets: np.ndarray, n_candidates: int,
                 batch_size: int, positive_weights: sp.csr_matrix | None) -> np.ndarray:
    """Lexicographic score keys of whole input rows (see :func:`forward_scores`), shape (3, R).

    Rows come in groups of ``n_candidates``, group g aiming at output
    ``group_targets[g]``.
    """
    # Only the code neurons of the last layer are scored, so the last layer is
    # evaluated at those t neurons per row rather than over its whole width.
    activations = network.forward(rows, batch_size=batch_size, sparse=True, depth=max(len(network.layers) - 1, 0))
    n_rows = rows.shape[0]
    group_of_row = np.arange(n_rows) // n_candidates
    codes = network.output_codes[group_targets][group_of_row]           # (R, t)
    t = codes.shape[1]
    flat_rows = np.repeat(np.arange(n_rows), t)
    if not network.layers:
        post = np.asarray(activations[-1][flat_rows, codes.ravel()]).reshape(n_rows, t)
        n_firing = (post >= network.threshold).sum(axis=1)
        return np.stack([n_firing, post.min(axis=1), post.sum(axis=1)])
    weights, bias = network.layers[-1]
    direct, positive_part = network.preactivations_at(len(network.layers) - 1, activations[-1], flat_rows,
                                                      codes.ravel())
    # The activation as the network computes it (float32 sum plus float32 bias),
    # and the pre-activation, whose negative values still say how close a neuron is.
    post = direct.astype(np.float32).reshape(n_rows, t) + bias.astype(np.float32)[codes]
    n_firing = (post >= np.float32(network.threshold)).sum(axis=1)
    pre = direct.reshape(n_rows, t) + bias[codes]
    # The cone: neurons of the layer below that excite the code, weighted by how much.
    if len(network.layers) == 1:
        # Σ_{u ∈ code} Σ_j W⁺[u, j] h[j]: the code's positive pre-activations, summed.
        cone_score = positive_part.reshape(n_rows, t).sum(axis=1)
    else:
        group_codes = network.output_codes[group_targets]
        n_groups = group_codes.shape[0]
        indicator = sp.csr_matrix((np.ones(group_codes.size), (np.repeat(np.arange(n_groups), t),
                                                                group_codes.ravel())),
                                  shape=(n_groups, weights.shape[0]))
        cone = (indicator @ positive_weights).tocsr()
        lower_weights, lower_bias = network.layers[-2]
        feed = (cone @ lower_weights).tocsr()             # cone pre-activation = feed · h + cone · b
        cone_score = _rowwise_dot(feed, group_of_row, activations[-2]) + (cone @ lower_bias)[group_of_row]
    return np.stack([n_firing, pre.min(axis=1), cone_score])


#: Bytes of the cached rows of W⁺_L W_{L-1} (the cone score's weights per code neuron).
CONE_CACHE_BYTES = 2**30
#: Bytes a block of targets may take in :meth:`TwoLayerScorer.scores`: the dense hidden sums of its
#: targets, the rows of W₁ that feed their codes, and those rows' sums over the candidates.
SCORER_BLOCK_BYTES = 2**27


def two_layer_scores_are_exact(network: Network, k: int) -> bool:
    """Whether :class:`TwoLayerScorer` reproduces :func:`forward_scores` exactly: two layers, integers, small sums.

    With integer weights and biases every activation is an integer; the bounds
    keep each sum of the original evaluation (float32 pre-activations, float64
    scores) exact, so any order of summation gives the same numbers.

    Examples
    --------
    >>> from superpos.layout import naive_and_network
    >>> two_layer_scores_are_exact(naive_and_network([[0, 1]], 3), 2)   # one layer: the forward pass is used
    False
    """
    if len(network.layers) != 2:
        return False
    (first, first_bias), (last, last_bias) = network.layers
    if not all(is_integral(values) for values in (first.data, first_bias, last.data, last_bias)):
        return False
    largest = lambda values: float(np.abs(values).max()) if values.size else 0.0
    code_size = int(np.diff(network.input_codes.indptr).max())
    lower_bound = k * code_size * largest(first.data)
    hidden_bound = lower_bound + largest(first_bias)
    # Row sums of |W₂| (an output neuron that serves no output has an empty row).
    row_mass = np.bincount(np.repeat(np.arange(last.shape[0]), np.diff(last.indptr)), weights=np.abs(last.data),
                           minlength=max(last.shape[0], 1))
    return (lower_bound < FLOAT32_EXACT and hidden_bound < FLOAT32_EXACT
            and float(row_mass.max()) * hidden_bound * network.output_codes.shape[1] < FLOAT64_EXACT)


def _cone_rows(positive_weights: sp.csr_matrix, lower_weights: sp.csr_matrix, neurons: np.ndarray,
               dtype=np.float64) -> np.ndarray:
    """Rows ``neurons`` of W⁺_L W_{L-1} as a dense array."""
    rows = np.empty((neurons.size, lower_weights.shape[1]), dtype=dtype)
    for start in range(0, neurons.size, CONE_STEP):
        rows[start:start + CONE_STEP] = (positive_weights[neurons[start:start + CONE_STEP]] @ lower_weights).toarray()
    return rows


def _forked_cone_rows(neurons: np.ndarray) -> np.ndarray:
    positive_weights, lower_weights, dtype = _FORKED_CONE
    return _cone_rows(positive_weights, lower_weights, neurons, dtype)


_FORKED_CONE: list = []
#: Code neurons whose cone rows one sparse product forms at a time.
CONE_STEP = 512


@dataclass(eq=False)
class TwoLayerScorer:
    """Scores of :func:`forward_scores` for a two-layer integer network, from the units that can move.

    A row is a target's partial input A plus one candidate c, so its layer-0
    activation is h⁰(A) + x_c with x_c the candidate's 0/1 code, and its
    hidden pre-activation is z(A) + W₁x_c. A hidden unit v that feeds the
    target's code can be on for some candidate only if
    z(A)_v + b_v + ρ_v > 0, where ρ_v ≥ (W₁x)_v for every code x (the sum of
    the s largest positive weights of row v is bounded by
    min(Σ_j W₁⁺[v, j], s · max_j W₁⁺[v, j]), s the largest code size); only
    those units are evaluated per candidate. The cone score is linear in h⁰:
    Σ_{u ∈ code} (W₂⁺ W₁ h⁰ + W₂⁺ b₁)_u, so it is read from cached rows of
    W₂⁺W₁. Every quantity is an integer below the exactness bounds of
    :func:`two_layer_scores_are_exact`, so the scores equal those of the forward
    pass bit for bit.

    Examples
    --------
    >>> from superpos.families import star_pairs
    >>> from superpos.three_channel import build_three_channel_and_network
    >>> net = build_three_channel_and_network(star_pairs(40, 39, seed=0), 40, 2, failure_prob=1e-3)
    >>> two_layer_scores_are_exact(net, 2)
    True
    >>> scorer = TwoLayerScorer.build(net, np.array([0, 1]))
    >>> active, candidates = np.array([[0], [1]]), np.array([[5, 6], [7, 8]])
    >>> bool(np.array_equal(scorer.scores(active, np.array([0, 1]), candidates),
    ...                     forward_scores(net, active, np.array([0, 1]), candidates)))
    True
    """

    network: Network
    reach: np.ndarray               # ρ_v for every hidden unit
    feed_nonzeros: np.ndarray       # per output neuron: nonzeros of W₁ in the rows of the units it reads
    feed_units: np.ndarray          # per output neuron: the hidden units it reads
    positive_last: sp.csr_matrix    # W₂⁺
    cone_bias: np.ndarray           # W₂⁺ b₁ per code neuron
    cone_neurons: np.ndarray        # sorted code neurons whose cone rows are cached
    cone_cache: np.ndarray | None   # rows of W₂⁺W₁ for ``cone_neurons``

    @classmethod
    def build(cls, network: Network, targets: np.ndarray, n_jobs: int = 1,
              positive_last: sp.csr_matrix | None = None) -> "TwoLayerScorer":
        """The scorer of ``network`` for the given target outputs (their cone rows are cached).

        ``n_jobs`` forked workers form the cache; ``positive_last`` is W₂⁺ if already at hand.

        Examples
        --------
        >>> from superpos.families import star_pairs
        >>> from superpos.three_channel import build_three_channel_and_network
        >>> net = build_three_channel_and_network(star_pairs(40, 39, seed=0), 40, 2, failure_prob=1e-3)
        >>> scorer = TwoLayerScorer.build(net, np.array([0, 1]))
        >>> scorer.cone_cache.shape[0] == np.unique(net.output_codes[[0, 1]]).size   # one cached row per code neuron
        True
        """
        if positive_last is None:
            positive_last = _positive_last_weights(network)
        first, first_bias = network.layers[0]
        positive_first = first.maximum(0).tocsr() if first.nnz and first.data.min() < 0 else first
        code_size = int(np.diff(network.input_codes.indptr).max())
        row_sum = np.asarray(positive_first.sum(axis=1)).ravel()
        row_max = np.zeros(first.shape[0])
        filled = np.diff(positive_first.indptr) > 0
        if positive_first.nnz:
            row_max[filled] = np.maximum.reduceat(positive_first.data, positive_first.indptr[:-1][filled])
        reach = np.minimum(row_sum, code_size * row_max)
        neurons = np.unique(network.output_codes[targets])
        # Entries of W₂⁺W₁ are integers of at most Σ_v W₂⁺[u, v] · max|W₁|; float32 holds them exactly below 2²⁴.
        mass = np.asarray(positive_last[neurons].sum(axis=1)).ravel()
        exact32 = float(mass.max()) * float(np.abs(first.data).max(initial=0)) < FLOAT32_EXACT
        dtype = np.dtype(np.float32 if exact32 else np.float64)
        cache = None
        if neurons.size * first.shape[1] * dtype.itemsize <= CONE_CACHE_BYTES:
            blocks = np.array_split(neurons, max(1, neurons.size // (4 * CONE_STEP)))
            if n_jobs == 1 or len(blocks) < 2:
                cache = _cone_rows(positive_last, first, neurons, dtype)
            else:
                _FORKED_CONE[:] = [positive_last, first, dtype]
                try:
                    with multiprocessing.get_context("fork").Pool(n_jobs) as pool:
                        cache = np.concatenate(pool.map(_forked_cone_rows, blocks))
                finally:
                    _FORKED_CONE.clear()
        reads = binary_support(network.layers[1][0])
        return cls(network, reach, reads @ np.diff(first.indptr).astype(float), np.diff(reads.indptr).astype(float),
                   positive_last, positive_last @ first_bias, neurons, cache)

    def _cone_feed(self, codes: np.ndarray) -> np.ndarray:
        """Σ over each row's code neurons of the rows of W₂⁺W₁, shape (groups, n₀)."""
        if self.cone_cache is not None:
            rows, neurons = self.cone_cache, self.cone_neurons
        else:
            neurons = np.unique(codes)
            rows = _cone_rows(self.positive_last, self.network.layers[0][0], neurons)
        return rows[np.searchsorted(neurons, codes)].sum(axis=1, dtype=np.float64)

    def scores(self, active: np.ndarray, group_targets: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        """Score keys of :func:`forward_scores` for rows (group g, candidate i), shape (3, groups · n_candidates).

        Examples
        --------
        >>> from superpos.families import star_pairs
        >>> from superpos.three_channel import build_three_channel_and_network
        >>> net = build_three_channel_and_network(star_pairs(40, 39, seed=0), 40, 2, failure_prob=1e-3)
        >>> scorer = TwoLayerScorer.build(net, np.array([0, 1]))
        >>> scorer.scores(np.array([[0], [1]]), np.array([0, 1]), np.array([[5, 6], [7, 8]])).shape
        (3, 4)
        """
        # Blocks of consecutive targets whose estimated bytes stay within SCORER_BLOCK_BYTES (at least one
        # target each): a hub's units read many codes, so a target's cost is counted, not assumed.
        codes = self.network.output_codes[group_targets]
        cost = (8.0 * self.network.widths[1] + 12.0 * self.feed_nonzeros[codes].sum(axis=1)
                + 8.0 * candidates.shape[1] * self.feed_units[codes].sum(axis=1))
        block = np.floor(np.cumsum(cost) / SCORER_BLOCK_BYTES).astype(np.int64)
        starts = np.flatnonzero(np.r_[True, np.diff(block) > 0])
        ends = np.r_[starts[1:], active.shape[0]]
        parts = [self._block_scores(active[start:end], group_targets[start:end], candidates[start:end])
                 for start, end in zip(starts, ends)]
        return np.concatenate(parts, axis=1)

    def _block_scores(self, active: np.ndarray, group_targets: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        network = self.network
        (first, first_bias), (last, last_bias) = network.layers
        n_groups, n_candidates = candidates.shape
        n_lower, n_hidden = first.shape[1], first.shape[0]
        input_codes = network.input_codes
        partial = network.encode(active)
        codes = network.output_codes[group_targets]                           # (G, t)
        t = codes.shape[1]
        # Every (code slot, hidden unit, weight) of the last layer that feeds a target's code.
        neurons = codes.ravel()
        counts = np.diff(last.indptr)[neurons]
        slot = np.repeat(np.arange(neurons.size), counts)
        stored = np.arange(slot.size) + np.repeat(last.indptr[neurons] - (np.cumsum(counts) - counts), counts)
        unit, weight = last.indices[stored].astype(np.int64), last.data[stored]
        group = np.repeat(np.arange(n_groups), counts.reshape(n_groups, t).sum(axis=1))   # slot // t, without a division
        offset = network.layer_sums(0, partial)[group, unit] + first_bias[unit]    # z(A)_v + b_v
        live = offset + self.reach[unit] > 0
        slot, unit, weight, group, offset = slot[live], unit[live], weight[live], group[live], offset[live]
        # Distinct (target, unit) pairs among the live ones.
        keys, pair = np.unique(group * n_hidden + unit, return_inverse=True)
        pair_group, pair_unit = keys // n_hidden, keys % n_hidden
        pair_offset = np.empty(keys.size)
        pair_offset[pair] = offset
        # (W₁ x_c)_v for each pair and candidate: one product with block-diagonal
        # structure, the columns of pair rows shifted by group · n₀ and the
        # candidates' codes stacked one group below the other.
        rows = first[pair_unit]
        rows = sp.csr_matrix((rows.data, rows.indices.astype(np.int64) + np.repeat(pair_group * n_lower,
                                                                                      np.diff(rows.indptr)),
                              rows.indptr), shape=(keys.size, n_groups * n_lower))
        candidate_codes = input_codes[candidates.ravel()].tocoo()
        candidate_group = candidate_codes.row // n_candidates
        stacked = sp.csr_matrix((candidate_codes.data, (candidate_group * n_lower + candidate_codes.col,
                                                        candidate_codes.row % n_candidates)),
                                shape=(n_groups * n_lower, n_candidates))
        hidden = np.maximum((rows @ stacked).toarray() + pair_offset[:, None], 0)   # (pairs, candidates)
        feeds = sp.csr_matrix((weight, (slot, pair)), shape=(n_groups * t, keys.size))
        direct = (feeds @ hidden).reshape(n_groups, t, n_candidates).transpose(0, 2, 1).reshape(-1, t)
        row_codes = np.repeat(codes, n_candidates, axis=0)
        post = direct.astype(np.float32) + last_bias.astype(np.float32)[row_codes]
        n_firing = (post >= np.float32(network.threshold)).sum(axis=1)
        pre = direct + last_bias[row_codes]
        # Cone score: feed · (h⁰(A) + x_c) + Σ_code W₂⁺b₁.
        feed = self._cone_feed(codes)                                         # (G, n₀)
        partial = partial.tocoo()
        shared = np.bincount(partial.row, weights=feed[partial.row, partial.col] * partial.data, minlength=n_groups)
        own = np.bincount(candidate_codes.row, weights=feed[candidate_group, candidate_codes.col],
                          minlength=n_groups * n_candidates)
        cone_score = own + np.repeat(shared + self.cone_bias[codes].sum(axis=1), n_candidates)
        return np.stack([n_firing, pre.min(axis=1), cone_score])


_FORKED_WORK: dict = {}


def _best_candidates(job) -> np.ndarray:
    """For each target of a chunk, the candidate with the best score."""
    active, group_targets, candidates = job
    size, n_candidates = candidates.shape
    scorer = _FORKED_WORK["scorer"]
    if scorer is not None:
        scores = scorer.scores(active, group_targets, candidates)
    else:
        scores = forward_scores(_FORKED_WORK["network"], active, group_targets, candidates, _FORKED_WORK["batch_size"],
                                _FORKED_WORK["positive_weights"])
    # lexsort sorts by its last key first: group by target, then order each
    # group by the score keys, so a group's last entry is its best candidate.
    order = np.lexsort((scores[2], scores[1], scores[0], np.repeat(np.arange(size), n_candidates)))
    return candidates[np.arange(size), order[np.arange(1, size + 1) * n_candidates - 1] % n_candidates]


def adversarial_inputs(network: Network, pairs, k: int, n_targets: int, seed: int = 0, n_candidates: int = 48,
                       chunk: int = 256, batch_size: int = 4096, progress: bool = False,
                       n_jobs: int = 1, scoring: str = "auto") -> sp.csr_matrix:
    """k-sparse inputs, each searched greedily to switch on one absent target output.

    Parameters
    ----------
    network : Network
    pairs : AndInstance or array-like (m', 2)
        The pairs the network claims to compute.
    k : int
        Active inputs per built input (one endpoint of the target plus k − 1 more).
    n_targets : int
        Number of inputs to build; targets are distinct outputs while n_targets <= m'.
    seed : int
    n_candidates : int
        Candidates tried per target and step (a third partners, a third
        code look-alikes, a third random).
    chunk : int
        Targets searched together (rows per forward pass: chunk · n_candidates).
    batch_size, progress
        As in ``Network.compute``; progress shows a bar over the k − 1 steps.
    n_jobs : int
        Forked worker processes scoring chunks at once (and forming the
        two-layer scorer's cache of W₂⁺W₁ rows, at most ``CONE_CACHE_BYTES``;
        beyond it the rows are formed per chunk and step, slower).
    scoring : {"auto", "forward", "two_layer"}
        How candidates are scored: ``"auto"`` uses :class:`TwoLayerScorer`
        when :func:`two_layer_scores_are_exact`, else the forward pass;
        ``"forward"`` always the forward pass; ``"two_layer"`` always the
        scorer (ValueError when it is not exact). All give the same inputs.

    Returns
    -------
    scipy.sparse.csr_matrix of bool, shape (n_targets, m); in row r the target
    output is absent by construction, so any output it decodes beyond the true
    ones is a false positive.

    Examples
    --------
    >>> from superpos.layout import naive_and_network
    >>> built = adversarial_inputs(naive_and_network([[0, 1], [2, 3], [4, 5]], 6), [[0, 1], [2, 3], [4, 5]], 2, 3)
    >>> built.shape, np.diff(built.indptr).tolist()
    ((3, 6), [2, 2, 2])
    """
    instance, k = checked_instance(network, pairs, k)
    if scoring not in SCORINGS:
        raise ValueError(f"scoring must be one of {SCORINGS}, got {scoring!r}")
    n_targets = check_int(n_targets, "n_targets", 1)
    n_candidates = check_int(n_candidates, "n_candidates", 1)
    chunk = check_int(chunk, "chunk", 1)
    n_jobs = check_int(n_jobs, "n_jobs", 1)
    if k > network.n_inputs - 1:
        raise ValueError(f"k = {k} must leave the target's other endpoint out: need k <= n_inputs - 1 = "
                         f"{network.n_inputs - 1}")
    rng = check_random_state(seed)
    n_outputs, n_inputs = network.n_outputs, network.n_inputs
    targets = rng.choice(n_outputs, size=n_targets, replace=n_targets > n_outputs)
    ends = instance.pairs[targets]
    side = rng.integers(2, size=n_targets)
    active = ends[np.arange(n_targets), side][:, None]
    other = ends[np.arange(n_targets), 1 - side]
    partners = _partner_matrix(instance.pairs, n_inputs)
    holders = network.input_codes.T.tocsr()
    positive_weights = _positive_last_weights(network)
    network.prepare()  # build the evaluation caches once, before any fork
    exact = two_layer_scores_are_exact(network, k)
    if scoring == "two_layer" and not exact:
        raise ValueError("scoring='two_layer' needs a two-layer network with integer weights and biases whose sums "
                         "are exact (two_layer_scores_are_exact); use scoring='auto' or 'forward'")
    use_scorer = scoring == "two_layer" or (scoring == "auto" and exact)
    scorer = TwoLayerScorer.build(network, targets, n_jobs, positive_weights) if use_scorer else None
    steps = range(k - 1)
    if progress:
        from tqdm.auto import tqdm
        steps = tqdm(steps, desc="adversary", unit="step")
    for _ in steps:
        # Candidates are drawn here, in order, so the result does not depend on n_jobs.
        parts = [slice(start, min(start + chunk, n_targets)) for start in range(0, n_targets, chunk)]
        jobs = []
        for part in parts:
            candidates = _draw_candidates(active[part], ends[part], other[part], n_candidates, partners,
                                          network.input_codes, holders, rng)
            jobs.append((active[part], targets[part], candidates))
        _FORKED_WORK.update(network=network, batch_size=batch_size, positive_weights=positive_weights, scorer=scorer)
        try:
            if n_jobs == 1 or len(jobs) < 2:
                best = list(map(_best_candidates, jobs))
            else:
                with multiprocessing.get_context("fork").Pool(n_jobs) as pool:
                    best = pool.map(_best_candidates, jobs)
        finally:
            _FORKED_WORK.clear()
        active = np.concatenate([active, np.concatenate(best)[:, None]], axis=1)
    return as_input_sets(active, n_inputs, k=k)


def verify_adversarial(network: Network, pairs, k: int, n_targets: int, seed: int = 0, **options) -> ErrorCount:
    """Errors over ``adversarial_inputs(network, pairs, k, n_targets, seed, **options)``.

    Examples
    --------
    >>> from superpos.layout import naive_and_network
    >>> verify_adversarial(naive_and_network([[0, 1], [2, 3]], 4), [[0, 1], [2, 3]], 2, 2).wrong
    0
    """
    instance, k = checked_instance(network, pairs, k)
    inputs = adversarial_inputs(network, instance, k, n_targets, seed=seed, **options)
    return count_errors(network, instance, inputs, batch_size=options.get("batch_size", 4096),
                        n_jobs=options.get("n_jobs", 1))
