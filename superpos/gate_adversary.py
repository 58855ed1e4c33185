r"""Adversarial inputs for gate instances and circuits: k-sparse sets built to switch on one chosen absent output.

The same greedy search as :mod:`superpos.adversary` (which is written for
pairs), for any output whose truth the caller can state. For a target
output ℓ the input starts from a set that keeps ℓ absent and grows one
feature at a time up to k: at each step a pool of candidates is drawn, the
candidates that would make ℓ true are set aside, and the one that most
raises ℓ's output code is kept, scored by
:func:`superpos.adversary.forward_scores` (firing code neurons, then the
weakest code neuron, then the summed pre-activation of the layer below).
The search only runs the network forward.

:func:`greedy_inputs` is the search; :func:`adversarial_gate_inputs` runs it on a
:class:`~superpos.gates.GateInstance`: the start holds a − 1 endpoints of ℓ (a its need)
(none for a permutation or an OR) and the other endpoints are never added,
and candidates come, a quarter each, from

* *co-endpoints*: inputs that share an output with an endpoint of ℓ;
* *members*: endpoints of outputs whose codes share a neuron with T_ℓ (such an
  input is in R_w for that neuron w, and puts s into U_w at once);
* *look-alikes*: inputs whose input codes share a neuron with an endpoint's code;
* uniformly random inputs.

:func:`verify_adversarial_gates` counts the wrong decisions on such inputs
(:func:`superpos.verify.count_errors`).
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import scipy.sparse as sp

from superpos.adversary import forward_scores
from superpos.gates import GateInstance
from superpos.inputs import as_input_sets
from superpos.network import Network
from superpos.validation import check_int, check_random_state
from superpos.verify import ErrorCount, checked_instance, count_errors

__all__ = ["adversarial_gate_inputs", "greedy_inputs", "random_stored", "redraw_candidates",
           "verify_adversarial_gates"]


def random_stored(matrix: sp.csr_matrix, rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A uniform random column index stored in each given row of a csr matrix; -1 for an empty row.

    Examples
    --------
    >>> matrix = sp.csr_matrix(np.array([[0, 1, 1], [0, 0, 0]]))
    >>> random_stored(matrix, np.array([0, 1, 0]), np.random.default_rng(0)).tolist()[1]
    -1
    """
    starts, lengths = matrix.indptr[rows], np.diff(matrix.indptr)[rows]
    picks = starts + (rng.random(rows.size) * lengths).astype(np.int64)
    return np.where(lengths > 0, matrix.indices[np.minimum(picks, max(matrix.indices.size - 1, 0))]
                    if matrix.indices.size else -1, -1)


def _positive_last(network: Network) -> sp.csr_matrix | None:
    if len(network.layers) < 2:
        return None
    weights = network.layers[-1][0]
    return weights if weights.nnz == 0 or weights.data.min() >= 0 else weights.maximum(0).tocsr()


