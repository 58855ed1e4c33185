"""Build the book: execute every chapter with papermill, then render with Jupyter Book.

The source notebooks under ``book/`` are never executed in place. The build

1. copies the book's sources (``_config.yml``, ``_toc.yml`` and ``book/``) into
   ``_build/executed/`` and executes each chapter notebook listed in
   ``_toc.yml`` into that copy with papermill, using the chapter's parameters
   for the chosen profile from ``book/profiles.yml``;
   In the executed copy, the one parameter cell a reader sees shows the values
   used (:func:`superpos.book.cells.show_parameters_used`);
2. writes the generated pages (figure gallery, reproducibility record, and the
   front page's note on this copy: profile, date, commit) into the copy; and
3. renders the copy to ``_build/html/`` with Jupyter Book, whose own execution
   is off; any Sphinx warning fails the build. With ``--pdf`` it also renders
   the book as one HTML page and prints it to :data:`PDF_NAME` in the HTML
   output (:mod:`superpos.book.pdf`).

A chapter is executed again only when something it depends on changed: its
notebook, its parameters, any source file of the ``superpos`` package outside
this subpackage (the chapters never import the book machinery), the set of
installed package versions (Jupyter Book's own cache keys on the code cells
alone, so it would miss a change in an imported module), or the cache key of a
chapter it depends on. The cache key is the SHA-256 digest of all of these.

A chapter may read a table that another one saves (:mod:`superpos.results`);
``book/profiles.yml`` then says so under the top-level key ``depends`` (for
instance ``depends: {gap: [construction]}``). The build executes a chapter
only after the chapters it depends on, and ``--only gap`` executes (or takes
from the cache) ``construction`` first when its tables are missing or stale.
Every chapter runs with ``SUPERPOS_RESULTS_DIR`` set to ``_build/results``.

When nothing that the HTML is made from changed since the last render, the
HTML is not rendered again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

import yaml

from superpos.book.pages import BUILD_INFO_PAGE, build_info_page, gallery_page, git_commit, reproducibility_page
from superpos.paths import PDF_NAME, BuildPaths, find_root as find_book_root

__all__ = ["CACHE_FILE", "DEPENDS_KEY", "PDF_NAME", "PROFILES", "RENDER_FILE", "BuildError", "Chapter",
           "ChapterResult", "build", "chapters", "critical_paths", "execute_chapters", "execution_order", "find_root",
           "load_dependencies", "load_parameters", "main", "package_fingerprint", "toc_docnames"]

#: The parameter sets of ``book/profiles.yml``.
PROFILES = ("quick", "full")
#: The top-level key of ``book/profiles.yml`` that says which chapters read tables of which others.
DEPENDS_KEY = "depends"
#: The cache of executed chapters, in the executed copy.
CACHE_FILE = ".superpos-cache.json"
#: The record of the last render, in the HTML output: what it was made from.
RENDER_FILE = ".superpos-render.json"
#: Figure files copied into the book beside each figure's JSON record (CSV when its data was saved).
FIGURE_FILES = ("svg", "pdf", "png", "csv")
#: The subpackage of the book machinery, left out of the package fingerprint.
MACHINERY = Path(__file__).resolve().parent.name


class BuildError(RuntimeError):
    """The book cannot be built as asked (bad options or a broken layout).

    Examples
    --------
    >>> issubclass(BuildError, RuntimeError)
    True
    """


@dataclass
class Chapter:
    """A chapter notebook listed in the table of contents.

    Examples
    --------
    >>> Chapter("gap", "book/gap", "The gap").source
    'book/gap.ipynb'
    """

    name: str  #: notebook file name without extension, e.g. ``representation``
    docname: str  #: path in the table of contents, e.g. ``book/representation``
    title: str  #: the notebook's first heading

    @property
    def source(self) -> str:
        return f"{self.docname}.ipynb"


@dataclass
class ChapterResult:
    """What happened to one chapter during a build.

    Examples
    --------
    >>> ChapterResult("gap", "cached", 1.5, {"seed": 0}).figures
    []
    """

    name: str
    status: str  #: ``executed``, ``cached``, ``kept`` (not selected by --only) or ``failed``
    seconds: float
    parameters: dict
    key: str = ""
    error: str = ""
    executed_at: str = ""
    figures: list = field(default_factory=list)
    results: list = field(default_factory=list)  #: tables saved for later chapters (:mod:`superpos.results`)
    results_digest: str = ""  #: digest of those tables as this chapter wrote them (:func:`results_digest`)


# --------------------------------------------------------------------------- layout


def find_root(start: Path | None = None) -> Path:
    """Return the repository root: the nearest folder holding ``_toc.yml`` and ``book/``.

    Raises
    ------
    BuildError
        If there is none at or above ``start`` (default: the current folder).

    Examples
    --------
    >>> (find_root(Path(__file__)) / "_toc.yml").is_file()
    True
    """
    root = find_book_root(start)
    if root is None:
        raise BuildError(f"no _toc.yml with a book/ folder beside it in {(start or Path.cwd()).resolve()} or above; "
                         "run from the repository")
    return root


def toc_docnames(toc: dict) -> list[str]:
    """Every page of a table of contents (``_toc.yml`` read as a dict), in reading order.

    Examples
    --------
    >>> toc_docnames({"root": "intro", "chapters": [{"file": "a", "sections": [{"file": "b"}]}, {"file": "c"}]})
    ['intro', 'a', 'b', 'c']
    """
    names = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return names


def _title(notebook: Path) -> str:
    cells = json.loads(notebook.read_text())["cells"]
    for cell in cells:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return notebook.stem


def chapters(root: Path) -> list[Chapter]:
    """Return the chapter notebooks listed in ``_toc.yml``, in reading order.

    Examples
    --------
    >>> "gap" in [chapter.name for chapter in chapters(find_root(Path(__file__)))]
    True
    """
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    found = []
    for docname in toc_docnames(toc):
        notebook = root / f"{docname}.ipynb"
        if notebook.is_file():
            found.append(Chapter(notebook.stem, docname, _title(notebook)))
    return found


def load_parameters(root: Path, profile: str) -> dict[str, dict]:
    """Return each chapter's parameters for ``profile`` from ``book/profiles.yml``.

    Examples
    --------
    >>> load_parameters(find_root(Path(__file__)), "quick")["gap"]["seed"]
    0
    """
    if profile not in PROFILES:
        raise BuildError(f"profile must be one of {', '.join(PROFILES)}, got {profile!r}")
    profiles = _profiles_file(root)
    if profile not in profiles:
        raise BuildError(f"book/profiles.yml has no {profile!r} profile (it has {sorted(set(profiles) - {DEPENDS_KEY})})")
    return {name: dict(params or {}) for name, params in (profiles[profile] or {}).items()}


def _profiles_file(root: Path) -> dict:
    profiles = yaml.safe_load((root / "book" / "profiles.yml").read_text()) or {}
    if not isinstance(profiles, dict):
        raise BuildError(f"book/profiles.yml must map profile names to chapters, got {type(profiles).__name__}")
    return profiles


def load_dependencies(root: Path, names: list[str]) -> dict[str, list[str]]:
    """Return, for each chapter in ``names``, the chapters whose tables it reads (``depends`` in ``book/profiles.yml``).

    Raises
    ------
    BuildError
        When ``depends`` is not a mapping of chapter names to lists of chapter
        names, names a chapter that is not in ``_toc.yml``, or holds a cycle.

    Examples
    --------
    >>> load_dependencies(find_root(Path(__file__)), ["representation", "bounds", "construction", "gap"])["gap"]
    ['representation', 'construction']
    """
    declared = _profiles_file(root).get(DEPENDS_KEY) or {}
    if not isinstance(declared, dict):
        raise BuildError(f"'{DEPENDS_KEY}' in book/profiles.yml must map a chapter to the list of chapters it "
                         f"depends on, like '{DEPENDS_KEY}: {{gap: [construction]}}'; got {declared!r}")
    depends = {name: [] for name in names}
    for chapter, needs in declared.items():
        needs = [needs] if isinstance(needs, str) else needs
        if not isinstance(needs, list) or not all(isinstance(n, str) for n in needs):
            raise BuildError(f"'{DEPENDS_KEY}' in book/profiles.yml: {chapter!r} must list chapter names, "
                             f"got {needs!r}")
        unknown = sorted({str(chapter), *needs} - set(names))
        if unknown:
            raise BuildError(f"'{DEPENDS_KEY}' in book/profiles.yml names unknown chapter(s) {unknown}; the "
                             f"chapters are {names}")
        depends[chapter] = list(dict.fromkeys(needs))
    execution_order(depends)  # refuses cycles
    return depends


def execution_order(depends: dict[str, list[str]]) -> list[str]:
    """The chapters in an order that puts every chapter after those it depends on (otherwise as given).

    Raises
    ------
    BuildError
        When the dependencies hold a cycle; the message shows it.

    Examples
    --------
    >>> execution_order({"gap": ["construction"], "construction": [], "bounds": []})
    ['construction', 'gap', 'bounds']
    >>> execution_order({"a": ["b"], "b": ["a"]})
    Traceback (most recent call last):
    ...
    superpos.book.build.BuildError: 'depends' in book/profiles.yml holds a cycle: a -> b -> a
    """
    order, state = [], {}

    def visit(name, path):
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            cycle = path[path.index(name):] + [name]
            raise BuildError(f"'{DEPENDS_KEY}' in book/profiles.yml holds a cycle: {' -> '.join(cycle)}")
        state[name] = "visiting"
        for need in depends.get(name, []):
            visit(need, path + [name])
        state[name] = "done"
        order.append(name)

    for name in depends:
        visit(name, [])
    return order


# ---------------------------------------------------------------------------- cache


def _digest_files(paths, base: Path, digest) -> None:
    for path in sorted(paths):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())


def environment_fingerprint() -> str:
    """Digest of the Python version and every installed distribution's name and version."""
    packages = sorted(f"{d.metadata['Name']}=={d.version}".lower() for d in metadata.distributions())
    return hashlib.sha256("\n".join([sys.version, *packages]).encode()).hexdigest()


