"""Tests of verification: counts, exhaustive/random checks and the adversary."""

from math import comb

import numpy as np
import pytest
import scipy.sparse as sp

from superpos import families as F
from superpos import verify as V
from superpos.network import Network


def naive_network(pairs, n_inputs, bias=-1.0):
    n_outputs = len(pairs)
    weights = sp.csr_matrix((np.ones(2 * n_outputs), (np.repeat(np.arange(n_outputs), 2), np.ravel(pairs))),
                            shape=(n_outputs, n_inputs))
    return Network(sp.identity(n_inputs, format="csr"), [(weights, np.full(n_outputs, bias))],
                   np.arange(n_outputs)[:, None], 1.0)


def undersized_network(pairs, n_inputs, n_neurons, code_size, seed=0):
    """One ReLU layer on random codes, too narrow to be exact.

    Input i turns on a random set S_i of ``code_size`` neurons; output ℓ owns a
    random set T_ℓ of ``code_size`` neurons, each of which sums its layer-0
    inputs over the union of the codes of the endpoints it serves, with bias
    −(2 s − 1): a true AND brings 2s, so it always fires, while absent outputs
    fire only when other active inputs fill the same neurons.
    """
    rng = np.random.default_rng(seed)
    n_outputs = len(pairs)
    codes = np.argsort(rng.random((n_inputs, n_neurons)), axis=1)[:, :code_size]
    input_codes = sp.csr_matrix((np.ones(codes.size), (np.repeat(np.arange(n_inputs), code_size), codes.ravel())),
                                shape=(n_inputs, n_neurons))
    output_codes = np.argsort(rng.random((n_outputs, n_neurons)), axis=1)[:, :code_size]
    serves = sp.csr_matrix((np.ones(output_codes.size), (output_codes.ravel(), np.repeat(np.arange(n_outputs), code_size))),
                           shape=(n_neurons, n_outputs))
    ends = sp.csr_matrix((np.ones(2 * n_outputs), (np.repeat(np.arange(n_outputs), 2), np.ravel(pairs))),
                         shape=(n_outputs, n_inputs))
    weights = ((serves @ ends @ input_codes) > 0).astype(float)
    return Network(input_codes, [(weights, np.full(n_neurons, 1.0 - 2 * code_size))], output_codes, 1.0)


def test_error_count_adds():
    total = V.ErrorCount(2, 20, 1, 0) + V.ErrorCount(3, 30, 0, 2)
    assert total == V.ErrorCount(5, 50, 1, 2) and total.wrong == 3


def test_exhaustive_and_random_find_no_error_in_a_correct_network():
    pairs = F.uniform_pairs(12, 30, seed=0)
    network = naive_network(pairs, 12)
    exhaustive = V.verify_exhaustive(network, pairs, 3)
    assert exhaustive == V.ErrorCount(sum(comb(12, j) for j in range(4)), 299 * 30, 0, 0)
    assert V.verify_random(network, pairs, 3, 500, seed=1).wrong == 0


def test_errors_are_counted_by_kind():
    pairs = np.array([[0, 1], [2, 3]])
    too_eager = naive_network(pairs, 4, bias=0.0)      # fires on one endpoint alone
    count = V.count_errors(too_eager, pairs, [[0], [0, 1], [2, 3], []])
    assert (count.false_positives, count.false_negatives, count.n_decisions) == (1, 0, 8)
    deaf = naive_network(pairs, 4, bias=-2.0)          # never fires
    count = V.verify_exhaustive(deaf, pairs, 4)
    assert (count.false_positives, count.false_negatives) == (0, 2 * 2**2)  # 4 supersets of each pair


def test_the_adversary_finds_false_positives_random_inputs_miss():
    pairs = F.uniform_pairs(2000, 2000, seed=0)
    network = undersized_network(pairs, 2000, 700, 6)
    random = V.verify_random(network, pairs, 3, 2000, seed=1)
    adversarial_inputs = V.adversarial_inputs(network, pairs, 3, 300, seed=1)
    assert adversarial_inputs.shape == (300, 2000) and np.all(np.diff(adversarial_inputs.indptr) == 3)
    adversarial = V.count_errors(network, pairs, adversarial_inputs)
    assert adversarial.false_negatives == 0 and adversarial.false_positives > 0
    # per input, the adversary finds far more errors than random inputs do
    assert adversarial.false_positives / 300 > 5 * random.false_positives / 2000
    assert V.verify_adversarial(network, pairs, 3, 300, seed=1) == adversarial   # seeded
    # Counting chunk by chunk (5 inputs a batch, 4 batches a chunk: 15 chunks) loses nothing.
    assert V.count_errors(network, pairs, adversarial_inputs, batch_size=5) == adversarial