def greedy_inputs(network: Network, targets: np.ndarray, start: np.ndarray, k: int,
                  draw: Callable, admissible: Callable | None = None, seed: int = 0, n_candidates: int = 48,
                  chunk: int = 256, batch_size: int = 4096, progress: bool = False) -> sp.csr_matrix:
    """Grow ``start`` to k actives per target, keeping at each step the admissible candidate that scores best.

    Parameters
    ----------
    network : Network
    targets : int array (T,)
        The output each input aims at.
    start : int array (T, j₀)
        The first actives of each input (j₀ ≤ k, the same for all).
    k : int
        Actives per built input.
    draw : callable
        ``draw(positions, active, n_candidates, rng)`` returns an int array
        (len(positions), n_candidates) of features to try for the targets at
        ``positions``, none of them already in ``active``.
    admissible : callable, optional
        ``admissible(positions, active, candidates)`` returns a bool array of the
        candidates' shape, False where adding the candidate would make the
        target true (such candidates are never kept if another is left).
    seed, n_candidates, chunk, batch_size, progress
        Seed of the draws; candidates per target and step; targets per forward
        pass; rows per evaluation; a tqdm bar over the steps.

    Returns
    -------
    scipy.sparse.csr_matrix of bool, shape (T, m)

    Examples
    --------
    >>> from superpos.layout import naive_and_network
    >>> net = naive_and_network([[0, 1], [2, 3]], 6)
    >>> draw = lambda positions, active, c, rng: np.tile([1, 4, 5], (len(positions), 1))
    >>> greedy_inputs(net, np.array([0]), np.array([[0]]), 2, draw).toarray().astype(int).tolist()  # 1 completes
    [[1, 1, 0, 0, 0, 0]]
    >>> keep_absent = lambda positions, active, candidates: candidates != 1
    >>> bool(greedy_inputs(net, np.array([0]), np.array([[0]]), 2, draw, keep_absent).toarray()[0, 1])
    False
    """
    k = check_int(k, "k", 1)
    targets = np.asarray(targets, dtype=np.int64)
    active = np.asarray(start, dtype=np.int64).reshape(targets.size, -1)
    if active.shape[1] > k:
        raise ValueError(f"the start sets hold {active.shape[1]} actives, more than k = {k}")
    rng = check_random_state(seed)
    positive = _positive_last(network)
    network.prepare()
    steps = range(active.shape[1], k)
    if progress:
        from tqdm.auto import tqdm
        steps = tqdm(steps, desc="adversary", unit="step")
    for _ in steps:
        chosen = []
        for begin in range(0, targets.size, chunk):
            positions = np.arange(begin, min(begin + chunk, targets.size))
            candidates = draw(positions, active[positions], n_candidates, rng)
            per_target = candidates.shape[1]
            scores = forward_scores(network, active[positions], targets[positions], candidates, batch_size, positive)
            if admissible is not None:
                allowed = admissible(positions, active[positions], candidates).ravel()
                scores[0] = np.where(allowed, scores[0], -1.0)
            size = positions.size
            order = np.lexsort((scores[2], scores[1], scores[0], np.repeat(np.arange(size), per_target)))
            best = order[np.arange(1, size + 1) * per_target - 1] % per_target
            chosen.append(candidates[np.arange(size), best])
        active = np.concatenate([active, np.concatenate(chosen)[:, None]], axis=1)
    return as_input_sets(active, network.n_inputs, k=k)


def redraw_candidates(candidates: np.ndarray, forbidden: np.ndarray, n_inputs: int,
                      rng: np.random.Generator) -> np.ndarray:
    """Replace candidates (T, C) that are -1 or in their row of ``forbidden`` (T, j) by uniform random features.

    Examples
    --------
    >>> redraw_candidates(np.array([[-1, 2]]), np.array([[0]]), 1_000, np.random.default_rng(0))[0, 1]
    np.int64(2)
    """
    for _ in range(100):
        bad = (candidates < 0) | (candidates[:, :, None] == forbidden[:, None, :]).any(axis=2)
        if not bad.any():
            return candidates
        candidates[bad] = rng.integers(n_inputs, size=int(bad.sum()))
    raise ValueError("could not draw admissible adversarial candidates; n_inputs is too small for k")