def package_fingerprint(root: Path) -> str:
    """Digest of the ``superpos`` sources the chapters compute with: the package minus ``superpos/book``.

    Any change in them re-executes every chapter; a change in the book
    machinery re-executes nothing.

    Examples
    --------
    >>> len(package_fingerprint(find_root(Path(__file__))))   # a SHA-256 in hex
    64
    """
    digest = hashlib.sha256()
    package = root / "superpos"
    machinery = package / MACHINERY
    sources = [p for p in package.rglob("*") if p.is_file() and p.suffix in {".py", ".yml", ".json", ".mplstyle"}
               and machinery not in p.parents]
    _digest_files(sources, root, digest)
    return digest.hexdigest()


def cache_key(root: Path, chapter: Chapter, parameters: dict, package: str, environment: str,
              upstream: list[str] = ()) -> str:
    """The SHA-256 key that decides whether a chapter's executed copy is still valid.

    ``upstream`` holds the keys of the chapters it depends on, so that a change
    in one of them re-executes it too.
    """
    digest = hashlib.sha256()
    digest.update((root / chapter.source).read_bytes())
    digest.update(json.dumps(parameters, sort_keys=True, default=str).encode())
    digest.update(package.encode())
    digest.update(environment.encode())
    for key in upstream:
        digest.update(key.encode())
    return digest.hexdigest()


