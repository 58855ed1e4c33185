r"""Every network of a tiny architecture, and the functions they compute.

The counting bound says a family :math:`F` needs :math:`\log_2|F|` bits. On
tiny instances we can look at all networks of one architecture: fixed input
codes, one ReLU layer :math:`h = \mathrm{ReLU}(W v + \beta)` with weights and
biases from small fixed sets, and fixed output codes (output :math:`\ell` is
present iff every neuron of :math:`T_\ell` is :math:`\ge \theta`). We list the
distinct maps from :math:`k`-sparse input sets to output sets that they
compute and count how many members of a family are among them.

An output neuron's firing pattern depends only on its own row
:math:`(w, \beta)`, so we enumerate rows once, keep the distinct patterns, and
combine patterns rather than whole networks: the cost is
(distinct patterns)\ :sup:`n_out` instead of (rows)\ :sup:`n_out`.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from superpos.inputs import all_input_sets, count_input_sets
from superpos.validation import check_int

__all__ = ["Enumeration", "enumerate_one_layer"]


@dataclass(frozen=True)
class Enumeration:
    """What every network of a tiny one-layer architecture computes.

    Attributes
    ----------
    n_networks : int
        Number of weight settings, :math:`|\\mathcal W|^{n_{in} n_{out}}\\,|\\mathcal B|^{n_{out}}`.
    bits : float
        :math:`\\log_2` of ``n_networks``: the bits of one setting.
    n_functions : int
        Number of distinct maps from sparse input sets to decoded output sets.
    n_permutations : int
        Permutations :math:`\\pi` of the :math:`m'` outputs (needs :math:`m = m'`;
        output :math:`\\ell` is feature :math:`\\pi(\\ell)`) computed by some network.
    n_and_instances : int
        Ordered 2-AND instances (output :math:`\\ell` is the AND of its own pair,
        pairs distinct) computed by some network.
    n_input_sets : int
        Number of sparse input sets every function is evaluated on.

    Examples
    --------
    >>> result = enumerate_one_layer(np.eye(2, dtype=int), np.eye(2, dtype=int))
    >>> result.n_networks, result.bits, result.n_input_sets
    (64, 6.0, 4)
    """

    n_networks: int
    bits: float
    n_functions: int
    n_permutations: int
    n_and_instances: int
    n_input_sets: int


def _check_codes(codes, name: str) -> np.ndarray:
    array = np.asarray(codes)
    if array.ndim != 2 or array.size == 0 or not np.isin(array, (0, 1)).all():
        raise ValueError(f"{name} must be a non-empty 2-D 0/1 matrix (features x neurons), got shape {array.shape}")
    if (array.sum(axis=1) == 0).any():
        raise ValueError(f"{name}: every feature needs at least one neuron in its code")
    return array.astype(np.int64)


def _pack(patterns: np.ndarray) -> np.ndarray:
    """Pack boolean rows (at most 62 columns) into one integer each."""
    return patterns.astype(np.int64) @ (np.int64(1) << np.arange(patterns.shape[-1], dtype=np.int64))


def enumerate_one_layer(input_codes, output_codes, weight_values=(0, 1), bias_values=(0, -1), k: int = 2,
                        threshold: float = 1.0) -> Enumeration:
    r"""Enumerate every one-layer network over fixed codes and count what it computes.

    Parameters
    ----------
    input_codes : array-like, shape (m, n_in)
        0/1 code of each input feature; the input activation is
        :math:`v = \sum_{i \in A} \text{code}_i`.
    output_codes : array-like, shape (m', n_out)
        0/1 code :math:`T_\ell` of each output.
    weight_values, bias_values : sequence of float
        The values each weight and each bias may take.
    k : int, default 2
        Sparsity: the functions are compared on every set of at most
        :math:`k` active inputs.
    threshold : float, default 1.0
        :math:`\theta > 0`: a neuron is on iff its ReLU output is :math:`\ge \theta`.

    Returns
    -------
    Enumeration
        Counts of networks, distinct functions and family members computed.

    Examples
    --------
    >>> result = enumerate_one_layer(np.eye(3, dtype=int), np.eye(3, dtype=int), (0, 1), (0, -1), k=2)
    >>> result.n_networks, result.n_permutations   # every permutation of 3 one-hot features is computed
    (4096, 6)
    """
    input_codes = _check_codes(input_codes, "input_codes")
    output_codes = _check_codes(output_codes, "output_codes")
    weights = np.unique(np.asarray(weight_values, dtype=float))
    biases = np.unique(np.asarray(bias_values, dtype=float))
    if weights.size == 0 or biases.size == 0:
        raise ValueError("weight_values and bias_values must each hold at least one value")
    k = check_int(k, "k", 1, len(input_codes))
    if not threshold > 0:
        raise ValueError(f"threshold must be > 0 (a ReLU output of 0 means off), got {threshold!r}")
    m_in, n_in = input_codes.shape
    m_out, n_out = output_codes.shape
    n_sets = count_input_sets(m_in, k)
    if n_sets > 62:
        raise ValueError(f"{n_sets} sparse inputs; at most 62 fit the packed patterns (use fewer features or a smaller k)")
    sets = all_input_sets(m_in, k).toarray().astype(np.int64)
    n_rows = weights.size**n_in * biases.size
    if n_rows > 2_000_000:
        raise ValueError(f"{n_rows} distinct neuron rows; at most 2,000,000 (use fewer input neurons or values)")

    activations = sets @ input_codes  # (inputs, n_in)
    rows = np.array(list(itertools.product(weights, repeat=n_in)))  # (|W|^n_in, n_in)
    pre = (activations @ rows.T)[:, :, None] + biases[None, None, :]  # (inputs, rows, biases)
    fires = pre.reshape(len(sets), -1).T >= threshold  # ReLU(z) >= theta > 0 iff z >= theta
    patterns = np.unique(_pack(fires))

    # Each network gives each output neuron one pattern; output l is the AND over its code.
    combos = np.array(list(itertools.product(range(patterns.size), repeat=n_out)), dtype=np.int64)
    neuron_patterns = patterns[combos]  # (combos, n_out)
    full = np.int64((1 << len(sets)) - 1)
    outputs = np.stack([np.bitwise_and.reduce(np.where(code.astype(bool), neuron_patterns, full), axis=1)
                        for code in output_codes], axis=1)
    functions = {tuple(row) for row in outputs.tolist()}

    holds = [_pack(sets[:, i].astype(bool)) for i in range(m_in)]
    n_permutations = 0
    if m_in == m_out:
        n_permutations = sum(tuple(int(holds[i]) for i in perm) in functions
                             for perm in itertools.permutations(range(m_out)))
    pairs = list(itertools.combinations(range(m_in), 2))
    n_and = sum(tuple(int(holds[a] & holds[c]) for a, c in chosen) in functions
                for chosen in itertools.permutations(pairs, m_out)) if m_out <= len(pairs) else 0
    n_networks = weights.size ** (n_in * n_out) * biases.size**n_out
    return Enumeration(n_networks=n_networks, bits=math.log2(n_networks), n_functions=len(functions),
                       n_permutations=n_permutations, n_and_instances=n_and, n_input_sets=len(sets))
