"""Tests of the three-channel AND network: blocks for hubs, the clamp, the routing, the bound."""

import numpy as np
import pytest

from superpos.codes import is_prime
from superpos.families import FAMILIES, make_pairs
from superpos.inputs import random_input_sets
from superpos.instance import AndInstance
from superpos.three_channel import block_gate, build_three_channel_and_network, compute_units, three_channel_sizes
from superpos.adversary import verify_adversarial
from superpos.verify import verify_exhaustive, verify_random


@pytest.fixture(scope="module")
def power_law_600():
    pairs = AndInstance(make_pairs("power_law", 600, 600, seed=0), 600)
    return pairs, three_channel_sizes(pairs, None, 3, dedicate=False)


@pytest.mark.parametrize("family", FAMILIES)
def test_exhaustive_zero_wrong_decisions(family):
    pairs = make_pairs(family, 20, {"matching": 10, "star": 19, "clique": 21}.get(family, 30), seed=3)
    net = build_three_channel_and_network(pairs, 20, 3, seed=0)
    assert len(net.layers) == 2 and net.threshold == 1.0
    assert verify_exhaustive(net, pairs, 3).wrong == 0


def test_blocks_clamp_and_bound(power_law_600):
    pairs, sizes = power_law_600
    assert len(sizes.heavy_inputs) > 0 and sizes.failure_bound <= 1e-6 and sizes.guarantee == "every_input"
    net = build_three_channel_and_network(pairs, None, 3, sizes=sizes)
    assert net.widths == [sizes.n_input_neurons, 2 * sizes.n_units, sizes.n_output_neurons]
    # Integer pre-activations: the clamp pairs differ by exactly 0 or 1 on any input.
    layer1 = np.asarray(net.forward(random_input_sets(600, 3, 200, seed=4))[1])
    diff = layer1[:, : sizes.n_units] - layer1[:, sizes.n_units:]
    assert set(np.unique(diff)) <= {0.0, 1.0}
    assert verify_random(net, pairs, 3, 2000, seed=1).wrong == 0
    assert verify_adversarial(net, pairs, 3, 200, seed=2).wrong == 0


def test_given_sizes_honour_failure_prob(power_law_600):
    pairs, sizes = power_law_600
    with pytest.raises(ValueError, match="sizes too small for the guarantee: with s = .* dedicated units the every_input"):
        build_three_channel_and_network(pairs, None, 3, sizes=sizes, failure_prob=sizes.failure_bound / 2)
    with pytest.raises(ValueError, match="the sizes bound guarantee 'every_input', but guarantee 'per_input'"):
        build_three_channel_and_network(pairs, None, 3, sizes=sizes, guarantee="per_input")
    voided = build_three_channel_and_network(pairs, None, 3, sizes=sizes, failure_prob=sizes.failure_bound / 2,
                                             enforce_bound=False)
    assert voided.n_neurons == sizes.n_neurons


