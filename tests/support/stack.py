"""The Terraform-applied stacks the terraform, contract, e2e and reliability suites share: the Lambda zips, every
environment applied by Terraform to an emulator of its own (upgraded from the previous release where the clone
has it), and `make run`'s local stack serving one of them.

Fixtures (a pytest plugin, loaded by tests/conftest.py): `built_zips`, `fresh_builds`, `upgrade_from`, `emulated`.
"""

from __future__ import annotations

import contextlib
import os
import platform
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from support import iam, releases
from support.terraform import ENVIRONMENTS, ROOT

# Settings the suites give each environment on top of its own (environments/<env>/main.tf): dev's DEBUG logs would
# flood the output of the local-stack suites, which serve dev.
TEST_SETTINGS = {"dev": {"log_level": "WARNING"}}


@dataclass(frozen=True)
class Emulated:
    """One environment applied by Terraform to its own emulator; on an upgrade, with the workouts the previous
    release's code stored before it (`legacy`: each body sent and the answer) and what the backfill did."""

    emulator: Any
    deployment: Any
    legacy: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    backfilled: Any = None


@dataclass(frozen=True)
class UpgradeFrom:
    """The release the stacks were first applied as, or why they were applied from this checkout alone."""

    release: releases.Release | None
    skipped_because: str | None


def _build(runtime: str, arch: str, out: Path) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    from build_lambda import build

    build(runtime, arch, out)


@pytest.fixture(scope="session")
def built_zips() -> Iterator[dict[str, Path]]:
    """The deployable zip (python3.13, arm64) and the same build for this machine's Python and CPU, so that the
    handlers can be imported from it here."""
    from concurrent.futures import ThreadPoolExecutor

    host_arch = "arm64" if platform.machine() in ("aarch64", "arm64") else "x86_64"
    host_runtime = f"python{sys.version_info.major}.{sys.version_info.minor}"
    with tempfile.TemporaryDirectory(prefix="test-zips-") as scratch:
        target, host = Path(scratch) / "target.zip", Path(scratch) / "host.zip"
        # Each build spends most of its time in pip, waiting on files: two at once take little more than one.
        with ThreadPoolExecutor(2) as pool:
            builds = [
                pool.submit(_build, "python3.13", "arm64", target),
                pool.submit(_build, host_runtime, host_arch, host),
            ]
            for future in builds:
                future.result()
        extracted = Path(scratch) / "host"
        with zipfile.ZipFile(host) as archive:
            archive.extractall(extracted)  # the zip this session just built
        yield {"target": target, "host": host, "host_extracted": extracted}


@pytest.fixture(scope="session")
def fresh_builds(tmp_path_factory) -> tuple[Path, Path]:
    """Two builds of the deployable zip (python3.13, arm64), each in a folder of its own, made one after the other
    from the same sources: tests/contract/test_artifact.py compares them, `make run`'s test serves the first."""
    first = tmp_path_factory.mktemp("first") / "workout-log-python3.13-arm64.zip"
    second = tmp_path_factory.mktemp("second") / "workout-log-python3.13-arm64.zip"
    _build("python3.13", "arm64", first)
    _build("python3.13", "arm64", second)
    return first, second


@pytest.fixture(scope="session")
def upgrade_from() -> UpgradeFrom:
    release = releases.previous()
    if release is None:
        return UpgradeFrom(None, "no release is recorded in RELEASES yet: there is nothing to upgrade from")
    return UpgradeFrom(release, releases.unavailable(release))


@pytest.fixture(scope="session")
def emulated(built_zips, upgrade_from, tmp_path_factory) -> Iterator[dict[str, Emulated]]:
    """Every environment under test applied by Terraform (`terraform apply` of its own folder, the deployable zip)
    to an emulator of its own, all at once: first as the previous release had it, then as this checkout has it
    (deploy_upgraded), so that every suite runs on an upgraded deployment; from this checkout alone where the
    previous release cannot be exported (`upgrade_from` says why). Skipped, with the reason, only where the aws
    provider can be neither downloaded nor found in a mirror."""
    from concurrent.futures import ThreadPoolExecutor

    from workout_local.deploy import ProviderUnavailable, deploy, deploy_upgraded
    from workout_local.emulator import EmulatorProcess

    previous = None
    if upgrade_from.skipped_because is None:
        previous = releases.export(upgrade_from.release, tmp_path_factory.mktemp("previous"))

    legacy: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {env: [] for env in ENVIRONMENTS}
    backfilled: dict[str, Any] = {}

    def apply(env: str, emulator: EmulatorProcess, work: Path) -> Any:
        settings, package = TEST_SETTINGS.get(env), built_zips["target"]
        if previous is None:
            return deploy(env, emulator.endpoint, work, settings, package)

        def meanwhile(old: Any) -> None:  # users store workouts with the previous release's code
            legacy[env] = write_as_previous_release(previous, old, emulator)

        upgraded = deploy_upgraded(env, emulator.endpoint, work, previous, settings, package, between=meanwhile)
        backfilled[env] = run_backfill(upgraded, emulator)  # the documented step after the upgrade's apply
        return upgraded

    emulators = {env: EmulatorProcess(extensions=[iam.EXTENSION]).start() for env in ENVIRONMENTS}
    try:
        with ThreadPoolExecutor(len(ENVIRONMENTS)) as pool:
            applying = {
                env: pool.submit(apply, env, emulators[env], tmp_path_factory.mktemp(f"terraform-{env}"))
                for env in ENVIRONMENTS
            }
            try:
                deployments = {env: future.result() for env, future in applying.items()}
            except ProviderUnavailable as unavailable:
                pytest.skip(str(unavailable))
        yield {
            env: Emulated(emulators[env], deployments[env], legacy[env], backfilled.get(env)) for env in ENVIRONMENTS
        }
    finally:
        for emulator in emulators.values():
            emulator.stop()


