"""No destroy on upgrade: every environment is applied as the previous release (RELEASES, exported from git) had it,
then planned and applied with this checkout's configuration over the same state (tests/support/stack.py
`emulated`). Nothing may be destroyed or replaced; tests/terraform/test_apply.py then checks the plan after it is
empty. Where the clone lacks the release's commit, the upgrade is skipped with the reason and what to run."""

from __future__ import annotations

import json

import pytest

from support import releases
from support.terraform import ENVIRONMENTS


def upgrade_plan(emulated, upgrade_from, env: str) -> dict:
    if upgrade_from.skipped_because:
        pytest.skip(upgrade_from.skipped_because)
    plan = emulated[env].deployment.upgrade_plan
    assert plan is not None, "the stack was not applied as the previous release first"
    return plan


# Replaced by design, each new one made before the old one is deleted (create_before_destroy), so that the stage
# never points at nothing and a route is never without its permission: the API deployment on every change of the
# API (a deployment is an immutable snapshot), and from 2.0.0 on the invoke permissions, which move from each
# function's policy to its alias's (the qualifier is part of a permission's identity in Lambda and the provider).
REPLACED_BY_DESIGN = {"aws_api_gateway_deployment", "aws_lambda_permission"}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_upgrading_from_the_previous_release_destroys_and_replaces_nothing(env, emulated, upgrade_from):
    changes = upgrade_plan(emulated, upgrade_from, env)["resource_changes"]

    destroyed = [
        c["address"] for c in changes if "delete" in c["change"]["actions"] and c["type"] not in REPLACED_BY_DESIGN
    ]
    forgotten = [c["address"] for c in changes if c["change"]["actions"] == ["forget"]]
    assert destroyed == [], f"{env}: upgrading from {upgrade_from.release.version} destroys or replaces {destroyed}"
    replaced = [c for c in changes if c["type"] in REPLACED_BY_DESIGN and "delete" in c["change"]["actions"]]
    assert all(c["change"]["actions"] == ["create", "delete"] for c in replaced), "the new one first"
    assert forgotten == [], f"{env}: upgrading from {upgrade_from.release.version} forgets {forgotten}"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_upgrade_adds_the_change_events_stack_on_the_table_already_streaming(env, emulated, upgrade_from):
    """1.0.0 enabled the workouts table's stream and nothing read it: the upgrade creates the bus, the function,
    the mapping and the queue around it, and leaves the table in place."""
    changes = upgrade_plan(emulated, upgrade_from, env)["resource_changes"]
    created = {c["type"] for c in changes if c["change"]["actions"] == ["create"] and ".change_events." in c["address"]}
    table = [c for c in changes if c["address"].endswith("module.workouts_table.aws_dynamodb_table.this")]

    assert {"aws_cloudwatch_event_bus", "aws_lambda_function", "aws_lambda_event_source_mapping", "aws_sqs_queue",
            "aws_cloudwatch_metric_alarm", "aws_iam_role", "aws_iam_role_policy"} <= created  # fmt: skip
    assert [c["change"]["actions"] for c in table] in ([["no-op"]], [["update"]])


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_upgrade_points_the_api_at_each_functions_alias_in_place(env, emulated, upgrade_from):
    """The API's integrations move from each function's unqualified ARN to its alias by updating the REST API in
    place; the functions themselves are updated (publishing a version), not replaced."""
    changes = upgrade_plan(emulated, upgrade_from, env)["resource_changes"]
    (rest_api,) = [c for c in changes if c["type"] == "aws_api_gateway_rest_api"]
    functions = [c for c in changes if c["type"] == "aws_lambda_function" and ".change_events." not in c["address"]]
    aliases = [c for c in changes if c["type"] == "aws_lambda_alias"]

    assert rest_api["change"]["actions"] == ["update"]
    assert {tuple(c["change"]["actions"]) for c in functions} == {("update",)}
    assert len(aliases) == 3 and {tuple(c["change"]["actions"]) for c in aliases} == {("create",)}
    body = json.loads(emulated[env].deployment.resource(rest_api["address"])["values"]["body"])
    uris = {operation["x-amazon-apigateway-integration"]["uri"]
            for methods in body["paths"].values() for operation in methods.values()}  # fmt: skip
    assert uris and all(uri.endswith(":live/invocations") for uri in uris), uris


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


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_backfill_indexed_every_workout_the_previous_release_stored_once(env, emulated, upgrade_from):
    upgrade_plan(emulated, upgrade_from, env)
    stored = {answer["workoutId"] for _, answer in emulated[env].legacy}

    assert len(stored) == 5, "four workouts and one sent twice with an Idempotency-Key"
    assert (emulated[env].backfilled.indexed, emulated[env].backfilled.already) == (len(stored), 0)
    from support.stack import run_backfill

    again = run_backfill(emulated[env].deployment, emulated[env].emulator)
    assert (again.indexed, again.already) == (0, 0), "a second run finds nothing left to do"


def test_the_previous_releases_workouts_are_listed_read_corrected_and_counted_after_the_upgrade(emulated, upgrade_from):
    """dev, upgraded from the previous release with workouts its code stored, then backfilled: the totals are those
    the old code kept, and every new route sees the old workouts."""
    from decimal import Decimal

    from support.http_client import request
    from support.stack import running_local_stack

    if "dev" not in ENVIRONMENTS:
        pytest.skip("reads dev through the local stack")
    upgrade_plan(emulated, upgrade_from, "dev")
    legacy = {answer["workoutId"]: body for body, answer in emulated["dev"].legacy}
    user = next(iter(legacy.values()))["userId"]
    with running_local_stack(emulated["dev"], log_level="WARNING") as stack:
        stats = request(
            "GET", f"{stack.url}/stats/{user}?from=2026-06-01T00:00:00Z&to=2026-08-01T00:00:00Z&period=month"
        )
        listed = request("GET", f"{stack.url}/workouts?userId={user}&limit=100").body["items"]
        running = request("GET", f"{stack.url}/workouts?userId={user}&type=running").body["items"]
        read = {workout_id: request("GET", f"{stack.url}/workouts/{workout_id}") for workout_id in legacy}
        first = next(iter(legacy))
        corrected = request("PATCH", f"{stack.url}/workouts/{first}", {"notes": "corrected after the upgrade"},
                            headers={"If-Match": '"1"'})  # fmt: skip

    assert stats.status == 200, stats.body
    assert stats.body["totalWorkouts"] == len(legacy)
    assert Decimal(str(stats.body["totalCaloriesBurned"])) == sum(
        Decimal(str(b["caloriesBurned"])) for b in legacy.values()
    )
    assert [(p["start"], p["workouts"]) for p in stats.body["periods"]] == [("2026-06-01", 4), ("2026-07-01", 1)]
    assert sum(p["workouts"] for p in stats.body["periods"]) == stats.body["totalWorkouts"]
    assert {w["workoutId"] for w in listed} == set(legacy)
    assert {w["workoutId"] for w in running} == {i for i, b in legacy.items() if b["workoutType"] == "running"}
    assert {i: (a.status, a.headers.get("ETag")) for i, a in read.items()} == {i: (200, '"1"') for i in legacy}
    assert all(w["utcOffset"] == "+00:00" for w in listed), "1.0 kept no offset: its workouts count in UTC days"
    assert (corrected.status, corrected.headers.get("ETag")) == (200, '"2"'), corrected.body
