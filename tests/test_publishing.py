"""Citation metadata and the publishing workflow agree with the book they describe."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _yaml(path: str) -> dict:
    return yaml.safe_load((ROOT / path).read_text())


def test_citation_describes_this_book():
    citation, config = _yaml("CITATION.cff"), _yaml("_config.yml")
    # The [project] table's own keys (tomllib is not in Python 3.10).
    project = dict(re.findall(r'^(version|license) = "([^"]+)"$', (ROOT / "pyproject.toml").read_text(), re.M))
    assert citation["cff-version"] == "1.2.0"
    assert {"cff-version", "message", "title", "authors"} <= set(citation)
    assert citation["title"] == config["title"]
    assert citation["version"] == project["version"]
    assert citation["license"] == project["license"]
    assert (ROOT / "LICENSE").is_file() and project["license"] in (ROOT / "LICENSE").read_text()
    assert all(author.get("name") or author.get("family-names") for author in citation["authors"])


def test_citation_names_the_reproduced_paper():
    (paper,) = [r for r in _yaml("CITATION.cff")["references"] if "2409.15318" in r["url"]]
    assert [a["family-names"] for a in paper["authors"]] == ["Adler", "Shavit"]
    assert paper["year"] == 2024
    assert {"type": "doi", "value": "10.48550/arXiv.2409.15318"}.items() <= paper["identifiers"][0].items()


def _workflow():
    workflow = _yaml(".github/workflows/book.yml")
    steps = workflow["jobs"]["build"]["steps"]
    uses = {s["uses"].split("@")[0]: s for s in steps if "uses" in s}
    return workflow, steps, uses


def test_workflow_builds_and_publishes_the_book_at_the_papers_scale():
    workflow, steps, uses = _workflow()
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"]
    commands = [s.get("run", "") for s in steps]
    assert "python -m pip install -r requirements.txt" in commands
    (build,) = [s for s in steps if s.get("run", "").startswith("python -m superpos build")]
    assert build["run"] == "python -m superpos build --profile full --pdf"
    assert uses["actions/setup-python"]["with"]["cache"] == "pip"
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == "_build/html"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


def test_workflow_keeps_the_executed_chapters_between_runs():
    _, steps, uses = _workflow()
    restore, save = uses["actions/cache/restore"], uses["actions/cache/save"]
    names = [s.get("uses", s.get("run", "")).split("@")[0] for s in steps]
    build = next(i for i, name in enumerate(names) if name.startswith("python -m superpos build"))
    assert names.index("actions/cache/restore") < build < names.index("actions/cache/save")
    kept = {"_build/executed", "_build/figures", "_build/results"}  # the cache file lives in _build/executed
    assert set(restore["with"]["path"].split()) == set(save["with"]["path"].split()) == kept
    # The newest earlier copy is restored (a prefix of every key saved), whatever changed since.
    prefix = restore["with"]["restore-keys"].strip()
    assert restore["with"]["key"].startswith(prefix) and "${{ github.run_id }}" in restore["with"]["key"]
    assert save["with"]["key"] == f"${{{{ steps.{restore['id']}.outputs.cache-primary-key }}}}"
    assert save["if"] == "always()"


def test_workflow_gives_the_pdf_a_browser():
    _, steps, uses = _workflow()
    chromium = uses["browser-actions/setup-chrome"]
    assert chromium["with"]["install-chromedriver"] is True
    (build,) = [s for s in steps if s.get("run", "").startswith("python -m superpos build")]
    outputs = f"steps.{chromium['id']}.outputs"
    assert build["env"] == {"SUPERPOS_CHROMIUM": f"${{{{ {outputs}.chrome-path }}}}",
                            "SUPERPOS_CHROMEDRIVER": f"${{{{ {outputs}.chromedriver-path }}}}"}


def test_readme_says_what_the_online_copy_is():
    readme = (ROOT / "README.md").read_text()
    online = readme[readme.index("## Read it online"):].split("\n## ")[0]
    assert "full profile" in online and "--pdf" in online and "front page" in online