# -------------------------------------------------------------------------- staging


def _write_if_changed(path: Path, data: bytes) -> None:
    # Unchanged files keep their modification time, so Sphinx re-reads only what changed.
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def stage_sources(root: Path, staging: Path, chapter_sources: set[str]) -> None:
    """Copy the book's non-notebook sources into the staging folder."""
    staging.mkdir(parents=True, exist_ok=True)
    for name in ("_config.yml", "_toc.yml"):
        _write_if_changed(staging / name, (root / name).read_bytes())
    for path in (root / "book").rglob("*"):
        relative = path.relative_to(root)
        if not path.is_file() or ".ipynb_checkpoints" in relative.parts or str(relative) in chapter_sources:
            continue
        _write_if_changed(staging / relative, path.read_bytes())


# ------------------------------------------------------------------------ execution


def parameters_note(chapter: Chapter, profile: str) -> str:
    """The comment on top of a page's parameter cell: where the values come from and how to change them.

    Examples
    --------
    >>> parameters_note(Chapter("gap", "book/gap", "The gap"), "quick")
    'quick profile (book/profiles.yml); to change: papermill book/gap.ipynb out.ipynb -p NAME VALUE'
    """
    return f"{profile} profile (book/profiles.yml); to change: papermill {chapter.source} out.ipynb -p NAME VALUE"


