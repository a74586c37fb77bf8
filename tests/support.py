"""Test support shared by the suites (kept out of conftest.py so that any suite can import it)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


def reset_process_state() -> None:
    """Forget everything a warm Lambda would keep: settings, clients, caches, idempotency wiring, metrics."""
    import boto3
    from aws_lambda_powertools.utilities.parameters import base as parameter_providers

    from workout_log.aws import reset_clients
    from workout_log.logic import workouts
    from workout_log.logic.config import forget_config
    from workout_log.models import settings
    from workout_log.observability import metrics

    # A Lambda process keeps one set of credentials; tests switch them, so the cached session and providers go too.
    boto3.DEFAULT_SESSION = None
    parameter_providers.DEFAULT_PROVIDERS.clear()
    settings.process_settings.cache_clear()
    settings.stats_settings.cache_clear()
    workouts._idempotent_runner.cache_clear()
    reset_clients()
    forget_config()
    metrics.clear_metrics()


def table_items(table_name: str) -> list[dict[str, Any]]:
    import boto3

    client = boto3.client("dynamodb", region_name="us-east-1")
    return client.scan(TableName=table_name)["Items"]


@dataclass(frozen=True)
class Emulated:
    """One environment applied by Terraform to its own emulator."""

    emulator: Any
    deployment: Any


@contextlib.contextmanager
def running_local_stack(emulated: Emulated, **options: Any) -> Iterator[Any]:
    """The `make run` stack on a free port, in this process, serving an environment the session already applied.
    The environment is restored afterwards so that the in-process moto of other suites never talks to the
    emulator."""
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
