"""Build the book: execute every chapter with papermill, then render with Jupyter Book.

The source notebooks under ``book/`` are never executed in place. The build

1. copies the book's sources (``_config.yml``, ``_toc.yml`` and ``book/``) into
   ``_build/executed/`` and executes each chapter notebook listed in
   ``_toc.yml`` into that copy with papermill, using the chapter's parameters
   for the chosen profile from ``book/profiles.yml``;
2. writes the generated pages (figure gallery, reproducibility record) into the
   copy; and
3. renders the copy to ``_build/html/`` with Jupyter Book, whose own execution
   is off; any Sphinx warning fails the build.

A chapter is executed again only when something it depends on changed: its
notebook, its parameters, any source file of the ``superpos`` package outside
this subpackage (the chapters never import the book machinery), or the set of
installed package versions (Jupyter Book's own cache keys on the code cells
alone, so it would miss a change in an imported module). The cache key is the
SHA-256 digest of all of these.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

import yaml

from superpos.book.pages import gallery_page, reproducibility_page
from superpos.paths import BuildPaths, find_root as find_book_root

__all__ = ["CACHE_FILE", "PROFILES", "BuildError", "Chapter", "ChapterResult", "build", "chapters", "execute_chapters",
           "find_root", "load_parameters", "main", "package_fingerprint", "toc_docnames"]

#: The parameter sets of ``book/profiles.yml``.
PROFILES = ("quick", "full")
#: The cache of executed chapters, in the executed copy.
CACHE_FILE = ".superpos-cache.json"
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
    profiles = yaml.safe_load((root / "book" / "profiles.yml").read_text()) or {}
    if profile not in profiles:
        raise BuildError(f"book/profiles.yml has no {profile!r} profile (it has {sorted(profiles)})")
    return {name: dict(params or {}) for name, params in (profiles[profile] or {}).items()}


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


def cache_key(root: Path, chapter: Chapter, parameters: dict, package: str, environment: str) -> str:
    """The SHA-256 key that decides whether a chapter's executed copy is still valid."""
    digest = hashlib.sha256()
    digest.update((root / chapter.source).read_bytes())
    digest.update(json.dumps(parameters, sort_keys=True, default=str).encode())
    digest.update(package.encode())
    digest.update(environment.encode())
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


