"""Rules for the code cells of a chapter, and the parameter cell a reader sees.

Two things live here, both about the cells of chapter notebooks:

* The book's rules for quiet pages, in one place, so that the tests
  (``tests/test_notebooks.py``) and anyone tagging a notebook apply the same
  ones: a cell that only glues values (:func:`glue_only`) carries the tag
  ``remove-cell``; a cell that only draws and saves a figure
  (:func:`figure_only`) carries ``hide-input`` or ``remove-cell``; no code
  line is longer than :data:`LINE_LIMIT` characters (:func:`long_lines`).
  :func:`missing_tags` applies the first two to a cell, :func:`notebook_problems`
  all three to a notebook.
* :func:`show_parameters_used`, which the build applies to every executed
  chapter: papermill runs the notebook's own ``parameters`` cell and then
  injects a cell with the profile's values, so a page would show two cells that
  disagree. The executed copy hides the notebook's cell and makes the injected
  one show every value actually used, with a line saying how to change them.
  The source notebook is never touched.
"""

from __future__ import annotations

import ast
import copy
import re

__all__ = ["FIGURE_TAGS", "GLUE_TAGS", "LINE_LIMIT", "figure_only", "glue_only", "long_lines", "missing_tags",
           "notebook_problems", "show_parameters_used"]

#: The longest code line a notebook may hold, in characters.
LINE_LIMIT = 100
#: A cell that only glues values must carry this tag.
GLUE_TAGS = ("remove-cell",)
#: A cell that only draws and saves a figure must carry one of these.
FIGURE_TAGS = ("hide-input", "remove-cell")
#: Calls whose value is never shown (they return None).
_SILENT_CALLS = {"glue", "close"}
#: Calls that show something when the cell runs.
_SHOWING_CALLS = {"display", "print", "show"}


def _statements(source: str) -> list[ast.stmt] | None:
    """The top-level statements of a code cell, or None when it is not plain Python (magics, shell lines)."""
    try:
        return ast.parse(source).body
    except SyntaxError:
        return None


def _call_name(node) -> str | None:
    """``f`` for a call ``f(...)`` or ``obj.f(...)``; None for anything else."""
    if not isinstance(node, ast.Call):
        return None
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _names_read(node) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _assigned_names(statement) -> set[str] | None:
    """Names an assignment binds, or None when it binds anything else (an attribute, an item)."""
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    names = set()
    for target in targets:
        for node in ast.walk(target):
            if isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
                return None
            if isinstance(node, ast.Name):
                names.add(node.id)
    return names


def _glue_call(statement) -> bool:
    return isinstance(statement, ast.Expr) and _call_name(statement.value) == "glue"


def _read_in(name: str, later: str) -> bool:
    """Whether ``later`` (code of later cells) mentions ``name`` as a word (comments and strings too: cautious)."""
    return re.search(rf"(?<![\w.]){re.escape(name)}\b", later) is not None


def glue_only(source: str, later: str = "") -> bool:
    """Whether a code cell only glues values: ``glue(...)`` calls, and comments, and assignments that feed them.

    An assignment feeds the glue calls when a later ``glue`` call of the cell
    (or a later assignment that feeds one) reads a name it binds, and no later
    cell (``later``: their code) reads any name it binds; a cell that computes
    something for later cells, imports, asserts or calls anything else is not
    glue-only.

    Examples
    --------
    >>> glue_only('glue("gap_k", k, display=False)\\n# the largest m\\nglue("gap_m", int(m[-1]), display=False)')
    True
    >>> glue_only('total = sum(rows)\\nglue("total", total, display=False)')
    True
    >>> glue_only('total = sum(rows)\\nglue("total", total, display=False)', later="print(total)")  # used later
    False
    >>> glue_only('total = sum(rows)\\nbest = max(rows)\\nglue("total", total, display=False)')  # best feeds nothing
    False
    >>> glue_only('assert x > 0\\nglue("x", x, display=False)'), glue_only('# nothing'), glue_only('%time glue(1)')
    (False, False, False)
    """
    statements = _statements(source)
    if not statements or not any(_glue_call(s) for s in statements):
        return False
    needed: set[str] = set()
    for statement in reversed(statements):
        if _glue_call(statement):
            needed |= _names_read(statement)
        elif isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            names = _assigned_names(statement)
            if not names or not names & needed or statement.value is None \
                    or any(_read_in(name, later) for name in names):
                return False
            needed |= _names_read(statement.value)
        else:
            return False
    return True


