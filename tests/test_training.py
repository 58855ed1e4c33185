"""Tests of superpos.training: settings, channels, inputs, the trainer, the checks and the readings of units."""

from math import comb

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings, strategies as st

from superpos.certificate import certify
from superpos.codes import input_code_book, output_code_book
from superpos.families import make_pairs, uniform_pairs
from superpos.inputs import MAX_ENUMERATED_SETS, all_input_sets
from superpos.instance import AndInstance
from superpos.layout import naive_and_network
from superpos.network import Network
from superpos.training import (TARGETS, TrainingSettings, count_pair_supersets, dead_units, held_out_errors, hub_purity,
                               one_unit_per_and_network, pair_supersets, planted_input_sets, search_trained_width,
                               train_and_network, trained_beside_built, training_channels, unit_roles,
                               verify_pair_supersets, without_units, wrong_decisions_per_output)
from superpos.verify import count_errors, verify_exhaustive


# ----------------------------------------------------------------------------- settings and channels

def test_settings_refuse_bad_values():
    with pytest.raises(ValueError, match="target must be one of"):
        TrainingSettings(8, target="outputs")
    with pytest.raises(ValueError, match="learning_rate must be a finite number > 0"):
        TrainingSettings(8, learning_rate=0)
    with pytest.raises(ValueError, match="planted \\+ one_end <= 1"):
        TrainingSettings(8, planted=0.8, one_end=0.3)
    with pytest.raises(ValueError, match="hidden_width must be at least 1"):
        TrainingSettings(0)
    with pytest.raises(TypeError, match="steps must be an integer"):
        TrainingSettings(8, steps=10.5)
    assert set(TARGETS) == {"neurons", "decisions"}


def test_for_presentations_plants_each_pair_about_as_often_as_asked():
    chosen = TrainingSettings.for_presentations(16, 300, 1000.0, batch_size=256, planted=0.5)
    assert chosen.steps == int(np.ceil(300 * 1000 / 128))
    assert chosen.presentations / 300 >= 1000
    assert TrainingSettings.for_presentations(16, 10, 1.0, min_steps=50).steps == 50
    with pytest.raises(ValueError, match="needs planted > 0"):
        TrainingSettings.for_presentations(16, 10, 1.0, planted=0.0)


@pytest.mark.parametrize("m, m_out, k", [(30, 20, 3), (100, 500, 3), (1000, 1000, 4)])
def test_channels_are_the_narrowest_line_codes(m, m_out, k):
    inputs, outputs = training_channels(m, m_out, k, code_size=7)
    assert outputs.rows == comb(k, 2) + 1 and inputs.rows == 7
    assert inputs.q ** 2 >= m and outputs.q ** 2 >= m_out
    # No smaller prime would do.
    smaller_in = [p for p in range(max(7, 2), inputs.q) if all(p % d for d in range(2, p)) and p * p >= m]
    assert not smaller_in


# ----------------------------------------------------------------------------- inputs

def test_planted_inputs_hold_a_pair_and_respect_k():
    instance = AndInstance(uniform_pairs(50, 40, seed=1), 50)
    sets = planted_input_sets(instance, None, 3, 500, seed=2)
    assert sets.shape == (500, 50)
    assert (np.diff(sets.indptr) <= 3).all()
    assert (np.asarray(instance.true_outputs(sets).sum(axis=1)).ravel() >= 1).all()
    again = planted_input_sets(instance, None, 3, 500, seed=2)
    assert (sets != again).nnz == 0


def test_planted_inputs_mix_and_cut_short():
    instance = AndInstance(uniform_pairs(200, 100, seed=0), 200)
    sets = planted_input_sets(instance, None, 3, 4000, seed=0, planted=0.0, one_end=1.0, shorter=0.5)
    sizes = np.diff(sets.indptr)
    assert sizes.min() >= 1 and (sizes < 3).mean() > 0.3
    ends = set(instance.pairs.ravel().tolist())
    assert all(set(sets.indices[sets.indptr[r]:sets.indptr[r + 1]].tolist()) & ends for r in range(200))
    with pytest.raises(ValueError, match="must lie in \\[0, 1\\]"):
        planted_input_sets(instance, None, 3, 10, shorter=1.5)