def execute_chapter(source: str, target: str, parameters: dict, cwd: str, figures: str, results: str = "",
                    note: str = "") -> dict:
    """Execute one notebook with papermill; return a summary (runs in a worker process).

    On success the executed copy's parameter cells are rewritten for the page
    (:func:`superpos.book.cells.show_parameters_used`, with ``note`` on top).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    os.environ["SUPERPOS_FIGURES_DIR"] = figures
    if results:
        os.environ["SUPERPOS_RESULTS_DIR"] = results
    # Notebooks stay quiet; and the kernel must use its inline plot backend, the one that
    # stores glued figures as images, whatever backend the caller's environment names.
    os.environ["TQDM_DISABLE"] = "1"
    os.environ.pop("MPLBACKEND", None)
    start = time.perf_counter()
    # The kernel's own chatter (it inherits this worker's stderr) goes to a log beside the
    # executed copy instead of the terminal.
    log = Path(target).with_suffix(".log")
    saved_stderr = os.dup(2)
    with open(log, "w") as log_file:
        os.dup2(log_file.fileno(), 2)
        try:
            outcome = _execute(papermill, PapermillExecutionError, source, target, parameters, cwd, start)
        finally:
            os.dup2(saved_stderr, 2)
            os.close(saved_stderr)
    if outcome["ok"]:
        from superpos.book.cells import show_parameters_used

        executed = Path(target)
        notebook = json.loads(executed.read_text())
        executed.write_text(json.dumps(show_parameters_used(notebook, note), indent=1, ensure_ascii=False) + "\n")
    return outcome


def _execute(papermill, PapermillExecutionError, source, target, parameters, cwd, start) -> dict:
    try:
        papermill.execute_notebook(source, target, parameters=parameters, kernel_name="python3",
                                   progress_bar=False, cwd=cwd, log_output=False)
    except PapermillExecutionError as error:
        # Number the failing cell as in the source notebook: papermill adds cells of its own.
        added = {"injected-parameters", "papermill-error-cell-tag"}
        cells = [c for c in json.loads(Path(target).read_text())["cells"]
                 if not added & set(c["metadata"].get("tags", []))]
        failing = next((i for i, c in enumerate(cells) if c["metadata"].get("papermill", {}).get("exception")), None)
        where = f"cell {failing + 1} of {len(cells)}" if failing is not None else f"execution count {error.exec_count}"
        message = f"{where}: {error.ename}: {error.evalue}"
        return {"ok": False, "seconds": time.perf_counter() - start, "error": message}
    except Exception as error:  # a kernel that died, a notebook that does not parse, ...
        return {"ok": False, "seconds": time.perf_counter() - start, "error": f"{type(error).__name__}: {error}"}
    return {"ok": True, "seconds": time.perf_counter() - start, "error": ""}


def chapter_figures(figures: Path, chapter: str) -> list[str]:
    """Names of the saved figures that belong to ``chapter`` (their names start with it)."""
    return sorted(p.stem for p in figures.glob(f"{chapter}-*.json"))


def chapter_results(results: Path, chapter: str) -> list[str]:
    """Names of the tables ``chapter`` saved for later chapters (their names start with it)."""
    return sorted(p.stem for p in results.glob(f"{chapter}-*.json") if p.with_suffix(".csv").is_file())


def results_digest(results: Path, names: list[str]) -> str:
    """SHA-256 of the tables ``names`` as they are now ("" if one is missing).

    A reader who runs a chapter by hand at another size writes its tables into
    the same folder; comparing this digest with the one recorded when the build
    executed the chapter notices that, and the chapter is executed again.
    """
    files = [results / f"{name}.{ext}" for name in names for ext in ("json", "csv")]
    if not all(p.is_file() for p in files):
        return ""
    digest = hashlib.sha256()
    _digest_files(files, results, digest)
    return digest.hexdigest()


# ----------------------------------------------------------------------------- main


def _progress(total: int):
    from tqdm import tqdm

    return tqdm(total=total, desc="chapters", unit="chapter", disable=None, file=sys.stderr)


def _summary_table(results: list[ChapterResult]) -> str:
    width = max([len(r.name) for r in results] + [7])
    rows = [f"{'chapter':<{width}}  {'status':<8}  {'seconds':>8}"]
    rows += [f"{r.name:<{width}}  {r.status:<8}  {r.seconds:>8.1f}" for r in results]
    return "\n".join(rows)


def _closure(names, depends: dict[str, list[str]]) -> set[str]:
    """``names`` and every chapter they depend on, directly or not."""
    found, stack = set(), list(names)
    while stack:
        name = stack.pop()
        if name not in found:
            found.add(name)
            stack.extend(depends.get(name, []))
    return found


def critical_paths(depends: dict[str, list[str]], seconds: dict[str, float]) -> dict[str, float]:
    """For each chapter, the longest chain of execution times from its start to the end of the build.

    A chapter's own time (``seconds``, from its last run; 1 when unknown) plus
    the longest such chain among the chapters that read its tables. Starting
    the chapters with the longest chains first shortens a parallel build.

    Examples
    --------
    >>> critical_paths({"a": [], "b": [], "gap": ["construction"], "construction": []}, {"a": 30, "construction": 90})
    {'a': 30.0, 'b': 1.0, 'gap': 1.0, 'construction': 91.0}
    """
    readers = {name: [other for other, needs in depends.items() if name in needs] for name in depends}
    found: dict[str, float] = {}
    for name in reversed(execution_order(depends)):
        found[name] = seconds.get(name) or 1.0
        found[name] += max((found[reader] for reader in readers[name]), default=0.0)
    return {name: found[name] for name in depends}


def _run(root: Path, staging: Path, paths: BuildPaths, profile: str, to_run: list, depends: dict,
         jobs: int, total: int, seconds: dict[str, float]) -> dict[str, ChapterResult]:
    """Execute the chapters of ``to_run`` (``(chapter, parameters, key)``), each after those it depends on.

    Of the chapters ready to run, those with the longest chain of work behind
    them (:func:`critical_paths`) start first.
    """
    priority = critical_paths(depends, seconds)
    ordered = sorted(to_run, key=lambda item: -priority[item[0].name])  # stable: ties keep the book's order
    waiting = {chapter.name: (chapter, params, key) for chapter, params, key in ordered}
    done: dict[str, ChapterResult] = {}
    bar = _progress(total)
    bar.update(total - len(to_run))

    def finish(result: ChapterResult) -> None:
        done[result.name] = result
        bar.set_postfix_str(f"{result.name} {result.status}")
        bar.update(1)

    workers = max(1, min(jobs, len(to_run)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        running = {}  # future -> (chapter, parameters, key)
        while waiting or running:
            running_names = {chapter.name for chapter, _, _ in running.values()}
            # One chapter per free worker, so that a chapter that becomes ready later can still go first.
            for name in list(waiting):
                chapter, params, key = waiting[name]
                broken = [d for d in depends.get(name, []) if d in done and done[d].status == "failed"]
                if broken:
                    del waiting[name]
                    finish(ChapterResult(name, "failed", 0.0, params, key=key,
                                         error=f"not executed: it depends on {', '.join(broken)}, which failed"))
                    continue
                if len(running) >= workers or any(d in waiting or d in running_names for d in depends.get(name, [])):
                    continue
                del waiting[name]
                target = staging / chapter.source
                future = pool.submit(execute_chapter, str(root / chapter.source), str(target), params,
                                     str(target.parent), str(paths.figures), str(paths.results),
                                     parameters_note(chapter, profile))
                running[future] = (chapter, params, key)
                running_names.add(name)
            if not running:
                continue
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                chapter, params, key = running.pop(future)
                outcome = future.result()
                finish(ChapterResult(
                    chapter.name, "executed" if outcome["ok"] else "failed", outcome["seconds"], params, key=key,
                    error=outcome["error"], executed_at=time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
                    figures=chapter_figures(paths.figures, chapter.name),
                    results=chapter_results(paths.results, chapter.name),
                    results_digest=results_digest(paths.results, chapter_results(paths.results, chapter.name))))
    bar.close()
    return done


def execute_chapters(root: Path, profile: str = "quick", only: list[str] | None = None, force: bool = False,
                     jobs: int | None = None, require_all: bool = True) -> list[ChapterResult]:
    """Execute (or take from the cache) every chapter; return one result per chapter.

    With ``only`` and ``require_all=False`` (executing without rendering), a
    chapter outside ``only`` that was never executed is left out of the
    results instead of being an error.

    A chapter runs after the chapters it depends on (:func:`load_dependencies`).
    With ``only``, the named chapters run, and so does every chapter they
    depend on whose executed copy, figures or saved tables are missing or stale.

    Examples
    --------
    >>> execute_chapters(find_root(Path(__file__)), profile="huge")
    Traceback (most recent call last):
    ...
    superpos.book.build.BuildError: profile must be one of quick, full, got 'huge'
    """
    paths = BuildPaths(root)
    staging = paths.executed
    all_chapters = chapters(root)
    names = [c.name for c in all_chapters]
    unknown = sorted(set(only or []) - set(names))
    if unknown:
        raise BuildError(f"--only names unknown chapter(s) {unknown}; the chapters are {names}")
    parameters = load_parameters(root, profile)
    stray = sorted(set(parameters) - set(names))
    if stray:
        raise BuildError(f"book/profiles.yml ({profile}) has parameters for {stray}, which are not chapters in "
                         f"_toc.yml; the chapters are {names}")
    if jobs is not None and jobs < 1:
        raise BuildError(f"--jobs must be at least 1, got {jobs}")
    depends = load_dependencies(root, names)
    paths.figures.mkdir(parents=True, exist_ok=True)
    paths.results.mkdir(parents=True, exist_ok=True)

    stage_sources(root, staging, {c.source for c in all_chapters})
    cache_path = staging / CACHE_FILE
    cache = json.loads(cache_path.read_text()) if cache_path.is_file() else {}
    package, environment = package_fingerprint(root), environment_fingerprint()

    by_name = {c.name: c for c in all_chapters}
    keys: dict[str, str] = {}
    for name in execution_order(depends):
        keys[name] = cache_key(root, by_name[name], parameters.get(name, {}), package, environment,
                               [keys[d] for d in depends[name]])

    def entry(name):
        return cache.get(name, {})

    def have_copy(name):
        return (staging / by_name[name].source).is_file() and entry(name).get("status") in {"executed", "cached",
                                                                                            "kept"}

    def up_to_date(name):
        made = [paths.figures / f"{n}.json" for n in entry(name).get("figures", [])]
        tables = entry(name).get("results", [])
        return (have_copy(name) and entry(name).get("key") == keys[name] and all(p.is_file() for p in made)
                and (not tables or results_digest(paths.results, tables) == entry(name).get("results_digest")))

    if only is None:
        selected = set(names)
    else:
        # What the named chapters read must be there and current: their stale dependencies run too.
        selected = set(only) | {d for d in _closure(only, depends) - set(only) if not up_to_date(d)}
    results: dict[str, ChapterResult] = {}
    to_run = []
    for chapter in all_chapters:
        name, params, key = chapter.name, parameters.get(chapter.name, {}), keys[chapter.name]
        old = entry(name)
        if name not in selected:
            if not have_copy(name) and not require_all:
                continue  # executing only (no HTML): a chapter never executed is simply left out
            if not have_copy(name):
                raise BuildError(f"chapter {name!r} has never been executed successfully, so the book "
                                 f"cannot be built with --only; build once without --only")
            results[name] = ChapterResult(name, "cached" if old.get("key") == key else "kept",
                                          old.get("seconds", 0.0), old.get("parameters", params),
                                          key=old.get("key", ""), executed_at=old.get("executed_at", ""),
                                          figures=old.get("figures", []), results=old.get("results", []),
                                          results_digest=old.get("results_digest", ""))
        elif not force and up_to_date(name):
            results[name] = ChapterResult(name, "cached", old.get("seconds", 0.0), params, key=key,
                                          executed_at=old.get("executed_at", ""), figures=old.get("figures", []),
                                          results=old.get("results", []),
                                          results_digest=old.get("results_digest", ""))
        else:
            to_run.append((chapter, params, key))

    if to_run:
        seconds = {name: entry(name).get("seconds", 0.0) for name in names}
        results.update(_run(root, staging, paths, profile, to_run, depends, jobs or os.cpu_count() or 1,
                            len(all_chapters), seconds))

    ordered = [results[c.name] for c in all_chapters if c.name in results]
    for result in ordered:
        if result.status != "kept":
            cache[result.name] = {k: v for k, v in asdict(result).items() if k != "name"}
    cache_path.write_text(json.dumps(cache, indent=1, sort_keys=True) + "\n")
    return ordered


# ------------------------------------------------------------------------- rendering


def _jupyter_book(root: Path, builder: str, strict: bool) -> int:
    executable = Path(sys.executable).with_name("jupyter-book")
    command = [str(executable) if executable.exists() else "jupyter-book", "build", str(BuildPaths(root).executed),
               "--path-output", str(root), "--builder", builder, "--keep-going", "--quiet"]
    if strict:
        command.append("--warningiserror")
    return subprocess.run(command, cwd=root).returncode


def render_html(root: Path, strict: bool = True) -> int:
    """Render ``_build/executed`` to ``_build/html`` with Jupyter Book; return its exit code."""
    return _jupyter_book(root, "html", strict)


def render_pdf(root: Path, strict: bool = True) -> int:
    """Render the book as one HTML page (``_build/singlehtml``) and print it to :data:`PDF_NAME` in the HTML output.

    Returns the exit code: 0 when the PDF was written.
    """
    from superpos.book.pdf import PdfError, print_pdf

    code = _jupyter_book(root, "singlehtml", strict)
    if code != 0:
        return code
    paths = BuildPaths(root)
    try:
        pages = print_pdf(paths.singlehtml, paths.pdf)
    except PdfError as error:
        print(f"superpos build: the PDF was not made: {error}", file=sys.stderr)
        return 1
    print(f"PDF of {pages} pages: {paths.pdf}", file=sys.stderr)
    return 0


def render_fingerprint(root: Path, pdf: bool) -> str:
    """Digest of everything the rendered book is made from, except the front page's note on this copy.

    The executed copy of the sources (notebooks, generated pages, figures),
    the book machinery (its Sphinx extension shapes every page), the installed
    packages, and whether a PDF is made. When it matches the last render's, the
    HTML (and PDF) already show exactly this book.
    """
    digest = hashlib.sha256()
    staging = BuildPaths(root).executed
    skip = {staging / CACHE_FILE, staging / "book" / BUILD_INFO_PAGE}
    sources = [p for p in staging.rglob("*") if p.is_file() and p not in skip and p.suffix != ".log"
               and ".ipynb_checkpoints" not in p.parts]
    _digest_files(sources, staging, digest)
    machinery = Path(__file__).resolve().parent
    _digest_files([p for p in machinery.glob("*.py")], machinery, digest)
    digest.update(environment_fingerprint().encode())
    digest.update(b"pdf" if pdf else b"html")
    return digest.hexdigest()


def _stage_generated(root: Path, profile: str, results: list[ChapterResult], all_chapters: list[Chapter]) -> None:
    """Copy each figure's files into the executed copy and write the gallery and reproducibility pages."""
    paths = BuildPaths(root)
    staging, figures = paths.executed, paths.figures
    for name in (n for r in results for n in r.figures):
        for fmt in FIGURE_FILES:
            if (figures / f"{name}.{fmt}").is_file():
                _write_if_changed(staging / "book" / "figures" / f"{name}.{fmt}",
                                  (figures / f"{name}.{fmt}").read_bytes())
    _write_if_changed(staging / "book" / "gallery.md", gallery_page(root, figures, all_chapters, results).encode())
    _write_if_changed(staging / "book" / "reproducibility.md",
                      reproducibility_page(root, profile, results, all_chapters).encode())


