"""Gate instances (permutation, q-AND, OR) and their one-layer construction."""

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

from superpos.certificate import certify
from superpos.gates import (GateInstance, as_gate_instance, bound_from_terms, build_gate_network, gate_bound_terms,
                            gate_failure_bound, gate_layer, gate_sizes, pack_terms, permutation_instance,
                            q_and_instance, served_counts, smallest_sizes)
from superpos.inputs import all_input_sets, random_input_sets
from superpos.instance import AndInstance
from superpos.one_layer import OneLayerSizes
from superpos.verify import count_errors


def brute_truth(gates, rows):
    out = np.zeros((len(rows), gates.n_outputs), dtype=bool)
    for r, row in enumerate(rows):
        for ell in range(gates.n_outputs):
            ends = set(gates.endpoints[ell][gates.endpoints[ell] >= 0].tolist())
            out[r, ell] = len(ends & set(row)) >= gates.needs[ell]
    return out


def test_true_outputs_match_brute_force_for_mixed_gates():
    rng = np.random.default_rng(0)
    endpoints = np.full((30, 4), -1)
    needs = np.zeros(30, dtype=int)
    for ell in range(30):
        size = rng.integers(1, 5)
        endpoints[ell, :size] = rng.choice(12, size, replace=False)
        needs[ell] = rng.integers(1, size + 1)
    keys = {(tuple(sorted(e[e >= 0])), n) for e, n in zip(endpoints, needs)}
    if len(keys) < 30:
        pytest.skip("drew a repeated gate")
    gates = GateInstance(endpoints, needs, 12)
    rows = [list(row) for size in range(4) for row in itertools.combinations(range(12), size)]
    assert np.array_equal(gates.true_outputs(rows).toarray(), brute_truth(gates, rows))


@pytest.mark.parametrize("endpoints, needs, message", [
    ([[0, 5]], 1, "out of range"),
    ([[0, 0]], 1, "repeats feature 0"),
    ([[-1, -1]], 1, "no endpoint"),
    ([[0, 1]], 3, "must be in \\[1, 2\\]"),
    ([[0, 1], [1, 0]], 2, "same gate"),
    (np.zeros((0, 2), int), 1, "at least one output"),
    ([[0.5, 1]], 1, "integer"),
    ([[0, 1]], [1, 2], "one per output"),
])
def test_bad_gate_instances_are_refused(endpoints, needs, message):
    with pytest.raises(ValueError, match=message):
        GateInstance(endpoints, needs, 5)


@pytest.mark.parametrize("permutation, message", [
    ([0, 1, 1], "value 1 appears 2 times and 2 never"),
    ([0, 3, 1], "out of range"),
    ([], "non-empty"),
    ([0.0, 1.0], "integers"),
])
def test_a_list_that_is_not_a_permutation_is_refused(permutation, message):
    with pytest.raises(ValueError, match=message):
        permutation_instance(permutation)


def test_permutation_instance_maps_input_i_to_output_pi_i():
    permutation = np.random.default_rng(1).permutation(9)
    gates = permutation_instance(permutation)
    truth = gates.true_outputs([[i] for i in range(9)]).toarray()
    assert np.array_equal(truth, np.eye(9, dtype=bool)[permutation])


def test_and_instances_become_gates_of_need_two():
    pairs = [[0, 3], [1, 2]]
    gates = as_gate_instance(AndInstance(pairs, 4))
    assert gates.needs.tolist() == [2, 2] and gates.endpoints.tolist() == [[0, 3], [1, 2]]
    inputs = all_input_sets(4, 3)
    assert (gates.true_outputs(inputs) != AndInstance(pairs, 4).true_outputs(inputs)).nnz == 0
    with pytest.raises(ValueError, match="n_inputs"):
        as_gate_instance(pairs)


@pytest.mark.parametrize("kind", ["permutation", "and3", "or2"])
def test_the_network_never_misses_a_true_output(kind):
    """The no-false-negative theorem, on networks far too small to avoid false positives."""
    rng = np.random.default_rng(2)
    m = 40
    if kind == "permutation":
        gates = permutation_instance(rng.permutation(m))
    else:
        q = 3 if kind == "and3" else 2
        tuples = np.unique(np.sort(np.argsort(rng.random((80, m)), axis=1)[:, :q], axis=1), axis=0)[:60]
        gates = GateInstance(tuples, q if kind == "and3" else 1, m)
    for sizes in [OneLayerSizes(2, 7, 2, 11, 1.0), OneLayerSizes(3, 7, 4, 11, 1.0)]:
        network = build_gate_network(gates, sizes, seed=3)
        errors = count_errors(network, gates, random_input_sets(m, 4, 3000, seed=4))
        assert errors.false_negatives == 0
    assert errors.false_positives > 0  # the test can see errors: these networks are too small


def test_weights_are_the_union_of_endpoint_codes_and_the_bias_the_need():
    gates = q_and_instance([[0, 1, 2], [2, 3, 4]], 6)
    codes = sp.csr_matrix(np.kron(np.eye(6), np.ones((1, 3))))  # input i owns neurons 3i..3i+2
    weights, bias = gate_layer(gates, codes, np.array([[0, 1], [1, 2]]), 3)
    assert weights.toarray()[1].tolist() == [1.0] * 15 + [0.0] * 3  # neuron 1 serves both: inputs 0..4
    assert bias.tolist() == [-8.0] * 3
    _, union_bias = gate_layer(gates, codes, np.array([[0, 1], [1, 2]]), 3, union=True)
    assert union_bias.tolist() == [-5.0] * 3  # 3s − C(3, 2) − 1
    assert served_counts(np.array([[0, 1], [1, 2]]), 3).tolist() == [1, 2, 1]


def test_one_layer_serves_one_need():
    gates = GateInstance([[0, 1], [2, 3]], [1, 2], 4)
    with pytest.raises(ValueError, match="different needs"):
        build_gate_network(gates, OneLayerSizes(2, 3, 2, 3, 1.0))
    with pytest.raises(TypeError, match="GateInstance"):
        build_gate_network([[0, 1]], OneLayerSizes(2, 3, 2, 3, 1.0))


def test_the_heuristic_bound_falls_with_width_and_packing_keeps_it():
    gates = q_and_instance(np.array(list(itertools.combinations(range(9), 3)))[:50], 9)
    q_out = np.array([11.0, 17.0, 29.0, 47.0])
    bounds = gate_failure_bound(gates, 4, 4, 11, 5, q_out)
    assert np.all(np.diff(bounds) <= 0) and bounds[0] > bounds[-1]
    terms = gate_bound_terms(gates, 4, 4, 11.0, q_out)
    assert np.allclose(bound_from_terms(pack_terms(terms), 5), bound_from_terms(terms, 5), rtol=1e-12)


def test_sizing_meets_its_bound_and_the_result_is_certified_on_a_small_instance():
    rng = np.random.default_rng(5)
    tuples = np.unique(np.sort(np.argsort(rng.random((200, 60)), axis=1)[:, :3], axis=1), axis=0)[:120]
    gates = q_and_instance(tuples, 60)
    sizes = gate_sizes(gates, 4, 1e-3)
    assert sizes.failure_bound <= 1e-3
    assert certify(build_gate_network(gates, sizes, seed=0), gates, 4).passed
    with pytest.raises(ValueError, match="no sizes"):
        smallest_sizes(60, 120, lambda s, q_in, grid: gate_bound_terms(gates, 4, s, float(q_in), grid), 1e-30,
                       code_sizes=[3], output_code_sizes=[3])