# ----------------------------------------------------------------------------- the proposition and the reference

@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), m=st.integers(8, 14))
def test_one_unit_per_and_is_exact_on_every_input(seed, m):
    pairs = make_pairs("uniform", m, m + 4, seed=seed)
    net = one_unit_per_and_network(pairs, m, 3, seed=seed)
    assert net.widths[1] == m + 4
    assert verify_exhaustive(net, pairs, 3).wrong == 0


def test_one_unit_per_and_needs_long_enough_input_codes():
    with pytest.raises(ValueError, match="code_size > 2\\(k - 1\\) = 4"):
        one_unit_per_and_network([[0, 1]], 5, 3, code_size=4)


def test_neuron_target_decodes_exactly_with_line_codes():
    # Fire exactly the union of the true codes and decode: every input with at most k actives is right.
    k, m = 3, 12
    instance = AndInstance(make_pairs("uniform", m, 40, seed=3), m)
    _, outputs = training_channels(m, instance.n_outputs, k)
    codes = output_code_book(instance.n_outputs, outputs.n_neurons, outputs.rows, seed=3)
    inputs = all_input_sets(m, k)
    truth = instance.true_outputs(inputs).toarray()
    union = np.zeros((truth.shape[0], outputs.n_neurons), dtype=bool)
    rows, cols = np.nonzero(truth)
    union[np.repeat(rows, outputs.rows), codes[cols].ravel()] = True
    decoded = union[:, codes].all(axis=2)
    assert np.array_equal(decoded, truth)


# ----------------------------------------------------------------------------- the trainer

def test_training_is_deterministic_and_uses_the_fixed_codes():
    pairs = uniform_pairs(30, 20, seed=0)
    chosen = TrainingSettings(24, steps=120, check_every=60)
    first = train_and_network(pairs, 30, 3, chosen, seed=5)
    second = train_and_network(pairs, 30, 3, chosen, seed=5)
    for (w_first, b_first), (w_second, b_second) in zip(first.network.layers, second.network.layers):
        assert (w_first != w_second).nnz == 0 and np.array_equal(b_first, b_second)
    inputs, outputs = training_channels(30, 20, 3)
    assert first.network.widths == [inputs.n_neurons, 24, outputs.n_neurons]
    assert (first.network.input_codes != input_code_book(30, inputs.n_neurons, inputs.rows, 5)).nnz == 0
    assert np.array_equal(first.network.output_codes, output_code_book(20, outputs.n_neurons, outputs.rows, 5))
    assert first.network.threshold == 1.0
    assert first.steps_run == 120 and list(first.history["step"]) == [60, 120]
    assert first.n_neurons == first.network.n_neurons


def test_training_reaches_every_held_out_decision_on_an_easy_instance():
    pairs = uniform_pairs(30, 20, seed=0)
    trained = train_and_network(pairs, 30, 3, TrainingSettings(40, steps=800), seed=0)
    assert trained.reached_zero and trained.steps_run < 800
    assert held_out_errors(trained.network, pairs, 3, 1000, seed=11).wrong == 0


@pytest.mark.parametrize("target", TARGETS)
def test_both_targets_train(target):
    pairs = uniform_pairs(20, 12, seed=2)
    trained = train_and_network(pairs, 20, 3, TrainingSettings(24, steps=150, target=target), seed=1)
    losses = trained.history["loss"]
    assert np.all(np.isfinite(losses))


def test_training_refuses_bad_arguments():
    with pytest.raises(TypeError, match="settings must be TrainingSettings"):
        train_and_network([[0, 1]], 4, 2, {"hidden_width": 4})
    with pytest.raises(ValueError, match="k must be in"):
        train_and_network([[0, 1]], 4, 1, TrainingSettings(4, steps=5))


# ----------------------------------------------------------------------------- checks

