"""Shared test helpers: invoke a handler with a real API Gateway REST proxy event and read its answer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from workout_local.events import LambdaContext, api_event


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]

    @property
    def error_fields(self) -> list[str]:
        return [detail["field"] for detail in self.body["error"]["details"]]


def invoke(handler: Any, function_name: str, method: str, path: str, **event_args: Any) -> Answer:
    event = api_event(method, path, **event_args)
    result = handler(event, LambdaContext(function_name=function_name))
    headers = {k: v[-1] for k, v in (result.get("multiValueHeaders") or {}).items()}
    headers.update(result.get("headers") or {})
    body = json.loads(result["body"]) if result.get("body") else None
    return Answer(result["statusCode"], body, headers)


def workout(**overrides: Any) -> dict[str, Any]:
    body = {"userId": "user-1", "workoutType": "running", "durationMinutes": 30, "caloriesBurned": 300}
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


JSON = {"Content-Type": "application/json"}