def test_adversary_keeps_the_target_absent():
    pairs = F.star_pairs(40, 30, seed=0)
    network = naive_network(pairs, 40)
    inputs = V.adversarial_inputs(network, pairs, 3, 50, seed=2)
    assert V.count_errors(network, pairs, inputs).wrong == 0
    assert np.all(np.diff(inputs.indptr) == 3)


@pytest.mark.parametrize("call, error, message", [
    (lambda net, pairs: V.verify_random(net, pairs[:5], 3, 10), ValueError, "network has 30 outputs"),
    (lambda net, pairs: V.verify_random(net, pairs, 0, 10), ValueError, "k must be at least 1"),
    (lambda net, pairs: V.verify_random(net, pairs, 13, 10), ValueError, "exceeds"),
    (lambda net, pairs: V.verify_random(pairs, pairs, 3, 10), TypeError, "network must be"),
    (lambda net, pairs: V.adversarial_inputs(net, pairs, 3, 0), ValueError, "n_targets"),
    (lambda net, pairs: V.verify_exhaustive(net, np.array([[0, 0]] * 30), 2), ValueError, "itself"),
])
def test_bad_arguments(call, error, message):
    pairs = F.uniform_pairs(12, 30, seed=0)
    with pytest.raises(error, match=message):
        call(naive_network(pairs, 12), pairs)


def test_exhaustive_checks_refuse_too_many_inputs():
    pairs = F.uniform_pairs(1000, 30, seed=0)
    with pytest.raises(ValueError, match="more than MAX_ENUMERATED_SETS"):
        V.verify_exhaustive(naive_network(pairs, 1000), pairs, 3)


def test_adversary_does_not_depend_on_workers():
    pairs = F.uniform_pairs(300, 400, seed=0)
    network = undersized_network(pairs, 300, 120, 4)
    serial = V.adversarial_inputs(network, pairs, 3, 100, seed=3, chunk=30)
    parallel = V.adversarial_inputs(network, pairs, 3, 100, seed=3, chunk=30, n_jobs=2)
    assert (serial != parallel).nnz == 0


@pytest.mark.parametrize("n_layers", [1, 2])
def test_adversary_is_the_same_on_the_dense_and_sparse_paths(n_layers):
    pairs = F.uniform_pairs(300, 400, seed=0)
    network = undersized_network(pairs, 300, 120, 4)
    if n_layers == 2:   # a second layer with weights of both signs and mixed biases
        rng = np.random.default_rng(1)
        second = sp.csr_matrix((rng.random((120, 120)) < 0.3) * rng.integers(-2, 4, (120, 120)))
        network = Network(network.input_codes, network.layers + [(second, rng.integers(-3, 2, 120).astype(float))],
                          network.output_codes, 1.0)
    sparse_only = Network(network.input_codes, network.layers, network.output_codes, network.threshold)
    sparse_only.dense_budget_bytes = 0
    assert network._prepared[1][0].dense is not None and sparse_only._prepared[1][0].dense is None
    dense_inputs = V.adversarial_inputs(network, pairs, 3, 60, seed=4)
    assert (dense_inputs != V.adversarial_inputs(sparse_only, pairs, 3, 60, seed=4)).nnz == 0
    assert V.count_errors(network, pairs, dense_inputs) == V.count_errors(sparse_only, pairs, dense_inputs)


def two_layer_network(seed, n_inputs=200, n_outputs=300, dense_budget=None, signed_first=False):
    """Random two-layer integer network: overlapping input codes, weights of both signs, biases of both signs."""
    rng = np.random.default_rng(seed)
    n_lower, n_hidden, n_last = 40, 150, 60
    input_codes = sp.csr_matrix(rng.random((n_inputs, n_lower)) < 0.12)
    low, high = (-1, 3) if signed_first else (1, 3)
    first = sp.csr_matrix((rng.random((n_hidden, n_lower)) < 0.2) * rng.integers(low, high, (n_hidden, n_lower)))
    last = sp.csr_matrix((rng.random((n_last, n_hidden)) < 0.25) * rng.choice([-2, -1, 1, 2, 3], (n_last, n_hidden)))
    network = Network(input_codes, [(first, rng.integers(-4, 2, n_hidden).astype(float)),
                                    (last, rng.integers(-3, 2, n_last).astype(float))],
                      rng.integers(n_last, size=(n_outputs, 3)), 1.0)
    if dense_budget is not None:
        network.dense_budget_bytes = dense_budget
    return network