def render(root: Path, profile: str, pdf: bool = False) -> int:
    """Render the executed copy to HTML (and the PDF), unless nothing changed since the last render.

    Writes the front page's note on this copy (:func:`superpos.book.pages.build_info_page`:
    profile, date, commit, PDF link) just before rendering. Without ``pdf``,
    a PDF left by an earlier build is removed: the front page no longer
    links it, and it would describe another build.
    """
    paths = BuildPaths(root)
    record_path = paths.html / RENDER_FILE
    fingerprint = render_fingerprint(root, pdf)
    if not pdf and paths.pdf.is_file():
        paths.pdf.unlink()
    if record_path.is_file() and (paths.html / "index.html").is_file() and (not pdf or paths.pdf.is_file()):
        record = json.loads(record_path.read_text())
        if record.get("fingerprint") == fingerprint:
            print(f"nothing changed since the HTML was rendered ({record.get('rendered_at')}); not rendered again",
                  file=sys.stderr)
            return 0
    record_path.unlink(missing_ok=True)
    rendered_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    _write_if_changed(paths.executed / "book" / BUILD_INFO_PAGE,
                      build_info_page(profile, git_commit(root), rendered_at, PDF_NAME if pdf else None).encode())
    code = render_html(root)
    if code == 0 and pdf:
        code = render_pdf(root)
    if code == 0:
        record_path.write_text(json.dumps({"fingerprint": fingerprint, "rendered_at": rendered_at,
                                           "profile": profile, "pdf": pdf}, indent=1) + "\n")
    return code


