"""Tests of the Network object on small networks built by hand."""

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp

from superpos import families as F
from superpos.inputs import as_input_sets, random_input_sets
from superpos.instance import AndInstance
from superpos.network import Network
from handmade import naive_network


def two_layer_network(pairs, n_inputs):
    """The naive network, then a layer with a positive bias: ReLU(2 h + 0.5), threshold 2."""
    naive = naive_network(pairs, n_inputs)
    n_outputs = len(pairs)
    layers = naive.layers + [(2 * sp.identity(n_outputs, format="csr"), np.full(n_outputs, 0.5))]
    return Network(naive.input_codes, layers, naive.output_codes, 2.0)


def dense_replay(network, inputs):
    """Reference evaluation with dense numpy arrays."""
    h = as_input_sets(inputs, network.n_inputs).toarray().astype(float) @ network.input_codes.toarray()
    history = [h]
    for weights, bias in network.layers:
        h = np.maximum(h @ weights.toarray().T + bias, 0)
        history.append(h)
    return history, (h[:, network.output_codes] >= network.threshold).all(axis=2)


@pytest.fixture
def instance():
    pairs = F.uniform_pairs(15, 40, seed=1)
    return pairs, random_input_sets(15, 4, 600, seed=2, exact=False)


@pytest.mark.parametrize("build", [naive_network, two_layer_network])
def test_compute_is_the_true_and(instance, build):
    pairs, inputs = instance
    network = build(pairs, 15)
    decoded = network.compute(inputs, batch_size=97)
    assert decoded.dtype == bool and decoded.shape == (600, 40)
    assert (decoded != AndInstance(pairs, 15).true_outputs(inputs)).nnz == 0
    history, present = dense_replay(network, inputs)
    assert np.array_equal(decoded.toarray(), present)
    for ours, reference in zip(network.forward(inputs, batch_size=50), history):
        assert ours.dtype == np.float32
        np.testing.assert_allclose(ours, reference, rtol=1e-6)


def test_compute_accepts_index_lists_and_workers(instance):
    pairs, inputs = instance
    network = naive_network(pairs, 15)
    as_lists = [list(inputs.indices[inputs.indptr[r]:inputs.indptr[r + 1]]) for r in range(inputs.shape[0])]
    serial = network.compute(as_lists)
    assert (serial != network.compute(inputs, batch_size=64, n_jobs=2)).nnz == 0
    assert network.compute([]).shape == (0, 40)


def test_multi_neuron_codes_need_every_neuron():
    # Input codes of two neurons each, outputs read by codes of two neurons.
    codes = sp.csr_matrix(np.array([[1, 1, 0, 0], [0, 0, 1, 1], [1, 0, 1, 0]]))
    weights = sp.csr_matrix(np.eye(4))
    network = Network(codes, [(weights, np.zeros(4))], np.array([[0, 1], [2, 3], [0, 2]]), 1.0)
    assert network.compute([[0]]).toarray().tolist() == [[True, False, False]]
    assert network.compute([[2]]).toarray().tolist() == [[False, False, True]]
    assert network.compute([[0, 1]]).toarray().tolist() == [[True, True, True]]


def test_counts():
    pairs = np.array([[0, 1], [1, 2], [0, 2]])
    network = naive_network(pairs, 3)
    assert network.n_inputs == 3 and network.n_outputs == 3
    assert network.widths == [3, 3] and network.n_neurons == 6
    assert network.n_params == 6 + 3
    assert network.bits_per_param == 1           # values {1, -1}
    assert network.n_bits == 9
    two = two_layer_network(pairs, 3)            # values {1, -1, 2, 0.5}
    assert two.n_params == 9 + 3 + 3 and two.bits_per_param == 2
    assert "naive" in repr(network)


def test_save_load_and_replay_from_raw_arrays(tmp_path, instance):
    pairs, inputs = instance
    network = two_layer_network(pairs, 15)
    path = tmp_path / "net.npz"
    network.save(path)
    loaded = Network.load(path)
    assert loaded.widths == network.widths and loaded.threshold == network.threshold
    assert (loaded.compute(inputs) != network.compute(inputs)).nnz == 0
    # The replay promised in the module docstring, in plain numpy.
    z = np.load(path)
    csr = lambda p: sp.csr_matrix((z[p + "_data"], z[p + "_indices"], z[p + "_indptr"]), shape=z[p + "_shape"])
    h = inputs.toarray() @ csr("input_codes").toarray()
    for i in range(int(z["n_layers"])):
        h = np.maximum(h @ csr(f"layer{i}_W").T + z[f"layer{i}_b"], 0)
    present = (h[:, z["output_codes"]] >= z["threshold"]).all(axis=2)
    assert np.array_equal(present, AndInstance(pairs, 15).true_outputs(inputs).toarray())