def execute_chapter(source: str, target: str, parameters: dict, cwd: str, figures: str) -> dict:
    """Execute one notebook with papermill; return a summary (runs in a worker process)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    os.environ["SUPERPOS_FIGURES_DIR"] = figures
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
            return _execute(papermill, PapermillExecutionError, source, target, parameters, cwd, start)
        finally:
            os.dup2(saved_stderr, 2)
            os.close(saved_stderr)


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


# ----------------------------------------------------------------------------- main


def _progress(total: int):
    from tqdm import tqdm

    return tqdm(total=total, desc="chapters", unit="chapter", disable=None, file=sys.stderr)


def _summary_table(results: list[ChapterResult]) -> str:
    width = max([len(r.name) for r in results] + [7])
    rows = [f"{'chapter':<{width}}  {'status':<8}  {'seconds':>8}"]
    rows += [f"{r.name:<{width}}  {r.status:<8}  {r.seconds:>8.1f}" for r in results]
    return "\n".join(rows)


def execute_chapters(root: Path, profile: str = "quick", only: list[str] | None = None, force: bool = False,
                     jobs: int | None = None) -> list[ChapterResult]:
    """Execute (or take from the cache) every chapter; return one result per chapter.

    Examples
    --------
    >>> execute_chapters(find_root(Path(__file__)), profile="huge")
    Traceback (most recent call last):
    ...
    superpos.book.build.BuildError: profile must be one of quick, full, got 'huge'
    """
    paths = BuildPaths(root)
    staging, figures = paths.executed, paths.figures
    figures.mkdir(parents=True, exist_ok=True)
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

    stage_sources(root, staging, {c.source for c in all_chapters})
    cache_path = staging / CACHE_FILE
    cache = json.loads(cache_path.read_text()) if cache_path.is_file() else {}
    package, environment = package_fingerprint(root), environment_fingerprint()

    results: dict[str, ChapterResult] = {}
    to_run = []
    for chapter in all_chapters:
        params = parameters.get(chapter.name, {})
        key = cache_key(root, chapter, params, package, environment)
        entry = cache.get(chapter.name, {})
        target = staging / chapter.source
        have_copy = target.is_file() and entry.get("status") in {"executed", "cached", "kept"}
        figures_present = all((figures / f"{n}.json").is_file() for n in entry.get("figures", []))
        selected = only is None or chapter.name in only
        if not selected:
            if not have_copy:
                raise BuildError(f"chapter {chapter.name!r} has never been executed successfully, so the book "
                                 f"cannot be built with --only; build once without --only")
            results[chapter.name] = ChapterResult(chapter.name, "kept" if entry.get("key") != key else "cached",
                                                  entry.get("seconds", 0.0), entry.get("parameters", params),
                                                  key=entry.get("key", ""), executed_at=entry.get("executed_at", ""),
                                                  figures=entry.get("figures", []))
        elif not force and have_copy and entry.get("key") == key and figures_present:
            results[chapter.name] = ChapterResult(chapter.name, "cached", entry.get("seconds", 0.0), params, key=key,
                                                  executed_at=entry.get("executed_at", ""),
                                                  figures=entry.get("figures", []))
        else:
            to_run.append((chapter, params, key))

    jobs = jobs or os.cpu_count() or 1
    if to_run:
        bar = _progress(len(all_chapters))
        bar.update(len(all_chapters) - len(to_run))
        with ProcessPoolExecutor(max_workers=min(jobs, len(to_run))) as pool:
            futures = {
                pool.submit(execute_chapter, str(root / chapter.source), str(staging / chapter.source), params,
                            str((staging / chapter.source).parent), str(figures)): (chapter, params, key)
                for chapter, params, key in to_run
            }
            for future in as_completed(futures):
                chapter, params, key = futures[future]
                outcome = future.result()
                status = "executed" if outcome["ok"] else "failed"
                results[chapter.name] = ChapterResult(
                    chapter.name, status, outcome["seconds"], params, key=key, error=outcome["error"],
                    executed_at=time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
                    figures=chapter_figures(figures, chapter.name))
                bar.set_postfix_str(f"{chapter.name} {status}")
                bar.update(1)
        bar.close()

    ordered = [results[c.name] for c in all_chapters]
    for result in ordered:
        if result.status != "kept":
            cache[result.name] = {k: v for k, v in asdict(result).items() if k != "name"}
    cache_path.write_text(json.dumps(cache, indent=1, sort_keys=True) + "\n")
    return ordered


def render_html(root: Path, strict: bool = True) -> int:
    """Render ``_build/executed`` to ``_build/html`` with Jupyter Book; return its exit code."""
    executable = Path(sys.executable).with_name("jupyter-book")
    command = [str(executable) if executable.exists() else "jupyter-book", "build", str(BuildPaths(root).executed),
               "--path-output", str(root), "--builder", "html", "--keep-going", "--quiet"]
    if strict:
        command.append("--warningiserror")
    return subprocess.run(command, cwd=root).returncode


def build(root: Path, profile: str = "quick", only: list[str] | None = None, force: bool = False,
          jobs: int | None = None, html: bool = True) -> int:
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
    results = execute_chapters(root, profile, only, force, jobs)
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
    paths = BuildPaths(root)
    staging, figures = paths.executed, paths.figures
    for name in (n for r in results for n in r.figures):
        for fmt in ("svg", "pdf", "png", "csv"):
            if (figures / f"{name}.{fmt}").is_file():
                _write_if_changed(staging / "book" / "figures" / f"{name}.{fmt}", (figures / f"{name}.{fmt}").read_bytes())
    _write_if_changed(staging / "book" / "gallery.md", gallery_page(root, figures, all_chapters, results).encode())
    _write_if_changed(staging / "book" / "reproducibility.md",
                      reproducibility_page(root, profile, results, all_chapters).encode())
    if not html:
        return 0
    code = render_html(root)
    print(f"\nbook {'built' if code == 0 else 'FAILED'} in {time.perf_counter() - start:.1f} s"
          + (f": {paths.html / 'index.html'}" if code == 0 else " (Sphinx reported errors above)"),
          file=sys.stderr)
    return code


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m superpos build [--profile quick|full] [--only CH ...] [--force] [--jobs N]``.

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
                              help="execute only these chapters (notebook names); others come from the cache")
    build_parser.add_argument("--force", action="store_true", help="execute even when the cache is valid")
    build_parser.add_argument("--jobs", type=int, default=None,
                              help="chapters executed in parallel (default: the number of cores)")
    build_parser.add_argument("--no-html", action="store_true", help="execute only; do not render the HTML")
    args = parser.parse_args(argv)
    try:
        root = find_root()
        return build(root, args.profile, args.only, args.force, args.jobs, html=not args.no_html)
    except BuildError as error:
        print(f"superpos build: error: {error}", file=sys.stderr)
        return 2
