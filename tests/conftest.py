"""Fixtures shared by every suite: fake credentials, moto provisioned like an environment, handler helpers, the
Lambda zip, and every environment applied by Terraform to an emulator of its own."""

from __future__ import annotations

import functools
import io
import json
import os
import platform
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.loaders
import botocore.session
import pytest
from hypothesis import Phase, settings

from tfconfig import ENVIRONMENTS, ROOT
from workout_local.names import StackNames

# Variables the suites pass on top of each environment's terraform.tfvars: dev's DEBUG logs would flood the
# output of the local-stack suites, which serve dev.
TEST_VARIABLES = {"dev": {"log_level": "WARNING"}}

# The stack is applied as a user who deployed an earlier version gets it: that version's modules/ and environments/
# first, then this checkout's over the same state (tests/terraform/test_upgrade.py reads the plan in between).
# The commit is the last one with the first layout (one dynamodb call for three tables, environments/common);
# TEST_UPGRADE_FROM= (empty) applies this checkout alone, as `make mutation` does in its copies, which have no
# history.
UPGRADE_FROM = os.environ.get("TEST_UPGRADE_FROM", "ef31a622f0b21142f8176f121c74c8f26ec2192a")

NAMES = StackNames(prefix="test", parameter_prefix="/workout-log/test", shards=4)

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_DEV": "false",
        "AWS_LAMBDA_FUNCTION_NAME": "test-process-workout",
        **NAMES.process_env(),
    }
)
os.environ.pop("AWS_PROFILE", None)

# Tests start from a fresh boto3 session (support.reset_process_state), as a new Lambda process would; each new
# botocore session would otherwise read and parse the installed botocore's service models again (about 0.1 s per
# client, a third of the in-process suites' time). The models are the same files for every session: one loader.
botocore.session.create_loader = functools.cache(botocore.loaders.create_loader)

# HYPOTHESIS_PROFILE=no-shrink (`make mutation`): report the first failing example without minimising it.
settings.register_profile("no-shrink", phases=[Phase.explicit, Phase.reuse, Phase.generate])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Imported after the environment is set: Powertools' Logger and Metrics read it when the package is imported.
from helpers import JSON, Answer, invoke  # noqa: E402
from support import Emulated, reset_process_state, table_items  # noqa: E402
from workout_local.provision import provision  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_state() -> Iterator[None]:
    reset_process_state()
    yield
    reset_process_state()


@pytest.fixture
def aws() -> Iterator[StackNames]:
    """moto in-process, provisioned with the tables and parameters an environment deploys."""
    import boto3
    from moto import mock_aws

    # moto's in-process mock lets calls to a custom endpoint through: a leaked local stack must fail loudly here.
    assert "AWS_ENDPOINT_URL" not in os.environ, "a local stack's environment leaked into an in-process moto test"
    with mock_aws():
        provision(lambda service: boto3.client(service, region_name="us-east-1"), NAMES)
        yield NAMES


class Api:
    """Calls the two handlers the way API Gateway would."""

    def post(self, body: Any, headers: dict[str, str] | None = None, raw: str | None = None, **kw: Any) -> Answer:
        from workout_log.handlers.process_workout import handler

        text = raw if raw is not None else json.dumps(body)
        return invoke(handler, "test-process-workout", "POST", "/workouts", body=text, headers=headers or JSON, **kw)

    def stats(self, user_id: str, query: str = "", **kw: Any) -> Answer:
        from workout_log.handlers.workout_stats import handler

        return invoke(handler, "test-workout-stats", "GET", f"/stats/{user_id}", query=query, **kw)

    def call(self, method: str, path: str, **kw: Any) -> Answer:
        """Route like API Gateway: the stats function for /stats/{userId}, the process function otherwise."""
        from workout_local.events import match_resource

        if match_resource(path)[0] == "/stats/{userId}":
            from workout_log.handlers.workout_stats import handler

            return invoke(handler, "test-workout-stats", method, path, **kw)
        from workout_log.handlers.process_workout import handler

        return invoke(handler, "test-process-workout", method, path, **kw)


@pytest.fixture
def api(aws: StackNames) -> Api:
    return Api()


@pytest.fixture
def stored(aws: StackNames):
    """Everything stored, for tests that prove a rejected request stored nothing."""

    def snapshot() -> dict[str, int]:
        return {name: len(table_items(name)) for name in (aws.workouts_table, aws.stats_table, aws.idempotency_table)}

    return snapshot


@pytest.fixture
def logs() -> Iterator[Any]:
    """The JSON lines the Powertools logger writes (it binds its stream at import, so capsys cannot see them)."""
    import io

    from workout_log.observability import logger

    buffer = io.StringIO()
    handler = logger.registered_handler
    previous = handler.setStream(buffer)

    def lines(level: str | None = None) -> list[dict[str, Any]]:
        parsed = [json.loads(line) for line in buffer.getvalue().splitlines() if line.startswith("{")]
        return [entry for entry in parsed if level is None or entry["level"] == level]

    yield lines
    handler.setStream(previous)


