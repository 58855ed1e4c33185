"""Tables saved by one chapter and read by another."""

from __future__ import annotations

import numpy as np
import pytest

from superpos.results import MissingResultsError, load_results, save_results


@pytest.fixture(autouse=True)
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("SUPERPOS_RESULTS_DIR", str(tmp_path))
    return tmp_path


def test_round_trip_keeps_values_and_types():
    table = {"n_outputs": np.array([10, 100]), "ratio": np.array([0.1, 1 / 3]), "family": ["uniform", "star"],
             "passed": np.array([True, False])}
    save_results("chapter-table", table, {"seed": 0, "sizes": [1, 2]})
    found = load_results("chapter-table", {"sizes": [1, 2], "seed": 0})
    assert found["n_outputs"].dtype == np.int64 and found["n_outputs"].tolist() == [10, 100]
    assert found["ratio"].tolist() == [0.1, 1 / 3]   # floats survive exactly
    assert found["family"].tolist() == ["uniform", "star"] and found["passed"].tolist() == [True, False]


def test_missing_or_stale_tables_are_refused():
    with pytest.raises(MissingResultsError, match="no table 'chapter-table'"):
        load_results("chapter-table")
    save_results("chapter-table", {"x": [1]}, {"seed": 0})
    with pytest.raises(MissingResultsError, match="seed: 0, asked 1"):
        load_results("chapter-table", {"seed": 1})
    assert load_results("chapter-table")["x"].tolist() == [1]   # no parameters asked: any


@pytest.mark.parametrize("name, table, message", [
    ("Bad Name", {"x": [1]}, "lower-case words"),
    ("chapter-table", {}, "non-empty dict"),
    ("chapter-table", {"x": [[1]]}, "must be 1-D"),
    ("chapter-table", {"x": [1, 2], "y": [1]}, "same length"),
])
def test_bad_tables_are_refused(name, table, message):
    with pytest.raises(ValueError, match=message):
        save_results(name, table)
