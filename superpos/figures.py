"""One plotting style for the whole book, and saving figures for talks.

Every figure of the book goes through :func:`use_style` (fonts large enough to
read from the back of a room, colours that stay apart on a projector and in
greyscale, one 16:9 size) and :func:`save_figure` (SVG, PDF and PNG under a
stable name, the plotted data as CSV, and a small JSON record of the caption
that the build turns into the figure gallery). :func:`save_figure` refuses a
figure whose legend covers plotted data (:func:`legend_overlaps`).

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

__all__ = ["CYCLE", "FORMATS", "FULL", "HALF", "LINESTYLES", "MARKERS", "PALETTE", "curve_style", "figure_table",
           "figures_dir", "legend_overlaps", "lightness", "save_figure", "style_rc", "use_style"]

#: Okabe & Ito (2008) colour-blind safe palette. Chapters pick colours from it by name.
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

#: The colours curves take in turn, a subset of :data:`PALETTE` chosen for talks.
#:
#: Projectors wash out saturation, so two colours of one hue family merge on
#: the screen: vermillion and orange, blue and sky. The cycle keeps one of each
#: pair (blue and orange, the palette's most distinct pair), drops yellow (too
#: light against a white background to read when projected), and orders the
#: rest so that consecutive curves also differ in greyscale: their CIE
#: lightness L* (:func:`lightness`) is 46, 71, 58, 0 and 61, at least 12 apart
#: from one curve to the next (the last to the first included). Two colours of
#: the cycle closer than that in lightness (green and purple, blue and green)
#: are told apart by :data:`MARKERS` and :data:`LINESTYLES`, which differ for
#: every curve.
CYCLE = ("blue", "orange", "green", "black", "purple")

#: Markers and line styles cycled together with :data:`CYCLE` (one each per
#: curve, all different), so that curves stay distinguishable in greyscale.
MARKERS = ["o", "s", "^", "D", "v"]
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1.5, 1, 1.5, 1, 1.5))]

#: Width and height in inches of a full-width figure and a half figure, both 16:9.
#: A full figure stretched across a 13.3-inch-wide 16:9 slide shows the style's
#: smallest text at 21 pt; a half figure on half of that slide, at 16 pt.
FULL = (10.0, 5.625)
HALF = (6.4, 3.6)

FORMATS = ("svg", "pdf", "png")
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def lightness(colour: str) -> float:
    """CIE L* of a colour (0 black, 100 white): what is left of it in greyscale.

    Parameters
    ----------
    colour : str
        Any matplotlib colour, e.g. ``"#0072B2"`` or ``PALETTE["blue"]``.

    Examples
    --------
    >>> round(lightness("#000000")), round(lightness("#FFFFFF")), round(lightness(PALETTE["blue"]))
    (0, 100, 46)
    """
    rgb = np.asarray(mpl.colors.to_rgb(colour))
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    luminance = float(linear @ np.array([0.2126, 0.7152, 0.0722]))  # sRGB relative luminance Y
    if luminance <= (6 / 29) ** 3:
        return float(luminance * (29 / 3) ** 3)
    return float(116 * np.cbrt(luminance) - 16)


def curve_style(index: int) -> dict:
    """Colour, marker and line style of the ``index``-th curve (as the default cycle draws it).

    For curves drawn with explicit keywords, ``ax.plot(x, y, **curve_style(2))``.

    Examples
    --------
    >>> curve_style(0) == {"color": PALETTE["blue"], "marker": "o", "linestyle": "-"}
    True
    >>> curve_style(len(CYCLE))["color"] == PALETTE["blue"]   # the cycle starts again
    True
    """
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or index < 0:
        raise ValueError(f"index must be a non-negative integer, got {index!r}")
    i = int(index) % len(CYCLE)
    return {"color": PALETTE[CYCLE[i]], "marker": MARKERS[i], "linestyle": LINESTYLES[i]}


def style_rc() -> dict:
    """Return the matplotlib rc settings of the book's style.

    Examples
    --------
    >>> style_rc()["font.size"]
    18
    """
    from cycler import cycler

    return {
        "figure.figsize": FULL,
        "figure.dpi": 100,
        "savefig.dpi": 200,
        "savefig.bbox": "tight",
        # Read from the back of a room: the smallest text (tick labels, legend) is 16 pt on a
        # 10-inch figure, 21 pt once the figure is stretched across a 13.3-inch slide.
        "font.size": 18,
        "axes.titlesize": 20,
        "axes.labelsize": 18,
        "legend.fontsize": 16,
        "legend.title_fontsize": 16,
        "xtick.labelsize": 16,
        "ytick.labelsize": 16,
        "lines.linewidth": 2.5,
        "lines.markersize": 8,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
        "axes.prop_cycle": (cycler(color=[PALETTE[c] for c in CYCLE]) + cycler(marker=MARKERS)
                            + cycler(linestyle=LINESTYLES)),
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


def _figures_within(fig):
    yield fig
    for sub in getattr(fig, "subfigs", []):
        yield from _figures_within(sub)


def _axes_name(axes_list, ax) -> str:
    described = ax.get_title() or ax.get_ylabel() or ax.get_xlabel()
    name = f"axes {axes_list.index(ax) + 1} of {len(axes_list)}"
    return f"{name} ({described!r})" if described else name


def _artist_name(artist, kind: str) -> str:
    label = artist.get_label() if hasattr(artist, "get_label") else ""
    if kind == "text":
        return f"text {artist.get_text()[:40]!r}"
    return f"{kind} {label!r}" if label and not str(label).startswith("_") else kind


def _drawn(style) -> bool:
    return style not in (None, "None", "none", " ", "")


def _points_in(points: np.ndarray, box, margin: float) -> bool:
    points = points[np.isfinite(points).all(axis=1)] if len(points) else points
    if not len(points):
        return False
    inside = ((points[:, 0] >= box.x0 - margin) & (points[:, 0] <= box.x1 + margin)
              & (points[:, 1] >= box.y0 - margin) & (points[:, 1] <= box.y1 + margin))
    return bool(inside.any())


def _visible_area(artist, box):
    """The part of ``box`` (display pixels) where ``artist`` can be seen, or None: it is clipped to its axes."""
    from matplotlib.transforms import Bbox

    clip = artist.get_clip_box() if artist.get_clip_on() else None
    return box if clip is None else Bbox.intersection(box, clip)


def _covers(artist, kind: str, box, pixels_per_point: float) -> bool:
    """Whether ``artist`` draws anything inside ``box`` (a legend's extent in display pixels)."""
    area = _visible_area(artist, box)
    if area is None or area.width <= 0 or area.height <= 0:
        return False
    if kind == "text":
        return bool(artist.get_text().strip()) and artist.get_window_extent().overlaps(area)
    if kind == "line":
        path = artist.get_transform().transform_path(artist.get_path())
        if _drawn(artist.get_linestyle()) and artist.get_linewidth() > 0 and len(path.vertices) > 1 \
                and path.intersects_bbox(area, filled=False):
            return True
        radius = artist.get_markersize() / 2 * pixels_per_point
        return _drawn(artist.get_marker()) and _points_in(path.vertices, area, radius)
    if kind == "scatter points":
        offsets = artist.get_offset_transform().transform(np.asarray(artist.get_offsets(), dtype=float))
        sizes = artist.get_sizes()
        radius = (np.sqrt(sizes.max()) / 2 if len(sizes) else 0.0) * pixels_per_point
        return _points_in(offsets, area, radius)
    filled = kind in ("bar or patch", "filled area") and len(artist.get_facecolor()) > 0 \
        and np.max(np.asarray(mpl.colors.to_rgba_array(artist.get_facecolor()))[:, 3]) > 0
    transform = artist.get_transform()
    paths = [artist.get_path()] if kind == "bar or patch" else artist.get_paths()
    return any(transform.transform_path(path).intersects_bbox(area, filled=filled) for path in paths)


def _plotted(ax):
    """``(artist, kind)`` for everything an axes draws from data: lines, markers, scatter points, bars, areas, text."""
    from matplotlib.collections import LineCollection, PathCollection

    for line in ax.lines:
        yield line, "line"
    for collection in ax.collections:
        if isinstance(collection, PathCollection) and len(collection.get_offsets()):
            yield collection, "scatter points"
        elif isinstance(collection, LineCollection):
            yield collection, "line segments"
        else:
            yield collection, "filled area"
    for patch in ax.patches:
        yield patch, "bar or patch"
    for text in ax.texts:
        yield text, "text"


def _legend_extent(legend):
    """What a legend covers in the window: its frame when drawn, else its title, handles and texts.

    Without a frame, the legend's extent less its border padding (``borderpad`` times its font size).
    """
    extent = legend.get_window_extent()
    if legend.get_frame_on():
        return extent
    pad = legend.borderpad * legend.prop.get_size_in_points() * legend.figure.dpi / 72
    return extent.padded(-pad) if extent.width > 2 * pad and extent.height > 2 * pad else extent


def legend_overlaps(fig) -> list[str]:
    """Every place where a legend of ``fig`` covers something plotted, as sentences; empty when none does.

    The figure is laid out (drawn without rendering) and each legend's extent
    in the window (its frame if it has one, else its title, handles and texts)
    compared with what every axes draws: lines (with their
    width) and their markers (with their size), scatter points, bars and other
    patches, filled areas, and text placed in the axes. What an axes clips
    away is not drawn, so a legend placed outside the axes (``loc="upper
    left", bbox_to_anchor=(1.02, 1)``, or ``fig.legend`` beside the axes)
    covers nothing.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [0, 1], label="rising")
    >>> _ = ax.legend(loc="center")          # across the line
    >>> legend_overlaps(fig)
    ["the legend of axes 1 of 1 covers line 'rising'"]
    >>> _ = ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1))   # beside the axes
    >>> legend_overlaps(fig)
    []
    >>> plt.close(fig)
    """
    from matplotlib.transforms import Bbox

    fig.draw_without_rendering()
    pixels_per_point = fig.dpi / 72
    axes_list = list(fig.get_axes()) if hasattr(fig, "get_axes") else []
    for sub in _figures_within(fig):
        axes_list += [ax for ax in sub.axes if ax not in axes_list]
    legends = []
    for ax in axes_list:
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            legends.append((legend, f"the legend of {_axes_name(axes_list, ax)}"))
    for sub in _figures_within(fig):
        legends += [(legend, "the figure legend") for legend in sub.legends if legend.get_visible()]
    found = []
    for legend, legend_name in legends:
        extent = _legend_extent(legend)
        # Less a pixel, so that a curve merely touching the legend's edge passes.
        box = Bbox.from_extents(extent.x0 + 1, extent.y0 + 1, extent.x1 - 1, extent.y1 - 1)
        covered = [_artist_name(artist, kind) + (f" in {_axes_name(axes_list, ax)}" if legend.axes is not ax else "")
                   for ax in axes_list for artist, kind in _plotted(ax)
                   if artist.get_visible() and _covers(artist, kind, box, pixels_per_point)]
        if covered:
            found.append(f"{legend_name} covers {', '.join(covered)}")
    return found


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

    Raises
    ------
    ValueError
        For a bad name, an empty caption or malformed data, and when a legend
        covers plotted data (:func:`legend_overlaps`); the message names the
        figure, the axes and what is covered.

    Returns
    -------
    dict
        Maps each format (``"svg"``, ``"pdf"``, ``"png"``, ``"csv"``) to the written path.

    Examples
    --------
    >>> import tempfile
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [1, 0], label="falling")
    >>> _ = ax.legend(loc="upper right")
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
    overlaps = legend_overlaps(fig)
    if overlaps:
        raise ValueError(f"figure {name!r}: {'; '.join(overlaps)}. Move the legend off the data: another loc, "
                         "bbox_to_anchor outside the axes (loc='upper left', bbox_to_anchor=(1.02, 1)), or a "
                         "legend below the axes")
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
