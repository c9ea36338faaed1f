"""Options and output shared by the host commands (check, render, apply, plan)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from xenmig.errors import UserError
from xenmig.findings import Finding, Level
from xenmig.gentoo.repos import RepoSet, repo_set
from xenmig.spec import HostSpec, load_spec
from xenmig.spec.load import check_fleet


def add_config_root(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config-root", type=Path, metavar="DIR",
        help="portage configuration to read repositories and profile from (default: the "
             "system's when it has a gentoo repository, else the embedded snapshot)",
    )


def repositories(args: argparse.Namespace) -> RepoSet:
    repos = repo_set(args.config_root)
    for warning in repos.warnings:
        print(f"xenmig: warning: {warning}", file=sys.stderr)
    return repos


def load_specs(paths: Iterable[Path]) -> list[HostSpec]:
    """Load every spec first (bad input exits 2 before any work); host
    names must be unique (they name the output directories), and so must
    guests and their MACs across the fleet."""
    specs = [load_spec(path) for path in paths]
    seen: dict[str, Path] = {}
    for spec in specs:
        if spec.name in seen:
            raise UserError(
                f"{spec.path}: [host] name: {spec.name!r} is also the name in {seen[spec.name]}"
            )
        seen[spec.name] = spec.path
    check_fleet(specs)
    return specs


def print_findings(findings: Iterable[Finding], *, minimum: Level = Level.INFO,
                   file: TextIO | None = None) -> None:
    for finding in findings:
        if finding.level >= minimum:
            print(finding, file=file)


def print_json(data: Any, *, compact: bool = False) -> None:
    """Indented for people; ``compact`` (one line, json's C encoder) for
    large documents such as a fleet's summary."""
    if compact:
        json.dump(data, sys.stdout, separators=(",", ":"))
    else:
        json.dump(data, sys.stdout, indent=2)
    sys.stdout.write("\n")