def _forgetful_network():
    """One neuron per AND for pair (0, 1), switched off by feature 2: a false negative on {0, 1, 2} only."""
    weights = sp.csr_matrix(np.array([[1.0, 1.0, -5.0, 0.0]]))
    return Network(sp.identity(4, format="csr"), [(weights, np.array([-1.0]))], np.array([[0]]), 1.0)


def test_pair_supersets_are_every_superset_once():
    pairs = [[0, 1], [1, 2], [3, 4]]
    sets = pair_supersets(pairs, 6, 3)
    listed = sorted(tuple(sets.indices[sets.indptr[r]:sets.indptr[r + 1]]) for r in range(sets.shape[0]))
    every = all_input_sets(6, 3)
    expected = sorted(tuple(every.indices[every.indptr[r]:every.indptr[r + 1]]) for r in range(every.shape[0])
                      if any(set(p) <= set(every.indices[every.indptr[r]:every.indptr[r + 1]]) for p in pairs))
    assert listed == expected
    assert len(listed) <= count_pair_supersets(6, 3, 3)


def test_pair_supersets_find_the_false_negative_random_inputs_may_miss():
    net = _forgetful_network()
    found = verify_pair_supersets(net, [[0, 1]], 3)
    assert found.false_negatives == 1 and found.false_positives == 0


