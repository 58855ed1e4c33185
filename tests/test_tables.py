"""Markdown tables for glued results: layout, escaping, and rows of the wrong length."""

import pytest

from superpos.tables import markdown_table


def test_a_table_has_a_header_a_rule_and_one_line_per_row():
    table = markdown_table(["family", "neurons"], [["uniform", 7560], ("clique", "29,619")])
    assert table.data.splitlines() == ["| family | neurons |", "| --- | --- |", "| uniform | 7560 |",
                                       "| clique | 29,619 |"]


def test_a_bar_inside_a_cell_does_not_end_it():
    text = markdown_table(["statement"], [["$|F| \\ge 2$"]]).data
    assert text.splitlines()[-1].count("|") == 2


def test_rows_of_another_length_are_refused():
    with pytest.raises(ValueError, match="row 1 has 3 cells, the header 2"):
        markdown_table(["a", "b"], [[1, 2], [1, 2, 3]])
