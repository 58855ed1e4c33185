"""Checking a network against the true AND outputs: every input, or random inputs.

Every check runs the network on a batch of k-sparse inputs, decodes its outputs
(:meth:`superpos.network.Network.compute`) and compares them with the true
ones (:meth:`superpos.instance.AndInstance.true_outputs`). On one input the
network makes m' decisions (one per output: present or absent), so a batch of
B inputs is B·m' decisions, and the result is the number of wrong ones split
into false positives (decoded present, truly absent) and false negatives
(decoded absent, truly present).

Two sources of inputs are here:

* exhaustive: every input set of size 0..k, Σ_j C(m, j) of them (small m;
  :func:`superpos.inputs.all_input_sets`);
* random: uniform k-sparse sets (:func:`superpos.inputs.random_input_sets`).

The third, inputs built to switch on one chosen absent output, is
:mod:`superpos.adversary`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from superpos.inputs import all_input_sets, as_input_sets, random_input_sets
from superpos.gates import GateInstance
from superpos.instance import AndInstance, as_and_instance
from superpos.network import Network
from superpos.validation import check_int

__all__ = ["COUNT_CHUNK_BATCHES", "ErrorCount", "checked_instance", "count_errors", "verify_exhaustive",
           "verify_random"]

#: Batches per worker that :func:`count_errors` decodes before counting and dropping them.
COUNT_CHUNK_BATCHES = 4


@dataclass
class ErrorCount:
    """Wrong decisions out of decisions made (a decision: one output on one input).

    Examples
    --------
    >>> total = ErrorCount(2, 20, 1, 0) + ErrorCount(3, 30, 0, 2)
    >>> total, total.wrong
    (ErrorCount(n_input_sets=5, n_decisions=50, false_positives=1, false_negatives=2), 3)
    """

    n_input_sets: int  #: input sets checked
    n_decisions: int
    false_positives: int
    false_negatives: int

    @property
    def wrong(self) -> int:
        """False positives plus false negatives."""
        return self.false_positives + self.false_negatives

    def __add__(self, other: "ErrorCount") -> "ErrorCount":
        if not isinstance(other, ErrorCount):
            return NotImplemented
        return ErrorCount(self.n_input_sets + other.n_input_sets, self.n_decisions + other.n_decisions,
                          self.false_positives + other.false_positives, self.false_negatives + other.false_negatives)


def checked_instance(network: Network, pairs, k=None) -> tuple[AndInstance | GateInstance, int | None]:
    """The AND (or :class:`~superpos.gates.GateInstance`) a network claims to compute, checked, and k checked.

    Returns
    -------
    (AndInstance, int or None)

    Examples
    --------
    >>> from superpos.layout import naive_and_network
    >>> checked_instance(naive_and_network([[0, 1]], 3), [[1, 0]], 2)
    (AndInstance(m=3, m'=1, max influence=1), 2)
    >>> checked_instance(naive_and_network([[0, 1]], 3), [[0, 1], [1, 2]])
    Traceback (most recent call last):
    ...
    ValueError: pairs has 2 rows but the network has 1 outputs
    """
    if not isinstance(network, Network):
        raise TypeError(f"network must be a superpos.network.Network, got {type(network).__name__}")
    if isinstance(pairs, GateInstance):  # threshold gates (superpos.gates) state their own true outputs
        if pairs.n_inputs != network.n_inputs:
            raise ValueError(f"the instance has n_inputs = {pairs.n_inputs} but the network {network.n_inputs}")
        instance = pairs
    else:
        instance = as_and_instance(pairs, network.n_inputs)
    if instance.n_outputs != network.n_outputs:
        raise ValueError(f"pairs has {instance.n_outputs} rows but the network has {network.n_outputs} outputs")
    if k is not None:
        k = check_int(k, "k", 1)
        if k > network.n_inputs:
            raise ValueError(f"k = {k} exceeds the network's n_inputs = {network.n_inputs}")
    return instance, k


def count_errors(network: Network, pairs, inputs, batch_size: int = 4096, progress: bool = False,
                 n_jobs: int = 1) -> ErrorCount:
    """Run ``network`` on ``inputs`` and count wrong decisions against the true ANDs of ``pairs``.

    The inputs go through in chunks of ``COUNT_CHUNK_BATCHES`` batches per
    worker, and only the counts are kept: an undersized network can decode
    thousands of false outputs per input, and holding them all for 10⁵ inputs
    would take tens of gigabytes.

    Examples
    --------
    >>> from superpos.layout import naive_and_network
    >>> net = naive_and_network([[0, 1], [2, 3]], 4)
    >>> count_errors(net, [[0, 1], [2, 3]], [[0], [0, 1], [2, 3], []])
    ErrorCount(n_input_sets=4, n_decisions=8, false_positives=0, false_negatives=0)
    """
    instance, _ = checked_instance(network, pairs)
    matrix = as_input_sets(inputs, network.n_inputs)
    chunk = batch_size * max(int(n_jobs), 1) * COUNT_CHUNK_BATCHES
    starts = range(0, matrix.shape[0], chunk)
    if progress:
        from tqdm.auto import tqdm
        starts = tqdm(starts, desc="count errors", unit="chunk")
    false_positives = false_negatives = 0
    for start in starts:
        part = matrix[start:start + chunk]
        decoded = network.compute(part, batch_size=batch_size, n_jobs=n_jobs)
        truth = instance.true_outputs(part)
        difference = decoded.astype(np.int8) - truth.astype(np.int8)
        false_positives += int(np.count_nonzero(difference.data > 0))
        false_negatives += int(np.count_nonzero(difference.data < 0))
    return ErrorCount(n_input_sets=matrix.shape[0], n_decisions=matrix.shape[0] * network.n_outputs,
                      false_positives=false_positives, false_negatives=false_negatives)


def verify_exhaustive(network: Network, pairs, k: int, batch_size: int = 4096) -> ErrorCount:
    """Errors over every input of size 0..k (refused beyond ``inputs.MAX_ENUMERATED_SETS`` inputs).

    Examples
    --------
    >>> from superpos.layout import naive_and_network
    >>> verify_exhaustive(naive_and_network([[0, 1], [1, 2]], 5), [[0, 1], [1, 2]], 2)
    ErrorCount(n_input_sets=16, n_decisions=32, false_positives=0, false_negatives=0)
    """
    instance, k = checked_instance(network, pairs, k)
    return count_errors(network, instance, all_input_sets(network.n_inputs, k), batch_size=batch_size)


def verify_random(network: Network, pairs, k: int, n_samples: int, seed: int = 0, batch_size: int = 4096,
                  progress: bool = False, n_jobs: int = 1) -> ErrorCount:
    """Errors over ``n_samples`` uniform random inputs with exactly k active features (drawn with ``seed``).

    Examples
    --------
    >>> from superpos.layout import naive_and_network
    >>> verify_random(naive_and_network([[0, 1], [1, 2]], 5), [[0, 1], [1, 2]], 3, 100, seed=0).wrong
    0
    """
    instance, k = checked_instance(network, pairs, k)
    inputs = random_input_sets(network.n_inputs, k, check_int(n_samples, "n_samples", 1), seed=seed)
    return count_errors(network, instance, inputs, batch_size=batch_size, progress=progress, n_jobs=n_jobs)

