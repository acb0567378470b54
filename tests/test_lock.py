"""requirements.lock keeps up with pyproject.toml: every dependency CI installs is pinned in it,
at a version its range allows, with hashes (issue 25)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
EXTRAS = ("test", "lint", "ray")  # what .ci/run installs
LOCK_PYTHON = {"python_version": "3.11", "python_full_version": "3.11.0", "sys_platform": "linux"}
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", re.MULTILINE)


def _pins() -> dict[str, str]:
    text = (REPO / "requirements.lock").read_text(encoding="utf-8")
    return {canonicalize_name(name): version for name, version in _PIN.findall(text)}


def _required() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    for extra in EXTRAS:
        specs += project["optional-dependencies"][extra]
    requirements = [Requirement(spec) for spec in specs]
    # audioop-lts is for Python 3.13 on: not in a lock made for 3.11.
    return [r for r in requirements if r.marker is None or r.marker.evaluate(LOCK_PYTHON)]


@pytest.mark.parametrize("requirement", _required(), ids=str)
def test_every_dependency_is_pinned_in_range(requirement: Requirement) -> None:
    pinned = _pins().get(canonicalize_name(requirement.name))
    assert pinned is not None, f"{requirement.name} is not in requirements.lock: regenerate it"
    assert requirement.specifier.contains(pinned, prereleases=True), (
        f"requirements.lock pins {requirement.name}=={pinned}, outside {requirement.specifier}: "
        "regenerate it (README, Development)"
    )


def test_every_pin_has_a_hash() -> None:
    blocks = re.split(r"\n(?=[A-Za-z0-9])", (REPO / "requirements.lock").read_text("utf-8"))
    pins = [b for b in blocks if _PIN.match(b)]
    assert pins
    assert all("--hash=sha256:" in b for b in pins), "a pin without its hashes"