def adversarial_gate_inputs(network: Network, instance: GateInstance, k: int, n_targets: int, seed: int = 0,
                            n_candidates: int = 48, chunk: int = 256, batch_size: int = 4096,
                            progress: bool = False) -> sp.csr_matrix:
    """k-sparse inputs, each searched greedily to switch on one absent output of a gate instance.

    Targets are distinct outputs while ``n_targets`` ≤ m'. Input r starts from
    a − 1 random endpoints of its target (a its need) and never takes another, so the
    target is absent: any output decoded beyond the true ones is a false positive.

    Examples
    --------
    >>> from superpos.gates import build_gate_network, permutation_instance
    >>> from superpos.one_layer import OneLayerSizes
    >>> gates = permutation_instance(np.random.default_rng(0).permutation(30))
    >>> net = build_gate_network(gates, OneLayerSizes(3, 7, 3, 7, 1.0))
    >>> built = adversarial_gate_inputs(net, gates, 3, 5)
    >>> built.shape, np.diff(built.indptr).tolist()
    ((5, 30), [3, 3, 3, 3, 3])
    """
    instance, k = checked_instance(network, instance, k)
    if not isinstance(instance, GateInstance):
        raise TypeError("instance must be a GateInstance (for AND pairs use superpos.adversary)")
    need = instance.need
    if need > k:
        raise ValueError(f"k = {k} leaves no room beyond the {need - 1} endpoints a target starts from; "
                         f"use k >= {need}")
    n_targets = check_int(n_targets, "n_targets", 1)
    rng = check_random_state(seed)
    m, m_out = instance.n_inputs, instance.n_outputs
    if k > m - instance.q:
        raise ValueError(f"k = {k} must leave the target's other endpoints out: "
                         f"need k <= n_inputs - q = {m - instance.q}")
    targets = rng.choice(m_out, size=n_targets, replace=n_targets > m_out)
    ends = instance.endpoints[targets]
    arity = instance.arity[targets]
    order = np.argsort(rng.random(ends.shape) + (ends < 0) * 2, axis=1)  # a random order of each target's endpoints
    shuffled = np.take_along_axis(ends, order, axis=1)
    start = shuffled[:, :need - 1]
    incidence = instance.incidence                                # m × m'
    partners = (incidence @ incidence.T).tocsr()                   # inputs sharing an output
    codes = network.input_codes
    holders = codes.T.tocsr()
    t = network.output_codes.shape[1]
    width = network.widths[-1]
    serves = sp.csr_matrix((np.ones(network.output_codes.size), (network.output_codes.ravel(),
                                                                  np.repeat(np.arange(m_out), t))),
                           shape=(width, m_out))
    ends_of = incidence.T.tocsr()                                  # m' × m: the endpoints of each output

    def draw(positions, active, n_candidates, rng):
        size = positions.size
        flat = np.repeat(positions, n_candidates)
        endpoint = shuffled[flat, (rng.random(flat.size) * arity[flat]).astype(np.int64)]
        kind = np.tile(np.arange(n_candidates) % 4, size)
        candidates = rng.integers(m, size=flat.size)
        partner = random_stored(partners, endpoint, rng)
        neuron = network.output_codes[targets[flat], rng.integers(t, size=flat.size)]
        member = random_stored(ends_of, np.maximum(random_stored(serves, neuron, rng), 0), rng)
        lookalike = random_stored(holders, np.maximum(random_stored(codes, endpoint, rng), 0), rng)
        candidates = np.where(kind == 0, partner, candidates)
        candidates = np.where(kind == 1, member, candidates)
        candidates = np.where(kind == 2, lookalike, candidates)
        forbidden = np.concatenate([active, ends[positions]], axis=1)
        return redraw_candidates(candidates.reshape(size, n_candidates), forbidden, m, rng)

    return greedy_inputs(network, targets, start, k, draw, seed=rng, n_candidates=n_candidates, chunk=chunk,
                         batch_size=batch_size, progress=progress)


def verify_adversarial_gates(network: Network, instance: GateInstance, k: int, n_targets: int, seed: int = 0,
                             **options) -> ErrorCount:
    """Errors over ``adversarial_gate_inputs(network, instance, k, n_targets, seed, **options)``.

    Examples
    --------
    >>> from superpos.gates import build_gate_network, permutation_instance
    >>> from superpos.one_layer import OneLayerSizes
    >>> gates = permutation_instance(np.random.default_rng(0).permutation(30))
    >>> verify_adversarial_gates(build_gate_network(gates, OneLayerSizes(5, 11, 7, 11, 1.0)), gates, 2, 10).wrong
    0
    >>> verify_adversarial_gates(build_gate_network(gates, OneLayerSizes(5, 11, 5, 11, 1.0)), gates, 2, 10).wrong
    1
    """
    inputs = adversarial_gate_inputs(network, instance, k, n_targets, seed=seed, **options)
    return count_errors(network, instance, inputs, batch_size=options.get("batch_size", 4096))
