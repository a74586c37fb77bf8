"""The releases recorded in RELEASES (version, commit, date), and the previous release's configuration, exported
from git for the upgrade test.

A clone without that commit (`git clone --depth 1`, GitHub's default checkout) or a copy without git (an unpacked
`git archive`, the copies of `make mutation`) cannot export it: `unavailable()` says why and what to run, and the
stack is then applied from this checkout alone, with the upgrade test skipped for that reason.
"""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from support.terraform import ROOT

RECORD = ROOT / "RELEASES"
LINE = re.compile(r"^(?P<version>\d+\.\d+\.\d+) +(?P<commit>[0-9a-f]{40}) +(?P<date>\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Release:
    version: str
    commit: str
    date: str


def recorded() -> list[Release]:
    """Every release in RELEASES, oldest first (comments and blank lines ignored; any other line is an error)."""
    releases = []
    for number, line in enumerate(RECORD.read_text().splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        found = LINE.match(line)
        if found is None:
            raise ValueError(f"RELEASES line {number} is not '<version> <40-hex commit> <YYYY-MM-DD>': {line!r}")
        releases.append(Release(**found.groupdict()))
    return releases


def previous() -> Release | None:
    """The newest release: what a user upgrades from to this checkout."""
    releases = recorded()
    return releases[-1] if releases else None


def _git(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, check=False)


@cache
def unavailable(release: Release) -> str | None:
    """Why `release` cannot be exported here, with what to run instead; None when it can."""
    top = _git("rev-parse", "--show-toplevel")
    if top.returncode != 0 or Path(top.stdout.decode().strip()).resolve() != ROOT.resolve():
        return (
            f"the upgrade from release {release.version} is not tested: this copy has no git history (an unpacked "
            f"source archive?); run `make test` in a clone of the repository to test it"
        )
    if _git("cat-file", "-e", f"{release.commit}^{{commit}}").returncode != 0:
        return (
            f"the upgrade from release {release.version} is not tested: its commit {release.commit[:12]} is not in "
            f"this clone (a shallow clone?); run `git fetch --unshallow` (in GitHub Actions, actions/checkout with "
            f"fetch-depth: 0), then `make test` again"
        )
    return None


def export(release: Release, target: Path) -> Path:
    """modules/ and environments/ as `release` had them, written under `target`."""
    archive = _git("archive", release.commit, "modules", "environments")
    if archive.returncode != 0:
        raise RuntimeError(f"git archive {release.commit} failed: {archive.stderr.decode()[-2000:]}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")
    return target
