"""Logger, metrics and tracing shared by both handlers.

Logger and Metrics are cheap and created at import. The X-Ray tracer is not: creating `Tracer()` imports the X-Ray
SDK (about 215 ms on the reference machine: `python -X importtime -c "from aws_lambda_powertools import
Tracer; Tracer()"`), so it is created on the first invocation, and never when
POWERTOOLS_TRACE_DISABLED is set (as it is locally and in tests).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics

logger = Logger()
metrics = Metrics()

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def tracing_enabled() -> bool:
    return os.environ.get("POWERTOOLS_TRACE_DISABLED", "false").lower() not in ("1", "true")


@cache
def _traced(handler: Handler) -> Handler:
    from aws_lambda_powertools import Tracer

    return Tracer().capture_lambda_handler(handler)


def with_tracing(handler: Handler) -> Handler:
    """Run `handler` inside an X-Ray segment when tracing is on; the tracer is built on first use."""

    def run(event: dict[str, Any], context: Any) -> dict[str, Any]:
        if tracing_enabled():
            return _traced(handler)(event, context)
        return handler(event, context)

    return run


def with_metrics(handler: Handler) -> Handler:
    """Publish the invocation's metrics (EMF) when it ends, and then forget them. With POWERTOOLS_METRICS_DISABLED
    Powertools 3.37 neither prints nor clears them at the end, and prints them all once 100 values have gathered:
    a warm process would print in bursts and hold every value in between."""
    publishing: Handler = metrics.log_metrics(handler)

    def run(event: dict[str, Any], context: Any) -> dict[str, Any]:
        try:
            return publishing(event, context)
        finally:
            metrics.clear_metrics()

    return run
