"""Pinned numbers: for fixed seeds, the networks, inputs and counts the book reports stay the same.

Each case below builds or draws something with fixed seeds and reduces it to
plain numbers: widths, neuron and parameter counts, error counts, and a
SHA-256 digest of every array (weights, biases, codes, pairs, input sets).
``tests/data/pinned_numbers.json`` holds the values; the glued numbers of the
quick profile are pinned in ``tests/data/quick_profile_glue.json`` and
compared with the built book.

A change that moves a number on purpose (a new construction, say) rewrites the
files with ``python tests/test_pinned_numbers.py --write`` and says so in its
commit message.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from superpos import construction, families, representation
from superpos.adversary import adversarial_inputs, verify_adversarial
from superpos.inputs import random_input_sets
from superpos.instance import AndInstance
from superpos.layout import LargerThanNaiveWarning, build_and_network, naive_and_network
from superpos.one_layer import build_one_layer_and_network, one_layer_sizes, one_layer_sizes_for_widths
from superpos.paths import BuildPaths
from superpos.three_channel import build_three_channel_and_network, three_channel_sizes
from superpos.verify import verify_random

DATA = Path(__file__).resolve().parent / "data"
PINNED = DATA / "pinned_numbers.json"
GLUE = DATA / "quick_profile_glue.json"
#: Chapters whose glued numbers are pinned. The counting-bound chapter is left out: its numbers come
#: from ``superpos.bounds`` alone, which has its own tests.
GLUED_CHAPTERS = ("representation", "bounds", "construction", "beyond", "training", "gap")
#: Glued values that are wall times, or tables with a column of them, not results.
UNPINNED_GLUE = {"construction::construction_seconds", "beyond::beyond_seconds", "beyond::beyond_perm_table",
                 "beyond::beyond_q_table", "beyond::beyond_layer_table", "training::training_chapter_seconds",
                 "training::training_seconds_total", "training::training_table", "training::training_variants_table",
                 "training::training_projected_hours_1000", "training::training_projected_hours_10000"}


def digest(*arrays) -> str:
    """SHA-256 of arrays (dense or sparse) in a canonical form: shape, dtype class and values."""
    hasher = hashlib.sha256()
    for array in arrays:
        if sp.issparse(array):
            matrix = sp.csr_matrix(array, copy=True)
            matrix.sum_duplicates()
            matrix.sort_indices()
            parts = [np.asarray(matrix.shape, np.int64), matrix.indptr.astype(np.int64),
                     matrix.indices.astype(np.int64), matrix.data.astype(np.float64)]
        else:
            array = np.asarray(array)
            parts = [np.asarray(array.shape, np.int64),
                     array.astype(np.float64 if array.dtype.kind in "fb" else np.int64)]
        for part in parts:
            hasher.update(np.ascontiguousarray(part).tobytes())
    return hasher.hexdigest()[:24]


def index_rows(sets) -> np.ndarray:
    """The sorted feature indices of a batch of equal-size sets, one row per set."""
    return sets.indices.reshape(sets.shape[0], -1)


def network_summary(net) -> dict:
    return {"widths": net.widths, "n_neurons": net.n_neurons, "n_params": net.n_params, "n_bits": net.n_bits,
            "threshold": net.threshold,
            "digest": digest(net.input_codes, net.output_codes, *[array for layer in net.layers for array in layer])}


def errors_summary(errors) -> list:
    return [errors.n_input_sets, errors.n_decisions, errors.false_positives, errors.false_negatives]


def pairs_of(family, n_outputs, seed):
    n_inputs = families.default_n_inputs(family, n_outputs)
    return families.make_pairs(family, n_inputs, n_outputs, seed=seed), n_inputs


def case_pairs() -> dict:
    return {family: digest(pairs_of(family, 300, 3)[0]) for family in families.FAMILIES}


def case_inputs() -> dict:
    rng = np.random.default_rng(11)
    return {"sample_exact": digest(random_input_sets(500, 3, 200, seed=1)),
            "sample_up_to_k": digest(random_input_sets(500, 3, 200, seed=1, exact=False)),
            "random_sets": digest(index_rows(random_input_sets(1000, 3, 100, seed=2))),
            "random_sets_dense_regime": digest(index_rows(random_input_sets(6, 4, 40, seed=2))),
            "random_sets_generator": digest(index_rows(random_input_sets(1000, 3, 30, rng))),
            "dense_code_generator": digest(representation.dense_code(300, 70, rng).signs),
            "sparse_code_generator": digest(representation.sparse_code(300, 60, 5, rng).neurons)}


def case_codes() -> dict:
    return {"dense_code": digest(representation.dense_code(5000, 70, seed=4).signs),
            "sparse_code": digest(representation.sparse_code(5000, 60, 5, seed=4).neurons),
            "sparse_code_wide": digest(representation.sparse_code(300, 40, 20, seed=4).neurons)}


def case_representation() -> dict:
    out = {}
    for code in ("sparse", "dense"):
        found = representation.min_neurons(2000, 2, code, n_trials=200, seed=0)
        out[code] = [found.n_min, found.s, sorted(found.probes.items()), found.n_input_sets]
        every = representation.min_neurons(14, 2, code, seed=0, exhaustive=True)
        out[f"{code}_every_set"] = [every.n_min, sorted(every.probes.items())]
    out["curve"] = representation.min_neurons_curve([100, 1000], 3, "sparse", 100, 0).tolist()
    code = representation.sparse_code(2000, 60, 6, seed=1)
    errors = representation.decoding_errors(code, random_input_sets(2000, 3, 300, seed=5))
    out["decoding_errors"] = [errors.n_input_sets, errors.wrong_inputs, errors.false_positives, errors.false_negatives,
                              errors.decisions]
    return out


@functools.cache
def power_law_instance():
    """Power-law pairs (hubs) of 300 outputs, and their three-channel sizes."""
    pairs = families.make_pairs("power_law", 300, 300, seed=0)
    return pairs, three_channel_sizes(pairs, 300, 3, dedicate=False)


@functools.cache
def undersized_network():
    """A one-layer network built far below the size its bound asks for, so that it makes errors."""
    pairs = families.make_pairs("uniform", 300, 300, seed=0)
    sizes = one_layer_sizes_for_widths(pairs, 300, 3, code_size=4, output_code_size=4, n_input_neurons=4 * 19,
                                       n_output_neurons=4 * 37)
    net = build_one_layer_and_network(pairs, 300, 3, sizes=sizes, enforce_bound=False)
    return pairs, net


def case_networks() -> dict:
    # Small instances: these constructions are larger than one neuron per AND (and warn); pin them anyway.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LargerThanNaiveWarning)
        return _construction_networks()


def _construction_networks() -> dict:
    out = {}
    pairs = families.make_pairs("uniform", 500, 500, seed=0)
    out["uniform_500"] = network_summary(build_and_network(pairs, 500, 3, seed=0, layout="one_layer"))
    pairs, sizes = power_law_instance()
    out["power_law_300_three_channel"] = network_summary(
        build_three_channel_and_network(pairs, 300, 3, seed=1, sizes=sizes))
    for family, layout in [("clique", "one_layer"), ("clique", "three_channel"), ("star", "one_layer"),
                           ("power_law", "three_channel")]:
        small = families.make_pairs(family, 16, {"star": 15, "clique": 21, "power_law": 32}[family], seed=0)
        out[f"{family}_16_{layout}"] = network_summary(build_and_network(small, 16, 3, seed=0, layout=layout))
    out["undersized"] = network_summary(undersized_network()[1])
    out["naive"] = network_summary(naive_and_network(families.make_pairs("uniform", 15, 40, seed=0), 15))
    return out


def case_sizes() -> dict:
    pairs, three = power_law_instance()
    one = one_layer_sizes(pairs, 300, 3)
    return {"three_channel": [three.code_size, three.q_in, three.compute_size, three.n_light_units,
                              three.heavy_inputs.tolist(), three.block_sizes.tolist(), three.q_out,
                              three.failure_bound, three.n_neurons],
            "one_layer": [one.code_size, one.q_in, one.output_code_size, one.q_out, one.failure_bound, one.n_neurons]}


def case_hub_example() -> dict:
    """The construction chapter's hub with ten partners beside a matching, built from given sizes."""
    matching = families.make_pairs("matching", 24, 11, seed=0)
    pairs = AndInstance(np.vstack([[[0, j] for j in range(1, 11)], matching[(matching != 0).all(axis=1)]]), 24).pairs
    sizes = three_channel_sizes(pairs, 24, 3, 1e-6, dedicate=False)
    net = build_three_channel_and_network(pairs, 24, 3, seed=0, sizes=sizes)
    return {"network": network_summary(net), "n_units": sizes.n_units, "failure_bound": sizes.failure_bound}