def build(root: Path, profile: str = "quick", only: list[str] | None = None, force: bool = False,
          jobs: int | None = None, html: bool = True, pdf: bool = False) -> int:
    """Run the whole build; return the process exit code (0 when the book was built).

    Examples
    --------
    >>> build(find_root(Path(__file__)), only=["no-such-chapter"])
    Traceback (most recent call last):
    ...
    superpos.book.build.BuildError: --only names unknown chapter(s) ['no-such-chapter']; the chapters are [...]
    """
    start = time.perf_counter()
    all_chapters = chapters(root)
    results = execute_chapters(root, profile, only, force, jobs, require_all=html)
    print("\n" + _summary_table(results), file=sys.stderr)
    failed = [r for r in results if r.status == "failed"]
    for result in failed:
        notebook = next(c.source for c in all_chapters if c.name == result.name)
        copy = BuildPaths(root).executed / notebook
        print(f"\nFAILED {notebook}: {result.error}\n  partly executed copy kept at {copy}"
              f"\n  kernel log at {copy.with_suffix('.log')}", file=sys.stderr)
    if failed:
        print(f"\n{len(failed)} chapter(s) failed; the HTML book was not built.", file=sys.stderr)
        return 1
    _stage_generated(root, profile, results, all_chapters)
    if not html:
        return 0
    code = render(root, profile, pdf)
    paths = BuildPaths(root)
    print(f"\nbook {'built' if code == 0 else 'FAILED'} in {time.perf_counter() - start:.1f} s"
          + (f": {paths.html / 'index.html'}" if code == 0 else " (errors above)")
          + (f", PDF {paths.pdf}" if code == 0 and pdf else ""), file=sys.stderr)
    return code


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m superpos build [--profile quick|full] [--only CH ...] [--force] [--jobs N] [--pdf]``.

    Examples
    --------
    >>> main(["build", "--only", "no-such-chapter"])   # the error goes to stderr
    2
    """
    parser = argparse.ArgumentParser(prog="superpos", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="execute the chapters and build the HTML book")
    build_parser.add_argument("--profile", choices=PROFILES, default="quick",
                              help="parameter set from book/profiles.yml (default: quick)")
    build_parser.add_argument("--only", nargs="+", metavar="CHAPTER",
                              help="execute only these chapters (notebook names), and the chapters they depend on "
                                   "when those are stale; others come from the cache")
    build_parser.add_argument("--force", action="store_true", help="execute even when the cache is valid")
    build_parser.add_argument("--jobs", type=int, default=None,
                              help="chapters executed in parallel (default: the number of cores)")
    build_parser.add_argument("--no-html", action="store_true", help="execute only; do not render the HTML")
    build_parser.add_argument("--pdf", action="store_true",
                              help=f"also print the whole book to _build/html/{PDF_NAME} with headless Chromium, "
                                   "linked from the front page")
    args = parser.parse_args(argv)
    try:
        root = find_root()
        if args.pdf and args.no_html:
            raise BuildError("--pdf needs the HTML: it cannot be combined with --no-html")
        return build(root, args.profile, args.only, args.force, args.jobs, html=not args.no_html, pdf=args.pdf)
    except BuildError as error:
        print(f"superpos build: error: {error}", file=sys.stderr)
        return 2
