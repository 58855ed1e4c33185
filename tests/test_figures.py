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
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1))
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


def test_style_cycles_the_chosen_colours_markers_and_line_styles():
    cycle = list(figures.style_rc()["axes.prop_cycle"])
    assert [c["color"] for c in cycle] == [figures.PALETTE[name] for name in figures.CYCLE]
    assert [c["marker"] for c in cycle] == figures.MARKERS
    assert [c["linestyle"] for c in cycle] == figures.LINESTYLES
    assert all(figures.curve_style(i) == {key: cycle[i][key] for key in ("color", "marker", "linestyle")}
               for i in range(len(cycle)))


def test_consecutive_curves_differ_in_greyscale():
    """Consecutive colours of the cycle (the last and the first too) are at least 12 apart in CIE L*."""
    levels = [figures.lightness(figures.PALETTE[name]) for name in figures.CYCLE]
    steps = [abs(a - b) for a, b in zip(levels, levels[1:] + levels[:1])]
    assert min(steps) >= 12, dict(zip(figures.CYCLE, levels))


def test_the_greyscale_check_can_fail():
    """The palette's order before the cycle was chosen: green and vermillion are the same grey."""
    assert abs(figures.lightness(figures.PALETTE["green"]) - figures.lightness(figures.PALETTE["vermillion"])) < 12
    assert abs(figures.lightness("#777777") - figures.lightness("#787878")) < 1


def test_colours_that_merge_on_a_projector_are_not_both_cycled():
    cycle = set(figures.CYCLE)
    for pair in ({"vermillion", "orange"}, {"blue", "sky"}):
        assert len(pair & cycle) <= 1, pair
    # Too light to read against white when projected.
    assert "yellow" not in cycle
    assert all(figures.lightness(figures.PALETTE[name]) < 75 for name in figures.CYCLE)


def test_curves_differ_in_marker_and_line_style_too():
    n = len(figures.CYCLE)
    assert len(figures.MARKERS) == len(figures.LINESTYLES) == n
    assert len(set(figures.MARKERS)) == n
    assert len({str(style) for style in figures.LINESTYLES}) == n


def test_figures_are_16_by_9_with_fonts_readable_on_a_slide():
    rc = figures.style_rc()
    for size in (figures.FULL, figures.HALF):
        assert size[0] / size[1] == pytest.approx(16 / 9)
    assert tuple(rc["figure.figsize"]) == figures.FULL
    smallest = min(rc[key] for key in ("font.size", "axes.labelsize", "axes.titlesize", "legend.fontsize",
                                       "xtick.labelsize", "ytick.labelsize"))
    slide_width = 13.333  # inches, a 16:9 presentation slide
    assert smallest * slide_width / figures.FULL[0] >= 20      # a full figure across the slide
    assert smallest * slide_width / 2 / figures.HALF[0] >= 16  # a half figure on half of it


@pytest.mark.parametrize("index", [-1, 1.5, True, "0"])
def test_curve_style_refuses_bad_indices(index):
    with pytest.raises(ValueError, match="non-negative integer"):
        figures.curve_style(index)


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


# --------------------------------------------------------------------- legends off the data


def _axes_with(draw, legend_at="center"):
    """A figure whose one axes holds what ``draw`` plots, with a legend at ``legend_at``."""
    figures.use_style()
    fig, ax = plt.subplots()
    ax.set(xlim=(0, 10), ylim=(0, 10))
    draw(ax)
    ax.plot([], [], label="entry")  # every legend below has at least this entry
    if legend_at == "outside":
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1))
    else:
        ax.legend(loc=legend_at)
    return fig


