"""No destroy on upgrade: every environment is applied as the previous release (RELEASES, exported from git) had it,
then planned and applied with this checkout's configuration over the same state (tests/support/stack.py
`emulated`). Nothing may be destroyed or replaced; tests/terraform/test_apply.py then checks the plan after it is
empty. Where the clone lacks the release's commit, the upgrade is skipped with the reason and what to run."""

from __future__ import annotations

import pytest

from support import releases
from support.terraform import ENVIRONMENTS


def upgrade_plan(emulated, upgrade_from, env: str) -> dict:
    if upgrade_from.skipped_because:
        pytest.skip(upgrade_from.skipped_because)
    plan = emulated[env].deployment.upgrade_plan
    assert plan is not None, "the stack was not applied as the previous release first"
    return plan


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_upgrading_from_the_previous_release_destroys_and_replaces_nothing(env, emulated, upgrade_from):
    changes = upgrade_plan(emulated, upgrade_from, env)["resource_changes"]

    destroyed = [c["address"] for c in changes if "delete" in c["change"]["actions"]]
    forgotten = [c["address"] for c in changes if c["change"]["actions"] == ["forget"]]
    assert destroyed == [], f"{env}: upgrading from {upgrade_from.release.version} destroys or replaces {destroyed}"
    assert forgotten == [], f"{env}: upgrading from {upgrade_from.release.version} forgets {forgotten}"


def test_the_upgrade_starts_from_the_newest_recorded_release(upgrade_from):
    """RELEASES lists each release once, oldest first, with increasing versions; the newest is the start."""
    recorded = releases.recorded()
    versions = [tuple(map(int, release.version.split("."))) for release in recorded]

    assert versions == sorted(set(versions)), "RELEASES must list each version once, oldest first"
    assert upgrade_from.release == (recorded[-1] if recorded else None)


def test_every_release_in_the_changelog_is_recorded_with_its_commit():
    """RELEASES names a commit, so it can record a release only in a later commit: the newest CHANGELOG release may
    be missing from it (the release commit itself), no other."""
    import re

    from support.terraform import ROOT

    changelog = (ROOT / "CHANGELOG.md").read_text()
    headings = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", changelog, flags=re.MULTILINE)
    recorded = {(r.version, r.date) for r in releases.recorded()}

    assert recorded <= set(headings), "RELEASES names a release the CHANGELOG does not describe"
    assert set(headings[1:]) <= recorded, "a release older than the newest is not recorded in RELEASES"
    releases_start = min((changelog.index(f"## [{version}]") for version, _ in headings), default=len(changelog))
    assert 0 <= changelog.find("## [Unreleased]") < releases_start, "[Unreleased] comes first"
