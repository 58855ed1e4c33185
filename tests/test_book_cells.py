"""The rules for quiet pages and the page's parameter cell (`superpos.book.cells`), on hand-made cells."""

from __future__ import annotations

import pytest

from superpos.book import cells

GLUE_ONLY = [
    'glue("gap_k", k, display=False)',
    '# the numbers quoted in the text\nglue("a", a, display=False)\nglue("b", int(b[-1]), display=False)',
    'total = sum(r["wrong"] for r in rows)\nglue("total", total, display=False)',
    'share = wrong / total\nratio = round(share * 100, 1)\nglue("ratio", ratio, display=False)',
    'glue("table", Markdown(table_md), display=False)',
]
NOT_GLUE_ONLY = [
    'total = sum(rows)\nbest = max(rows)\nglue("total", total, display=False)',  # best is for later cells
    'assert x > 0\nglue("x", x, display=False)',
    'record(check())\nglue("n", n, display=False)',
    'import math\nglue("pi", math.pi, display=False)',
    'rows.append(1)\nglue("n", len(rows), display=False)',
    'table["x"] = 1\nglue("x", table["x"], display=False)',  # an item is changed for later cells
    'x = 1',
    '# only a comment',
    '',
    '%time glue("x", 1)',
]


@pytest.mark.parametrize("source", GLUE_ONLY)
def test_glue_only_cells_are_recognised(source):
    assert cells.glue_only(source)
    assert cells.missing_tags(source, []) == ["only glues values, so it needs the tag 'remove-cell'"]
    assert cells.missing_tags(source, ["remove-cell"]) == []
    assert cells.missing_tags(source, ["hide-input"]), "hide-input still shows an empty cell"


@pytest.mark.parametrize("source", NOT_GLUE_ONLY)
def test_cells_that_do_more_than_glue_are_not(source):
    assert not cells.glue_only(source)


def test_a_cell_whose_results_later_cells_read_is_not_glue_only():
    source = 'rows = verify(k)\nglue("n_rows", len(rows), display=False)'
    assert cells.glue_only(source, later="ax.plot(x, y)\nprint(counts)")
    assert not cells.glue_only(source, later="total = sum(r['wrong'] for r in rows)")
    assert cells.glue_only(source, later="rows_total = 1\nmy.rows = 2")  # other names that contain it


def test_a_notebook_is_checked_cell_by_cell_with_what_follows():
    nb = {"cells": [
        {"cell_type": "code", "id": "ch-01", "metadata": {}, "source": 'n = len(xs)\nglue("n", n, display=False)'},
        {"cell_type": "markdown", "id": "ch-02", "metadata": {}, "source": "n = " + "x" * 200},
        {"cell_type": "code", "id": "ch-03", "metadata": {"tags": ["remove-cell"]},
         "source": 'glue("m", m, display=False)\n' + "#" * 101},
        {"cell_type": "code", "id": "ch-04", "metadata": {}, "source": "print(n)"},
    ]}
    assert cells.notebook_problems(nb) == [("ch-03", "line 2 has 101 characters")]  # ch-04 reads n
    nb["cells"][3]["source"] = "print(2)"
    assert cells.notebook_problems(nb) == [("ch-01", "only glues values, so it needs the tag 'remove-cell'"),
                                           ("ch-03", "line 2 has 101 characters")]


FIGURE = 'fig, ax = plt.subplots()\nax.plot(x, y)\nsave_figure(fig, "ch-x", caption="c", data=d)\n'
FIGURE_ONLY = [
    FIGURE + 'glue("ch-x", fig, display=False)\nplt.close(fig)',
    FIGURE + 'plt.close(fig)',
    FIGURE + 'glue("ch-x", fig, display=False)\nglue("ch_n", n, display=False)',
    FIGURE + 'paths = save_figure(fig, "ch-y", caption="c")',
    FIGURE + 'ax.legend();',  # the semicolon keeps the legend's repr off the page
]
SHOWS_SOMETHING = [
    FIGURE + 'display(Markdown(table))',
    FIGURE + 'print(total)',
    FIGURE + 'plt.show()',
    FIGURE + 'glue("ch-x", fig)',  # glue shows the value unless display=False
    FIGURE + 'glue("ch-x", fig, display=True)',
    FIGURE + 'ax.legend()',  # the last value is shown
    'save_figure(fig, "ch-x", caption="c")',  # returns the paths, which are shown
    'from superpos.figures import save_figure\nglue("x", 1, display=False)',  # no figure saved
]