COVERED_AT_THE_CENTRE = {
    "line": lambda ax: ax.plot([0, 10], [0, 10], label="diagonal"),
    "markers only": lambda ax: ax.plot([5], [5], linestyle="none", marker="o", label="point"),
    "scatter points": lambda ax: ax.scatter([5, 5.2], [5, 4.9], label="cloud"),
    "bars": lambda ax: ax.bar([5], [9], width=2, label="bar"),
    "filled area": lambda ax: ax.fill_between([0, 10], [3, 3], [7, 7], alpha=0.3, label="band"),
    "text": lambda ax: ax.text(5, 5, "a label", ha="center", va="center"),
    "log-scale line": lambda ax: (ax.set(xscale="log", xlim=(1, 1e4)), ax.plot([1, 1e4], [0, 10], label="log")),
}


@pytest.mark.parametrize("what", COVERED_AT_THE_CENTRE)
def test_a_legend_over_data_is_found(what):
    fig = _axes_with(COVERED_AT_THE_CENTRE[what])
    found = figures.legend_overlaps(fig)
    plt.close(fig)
    assert len(found) == 1 and found[0].startswith("the legend of axes 1 of 1 covers"), found


@pytest.mark.parametrize("what", COVERED_AT_THE_CENTRE)
def test_the_same_data_with_the_legend_outside_passes(what):
    fig = _axes_with(COVERED_AT_THE_CENTRE[what], legend_at="outside")
    assert figures.legend_overlaps(fig) == []
    plt.close(fig)


def test_a_legend_in_an_empty_corner_passes():
    fig = _axes_with(lambda ax: ax.plot([0, 10], [0, 3], marker="o", label="low line"), legend_at="upper left")
    assert figures.legend_overlaps(fig) == []
    plt.close(fig)


def test_markers_count_with_their_size():
    """A marker whose centre lies just outside the legend still covers it with its disc."""
    figures.use_style()
    fig, ax = plt.subplots()
    ax.set(xlim=(0, 10), ylim=(0, 10))
    ax.plot([], [], label="entry")
    legend = ax.legend(loc="center")
    fig.draw_without_rendering()
    box = legend.get_window_extent()
    x, y = ax.transData.inverted().transform((box.x1 + 4, (box.y0 + box.y1) / 2))  # 4 px right of the legend
    ax.plot([x], [y], linestyle="none", marker="o", markersize=20)
    assert len(figures.legend_overlaps(fig)) == 1
    ax.lines[-1].set_markersize(2)
    assert figures.legend_overlaps(fig) == []
    plt.close(fig)


def test_a_legend_over_the_next_axes_is_found():
    figures.use_style()
    fig, (left, right) = plt.subplots(1, 2, figsize=figures.FULL)
    left.plot([0, 1], [0, 1], label="left curve")
    right.plot([0, 1], [0.5, 0.5], label="right curve")
    right.set_title("second")
    left.legend(loc="center left", bbox_to_anchor=(1.05, 0.5))  # pushed into the right axes
    found = figures.legend_overlaps(fig)
    plt.close(fig)
    assert found == ["the legend of axes 1 of 2 covers line 'right curve' in axes 2 of 2 ('second')"]


def test_a_figure_legend_beside_the_axes_passes():
    figures.use_style()
    fig, ax = plt.subplots(layout="constrained")
    ax.plot([0, 1], [0, 1], label="rising")
    fig.legend(loc="outside right upper")
    assert figures.legend_overlaps(fig) == []
    plt.close(fig)


def test_save_figure_refuses_a_legend_over_data_naming_figure_and_axes(tmp_path, monkeypatch):
    monkeypatch.setenv("SUPERPOS_FIGURES_DIR", str(tmp_path))
    fig = _axes_with(COVERED_AT_THE_CENTRE["line"])
    fig.axes[0].set_title("growth")
    with pytest.raises(ValueError, match=r"figure 'chapter-example': the legend of axes 1 of 1 \('growth'\) "
                                         r"covers line 'diagonal'"):
        figures.save_figure(fig, "chapter-example", caption="x")
    plt.close(fig)
    assert not list(tmp_path.iterdir())  # nothing written
