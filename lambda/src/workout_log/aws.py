"""AWS clients, created on first use (not at import) so that tests can set up moto first and cold starts
that never touch a service do not pay for importing boto3."""

from __future__ import annotations

from functools import cache
from typing import Any

# Standard retry mode backs off on throttling; after the last attempt the handler answers 503 with Retry-After.
_RETRIES = {"mode": "standard", "max_attempts": 3}  # retries after the first attempt: 4 attempts in all


@cache
def dynamodb_client() -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client("dynamodb", config=Config(retries=_RETRIES, connect_timeout=2, read_timeout=5))


@cache
def kms_client() -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client("kms", config=Config(retries=_RETRIES, connect_timeout=2, read_timeout=5))


@cache
def events_client() -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client("events", config=Config(retries=_RETRIES, connect_timeout=2, read_timeout=5))


def reset_clients() -> None:
    """Forget cached clients and what was derived with them (tests that switch endpoints or credentials call
    this)."""
    from workout_log.logic.tokens import forget_secret

    dynamodb_client.cache_clear()
    kms_client.cache_clear()
    events_client.cache_clear()
    forget_secret()