def _shows_something(source: str, statements: list[ast.stmt]) -> bool:
    """Whether running the cell puts anything on the page (statically: what its calls and last line show)."""
    for node in ast.walk(ast.Module(body=statements, type_ignores=[])):
        name = _call_name(node)
        if name in _SHOWING_CALLS:
            return True
        if name == "glue":
            shown = [k.value for k in node.keywords if k.arg == "display"]
            if not shown or not (isinstance(shown[0], ast.Constant) and shown[0].value is False):
                return True
    last = statements[-1]
    # Jupyter shows the value of a last bare expression, unless a semicolon ends the cell.
    return isinstance(last, ast.Expr) and _call_name(last.value) not in _SILENT_CALLS \
        and not source.rstrip().endswith(";")


def figure_only(source: str) -> bool:
    """Whether a code cell draws and saves a figure (calls ``save_figure``) and shows nothing.

    What the cell shows is read from its code: a call to ``display``,
    ``print`` or ``show``, a ``glue`` without ``display=False``, or a last
    line whose value Jupyter would print.

    Examples
    --------
    >>> figure_only('fig, ax = plt.subplots()\\nsave_figure(fig, "x-y", caption="c")\\n'
    ...             'glue("x-y", fig, display=False)\\nplt.close(fig)')
    True
    >>> figure_only('save_figure(fig, "x-y", caption="c")\\ndisplay(Markdown(table))')
    False
    >>> figure_only('save_figure(fig, "x-y", caption="c")')   # its value, a dict of paths, would be shown
    False
    >>> figure_only('from superpos.figures import save_figure')
    False
    """
    statements = _statements(source)
    if not statements:
        return False
    saves = any(_call_name(node) == "save_figure" for node in ast.walk(ast.Module(body=statements, type_ignores=[])))
    return saves and not _shows_something(source, statements)


def long_lines(source: str, limit: int = LINE_LIMIT) -> list[int]:
    """Line numbers (from 1) of the lines of ``source`` longer than ``limit`` characters.

    Examples
    --------
    >>> long_lines("short\\n" + "x" * 101 + "\\n" + "y" * 100)
    [2]
    """
    return [number for number, line in enumerate(source.splitlines(), 1) if len(line) > limit]


def missing_tags(source: str, tags, later: str = "") -> list[str]:
    """What a code cell lacks under the rules for quiet pages: one sentence per broken rule (empty: none).

    ``later`` is the code of the notebook's later cells (see :func:`glue_only`).

    Examples
    --------
    >>> missing_tags('glue("gap_k", k, display=False)', [])
    ["only glues values, so it needs the tag 'remove-cell'"]
    >>> missing_tags('glue("gap_k", k, display=False)', ["remove-cell"])
    []
    >>> missing_tags('save_figure(fig, "x-y", caption="c")\\nplt.close(fig)', [])
    ["only draws and saves a figure, so it needs the tag 'hide-input' or 'remove-cell'"]
    """
    tags = set(tags or [])
    found = []
    if glue_only(source, later) and not tags.issuperset(GLUE_TAGS):
        found.append("only glues values, so it needs the tag " + " and ".join(repr(t) for t in GLUE_TAGS))
    elif figure_only(source) and not tags & set(FIGURE_TAGS):
        found.append("only draws and saves a figure, so it needs the tag "
                     + " or ".join(repr(t) for t in FIGURE_TAGS))
    return found


def notebook_problems(notebook: dict) -> list[tuple[str, str]]:
    """``(cell, problem)`` for every code cell of a notebook (read from its JSON) that breaks a rule for quiet pages.

    The cell is named by its id (or its number from 1). Long lines are reported
    by line number.

    Examples
    --------
    >>> nb = {"cells": [{"cell_type": "code", "id": "ch-01", "metadata": {}, "source": "x = 1\\nglue('x', x)"},
    ...                 {"cell_type": "code", "id": "ch-02", "metadata": {}, "source": "y = " + "1" * 100}]}
    >>> notebook_problems(nb)
    [('ch-01', "only glues values, so it needs the tag 'remove-cell'"), ('ch-02', 'line 1 has 104 characters')]
    """
    code = [(cell.get("id") or str(number), _source(cell), cell.get("metadata", {}).get("tags", []))
            for number, cell in enumerate(notebook.get("cells", []), 1) if cell.get("cell_type") == "code"]
    found = []
    for index, (name, source, tags) in enumerate(code):
        later = "\n".join(s for _, s, _ in code[index + 1:])
        found += [(name, problem) for problem in missing_tags(source, tags, later)]
        lines = source.splitlines()
        found += [(name, f"line {n} has {len(lines[n - 1])} characters") for n in long_lines(source)]
    return found


# ------------------------------------------------------------------- parameters


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _tags(cell) -> list[str]:
    return cell.setdefault("metadata", {}).setdefault("tags", [])


