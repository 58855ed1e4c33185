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


def test_workflow_builds_and_publishes_the_book():
    workflow = _yaml(".github/workflows/book.yml")
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"]
    steps = workflow["jobs"]["build"]["steps"]
    commands = [s.get("run", "") for s in steps]
    assert "python -m pip install -r requirements.txt" in commands
    assert "python -m superpos build" in commands
    uses = {s["uses"].split("@")[0]: s for s in steps if "uses" in s}
    assert uses["actions/setup-python"]["with"]["cache"] == "pip"
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == "_build/html"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