def test_compute_never_forms_a_dense_output_matrix():
    n_inputs, n_outputs, batch = 2000, 200_000, 2000
    pairs = F.uniform_pairs(n_inputs, n_outputs, seed=0)
    network = naive_network(pairs, n_inputs)
    inputs = random_input_sets(n_inputs, 3, batch, seed=1)
    network.compute(inputs[:10])                 # build the caches first
    tracemalloc.start()
    decoded = network.compute(inputs, batch_size=batch)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < batch * n_outputs / 8         # a dense bool batch x m' would be 400 MB
    assert (decoded != AndInstance(pairs, n_inputs).true_outputs(inputs)).nnz == 0


@pytest.mark.parametrize("change, message", [
    (dict(input_codes=sp.csr_matrix(2 * np.eye(3))), "0/1 matrix"),
    (dict(layers=[(sp.csr_matrix(np.ones((3, 4))), np.zeros(3))]), "W has 4 columns"),
    (dict(layers=[(sp.csr_matrix(np.ones((3, 3))), np.zeros(2))]), "one bias per row"),
    (dict(layers=[(sp.csr_matrix(np.ones((3, 3))), np.array([0, np.nan, 0]))]), "non-finite"),
    (dict(layers=[sp.csr_matrix(np.ones((3, 3)))]), "pair \\(W, b\\)"),
    (dict(output_codes=np.array([[0], [3]])), "index the last layer"),
    (dict(output_codes=np.array([0, 1])), "shape \\(n_outputs, t\\)"),
    (dict(output_codes=np.array([[0.0]])), "integer neuron indices"),
    (dict(threshold=0.0), "threshold must be finite and > 0"),
])
def test_validation(change, message):
    arguments = dict(input_codes=sp.identity(3, format="csr"), layers=[(sp.identity(3, format="csr"), np.zeros(3))],
                     output_codes=np.array([[0], [1]]), threshold=1.0)
    arguments.update(change)
    with pytest.raises(ValueError, match=message):
        Network(**arguments)


def test_bad_arguments_to_compute(instance):
    pairs, _ = instance
    network = naive_network(pairs, 15)
    with pytest.raises(ValueError, match="batch_size"):
        network.compute([[0]], batch_size=0)
    with pytest.raises(ValueError, match="n_jobs"):
        network.compute([[0]], n_jobs=0)
    with pytest.raises(ValueError, match="outside the allowed range"):
        network.compute([[15]])
    with pytest.raises(TypeError, match="threshold must be a real number"):
        Network(network.input_codes, network.layers, network.output_codes, "1")


def random_network(seed, kind, n_layers=2, n_inputs=30, width=40, code_size=4, density=0.3):
    """A random ReLU network whose weights are of one ``kind``; input codes overlap often.

    kinds: "binary" (0/1 weights, negative integer biases), "signed" (weights in
    −3..3, biases of both signs), "wide" (0..300, needs int16 and wide sums),
    "huge" (sums beyond 2**24, which float32 cannot hold exactly), "float"
    (real weights and biases).
    """
    rng = np.random.default_rng(seed)
    codes = np.argsort(rng.random((n_inputs, width)), axis=1)[:, :code_size]
    input_codes = sp.csr_matrix((np.ones(codes.size), (np.repeat(np.arange(n_inputs), code_size), codes.ravel())),
                                shape=(n_inputs, width))
    layers, n_in = [], width
    for _ in range(n_layers):
        mask = rng.random((width, n_in)) < density
        values = {"binary": np.ones((width, n_in)), "signed": rng.integers(-3, 4, (width, n_in)),
                  "wide": rng.integers(0, 301, (width, n_in)), "huge": rng.integers(0, 2**20, (width, n_in)),
                  "float": rng.normal(size=(width, n_in))}[kind]
        bias = {"binary": -rng.integers(0, 2 * code_size, width), "signed": rng.integers(-4, 3, width),
                "wide": -rng.integers(0, 600, width), "huge": -rng.integers(0, 2**21, width),
                "float": rng.normal(size=width)}[kind]
        layers.append((sp.csr_matrix(mask * values), bias.astype(float)))
        n_in = width
    output_codes = np.argsort(rng.random((40, width)), axis=1)[:, :2]
    return Network(input_codes, layers, output_codes, 1.0)


def with_sparse_path(network):
    """The same network evaluated only with the sparse csr product."""
    generic = Network(network.input_codes, network.layers, network.output_codes, network.threshold)
    generic.dense_budget_bytes = 0
    return generic


