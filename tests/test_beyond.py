"""The chapter's experiments beyond AND, on small sizes."""

import numpy as np
import pytest

from superpos import beyond
from superpos.circuits import and_of_ands, build_circuit_network, layered_circuit


def test_gate_curves_report_counts_bounds_and_certificates():
    table, network, instance = beyond.gate_curve("q_and", [60, 120], k=4, q=3, certify_max=60, failure_prob=1e-3)
    assert table["n_outputs"].tolist() == [60, 120] and network.n_outputs == instance.n_outputs == 120
    assert table["certified"].tolist() == [1, -1] and table["input_sets"][0] > 0
    assert np.all(table["n_neurons"] > table["lower_neurons"]) and np.all(table["n_params"] > table["lower_params"])
    assert np.all(table["bits_per_param"] == 1)
    with pytest.raises(ValueError, match="task must be one of"):
        beyond.gate_instance("xor", 10)


def test_verification_at_scale_counts_random_and_adversarial_inputs():
    _, network, instance = beyond.gate_curve("permutation", [300], k=3)
    result = beyond.verify_at_scale(network, instance, 3, 200, 20, seed=1)
    assert result["random"].n_input_sets == 200 and result["adversarial"].n_input_sets == 20
    assert result["random"].wrong == result["adversarial"].wrong == 0


def test_family_bits_approach_q_minus_one():
    values = beyond.family_bits([10**3, 10**6, 10**9], qs=(2, 3, 4))
    for q, ratios in values.items():
        assert np.all(np.diff(np.abs(ratios - (q - 1))) < 0) and abs(ratios[-1] - (q - 1)) < 0.15


def test_order_curve_meets_its_bound():
    curve = beyond.order_curve([10**3, 10**6], 3)
    assert np.all(curve["failure_bound"] <= 1e-6) and np.all(np.diff(curve["n_neurons"]) > 0)


def test_depth_table_and_exhaustive_check():
    circuit = layered_circuit(40, [40, 40, 40], ["or", "and", "or"], seed=0, fan_out=2)
    table = beyond.depth_table(circuit, 2, failure_prob=1e-3, n_random=60, n_planted=30, n_adversarial=4)
    assert table["sparsity"] == circuit.sparsity_bounds(2)
    assert set(table["errors"]) == {"none", "clamp", "decode"} and len(table["layer_certificates"]) == 3
    assert all(sum(errors.false_negatives) == 0 for kinds in table["errors"].values() for errors in kinds.values())
    assert table["neurons"]["clamp"][-1] > table["neurons"]["none"][-1]
    errors, n_inputs, true_counts = beyond.exhaustive_depth_errors(circuit, 2, failure_prob=1e-3)
    assert n_inputs == 1 + 40 + 780 and len(true_counts) == 3 and sum(errors.false_negatives) == 0


def test_neurons_to_depth_counts_the_clamp_twice():
    built = build_circuit_network(and_of_ands(30, 30, 3, seed=0), 3, cleanup="clamp", failure_prob=1e-3)
    widths = [built.channel_width(d) for d in range(4)]
    assert beyond.neurons_to_depth(built, 2) == widths[0] + 2 * widths[1] + widths[2]
    assert beyond.neurons_to_depth(built, 3) == built.network.n_neurons


def test_chosen_positions_bound_for_a_bit_count_matches_the_task_version_and_refuses_too_small_hosts():
    from superpos.bounds import min_bits, min_params_chosen, min_params_ticket
    for m_out, slots in [(100, 10**6), (1000, 5 * 10**4), (30, 400)]:
        needed = int(min_bits("permutation", m_out))
        assert min_params_chosen(needed, bits_per_param=1, n_slots=slots) == min_params_ticket(
            "permutation", m_out, bits_per_param=1, n_slots=slots)
    assert min_params_chosen(0, bits_per_param=2, n_slots=5) == 0
    with pytest.raises(ValueError, match="fewer than the 11 the family needs"):
        min_params_chosen(11, bits_per_param=1, n_slots=10)


def test_gate_curve_bounds_hold_for_the_networks_built():
    table, _, _ = beyond.gate_curve("permutation", [300], k=2)
    assert table["lower_params"][0] <= table["n_params"][0] < table["lower_slots"][0] * 100
    assert table["dense_slots"][0] >= table["lower_slots"][0] and table["host_slots"][0] >= table["dense_slots"][0]
    q_table, _, _ = beyond.gate_curve("q_and", [60], k=4, q=3, failure_prob=1e-3)
    assert 0 < q_table["lower_neurons"][0] < q_table["n_neurons"][0]


def test_order_curve_reads_r_off_the_code_book_up_to_its_limit():
    curve = beyond.order_curve([10**3, 10**4, 10**6], 3, served_max=10**4)
    assert curve["served_assumed"].tolist() == [False, False, True]
    assert curve["served"][0] > curve["served_limit"][0]  # r = 14 > 10 at m' = 10³, seed 0
    assert curve["served"][2] == curve["served_limit"][2] and np.all(curve["failure_bound"] <= 1e-6)