def case_verification() -> dict:
    out = {}
    pairs, net = undersized_network()
    out["undersized_random"] = errors_summary(verify_random(net, pairs, 3, 300, seed=3))
    out["undersized_adversarial"] = errors_summary(verify_adversarial(net, pairs, 3, 40, seed=4))
    out["undersized_adversarial_inputs"] = digest(adversarial_inputs(net, pairs, 3, 40, seed=4))
    pairs, sizes = power_law_instance()
    net = build_three_channel_and_network(pairs, 300, 3, seed=0, sizes=sizes)
    out["three_channel_random"] = errors_summary(verify_random(net, pairs, 3, 300, seed=1))
    out["three_channel_adversarial_inputs"] = digest(adversarial_inputs(net, pairs, 3, 40, seed=2, n_candidates=12))
    return out


def case_phase_transition() -> dict:
    pairs, _ = undersized_network()
    phase = construction.phase_transition(pairs, 300, 3, n_points=3, random_samples=200, adversarial_targets=15,
                                          seed=0)
    return {"chosen": phase.chosen.n_neurons, "n_neurons": phase.n_neurons.tolist(),
            "random_wrong_per_input": phase.random_wrong_per_input.tolist(),
            "adversarial_wrong_per_input": phase.adversarial_wrong_per_input.tolist(),
            "false_negatives": phase.false_negatives}