@pytest.fixture(scope="session")
def built_zips() -> Iterator[dict[str, Path]]:
    """The deployable zip (python3.13, arm64) and the same build for this machine's Python and CPU, so that the
    handlers can be imported from it here."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from build_lambda import build

    host_arch = "arm64" if platform.machine() in ("aarch64", "arm64") else "x86_64"
    host_runtime = f"python{sys.version_info.major}.{sys.version_info.minor}"
    with tempfile.TemporaryDirectory(prefix="test-zips-") as scratch:
        target = Path(scratch) / "target.zip"
        host = Path(scratch) / "host.zip"
        from concurrent.futures import ThreadPoolExecutor

        # Each build spends most of its time in pip, waiting on files: two at once take little more than one.
        with ThreadPoolExecutor(2) as pool:
            for future in [
                pool.submit(build, "python3.13", "arm64", target),
                pool.submit(build, host_runtime, host_arch, host),
            ]:
                future.result()
        extracted = Path(scratch) / "host"
        with zipfile.ZipFile(host) as archive:
            archive.extractall(extracted)  # noqa: S202 - the zip this session just built
        yield {"target": target, "host": host, "host_extracted": extracted}


@pytest.fixture(scope="session")
def fresh_builds(tmp_path_factory) -> tuple[Path, Path]:
    """Two builds of the deployable zip (python3.13, arm64), each in a folder of its own, made one after the other
    from the same sources: tests/contract/test_artifact.py compares them, `make run`'s test serves the first."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from build_lambda import build

    first = tmp_path_factory.mktemp("first") / "workout-log-python3.13-arm64.zip"
    second = tmp_path_factory.mktemp("second") / "workout-log-python3.13-arm64.zip"
    build("python3.13", "arm64", first)
    build("python3.13", "arm64", second)
    return first, second


def export_commit(commit: str, target: Path) -> Path:
    """modules/ and environments/ as they were at `commit`, written under `target`."""
    import subprocess

    found = subprocess.run(["git", "cat-file", "-e", f"{commit}^{{commit}}"], cwd=ROOT, capture_output=True)
    if found.returncode != 0:
        pytest.fail(f"commit {commit} is not in this clone (a shallow clone?): `git fetch --unshallow`, or set "
                    "TEST_UPGRADE_FROM= to skip the upgrade path")  # fmt: skip
    archive = subprocess.run(["git", "archive", commit, "modules", "environments"], cwd=ROOT, capture_output=True,
                             check=True).stdout  # fmt: skip
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")  # environments/<env>/*.tf were links into environments/common
    return target


def stages_have_logged(emulator: Any) -> None:
    """What API Gateway does, and the emulator does not, when a stage with execution logging first logs: it creates
    the stage's execution log group, with no retention."""
    apigateway, logs = emulator.client("apigateway"), emulator.client("logs")
    for api in apigateway.get_rest_apis()["items"]:
        for stage in apigateway.get_stages(restApiId=api["id"])["item"]:
            logs.create_log_group(logGroupName=f"API-Gateway-Execution-Logs_{api['id']}/{stage['stageName']}")


@pytest.fixture(scope="session")
def emulated(built_zips, tmp_path_factory) -> Iterator[dict[str, Emulated]]:
    """Every environment under test applied by Terraform (`terraform apply` of its own folder and tfvars, the
    deployable zip) to an emulator of its own, all at once: first as the UPGRADE_FROM commit had it, then as this
    checkout has it (deploy_upgraded). Skipped, with the reason, only where the aws provider can be neither
    downloaded nor found in a mirror."""
    from concurrent.futures import ThreadPoolExecutor

    from workout_local.deploy import ProviderUnavailable, deploy, deploy_upgraded
    from workout_local.emulator import EmulatorProcess

    previous = export_commit(UPGRADE_FROM, tmp_path_factory.mktemp("previous")) if UPGRADE_FROM else None

    def apply(env: str, emulator: EmulatorProcess, work: Path) -> Any:
        if previous is None:
            return deploy(env, emulator.endpoint, work, TEST_VARIABLES.get(env), built_zips["target"])
        # Meanwhile the stage has served requests, and API Gateway has created its execution log group, which the
        # upgrade imports (environments/<env>/imports.tf).
        return deploy_upgraded(env, emulator.endpoint, work, previous, TEST_VARIABLES.get(env), built_zips["target"],
                               between=lambda _: stages_have_logged(emulator),
                               upgrade_variables={"import_execution_log_group": "true"})  # fmt: skip

    emulators = {env: EmulatorProcess().start() for env in ENVIRONMENTS}
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
        yield {env: Emulated(emulators[env], deployments[env]) for env in ENVIRONMENTS}
    finally:
        for emulator in emulators.values():
            emulator.stop()


# Fixtures that start emulators, apply Terraform or build the zip: the tests that use them run in one xdist worker
# (`make pytest` runs `pytest -n 2 --dist loadgroup`), so the session's zips and applies are made once, while the
# in-process suites run beside them in the other worker. Other costly fixtures have a group of their own, so that
# they too are made once rather than once in each worker.
GROUPS = {
    "terraform-stack": {"built_zips", "emulated", "stack"},
    "fresh-builds": {"fresh_builds"},
}


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook turns the group markers into node ids
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        for group, fixtures in GROUPS.items():
            if fixtures & used:
                item.add_marker(pytest.mark.xdist_group(group))
                break
