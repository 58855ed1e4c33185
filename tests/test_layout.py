"""Tests of the layout choice and of the one-neuron-per-AND baseline."""

import warnings

import numpy as np
import pytest

from superpos.families import make_pairs
from superpos.instance import AndInstance
from superpos.certificate import certify
from superpos.layout import (LargerThanNaiveWarning, build_and_network, choose_layout, naive_and_network,
                              naive_n_neurons)
from superpos.one_layer import OneLayerSizes, one_layer_sizes
from superpos.adversary import verify_adversarial
from superpos.verify import verify_exhaustive, verify_random


@pytest.mark.parametrize("family, k", [("uniform", 1), ("uniform", 2), ("power_law", 3)])
def test_exhaustive_zero_wrong_decisions(family, k):
    pairs = make_pairs(family, 20, 30, seed=3)
    net = build_and_network(pairs, 20, k, seed=0)
    errors = verify_exhaustive(net, pairs, k)
    assert errors.n_decisions == errors.n_input_sets * len(pairs)
    assert errors.wrong == 0, errors


def test_random_and_adversarial_at_moderate_scale():
    pairs = make_pairs("uniform", 2000, 2000, seed=0)
    net = build_and_network(pairs, 2000, 3, seed=0)
    assert verify_random(net, pairs, 3, 2000, seed=1).wrong == 0
    assert verify_adversarial(net, pairs, 3, 200, seed=2).wrong == 0


def test_naive_baseline_is_exact():
    pairs = make_pairs("uniform", 15, 40, seed=0)
    net = naive_and_network(pairs, 15)
    assert net.n_neurons == 15 + 40 and net.n_params == 3 * 40
    assert verify_exhaustive(net, pairs, 3).wrong == 0


@pytest.mark.filterwarnings("ignore::superpos.layout.LargerThanNaiveWarning")
def test_same_seed_same_network():
    pairs = AndInstance(make_pairs("uniform", 300, 300, seed=0), 300)
    sizes = one_layer_sizes(pairs, None, 3)
    a, b = (build_and_network(pairs, None, 3, seed=7, sizes=sizes) for _ in range(2))
    assert (a.layers[0][0] != b.layers[0][0]).nnz == 0 and np.array_equal(a.output_codes, b.output_codes)


def test_layout_is_chosen_per_instance():
    uniform = AndInstance(make_pairs("uniform", 3000, 6000, seed=0), 3000)
    layout, one = choose_layout(uniform, None, 3)
    assert layout == "one_layer" and len(build_and_network(uniform, None, 3, seed=0, sizes=one).layers) == 1
    few = AndInstance(make_pairs("uniform", 300, 300, seed=0), 300)
    layout, sizes = choose_layout(few, None, 3)   # 300 pairs: smallest with a ReLU of its own per AND
    assert layout == "three_channel" and len(sizes.dedicated_outputs) == 300 and sizes.failure_bound == 0
    with pytest.warns(LargerThanNaiveWarning):
        build_and_network(few, None, 3, seed=0, layout="one_layer")
    hubs = AndInstance(make_pairs("power_law", 3000, 6000, seed=0), 3000)
    layout, sizes = choose_layout(hubs, None, 3)     # fewer neurons than the one layer's, by construction
    assert layout == "three_channel"
    net = build_and_network(hubs, None, 3, seed=0, sizes=sizes)
    assert len(net.layers) == 2 and net.n_neurons == sizes.n_neurons
    assert net.widths == [sizes.n_input_neurons, 2 * sizes.n_clamped_units + len(sizes.dedicated_outputs),
                          sizes.n_output_neurons]
    with pytest.raises(ValueError, match="layout must be one of"):
        build_and_network(hubs, None, 3, layout="two_layer")
    with pytest.raises(ValueError, match="the sizes are of the one_layer layout, but layout 'three_channel'"):
        build_and_network(hubs, None, 3, layout="three_channel", sizes=one)
    with pytest.raises(TypeError, match="sizes must be OneLayerSizes, ThreeChannelSizes or DecodedSizes"):
        build_and_network(hubs, None, 3, sizes={"code_size": 3})


def test_bad_inputs_raise_clear_errors():
    pairs = make_pairs("uniform", 50, 60, seed=0)
    with pytest.raises(ValueError, match=r"k must be in \[1, 50\], got 51"):
        build_and_network(pairs, 50, 51)
    with pytest.raises(ValueError, match=r"k must be in \[1, 50\], got 0"):
        build_and_network(pairs, 50, 0)
    with pytest.raises(ValueError, match="itself"):
        build_and_network([[1, 1]], 50, 2)
    with pytest.raises(ValueError, match="repeats"):
        build_and_network([[1, 2], [2, 1]], 50, 2)
    with pytest.raises(ValueError, match=r"pairs\[0\] = \(1, 70\) has an index out of range"):
        build_and_network([[1, 70]], 50, 2)
    with pytest.raises(ValueError, match="failure_prob"):
        build_and_network(pairs, 50, 3, failure_prob=0.0)
    with pytest.raises(ValueError, match="sizes too small for the guarantee"):
        build_and_network(pairs, 50, 3, sizes=OneLayerSizes(3, 11, 3, 11, 0.9))


def test_auto_never_returns_more_than_one_neuron_per_and_and_forced_layouts_say_so():
    small = AndInstance(make_pairs("uniform", 40, 20, seed=0), 40)
    assert build_and_network(small, None, 3, seed=0).name == "one neuron per AND"
    with pytest.warns(LargerThanNaiveWarning, match="more than the 60 of one neuron per AND"):
        forced = build_and_network(small, None, 3, seed=0, layout="three_channel")
    assert forced.n_neurons > naive_n_neurons(40, 20)
    large = AndInstance(make_pairs("uniform", 3000, 6000, seed=0), 3000)
    with warnings.catch_warnings():
        warnings.simplefilter("error", LargerThanNaiveWarning)
        net = build_and_network(large, None, 3, seed=0)
    assert len(net.layers) == 1 and net.n_neurons < naive_n_neurons(3000, 6000)


def test_certified_guarantee_builds_a_network_right_on_every_input():
    pairs = AndInstance(make_pairs("uniform", 200, 600, seed=1), 200)
    with pytest.warns(LargerThanNaiveWarning):  # 600 pairs: both still above one neuron per AND
        net = build_and_network(pairs, None, 3, seed=0, guarantee="certified", layout="one_layer")
        bound_sized = build_and_network(pairs, None, 3, seed=0, layout="one_layer")
    assert certify(net, pairs, 3).passed and net.n_neurons < bound_sized.n_neurons
    few = make_pairs("uniform", 60, 200, seed=0)
    assert build_and_network(few, 60, 3, seed=0, guarantee="certified").name == "one neuron per AND"
    with pytest.raises(ValueError, match="guarantee must be one of"):
        build_and_network(pairs, None, 3, guarantee="sometimes")
    with pytest.raises(ValueError, match="sizes the one-layer layout itself"):
        build_and_network(pairs, None, 3, guarantee="certified", layout="three_channel")