def test_pair_supersets_refuse_too_many():
    m = 400
    with pytest.raises(ValueError, match="MAX_ENUMERATED_SETS"):
        pair_supersets(make_pairs("uniform", m, MAX_ENUMERATED_SETS // 300, seed=0), m, 3)


def test_held_out_errors_and_per_output_counts_agree_with_count_errors():
    net = _forgetful_network()
    errors = held_out_errors(net, [[0, 1]], 3, 200, seed=3)
    assert errors.planted.false_negatives > 0 and errors.random.n_input_sets == 200
    inputs = planted_input_sets([[0, 1]], 4, 3, 200, seed=4)
    positives, negatives = wrong_decisions_per_output(net, [[0, 1]], inputs)
    counted = count_errors(net, [[0, 1]], inputs)
    assert (int(positives.sum()), int(negatives.sum())) == (counted.false_positives, counted.false_negatives)


# ----------------------------------------------------------------------------- the search

def test_search_stops_at_the_first_width_right_on_held_out_inputs():
    pairs = uniform_pairs(30, 20, seed=0)
    search = search_trained_width(pairs, 30, 3, [80, 40, 120], TrainingSettings(1, steps=600), seed=0,
                                  n_held_out=500)
    widths = list(search.table["hidden_width"])
    assert widths == sorted(widths)
    assert search.smallest_width == widths[-1]
    assert search.smallest.settings.hidden_width == search.smallest_width
    passed = [fp + fn == 0 for fp, fn in zip(search.table["false_positives"], search.table["false_negatives"])]
    assert passed[-1] and not any(passed[:-1])


def test_search_without_success_says_so():
    search = search_trained_width(uniform_pairs(30, 30, seed=0), 30, 3, [2], TrainingSettings(1, steps=3),
                                  n_held_out=100)
    assert search.smallest_width is None and search.smallest is None


# ----------------------------------------------------------------------------- readings

def test_unit_roles_of_the_reference_network():
    pairs = make_pairs("uniform", 20, 15, seed=4)
    roles = unit_roles(one_unit_per_and_network(pairs, 20, 3), pairs)
    assert np.array_equal(roles.serves, np.eye(15, dtype=bool))
    assert np.allclose(roles.participation, 1.0)
    with pytest.raises(ValueError, match="one hidden layer"):
        unit_roles(naive_and_network(pairs, 20), pairs)


def test_hub_purity():
    pairs = np.array([[0, 1], [0, 2], [0, 3], [4, 5]])
    serves = np.array([[1, 0, 1], [1, 0, 0], [1, 0, 0], [0, 0, 1]], dtype=bool)
    purity = hub_purity(serves, pairs)
    assert purity[0] == 1.0 and np.isnan(purity[1]) and purity[2] == 0.5
    with pytest.raises(ValueError, match="serves must have shape"):
        hub_purity(serves[:2], pairs)


def test_trained_beside_built_counts_every_layer():
    result = trained_beside_built(["uniform"], [20], 3, [2.0], 600.0, min_steps=300, n_held_out=200,
                                  adversarial_targets=5)
    row = result.rows[0]
    net = result.searches["uniform", 20].smallest.network
    assert row["trained_neurons"] == sum(net.widths) == row["input_width"] + row["hidden_width"] + row["output_width"]
    assert row["trained_bits"] == 32 * row["trained_params"]
    assert row["bound_neurons"] <= row["trained_neurons"]
    assert row["one_per_and"] == 40
    assert row["exhaustive_inputs"] == sum(comb(20, j) for j in range(4))
    assert result.constructions["uniform", 20].n_neurons == row["construction_neurons"]


def test_trained_beside_built_certifies_what_it_compares():
    result = trained_beside_built(["uniform", "power_law"], [20], 3, [1.0, 2.0, 3.0], 600.0, min_steps=300,
                                  n_held_out=200, adversarial_targets=5)
    for row in result.rows:
        key = row["family"], row["m_out"]
        instance = result.instances[key]
        settings = TrainingSettings.for_presentations(1, 20, 600.0, 300)
        assert row["steps"] == settings.steps and row["presentations_per_pair"] == settings.presentations / 20
        assert row["steps_run"] <= row["steps"]
        # The construction's verdict is the exact certificate's.
        verdict = certify(result.constructions[key], instance, 3)
        assert row["construction_certified"] == verdict.passed
        assert row["construction_wrong"] == verdict.false_positives + verdict.false_negatives
        assert row["wrong_exhaustive"] is not None  # 1,351 inputs: enumerated
        widths_tried = [width for width, _ in row["wider_wrong"]]
        assert widths_tried == sorted(widths_tried) and all(w > row["hidden_width"] for w in widths_tried)
        if row["certified_width"] is None:
            assert key not in result.certified and row["wrong_exhaustive"] > 0
            assert all(wrong > 0 for _, wrong in row["wider_wrong"])
            assert widths_tried == [w for w in (20, 40, 60) if w > row["hidden_width"]]
            continue
        right = result.certified[key]
        assert right.settings.hidden_width == row["certified_width"] >= row["hidden_width"]
        assert verify_exhaustive(right.network, instance, 3).wrong == 0
        assert row["certified_neurons"] == right.n_neurons and row["certified_bits"] == 32 * row["certified_params"]
        if row["certified_width"] == row["hidden_width"]:
            assert row["wrong_exhaustive"] == 0 and row["wider_wrong"] == []
        else:
            assert row["wrong_exhaustive"] > 0 and row["wider_wrong"][-1] == (row["certified_width"], 0)
            assert all(wrong > 0 for _, wrong in row["wider_wrong"][:-1])


def test_dead_units_are_exactly_the_units_no_input_switches_on():
    pairs = make_pairs("uniform", 10, 12, seed=1)
    net = one_unit_per_and_network(pairs, 10, 3)
    (first, bias), second = net.layers
    # Unit 0 gets a bias no input can overcome: dead. Unit 1 a bias one pair just overcomes: alive.
    bias = bias.copy()
    bias[0] = -1000.0
    net = Network(net.input_codes, [(first, bias), second], net.output_codes, net.threshold)
    dead = dead_units(net, 3)
    every = all_input_sets(10, 3)
    ever_on = (net.forward(every, depth=1)[1] > 0).any(axis=0)
    assert np.array_equal(dead, ~ever_on)
    assert dead[0] and not dead[1:].any()
    pruned = without_units(net, dead)
    assert pruned.widths[1] == net.widths[1] - 1
    assert (pruned.compute(every) != net.compute(every)).nnz == 0
    with pytest.raises(ValueError, match="one bool per unit"):
        without_units(net, [True])