def _evaluated(expression: str):
    """The value of a parameter's expression (literals and arithmetic such as ``10**9``), or a marker when unknown."""
    try:
        return eval(compile(expression, "<parameter>", "eval"), {"__builtins__": {}}, {})
    except Exception:  # any expression that is not plain arithmetic on literals
        return _UNKNOWN


_UNKNOWN = object()


def _same(a, b) -> bool:
    return a is not _UNKNOWN and type(a) is type(b) and a == b


def _assignments(source: str) -> dict[str, str]:
    """``name -> expression text`` of every ``name = expression`` statement of a cell, in order."""
    found = {}
    for statement in _statements(source) or []:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                and isinstance(statement.targets[0], ast.Name):
            found[statement.targets[0].id] = ast.get_source_segment(source, statement.value)
    return found


def _used_lines(default_source: str, used: dict[str, str]) -> list[str]:
    """The default cell's lines with each used value (``name -> expression``) put in place, comments kept."""
    lines = default_source.splitlines()
    statements = _statements(default_source) or []
    shown, placed = [], set()
    # Comment lines before the first statement are the cell's heading, which the note replaces.
    position = statements[0].lineno - 1 if statements else len(lines)
    for statement in statements:
        shown += lines[position:statement.lineno - 1]
        first, last = statement.lineno - 1, statement.end_lineno - 1
        text = lines[first:last + 1]
        target = statement.targets[0] if isinstance(statement, ast.Assign) and len(statement.targets) == 1 else None
        if isinstance(target, ast.Name) and target.id in used:
            name = target.id
            placed.add(name)
            comment = lines[last][statement.end_col_offset:].strip()
            default = ast.get_source_segment(default_source, statement.value)
            kept = _same(_evaluated(default), _evaluated(used[name]))
            assignment = f"{name} = {default if kept else used[name]}"
            if comment and len(f"{assignment}  {comment}") > LINE_LIMIT:
                text = [comment, assignment]
            else:
                text = [f"{assignment}  {comment}" if comment else assignment]
        shown += text
        position = last + 1
    shown += lines[position:]
    shown += [f"{name} = {used[name]}  # not in the notebook's parameters cell" for name in used if name not in placed]
    return shown


def show_parameters_used(notebook: dict, note: str) -> dict:
    """Return a copy of an executed notebook whose one visible parameter cell shows the values used.

    Parameters
    ----------
    notebook : dict
        A notebook executed by papermill (as read from its JSON).
    note : str
        One line on how to change the values, shown as a comment at the top of
        the cell (for instance ``papermill book/gap.ipynb out.ipynb -p NAME VALUE``).

    Returns
    -------
    dict
        When papermill injected parameters: the notebook's own ``parameters``
        cell tagged ``remove-cell``, and the injected cell showing ``note``
        and then every parameter in the order of the notebook's cell, at the
        value used, with the notebook's comments. Without injected parameters,
        the notebook unchanged (its own cell shows the values used).

    Examples
    --------
    >>> nb = {"cells": [
    ...     {"cell_type": "code", "metadata": {"tags": ["parameters"]},
    ...      "source": "# Parameters: papermill replaces these\\nseed = 0  # the seed\\nm_max = 10**9\\nk = 3"},
    ...     {"cell_type": "code", "metadata": {"tags": ["injected-parameters"]},
    ...      "source": "# Parameters\\nseed = 1\\nm_max = 1000000000\\n"}]}
    >>> shown = show_parameters_used(nb, "to change: papermill ... -p NAME VALUE")
    >>> shown["cells"][0]["metadata"]["tags"]
    ['parameters', 'remove-cell']
    >>> print(shown["cells"][1]["source"])
    # to change: papermill ... -p NAME VALUE
    seed = 1  # the seed
    m_max = 10**9
    k = 3
    """
    cells = notebook.get("cells", [])
    defaults = [i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    injected = [i for i, c in enumerate(cells) if "injected-parameters" in c.get("metadata", {}).get("tags", [])]
    if not injected:
        return notebook
    if len(injected) != 1 or len(defaults) > 1:
        raise ValueError(f"a notebook must have at most one 'parameters' cell and one 'injected-parameters' cell, "
                         f"found {len(defaults)} and {len(injected)}")
    result = copy.deepcopy(notebook)
    cell = result["cells"][injected[0]]
    default_source = _source(result["cells"][defaults[0]]) if defaults else ""
    shown = [f"# {note}", *_used_lines(default_source, _assignments(_source(cell)))]
    cell["source"] = "\n".join(shown)
    if defaults:
        tags = _tags(result["cells"][defaults[0]])
        if "remove-cell" not in tags:
            tags.append("remove-cell")
    return result