# What the previous release's users store: workouts of several types, local days and offsets, one with every
# optional field, one retried with an Idempotency-Key.
LEGACY_WORKOUTS = [
    {"workoutType": "running", "durationMinutes": 30, "caloriesBurned": 310.5, "distanceKm": 5.2,
     "workoutTimestamp": "2026-06-01T06:30:00Z", "heartRateAvg": 150, "notes": "before the upgrade"},
    {"workoutType": "yoga", "durationMinutes": 45, "caloriesBurned": 120,
     "workoutTimestamp": "2026-06-01T23:30:00-04:00"},
    {"workoutType": "running", "durationMinutes": 20.25, "caloriesBurned": 200,
     "workoutTimestamp": "2026-06-03T12:00:00Z"},
    {"workoutType": "cycling", "durationMinutes": 60, "caloriesBurned": 540,
     "workoutTimestamp": "2026-07-15T08:00:00+02:00"},
]  # fmt: skip


def _emulator_environment(emulator: Any) -> dict[str, str]:
    from workout_local.server import emulator_environment

    return emulator_environment(emulator.endpoint, emulator.region)


def write_as_previous_release(
    previous: Path, deployment: Any, emulator: Any
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """POST LEGACY_WORKOUTS for a user of their own with the previous release's handler and its function's
    environment as that release deployed it; each body and its answer (the retry's too)."""
    import json

    from workout_local.events import api_event, identity

    deployment.refresh_state()
    function = deployment.functions()["process_workout"]
    user = f"us-east-1:{deployment.environment}-legacy"  # a Cognito identity id: valid under either binding
    caller = identity(cognito_identity_id=user)
    bodies = [{**body, "userId": user} for body in LEGACY_WORKOUTS]
    events = [
        api_event(
            "POST", "/workouts", body=json.dumps(body), headers={"Content-Type": "application/json"}, caller=caller
        )
        for body in bodies
    ]
    headers = {"Content-Type": "application/json", "Idempotency-Key": "before-the-upgrade"}
    keyed = api_event("POST", "/workouts", body=json.dumps(bodies[0] | {"caloriesBurned": 99}), headers=headers,
                      caller=caller)  # fmt: skip
    environment = {**_emulator_environment(emulator), **function.environment}
    answers = releases.invoke_release_code(previous, function.handler, environment, [*events, keyed, keyed])
    assert [answer["statusCode"] for answer in answers] == [201] * (len(events) + 2), answers
    sent = [*bodies, bodies[0] | {"caloriesBurned": 99}]
    return [(body, json.loads(answer["body"])) for body, answer in zip(sent, answers, strict=False)]


def run_backfill(deployment: Any, emulator: Any) -> Any:
    """`make backfill` against the upgraded deployment: what it reported."""
    import boto3

    sys.path.insert(0, str(ROOT / "scripts"))
    from backfill import backfill
    from workout_log.dal.dynamodb import DynamoDBWorkoutStore

    outputs = deployment.outputs["workout_log"]
    client = boto3.client("dynamodb", endpoint_url=emulator.endpoint, region_name=emulator.region,
                          aws_access_key_id="testing", aws_secret_access_key="testing")  # fmt: skip
    tables = outputs["table_names"]
    store = DynamoDBWorkoutStore(client, tables["workouts"], tables["user_stats"], int(outputs["type_index_shards"]))
    return backfill(store, report=lambda line: None)


@contextlib.contextmanager
def running_local_stack(emulated: Emulated, **options: Any) -> Iterator[Any]:
    """The `make run` stack on a free port, in this process, serving an environment the session already applied.
    The environment is restored afterwards so that the in-process moto of other suites never talks to the
    emulator."""
    from support.inprocess import reset_process_state
    from workout_local.server import LocalStack

    saved = dict(os.environ)
    reset_process_state()
    stack = LocalStack(port=0, emulator=emulated.emulator, deployment=emulated.deployment, **options).start()
    try:
        yield stack
    finally:
        stack.stop()
        os.environ.clear()
        os.environ.update(saved)
        reset_process_state()