@pytest.mark.parametrize("seed, dense_budget, signed_first, cache", [
    (0, None, False, True), (1, 0, False, True), (2, None, True, True), (3, 0, True, False), (4, None, False, False)])
def test_two_layer_scores_equal_the_forward_pass(seed, dense_budget, signed_first, cache, monkeypatch):
    if not cache:
        monkeypatch.setattr(V, "CONE_CACHE_BYTES", 0)
    network = two_layer_network(seed, dense_budget=dense_budget, signed_first=signed_first)
    assert (network._prepared[1][0].dense is None) == (dense_budget == 0)
    assert V._exact_two_layer(network, 4)
    rng = np.random.default_rng(seed)
    n_groups, n_candidates = 37, 11
    targets = rng.integers(network.n_outputs, size=n_groups)
    positive = V._positive_last_weights(network)
    scorer = V._TwoLayerScorer.build(network, positive, targets)
    assert (scorer.cone_cache is None) == (not cache)
    if cache:   # the cache formed by two workers, a few neurons at a time, is the same
        monkeypatch.setattr(V, "_CONE_STEP", 3)
        forked = V._TwoLayerScorer.build(network, positive, targets, n_jobs=2).cone_cache
        assert np.array_equal(forked, scorer.cone_cache)
    for n_active in (1, 3):
        distinct = np.argsort(rng.random((n_groups, network.n_inputs)), axis=1)
        active, candidates = distinct[:, :n_active], distinct[:, n_active:n_active + n_candidates]
        rows = np.concatenate([np.repeat(active, n_candidates, axis=0), candidates.reshape(-1, 1)], axis=1)
        generic = V._code_scores(network, rows, targets, n_candidates, 4096, positive)
        fast = scorer.scores(active, targets, candidates)
        assert fast.shape == generic.shape and np.array_equal(fast, generic)
        assert np.unique(fast[2]).size > 5     # the cone score varies, so the comparison can fail


def and_then_mix(seed):
    """A tight first layer (units fire only on both full endpoint codes) under a random signed second layer."""
    pairs = F.uniform_pairs(300, 400, seed=seed)
    first = undersized_network(pairs, 300, 120, 4, seed=seed)
    rng = np.random.default_rng(seed)
    second = sp.csr_matrix((rng.random((90, 120)) < 0.3) * rng.integers(-2, 4, (90, 120)))
    return Network(first.input_codes, first.layers + [(second, rng.integers(-3, 2, 90).astype(float))],
                   rng.integers(90, size=(400, 3)), 1.0), pairs


@pytest.mark.parametrize("seed, structured", [(0, False), (2, False), (0, True), (1, True)])
def test_adversary_is_the_same_with_and_without_the_two_layer_scorer(seed, structured, monkeypatch):
    if structured:
        network, pairs = and_then_mix(seed)
    else:
        network, pairs = two_layer_network(seed, signed_first=seed == 2), F.uniform_pairs(200, 300, seed=seed)
    fast = V.adversarial_inputs(network, pairs, 4, 80, seed=seed, n_candidates=12, chunk=25)
    monkeypatch.setattr(V, "_exact_two_layer", lambda network, k: False)
    generic = V.adversarial_inputs(network, pairs, 4, 80, seed=seed, n_candidates=12, chunk=25)
    assert (fast != generic).nnz == 0


def test_the_two_layer_scorer_is_only_used_when_exact():
    network = two_layer_network(0)
    assert V._exact_two_layer(network, 3)
    (first, first_bias), last_layer = network.layers
    halves = Network(network.input_codes, [(first * 0.5, first_bias), last_layer], network.output_codes, 1.0)
    shifted = Network(network.input_codes, [(first, first_bias + 0.25), last_layer], network.output_codes, 1.0)
    assert not V._exact_two_layer(halves, 3) and not V._exact_two_layer(shifted, 3)
    assert not V._exact_two_layer(Network(network.input_codes, [(first, first_bias)], network.output_codes % 150, 1.0), 3)
    huge = Network(network.input_codes, [(first * 2**22, first_bias), last_layer], network.output_codes, 1.0)
    assert not V._exact_two_layer(huge, 3)
