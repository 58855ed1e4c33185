"""One plotting style for the whole book, and saving figures for talks.

Every figure of the book goes through :func:`use_style` (fonts large enough to
read when projected, the colour-blind safe Okabe--Ito palette, one size) and
:func:`save_figure` (SVG, PDF and PNG under a stable name, the plotted data as CSV, and a small
JSON record of the caption that the build turns into the figure gallery).

Figures land in the folder named by the environment variable
``SUPERPOS_FIGURES_DIR``; the book build sets it to ``_build/figures``. When it
is unset (a reader running one chapter with papermill), they land in
``_build/figures`` of the repository (:func:`superpos.paths.find_root`), or below
the current folder.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import re
from pathlib import Path

import matplotlib as mpl
import numpy as np

from superpos.paths import BuildPaths, find_root

__all__ = ["FORMATS", "FULL", "HALF", "LINESTYLES", "MARKERS", "PALETTE", "figure_table", "figures_dir", "save_figure",
           "style_rc", "use_style"]

#: Okabe & Ito (2008) colour-blind safe palette, in the order the book uses it.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}

#: Line styles and markers cycled together with the colours, so that curves
#: stay distinguishable in greyscale print as well.
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
LINESTYLES = ["-", "--", "-.", ":", "-", "--", "-.", ":"]

#: Width and height in inches of a full-width (16:9) figure and a half figure.
FULL = (10.0, 5.6)
HALF = (6.0, 4.5)

FORMATS = ("svg", "pdf", "png")
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def style_rc() -> dict:
    """Return the matplotlib rc settings of the book's style.

    Examples
    --------
    >>> style_rc()["font.size"] >= 14
    True
    """
    from cycler import cycler

    colours = [PALETTE[c] for c in ("blue", "orange", "green", "vermillion", "sky", "purple", "black", "yellow")]
    return {
        "figure.figsize": FULL,
        "figure.dpi": 100,
        "savefig.dpi": 200,
        "savefig.bbox": "tight",
        "font.size": 15,
        "axes.titlesize": 16,
        "axes.labelsize": 15,
        "legend.fontsize": 12,
        "xtick.labelsize": 13,
        "ytick.labelsize": 13,
        "lines.linewidth": 2.2,
        "lines.markersize": 7,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
        "axes.prop_cycle": cycler(color=colours) + cycler(marker=MARKERS) + cycler(linestyle=LINESTYLES),
        # Stable SVG output: same data, same bytes.
        "svg.hashsalt": "superpos",
        "svg.fonttype": "path",
        "pdf.fonttype": 42,
    }


def use_style() -> None:
    """Apply the book's plotting style to matplotlib globally.

    Examples
    --------
    >>> use_style()
    >>> mpl.rcParams["axes.prop_cycle"].by_key()["color"][0] == PALETTE["blue"]
    True
    """
    mpl.rcParams.update(style_rc())


def figures_dir() -> Path:
    """Return the folder where :func:`save_figure` writes, creating it.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     os.environ["SUPERPOS_FIGURES_DIR"] = folder
    ...     found = figures_dir() == Path(folder)
    ...     del os.environ["SUPERPOS_FIGURES_DIR"]
    >>> found
    True
    """
    env = os.environ.get("SUPERPOS_FIGURES_DIR")
    if env:
        target = Path(env)
    else:
        target = BuildPaths(find_root() or Path.cwd().resolve()).figures
    target.mkdir(parents=True, exist_ok=True)
    return target


def figure_table(data) -> tuple[list[str], list[list]]:
    """Check a figure's data and return its CSV header and rows.

    Parameters
    ----------
    data : mapping of str to 1-D array-like, or list of such mappings
        One entry per column, named with its unit where it has one
        (``"outputs m'"``, ``"neurons"``, ``"wrong decisions per input"``),
        every column of the same length: one row per plotted point. Several
        curves go in one table with a column that names the curve (long
        format), or as a list of tables with the same columns, which are
        stacked.

    Returns
    -------
    header : list of str
    rows : list of list
        Numbers as Python ints and floats (NaN as an empty cell), text as str.

    Examples
    --------
    >>> figure_table({"m'": [10, 100], "neurons": np.array([3.5, 7.0])})
    (["m'", 'neurons'], [[10, 3.5], [100, 7.0]])
    >>> figure_table([{"curve": ["a"], "x": [1]}, {"curve": ["b"], "x": [2]}])[1]
    [['a', 1], ['b', 2]]
    >>> figure_table({"x": [1, 2], "y": [1]})
    Traceback (most recent call last):
    ...
    ValueError: figure data columns must have one entry per plotted point, the same number each; got x: 2, y: 1
    """
    tables = [data] if isinstance(data, dict) else data
    if not isinstance(tables, (list, tuple)) or not tables or not all(isinstance(t, dict) and t for t in tables):
        raise ValueError("figure data must be a non-empty dict of column name -> 1-D values "
                         f"(or a list of such dicts), got {type(data).__name__}")
    header = list(tables[0])
    rows = []
    for table in tables:
        if list(table) != header:
            raise ValueError(f"every table of a figure's data must have the columns {header}, got {list(table)}")
        columns = {}
        for name, values in table.items():
            if not isinstance(name, str) or not name.strip():
                raise ValueError(f"figure data column names must be non-empty strings, got {name!r}")
            array = np.asarray(values)
            if array.ndim != 1:
                raise ValueError(f"figure data column {name!r} must be 1-D, got shape {array.shape}")
            columns[name] = array
        lengths = {name: len(array) for name, array in columns.items()}
        if len(set(lengths.values())) != 1:
            described = ", ".join(f"{name}: {n}" for name, n in lengths.items())
            raise ValueError(f"figure data columns must have one entry per plotted point, the same number each; "
                             f"got {described}")
        for j in range(next(iter(lengths.values()))):
            rows.append([_cell(columns[name][j]) for name in header])
    return header, rows


def _cell(value):
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return "" if np.isnan(value) else float(value)
    return str(value)


def save_figure(fig, name: str, caption: str, data=None) -> dict[str, Path]:
    """Save ``fig`` as SVG, PDF and PNG under a stable name, with its data as CSV.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to save.
    name : str
        Stable file name without extension: lower-case words joined by
        hyphens, starting with the chapter's name (``representation-coherence``).
    caption : str
        One or two sentences that say what the figure shows; the gallery
        prints it beside the figure.
    data : mapping or list of mappings
        The plotted data, one row per plotted point, in named columns with
        units (see :func:`figure_table`); written as ``<name>.csv`` so that a
        speaker can restyle the figure. (Every figure of the book passes it;
        ``None`` writes no CSV.)

    Returns
    -------
    dict
        Maps each format (``"svg"``, ``"pdf"``, ``"png"``, ``"csv"``) to the written path.

    Examples
    --------
    >>> import tempfile
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [1, 0])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     os.environ["SUPERPOS_FIGURES_DIR"] = folder
    ...     paths = save_figure(fig, "chapter-example", caption="A falling line.", data={"x": [0, 1], "y": [1, 0]})
    ...     saved = sorted(p.name for p in Path(folder).iterdir())
    ...     del os.environ["SUPERPOS_FIGURES_DIR"]
    >>> plt.close(fig)
    >>> saved
    ['chapter-example.csv', 'chapter-example.json', 'chapter-example.pdf', 'chapter-example.png', 'chapter-example.svg']
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"name must be lower-case words joined by hyphens (like 'representation-coherence'), got {name!r}")
    if not isinstance(caption, str) or not caption.strip():
        raise ValueError("caption must be a non-empty string saying what the figure shows")
    table = None if data is None else figure_table(data)
    target = figures_dir()
    # fontTools, which subsets fonts into the PDF, warns about the fixed (zero) timestamp.
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    paths = {}
    for fmt in FORMATS:
        path = target / f"{name}.{fmt}"
        # Fixed metadata so the same data gives the same files.
        metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}, "png": {"Software": None}}[fmt]
        fig.savefig(path, format=fmt, metadata=metadata)
        paths[fmt] = path
    record = {"name": name, "caption": caption.strip(), "formats": list(FORMATS)}
    if table is not None:
        header, rows = table
        paths["csv"] = target / f"{name}.csv"
        with paths["csv"].open("w", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
        record.update(formats=[*FORMATS, "csv"], columns=header)
    (target / f"{name}.json").write_text(json.dumps(record, indent=1) + "\n")
    return paths