def test_block_outputs_share_at_most_one_unit(power_law_600):
    # Blocks are t_c rows of q_h units and each owned output takes a line, so
    # two outputs of one hub meet in at most one compute unit.
    pairs, sizes = power_law_600
    assert len(sizes.heavy_inputs) > 1
    units = compute_units(pairs, None, sizes, seed=0)
    assert units.shape == (600, sizes.compute_size)
    assert np.all(np.diff(np.sort(units, axis=1), axis=1) > 0)  # t_c distinct units per output
    largest = int(np.argmax(sizes.block_sizes))  # the block of the hub with the most outputs
    start = sizes.n_light_units + int(sizes.block_sizes[:largest].sum())
    in_block = np.flatnonzero((units >= start).all(axis=1) & (units < start + sizes.block_sizes[largest]).all(axis=1))
    assert len(in_block) > 2
    assert np.all((pairs.pairs[in_block] == sizes.heavy_inputs[largest]).any(axis=1))
    shared = (units[in_block, :, None, None] == units[None, None, in_block, :]).any(axis=1).sum(axis=-1)
    np.fill_diagonal(shared, 0)
    assert shared.max() <= 1
    block = sizes.block_sizes[largest]
    assert block % sizes.compute_size == 0 and is_prime(block // sizes.compute_size)


def test_an_owner_of_few_outputs_gives_each_a_column_of_its_own(power_law_600):
    # A block of c_h = d_h columns: t_c·d_h units, and no two of the owner's outputs share one.
    pairs, sizes = power_law_600
    units = compute_units(pairs, None, sizes, seed=0)
    starts = sizes.n_light_units + np.concatenate([[0], np.cumsum(sizes.block_sizes)[:-1]])
    narrow = [j for j, block in enumerate(sizes.block_sizes) if not is_prime(block // sizes.compute_size)]
    assert narrow  # some owner holds fewer outputs than its block prime
    for j in narrow:
        rows = np.flatnonzero((units >= starts[j]).all(axis=1) & (units < starts[j] + sizes.block_sizes[j]).all(axis=1))
        assert len(rows) * sizes.compute_size == sizes.block_sizes[j]
        assert len(np.unique(units[rows])) == units[rows].size


def test_active_partners_without_their_hub_switch_on_no_block_unit():
    # A hub paired with 60 features: its block's units are gated on the hub's own code, so any three
    # of its partners active together switch none of them on (ungated, two partners whose lines cross
    # switch on the unit where they meet).
    from itertools import combinations

    pairs = [[0, j] for j in range(1, 61)]
    sizes = three_channel_sizes(pairs, 80, 3, 1e-3, dedicate=False)
    assert len(sizes.heavy_inputs) == 1
    net = build_three_channel_and_network(pairs, 80, 3, seed=0, sizes=sizes, failure_prob=1e-3)
    inputs = [list(c) for c in combinations(range(1, 31), 3)]
    hidden = net.forward(inputs, depth=1)[1]
    on = hidden[:, : sizes.n_units] - hidden[:, sizes.n_units:]
    assert not on[:, sizes.n_light_units:].any()
    with_hub = net.forward([[0, 1, 2]], depth=1)[1]
    clamped = with_hub[:, : sizes.n_units] - with_hub[:, sizes.n_units:]
    assert clamped[:, sizes.n_light_units:].sum() >= 2 * sizes.compute_size - 1   # two lines, meeting at most once


def test_every_output_dedicated_is_exact_and_the_bound_of_s_is_tight():
    # One ReLU per output on S_a ∪ S_b, bias -(2s - 1), is an exact AND detector iff s > 2(k - 1): at
    # s = 2(k - 1) the two other actives can put 2 each on the codes of an output with one active endpoint.
    from dataclasses import replace

    m, k = 16, 3
    pairs = AndInstance(make_pairs("power_law", m, 40, seed=0), m)
    sizes = three_channel_sizes(pairs, m, k)
    assert len(sizes.dedicated_outputs) == 40 and sizes.failure_bound == 0.0
    assert (sizes.code_size, sizes.output_code_size) == (2 * k - 1, 4)
    assert sizes.n_neurons == 40 + sizes.n_input_neurons + sizes.n_output_neurons
    net = build_three_channel_and_network(pairs, m, k, sizes=sizes)
    assert net.n_neurons == sizes.n_neurons
    assert verify_exhaustive(net, pairs, k).wrong == 0
    tight = replace(sizes, code_size=2 * (k - 1), q_in=5)
    with pytest.raises(ValueError, match=r"s > 2\(k - 1\) = 4, got s = 4"):
        build_three_channel_and_network(pairs, m, k, sizes=tight)
    loose = build_three_channel_and_network(pairs, m, k, sizes=tight, enforce_bound=False)
    assert verify_exhaustive(loose, pairs, k).wrong > 0


def test_dedication_only_where_it_saves_neurons(power_law_600):
    pairs, shared = power_law_600
    sizes = three_channel_sizes(pairs, None, 3)
    assert sizes.n_neurons <= shared.n_neurons and len(sizes.dedicated_outputs) > 0
    assert len(shared.dedicated_outputs) == 0   # dedicate=False
    net = build_three_channel_and_network(pairs, None, 3, sizes=sizes)
    assert net.n_neurons == sizes.n_neurons
    assert verify_random(net, pairs, 3, 300, seed=0).wrong == 0



def test_the_search_grid_grows_past_its_first_tops(power_law_600):
    # The first grid stops at s = 15; this instance's best code size is larger, so the grid had to grow,
    # and the sizes it returns sit below the tops it reached (a size at a top would make it grow again).
    pairs, sizes = power_law_600
    assert sizes.code_size > 15 and sizes.failure_bound <= 1e-6
    capped = three_channel_sizes(pairs, None, 3, dedicate=False, code_size=15)
    assert sizes.n_neurons < capped.n_neurons
    bigger = three_channel_sizes(pairs, None, 3, dedicate=False, code_size=sizes.code_size + 3)
    assert bigger.n_neurons >= sizes.n_neurons


def test_a_block_weighs_its_owners_code_gamma_times_and_the_bound_counts_it(power_law_600):
    # A neuron of S_h has weight γ in every unit of h's block, so another active code that holds one of
    # them brings γ, not 1: the bound must count the others' hits on S_h γ times.
    pairs, sizes = power_law_600
    net = build_three_channel_and_network(pairs, None, 3, sizes=sizes)
    weights = net.layers[0][0].tocsr()
    input_codes = net.input_codes.tocsr()
    gate = block_gate(sizes.code_size, 3)
    first_unit = sizes.n_light_units
    owner_code = input_codes[sizes.heavy_inputs[0]].indices
    row = weights[first_unit].toarray().ravel()
    assert gate > 1 and np.all(row[owner_code] == gate)
    assert set(np.unique(row[row > 0])) <= {1.0, float(gate)}