@pytest.mark.parametrize("source", FIGURE_ONLY)
def test_figure_only_cells_are_recognised(source):
    assert cells.figure_only(source) and not cells.glue_only(source)
    needs = ["only draws and saves a figure, so it needs the tag 'hide-input' or 'remove-cell'"]
    assert cells.missing_tags(source, ["parameters"]) == needs
    assert cells.missing_tags(source, ["hide-input"]) == cells.missing_tags(source, ["remove-cell"]) == []


@pytest.mark.parametrize("source", SHOWS_SOMETHING)
def test_cells_that_show_something_are_not_figure_only(source):
    assert not cells.figure_only(source)
    assert cells.missing_tags(source, []) == []


def test_long_lines_are_found_by_number():
    assert cells.long_lines("a = 1\n" + "b" * cells.LINE_LIMIT + "\n" + "c" * (cells.LINE_LIMIT + 1)) == [3]
    assert cells.long_lines("") == []


DEFAULT = """# Parameters: papermill replaces this cell's values (see book/profiles.yml).
seed = 0  # the seed
sizes = [1, 2,
         3]  # several lines
m_max = 10**9  # written as a power
# a comment between parameters
rate = 1e-6
label = "a # not a comment"
"""


def _notebook(injected: str | None, default: str = DEFAULT) -> dict:
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Title"},
                    {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": default}]}
    if injected is not None:
        nb["cells"].append({"cell_type": "code", "metadata": {"tags": ["injected-parameters"]},
                            "source": injected})
    nb["cells"].append({"cell_type": "code", "metadata": {}, "source": "print(seed)"})
    return nb


def test_the_injected_cell_shows_every_value_used_in_the_notebook_order():
    injected = "# Parameters\nsizes = [4, 5, 6]\nseed = 7\nm_max = 1000000000\nrate = 1e-06\n"
    shown = cells.show_parameters_used(_notebook(injected), "NOTE")
    assert shown["cells"][1]["metadata"]["tags"] == ["parameters", "remove-cell"]
    assert shown["cells"][2]["source"] == "\n".join([
        "# NOTE",
        "seed = 7  # the seed",
        "sizes = [4, 5, 6]  # several lines",
        "m_max = 10**9  # written as a power",  # the same value: the notebook's own spelling is kept
        "# a comment between parameters",
        "rate = 1e-6",
        'label = "a # not a comment"',
    ])
    assert shown["cells"][3] == _notebook(injected)["cells"][3]


def test_the_notebook_is_not_changed_in_place():
    nb = _notebook("seed = 7\n")
    cells.show_parameters_used(nb, "NOTE")
    assert nb == _notebook("seed = 7\n")


def test_without_injected_parameters_the_notebook_cell_stays_visible():
    nb = _notebook(None)
    assert cells.show_parameters_used(nb, "NOTE") == nb


def test_a_long_comment_moves_above_its_value():
    default = "seed = 0  # " + "x" * 90 + "\n"
    shown = cells.show_parameters_used(_notebook("seed = 123456\n", default), "NOTE")["cells"][2]["source"]
    assert shown.splitlines()[1:] == ["# " + "x" * 90, "seed = 123456"]


def test_injected_values_without_a_default_are_marked():
    shown = cells.show_parameters_used(_notebook("seed = 1\nextra = 2\n"), "NOTE")["cells"][2]["source"]
    assert shown.splitlines()[-1] == "extra = 2  # not in the notebook's parameters cell"


def test_two_injected_cells_are_refused():
    nb = _notebook("seed = 1\n")
    nb["cells"].append(dict(nb["cells"][2]))
    with pytest.raises(ValueError, match="found 1 and 2"):
        cells.show_parameters_used(nb, "NOTE")
