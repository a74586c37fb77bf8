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
    """modules/, environments/ and the Lambda package's source (lambda/src) as `release` had them, under `target`."""
    archive = _git("archive", release.commit, "modules", "environments", "lambda/src")
    if archive.returncode != 0:
        raise RuntimeError(f"git archive {release.commit} failed: {archive.stderr.decode()[-2000:]}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")
    return target


# Runs in a child interpreter: the release's package first on the path, one proxy event per line of stdin, one
# proxy response per "RESPONSE " line of stdout (the handler's own logs go there too).
_RUN_HANDLER = """
import json, sys
sys.path.insert(0, sys.argv[1])
import importlib
module_name, _, name = sys.argv[2].rpartition(".")
module = importlib.import_module(module_name)
assert module.__file__.startswith(sys.argv[1]), module.__file__
from workout_local.events import LambdaContext
handler = getattr(module, name)
for line in sys.stdin:
    answer = handler(json.loads(line), LambdaContext(function_name="previous-release"))
    print("RESPONSE " + json.dumps(answer), flush=True)
"""


def invoke_release_code(exported: Path, handler: str, environment: dict[str, str], events: list[dict]) -> list[dict]:
    """Run the handler of an exported release's package (not this checkout's) on each event, as its function would
    in the environment `environment`; the proxy responses."""
    import json
    import os
    import sys

    result = subprocess.run(
        [sys.executable, "-c", _RUN_HANDLER, str(exported / "lambda" / "src"), handler],
        input="".join(json.dumps(event) + "\n" for event in events),
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return [json.loads(line[9:]) for line in result.stdout.splitlines() if line.startswith("RESPONSE ")]
