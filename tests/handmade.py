"""Networks built by hand for the tests: exact by construction, or deliberately too small."""

import numpy as np
import scipy.sparse as sp

from superpos.network import Network


def naive_network(pairs, n_inputs, bias=-1.0, name="naive"):
    """One neuron per AND: input i is neuron i, neuron ℓ computes ReLU(x_a + x_b + bias) (exact for bias −1)."""
    n_outputs = len(pairs)
    weights = sp.csr_matrix((np.ones(2 * n_outputs), (np.repeat(np.arange(n_outputs), 2), np.ravel(pairs))),
                            shape=(n_outputs, n_inputs))
    return Network(sp.identity(n_inputs, format="csr"), [(weights, np.full(n_outputs, bias))],
                   np.arange(n_outputs)[:, None], 1.0, name=name)


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
