"""Tables one chapter computes and a later chapter reads, instead of computing them twice.

The gap chapter, for instance, sets the construction chapter's networks
against the lower bound; it reads the neuron counts that chapter saved with
:func:`save_results` rather than building the same networks again.

A table is a mapping of column names to equal-length 1-D arrays (numbers or
text), stored as ``<name>.csv`` beside ``<name>.json``, which records the
parameters it was computed with. Tables land in the folder named by the
environment variable ``SUPERPOS_RESULTS_DIR`` (the book build sets it to
``_build/results``), or else in ``_build/results`` of the repository
(:func:`superpos.paths.find_root`) or below the current folder.

Examples
--------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     os.environ["SUPERPOS_RESULTS_DIR"] = folder
...     _ = save_results("chapter-curve", {"n_outputs": [10, 100], "n_neurons": [7, 21]}, {"seed": 0})
...     table = load_results("chapter-curve", {"seed": 0})
...     del os.environ["SUPERPOS_RESULTS_DIR"]
>>> table["n_neurons"].tolist()
[7, 21]
"""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

import numpy as np

from superpos.paths import BuildPaths, find_root

__all__ = ["MissingResultsError", "load_results", "results_dir", "save_results", "saved_parameters"]

_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class MissingResultsError(FileNotFoundError):
    """The table was never saved, or was saved with other parameters.

    Examples
    --------
    >>> issubclass(MissingResultsError, FileNotFoundError)
    True
    """


def results_dir() -> Path:
    """The folder :func:`save_results` writes and :func:`load_results` reads, created if needed.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     os.environ["SUPERPOS_RESULTS_DIR"] = folder
    ...     found = results_dir() == Path(folder)
    ...     del os.environ["SUPERPOS_RESULTS_DIR"]
    >>> found
    True
    """
    env = os.environ.get("SUPERPOS_RESULTS_DIR")
    target = Path(env) if env else BuildPaths(find_root() or Path.cwd().resolve()).results
    target.mkdir(parents=True, exist_ok=True)
    return target


def _check_name(name) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"name must be lower-case words joined by hyphens (like 'construction-curves'), got {name!r}")
    return name


def _jsonable(parameters) -> dict:
    if parameters is None:
        return {}
    if not isinstance(parameters, dict):
        raise ValueError(f"parameters must be a dict of JSON values, got {type(parameters).__name__}")
    try:
        return json.loads(json.dumps(parameters, sort_keys=True))
    except TypeError as error:
        raise ValueError(f"parameters must be a dict of JSON values (ints, floats, strings, lists): {error}") from None


def save_results(name: str, table: dict, parameters: dict | None = None) -> Path:
    """Save ``table`` under ``name`` with the ``parameters`` it was computed with.

    Parameters
    ----------
    name : str
        Lower-case words joined by hyphens, starting with the saving chapter's
        name (``construction-curves``).
    table : dict of str to 1-D array-like
        Columns of equal length.
    parameters : dict, optional
        JSON values that determine the table (sizes, seed); :func:`load_results`
        refuses a table saved with other ones.

    Returns
    -------
    pathlib.Path
        The CSV file written.

    Examples
    --------
    >>> save_results("chapter-curve", {"x": [1, 2], "y": [1]})
    Traceback (most recent call last):
    ...
    ValueError: table columns must all have the same length; got x: 2, y: 1
    """
    name = _check_name(name)
    if not isinstance(table, dict) or not table:
        raise ValueError(f"table must be a non-empty dict of column name -> 1-D values, got {type(table).__name__}")
    columns = {str(key): np.asarray(values) for key, values in table.items()}
    bad = [key for key, values in columns.items() if values.ndim != 1]
    if bad:
        raise ValueError(f"table columns must be 1-D; not: {', '.join(bad)}")
    lengths = {key: len(values) for key, values in columns.items()}
    if len(set(lengths.values())) != 1:
        raise ValueError("table columns must all have the same length; got "
                         + ", ".join(f"{key}: {n}" for key, n in lengths.items()))
    record = {"name": name, "parameters": _jsonable(parameters),
              "columns": {key: values.dtype.kind for key, values in columns.items()}}
    folder = results_dir()
    path = folder / f"{name}.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(list(columns))
        for row in zip(*(values.tolist() for values in columns.values())):
            writer.writerow([repr(x) if isinstance(x, float) else x for x in row])
    (folder / f"{name}.json").write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    return path


def load_results(name: str, parameters: dict | None = None) -> dict[str, np.ndarray]:
    """Read the table saved under ``name``, checking that it was computed with ``parameters``.

    Raises
    ------
    MissingResultsError
        When no table of that name was saved, or it was saved with other
        parameters (the message says which differ); run the chapter that
        saves it first.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     os.environ["SUPERPOS_RESULTS_DIR"] = folder
    ...     _ = save_results("chapter-curve", {"x": [1.5]}, {"seed": 0})
    ...     try:
    ...         load_results("chapter-curve", {"seed": 1})
    ...     except MissingResultsError as error:
    ...         message = str(error)
    ...     del os.environ["SUPERPOS_RESULTS_DIR"]
    >>> print(message)
    the table 'chapter-curve' was saved with other parameters (seed: 0, asked 1); execute the chapter that saves it with these parameters first
    """
    name = _check_name(name)
    folder = results_dir()
    meta_path, path = folder / f"{name}.json", folder / f"{name}.csv"
    if not meta_path.is_file() or not path.is_file():
        raise MissingResultsError(f"no table {name!r} in {folder}; execute the chapter that saves it first")
    record = json.loads(meta_path.read_text())
    wanted = _jsonable(parameters)
    if parameters is not None and record["parameters"] != wanted:
        keys = sorted(set(wanted) | set(record["parameters"]))
        differ = ", ".join(f"{key}: {record['parameters'].get(key)}, asked {wanted.get(key)}" for key in keys
                           if record["parameters"].get(key) != wanted.get(key))
        raise MissingResultsError(f"the table {name!r} was saved with other parameters ({differ}); execute the "
                                  "chapter that saves it with these parameters first")
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    table = {}
    for j, key in enumerate(header):
        kind = record["columns"][key]
        cells = [row[j] for row in body]
        if kind == "b":
            table[key] = np.array([c == "True" for c in cells], dtype=bool)
        elif kind in "iu":
            table[key] = np.array([int(c) for c in cells], dtype=np.int64)
        elif kind == "f":
            table[key] = np.array([float(c) for c in cells], dtype=float)
        else:
            table[key] = np.array(cells, dtype=str)
    return table


def saved_parameters(name: str) -> dict:
    """The parameters the table ``name`` was saved with (to quote them where the table is used).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     os.environ["SUPERPOS_RESULTS_DIR"] = folder
    ...     _ = save_results("chapter-curve", {"x": [1]}, {"seed": 3, "k": 2})
    ...     found = saved_parameters("chapter-curve")
    ...     del os.environ["SUPERPOS_RESULTS_DIR"]
    >>> found
    {'k': 2, 'seed': 3}
    """
    name = _check_name(name)
    meta_path = results_dir() / f"{name}.json"
    if not meta_path.is_file():
        raise MissingResultsError(f"no table {name!r} in {results_dir()}; execute the chapter that saves it first")
    return json.loads(meta_path.read_text())["parameters"]
