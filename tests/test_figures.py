"""The book's plot style and figure saving."""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from superpos import figures  # noqa: E402


def _figure():
    figures.use_style()
    fig, ax = plt.subplots()
    for shift in range(3):
        ax.plot([1, 2, 3], [shift, shift + 1, shift + 4], label=f"curve {shift}")
    ax.legend()
    return fig


def test_saves_three_formats_and_a_caption(tmp_path, monkeypatch):
    monkeypatch.setenv("SUPERPOS_FIGURES_DIR", str(tmp_path))
    paths = figures.save_figure(_figure(), "chapter-example", caption="Three curves.")
    assert set(paths) == {"svg", "pdf", "png"}
    for path in paths.values():
        assert path.stat().st_size > 0
    assert paths["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert paths["pdf"].read_bytes()[:5] == b"%PDF-"
    assert json.loads((tmp_path / "chapter-example.json").read_text())["caption"] == "Three curves."


def test_same_figure_gives_the_same_files(tmp_path, monkeypatch):
    monkeypatch.setenv("SUPERPOS_FIGURES_DIR", str(tmp_path / "a"))
    first = figures.save_figure(_figure(), "chapter-example", caption="x")
    monkeypatch.setenv("SUPERPOS_FIGURES_DIR", str(tmp_path / "b"))
    second = figures.save_figure(_figure(), "chapter-example", caption="x")
    for fmt in ("svg", "pdf", "png"):
        assert first[fmt].read_bytes() == second[fmt].read_bytes(), fmt


def test_style_is_colour_blind_safe_and_large():
    rc = figures.style_rc()
    colours = [c["color"] for c in rc["axes.prop_cycle"]]
    assert colours[:6] == [figures.PALETTE[c] for c in ("blue", "orange", "green", "vermillion", "sky", "purple")]
    assert rc["font.size"] >= 14


def test_default_folder_is_under_the_repository(tmp_path, monkeypatch):
    monkeypatch.delenv("SUPERPOS_FIGURES_DIR", raising=False)
    (tmp_path / "_toc.yml").write_text("root: intro\n")
    (tmp_path / "book").mkdir()
    monkeypatch.chdir(tmp_path / "book")
    assert figures.figures_dir() == tmp_path / "_build" / "figures"


@pytest.mark.parametrize("name", ["Bad Name", "chapter_example", "", "-x", "x-"])
def test_bad_names_are_refused(tmp_path, monkeypatch, name):
    monkeypatch.setenv("SUPERPOS_FIGURES_DIR", str(tmp_path))
    with pytest.raises(ValueError, match="lower-case words joined by hyphens"):
        figures.save_figure(_figure(), name, caption="x")


def test_empty_caption_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("SUPERPOS_FIGURES_DIR", str(tmp_path))
    with pytest.raises(ValueError, match="caption must be a non-empty string"):
        figures.save_figure(_figure(), "chapter-example", caption="  ")


def test_data_is_saved_as_csv_one_row_per_point(tmp_path, monkeypatch):
    monkeypatch.setenv("SUPERPOS_FIGURES_DIR", str(tmp_path))
    data = [{"curve": ["a", "a"], "outputs m'": [10, 100], "neurons": [3.5, float("nan")]},
            {"curve": ["b"], "outputs m'": [10], "neurons": [4.0]}]
    paths = figures.save_figure(_figure(), "chapter-example", caption="x", data=data)
    assert paths["csv"].read_text() == "curve,outputs m',neurons\na,10,3.5\na,100,\nb,10,4.0\n"
    record = json.loads((tmp_path / "chapter-example.json").read_text())
    assert record["formats"] == ["svg", "pdf", "png", "csv"] and record["columns"] == ["curve", "outputs m'", "neurons"]


@pytest.mark.parametrize("data, message", [
    ({"x": [1, 2], "y": [1]}, "the same number each; got x: 2, y: 1"),
    ({"x": [[1, 2]]}, "must be 1-D"),
    ({}, "non-empty dict"),
    ([{"x": [1]}, {"y": [1]}], "must have the columns"),
])
def test_bad_figure_data_is_refused(tmp_path, monkeypatch, data, message):
    monkeypatch.setenv("SUPERPOS_FIGURES_DIR", str(tmp_path))
    with pytest.raises(ValueError, match=message):
        figures.save_figure(_figure(), "chapter-example", caption="x", data=data)