@pytest.mark.parametrize("kind", ["binary", "signed", "wide", "huge", "float"])
@pytest.mark.parametrize("n_layers", [1, 2])
def test_dense_path_equals_the_sparse_path(kind, n_layers):
    network = random_network(3, kind, n_layers=n_layers)
    generic = with_sparse_path(network)
    inputs = random_input_sets(30, 5, 400, seed=4, exact=False)   # up to 5 actives: codes overlap, h⁰ reaches 2, 3
    assert all(layer.dense is not None for layer in network.prepared_layers)
    assert all(layer.dense is None for layer in generic.prepared_layers)
    fast, slow = network.forward(inputs, batch_size=70), generic.forward(inputs, batch_size=70)
    # Integer sums below 2**24 are exact on both paths; float32 sums agree bit for
    # bit on layer 1 (both add in the stored order of h⁰), and to rounding after.
    exact = n_layers == 1 or kind in ("binary", "signed", "wide")
    for ours, reference in zip(fast, slow):
        if exact:
            assert np.array_equal(ours, reference)
        else:
            np.testing.assert_allclose(ours, reference, rtol=1e-5, atol=1e-4)   # cancellation in sums
    assert np.count_nonzero(fast[-1]) > 0 and np.count_nonzero(fast[-1] == 0) > 0
    decoded = network.compute(inputs, batch_size=70)
    if exact:
        assert (decoded != generic.compute(inputs, batch_size=70)).nnz == 0
    if kind in ("binary", "signed", "wide"):
        assert np.array_equal(decoded.toarray(), dense_replay(network, inputs)[1])


def test_dense_path_picks_the_narrowest_exact_types():
    prepared = {kind: random_network(0, kind, n_layers=1).prepared_layers[0] for kind in ["binary", "signed", "wide",
                                                                                        "huge", "float"]}
    assert [prepared[kind].dense.dtype for kind in prepared] == [np.uint8, np.int8, np.int16, np.float32, np.float32]
    small = sp.csr_matrix(np.array([[1.0, 2.0, 0.0]]))
    assert prepared["binary"].accumulator_dtype(small) == np.uint8
    assert prepared["wide"].accumulator_dtype(small) == np.int16         # 3 · 300 > 255, weights stored as int16
    assert prepared["wide"].accumulator_dtype(sp.csr_matrix(np.array([[100.0, 100.0, 0.0]]))) == np.int32  # 6·10⁴
    assert prepared["wide"].accumulator_dtype(sp.csr_matrix(np.array([[6e4, 0.0, 0.0]]))) == np.float32     # > 2**24
    assert prepared["huge"].accumulator_dtype(small) == np.float32       # weights beyond int16 are stored as float32
    assert prepared["signed"].accumulator_dtype(small) == np.int8
    assert prepared["binary"].accumulator_dtype(sp.csr_matrix(np.array([[0.5, 1.0, 0.0]]))) == np.float32


def test_dense_copy_needs_density_and_budget():
    pairs = F.uniform_pairs(200, 300, seed=0)
    assert naive_network(pairs, 200).prepared_layers[0].dense is None             # 2 weights per row of 200
    network = random_network(1, "binary", n_layers=2)
    network.dense_budget_bytes = 41 * 40                                       # room for one of two copies
    assert [layer.dense is not None for layer in network.prepared_layers] == [True, False]


@pytest.mark.parametrize("kind", ["binary", "signed", "float"])
def test_preactivations_at_and_layer_sums_are_w_h_on_both_paths(kind):
    network = random_network(5, kind, n_layers=2)
    inputs = random_input_sets(30, 4, 50, seed=6, exact=False)
    history, _ = dense_replay(network, inputs)
    rng = np.random.default_rng(0)
    rows, neurons = rng.integers(50, size=200), rng.integers(40, size=200)
    weights = network.layers[1][0].toarray()
    expected = (history[1][rows] * weights[neurons]).sum(axis=1)
    expected_positive = (history[1][rows] * np.maximum(weights, 0)[neurons]).sum(axis=1)
    for evaluated in (network, with_sparse_path(network)):
        below = evaluated.forward(inputs, sparse=True)[1]
        direct, positive = evaluated.preactivations_at(1, below, rows, neurons)
        np.testing.assert_allclose(direct, expected, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(positive, expected_positive, rtol=1e-5, atol=1e-5)
        sums = evaluated.layer_sums(1, below)
        np.testing.assert_allclose(sums, history[1] @ weights.T, rtol=1e-5, atol=1e-4)
        np.testing.assert_allclose(evaluated.encode(inputs).toarray(), history[0])


def test_forward_to_a_depth(instance):
    pairs, inputs = instance
    network = two_layer_network(pairs, 15)
    full = network.forward(inputs)
    partial = network.forward(inputs, depth=1)
    assert len(partial) == 2 and all(np.array_equal(a, b) for a, b in zip(partial, full))
    assert len(network.forward(inputs, depth=0)) == 1
    for depth in (-1, 3, 1.0, True):
        with pytest.raises(ValueError, match="depth must be an integer from 0 to the number of layers 2"):
            network.forward(inputs, depth=depth)


def test_a_dense_result_too_large_for_memory_is_refused(monkeypatch):
    from superpos import validation
    monkeypatch.setattr(validation, "MAX_ARRAY_BYTES", 100)
    network = naive_network(np.array([[0, 1], [1, 2]]), 30)
    refused = r"dense activations of 20 inputs on 30 neurons \(use sparse=True\) would take 2400 bytes"
    with pytest.raises(ValueError, match=refused):
        network.forward([[0]] * 20)
    assert network.forward([[0]] * 20, sparse=True)[0].shape == (20, 30)

