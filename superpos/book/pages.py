"""The pages the build writes into the book: the reproducibility record, the figure gallery, and the note on this copy.

All are Markdown, written into the executed copy of the sources before
Jupyter Book renders it (:func:`superpos.book.build.build`). The note on this
copy (:func:`build_info_page`: which profile, when, from which commit, and the
PDF) is included near the top of the front page.
"""

from __future__ import annotations

import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from superpos.book.build import Chapter, ChapterResult

__all__ = ["BUILD_INFO_PAGE", "KEY_PACKAGES", "build_info_page", "gallery_page", "git_commit", "reproducibility_page"]

#: The note on this copy, in ``book/`` (the front page includes it).
BUILD_INFO_PAGE = "build-info.md"
#: What each profile of ``book/profiles.yml`` is, for the note on this copy.
PROFILE_MEANING = {
    "quick": "small sizes, so that the whole book executes in about a minute; the paper's scale is the `full` "
             "profile, `python -m superpos build --profile full`",
    "full": "the paper's scale",
}

#: Packages whose versions the reproducibility page lists.
KEY_PACKAGES = (
    "superpos", "numpy", "scipy", "sympy", "matplotlib", "papermill", "jupyter-book",
    "myst-nb", "sphinx", "sphinx-proof", "sphinxcontrib-bibtex", "ipykernel",
)


def git_commit(root: Path) -> str:
    """The commit checked out at ``root``, marked when files differ from it.

    Examples
    --------
    >>> git_commit(Path("/"))
    'unknown (not a git checkout)'
    """
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return commit + (" with uncommitted changes" if dirty else "")


def build_info_page(profile: str, commit: str, rendered_at: str, pdf_name: str | None) -> str:
    """Markdown of the note on this copy of the book, included by the front page.

    Parameters
    ----------
    profile : str
        The profile of ``book/profiles.yml`` the chapters were executed with.
    commit : str
        :func:`git_commit` of the sources.
    rendered_at : str
        When the HTML was rendered.
    pdf_name : str or None
        The file name of the PDF of the whole book beside the HTML, when one is made.

    Examples
    --------
    >>> note = build_info_page("quick", "0123456789abcdef0123", "2026-12-07 10:00 UTC", None)
    >>> "**quick profile**" in note and "`0123456789ab`" in note and "2026-12-07 10:00 UTC" in note
    True
    """
    sha, _, rest = commit.partition(" ")
    described = f"commit `{sha[:12]}`" + (f" ({rest})" if rest else "") if sha != "unknown" else "sources outside git"
    meaning = PROFILE_MEANING.get(profile, f"the `{profile}` profile")
    lines = [
        ":::{admonition} This copy of the book",
        ":class: note",
        "",
        f"Executed and rendered with the **{profile} profile** on {rendered_at}, from {described}: {meaning}. "
        "The {doc}`reproducibility` page lists every chapter's parameters and the software versions.",
    ]
    if pdf_name:
        # Raw HTML: the PDF is not a source of the book, so no Sphinx role can link it. The class hides the
        # sentence in print (in the PDF itself).
        lines += ["", f'<span class="superpos-pdf-link"><a class="reference download" href="../{pdf_name}">'
                      "The whole book as one PDF</a>, with its figures and mathematics.</span>"]
    return "\n".join([*lines, ":::", ""])


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def reproducibility_page(root: Path, profile: str, results: list[ChapterResult], chapters_: list[Chapter]) -> str:
    """Markdown of the page that records how this copy of the book was made.

    Examples
    --------
    >>> from superpos.book.build import find_root
    >>> reproducibility_page(find_root(Path(__file__)), "quick", [], []).splitlines()[0]
    '# Reproducibility'
    """
    titles = {c.name: c.title for c in chapters_}
    lines = [
        "# Reproducibility",
        "",
        f"This copy of the book was built with the `{profile}` profile from git commit "
        f"`{git_commit(root)}`. Every chapter below was executed by papermill with the parameters "
        "shown; re-run one at other values with",
        "",
        "```bash",
        "papermill book/<chapter>.ipynb out.ipynb -p <name> <value>",
        "```",
        "",
        "## Chapters",
        "",
        "| chapter | executed at (UTC) | wall time (s) | seed | parameters | up to date |",
        "| --- | --- | ---: | --- | --- | --- |",
    ]
    for result in results:
        params = ", ".join(f"`{k}={v!r}`" for k, v in result.parameters.items()) or "defaults"
        seed = result.parameters.get("seed", "none")
        current = "no: kept from an earlier build by `--only`" if result.status == "kept" else "yes"
        lines.append(f"| {titles.get(result.name, result.name)} | {result.executed_at} | {result.seconds:.1f} | "
                     f"{seed} | {params} | {current} |")
    lines += [
        "",
        "A chapter is executed again only when its notebook, its parameters, the `superpos` sources, the "
        "installed packages or a chapter whose tables it reads changed; otherwise the copy executed at the "
        "time shown is used, and the wall time is that of the run that produced it.",
        "",
        "## Software",
        "",
        f"Python {platform.python_version()} ({platform.python_implementation()}) on {platform.system()} "
        f"{platform.machine()}.",
        "",
        "| package | version |",
        "| --- | --- |",
        *[f"| {p} | {_version(p)} |" for p in KEY_PACKAGES],
        "",
    ]
    return "\n".join(lines)


#: How the gallery names each file of a figure.
FORMAT_LABELS = {"csv": "data (CSV)"}


def gallery_page(root: Path, figures: Path, chapters_: list[Chapter], results: list[ChapterResult]) -> str:
    """Markdown of the figure gallery: every saved figure with caption, files and citation.

    Examples
    --------
    >>> from superpos.book.build import find_root
    >>> from superpos.paths import BuildPaths
    >>> root = find_root(Path(__file__))
    >>> gallery_page(root, BuildPaths(root).figures, [], []).splitlines()[0]
    '# Figure gallery'
    """
    commit = git_commit(root).split()[0][:12]
    lines = [
        "# Figure gallery",
        "",
        "Every figure of the book, made from the computed data of this build. Each is saved as SVG "
        "and PDF (vector, for slides and papers) and PNG, with the plotted data as CSV (one row per "
        "plotted point, to restyle a figure); the file names are stable across builds. "
        "Suggested citation under each figure; please also cite {cite:t}`adler2024complexity`, "
        "the paper this book reproduces.",
        "",
    ]
    made = {r.name: r.figures for r in results}
    for chapter in chapters_:
        names = made.get(chapter.name, [])
        if not names:
            continue
        lines += [f"## {chapter.title}", ""]
        for name in names:
            record = json.loads((figures / f"{name}.json").read_text())
            links = " · ".join(f"{{download}}`{FORMAT_LABELS.get(fmt, fmt.upper())} <figures/{name}.{fmt}>`"
                               for fmt in record["formats"])
            lines += [
                f"### `{name}`",
                "",
                f"![{name}](figures/{name}.png)",
                "",
                record["caption"],
                "",
                f"Download: {links}",
                "",
                f"Cite as: *Computation in superposition, executed*, figure `{name}` "
                f"(chapter “{chapter.title}”, commit `{commit}`).",
                "",
            ]
    return "\n".join(lines)
