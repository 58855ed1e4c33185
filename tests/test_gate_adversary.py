"""The greedy adversary for gate instances: targets stay absent, and it finds the errors a certificate finds."""

import numpy as np
import pytest
import scipy.sparse as sp

from superpos.certificate import certify
from superpos.families import uniform_pairs
from superpos.gate_adversary import adversarial_gate_inputs, greedy_inputs, random_stored, verify_adversarial_gates
from superpos.gates import build_gate_network, permutation_instance, q_and_instance
from superpos.inputs import random_input_sets
from superpos.one_layer import OneLayerSizes
from superpos.q_and import random_q_tuples
from superpos.verify import count_errors


@pytest.mark.parametrize("kind", ["permutation", "and3"])
def test_targets_stay_absent_and_inputs_have_k_actives(kind):
    m = 60
    gates = (permutation_instance(np.random.default_rng(0).permutation(m)) if kind == "permutation"
             else q_and_instance(random_q_tuples(m, 80, 3, seed=0), m))
    network = build_gate_network(gates, OneLayerSizes(4, 11, 4, 11, 1.0), seed=1)
    inputs = adversarial_gate_inputs(network, gates, 4, 40, seed=2)
    assert inputs.shape == (40, m) and np.all(np.diff(inputs.indptr) == 4)
    assert np.array_equal(inputs.toarray(), adversarial_gate_inputs(network, gates, 4, 40, seed=2).toarray())


def test_the_adversary_finds_more_errors_than_random_inputs_on_an_undersized_network():
    m, k = 300, 3
    gates = permutation_instance(np.random.default_rng(1).permutation(m))
    network = build_gate_network(gates, OneLayerSizes(8, 37, 8, 37, 1.0), seed=0)  # slightly too small
    assert not certify(network, gates, k).passed
    adversarial = verify_adversarial_gates(network, gates, k, 300, seed=3)
    random_errors = count_errors(network, gates, random_input_sets(m, k, 300, seed=3))
    assert adversarial.false_negatives == 0 and adversarial.false_positives > 4 * random_errors.false_positives


def test_bad_arguments_are_refused():
    gates = q_and_instance(random_q_tuples(30, 40, 3, seed=0), 30)
    network = build_gate_network(gates, OneLayerSizes(4, 7, 4, 7, 1.0), seed=1)
    with pytest.raises(ValueError, match="use k >= 3"):
        adversarial_gate_inputs(network, gates, 2, 5)
    with pytest.raises(TypeError, match="GateInstance"):
        adversarial_gate_inputs(network, uniform_pairs(30, 40, seed=0), 2, 5)
    with pytest.raises(ValueError, match="more than k"):
        greedy_inputs(network, np.array([0]), np.array([[0, 1, 2]]), 2, lambda *a: None)


def test_random_stored_reads_only_stored_columns():
    matrix = sp.csr_matrix(np.array([[0, 1, 1, 0], [0, 0, 0, 0], [1, 0, 0, 0]]))
    picks = random_stored(matrix, np.array([0, 0, 0, 1, 2] * 20), np.random.default_rng(0))
    assert set(picks[::5]) | set(picks[1::5]) <= {1, 2} and set(picks[3::5]) == {-1} and set(picks[4::5]) == {0}
