"""The stage3 CI: its workflow is valid for GitHub Actions (the vendored
schema, offline), and the workflow and the Containerfile run the same
checks as .ci/run (the script .ci/overlay-checks)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.gentoo import REPO_ROOT

WORKFLOW = REPO_ROOT / ".github/workflows/stage3.yml"
CONTAINERFILE = REPO_ROOT / ".ci/Containerfile"
CHECK = str(Path(sys.executable).with_name("check-jsonschema"))


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CHECK, "--builtin-schema", "vendor.github-workflows", str(path)],
                          text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          check=False)


def test_workflow_is_valid_and_the_schema_bites(tmp_path: Path) -> None:
    assert validate(WORKFLOW).returncode == 0
    broken = tmp_path / "stage3.yml"
    shutil.copyfile(WORKFLOW, broken)
    broken.write_text(WORKFLOW.read_text().replace("runs-on:", "runs_on:"))
    proc = validate(broken)
    assert proc.returncode == 1 and "Schema validation errors" in proc.stdout


def test_container_runs_the_checks_of_ci_run() -> None:
    workflow, containerfile = WORKFLOW.read_text(), CONTAINERFILE.read_text()
    assert "image: gentoo/stage3" in workflow
    assert containerfile.startswith("#") and "FROM docker.io/gentoo/stage3" in containerfile
    checks = ".ci/overlay-checks --gentoo /var/db/repos/gentoo"
    tests = 'python -m pytest -m "not lab and not slow" tests'
    for text in (workflow, containerfile):
        assert "emerge-webrsync" in text and checks in text and tests in text
    assert ".ci/overlay-checks" in (REPO_ROOT / ".ci/run").read_text()