CASES = {name[len("case_"):]: function for name, function in globals().items() if name.startswith("case_")}


def summarise(name: str):
    """The case's numbers as JSON would store them (tuples become lists)."""
    return json.loads(json.dumps(CASES[name]()))


@pytest.fixture(scope="module")
def pinned() -> dict:
    return json.loads(PINNED.read_text())


def test_every_case_is_pinned(pinned):
    assert sorted(pinned) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_numbers_are_unchanged(pinned, name):
    assert _same(summarise(name), pinned[name], name)


def _same(found, expected, where="") -> bool:
    """Exact equality, except that floats may differ by a relative 1e-12 (the last bits of a sum)."""
    if isinstance(expected, dict):
        assert isinstance(found, dict) and sorted(found) == sorted(expected), where
        return all(_same(found[key], expected[key], f"{where}.{key}") for key in expected)
    if isinstance(expected, list):
        assert isinstance(found, list) and len(found) == len(expected), where
        return all(_same(a, b, f"{where}[{i}]") for i, (a, b) in enumerate(zip(found, expected)))
    if isinstance(expected, float) and not isinstance(found, bool):
        assert found == pytest.approx(expected, rel=1e-12, abs=0), where
        return True
    assert found == expected, f"{where}: {found!r} != {expected!r}"
    return True


def glued_values(root: Path) -> dict[str, str]:
    """Every glued value of the pinned chapters in ``_build/executed`` (figures and wall times left out)."""
    values = {}
    for chapter in GLUED_CHAPTERS:
        notebook = json.loads((BuildPaths(root).executed / "book" / f"{chapter}.ipynb").read_text())
        for cell in notebook["cells"]:
            for output in cell.get("outputs", []):
                record = output.get("metadata", {}).get("scrapbook")
                key = record and f"{chapter}::{record['name']}"
                data = output.get("data", {})
                if not record or key in UNPINNED_GLUE or any(kind.endswith("image/png") for kind in data):
                    continue
                values[key] = data.get("application/papermill.record/text/markdown",
                                       data.get("application/papermill.record/text/plain"))
    return values


@pytest.mark.book
def test_glued_numbers_of_the_quick_profile_are_unchanged(built_book):
    found, expected = glued_values(built_book), json.loads(GLUE.read_text())
    changed = {key: (found.get(key), value) for key, value in expected.items()
               if not _same_text(found.get(key), value)}
    assert sorted(found) == sorted(expected) and not changed, changed


_FLOAT_TEXT = re.compile(r"^'?(-?\d+\.\d+(?:e[-+]?\d+)?)'?$")


def _same_text(found: str | None, expected: str) -> bool:
    """Equal glued text, except that a float may differ by a relative 1e-12 (a sum's last bits vary with BLAS)."""
    if found == expected:
        return True
    a, b = (_FLOAT_TEXT.match(text or "") for text in (found, expected))
    return bool(a and b) and float(a.group(1)) == pytest.approx(float(b.group(1)), rel=1e-12, abs=0)


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/test_pinned_numbers.py --write  (rewrites the pinned files from this tree)")
    root = Path(__file__).resolve().parents[1]
    PINNED.write_text(json.dumps({name: summarise(name) for name in sorted(CASES)}, indent=1) + "\n")
    GLUE.write_text(json.dumps(glued_values(root), indent=1, sort_keys=True, ensure_ascii=False) + "\n")
