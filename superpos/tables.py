"""Markdown tables of a chapter's results, for glueing into its prose.

A chapter computes rows of already formatted cells and glues the table, so
that the numbers on the page come from the computation. One function builds
every such table, so that each chapter's tables look alike.

Examples
--------
>>> print(markdown_table(["family", "neurons"], [["uniform", "7,560"]]).data)
| family | neurons |
| --- | --- |
| uniform | 7,560 |
"""

from __future__ import annotations

__all__ = ["markdown_table"]


def markdown_table(header, rows):
    r"""Return a Markdown table with one header row, then one row per entry of ``rows``.

    Each cell is written with :func:`str`; a bar ``|`` inside a cell, which
    would end the cell, is written ``\vert`` (the same symbol in formulas).

    Parameters
    ----------
    header : sequence
        The column names.
    rows : iterable of sequences
        One sequence of cells per row, each as long as ``header``.

    Returns
    -------
    IPython.display.Markdown
        The table, rendered as a table where it is displayed or glued (its
        text is ``.data``).

    Raises
    ------
    ValueError
        If a row has another number of cells than the header.

    Examples
    --------
    >>> table = markdown_table(["check", "statement"], [["norm", "$|x| \\ge 0$"]])
    >>> table.data.splitlines()[-1]
    '| norm | $\\vert x\\vert  \\ge 0$ |'
    >>> markdown_table(["a", "b"], [[1]])
    Traceback (most recent call last):
    ...
    ValueError: row 0 has 1 cells, the header 2: every row needs one cell per column
    """
    from IPython.display import Markdown

    def line(cells):
        return "| " + " | ".join(str(cell).replace("|", "\\vert ") for cell in cells) + " |"

    header = list(header)
    lines = [line(header), "|" + " --- |" * len(header)]
    for index, row in enumerate(rows):
        row = list(row)
        if len(row) != len(header):
            raise ValueError(f"row {index} has {len(row)} cells, the header {len(header)}: "
                             "every row needs one cell per column")
        lines.append(line(row))
    return Markdown("\n".join(lines))
