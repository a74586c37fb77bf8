"""Invoke the package's handlers as API Gateway does: a real REST proxy event in, the proxy response read back."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from workout_local.events import LambdaContext, api_event, match_resource

JSON = {"Content-Type": "application/json"}


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


class Api:
    """Calls the handlers the way API Gateway would (the `api` fixture of support.inprocess)."""

    def post(self, body: Any, headers: dict[str, str] | None = None, raw: str | None = None, **kw: Any) -> Answer:
        from workout_log.handlers.process_workout import handler

        text = raw if raw is not None else json.dumps(body)
        return invoke(handler, "test-process-workout", "POST", "/workouts", body=text, headers=headers or JSON, **kw)

    def stats(self, user_id: str, query: str = "", **kw: Any) -> Answer:
        from workout_log.handlers.workout_stats import handler

        return invoke(handler, "test-workout-stats", "GET", f"/stats/{user_id}", query=query, **kw)

    def call(self, method: str, path: str, **kw: Any) -> Answer:
        """Route like API Gateway does with the composition's routes: every GET of a known path to the read-only
        function, everything else to the write function (whose resolver answers 404 or 405 for what it lacks)."""
        if method == "GET" and match_resource(path)[0] is not None:
            from workout_log.handlers.workout_stats import handler

            return invoke(handler, "test-workout-stats", method, path, **kw)
        from workout_log.handlers.process_workout import handler

        return invoke(handler, "test-process-workout", method, path, **kw)

    def get(self, path: str, query: str = "", **kw: Any) -> Answer:
        return self.call("GET", path, query=query, **kw)

    def patch(self, workout_id: str, body: Any, if_match: str | None = None, **kw: Any) -> Answer:
        headers = {"Content-Type": "application/merge-patch+json", **({"If-Match": if_match} if if_match else {})}
        return self.call("PATCH", f"/workouts/{workout_id}", body=json.dumps(body), headers=headers, **kw)

    def delete(self, workout_id: str, if_match: str | None = None, **kw: Any) -> Answer:
        headers = {"If-Match": if_match} if if_match else None
        return self.call("DELETE", f"/workouts/{workout_id}", headers=headers, **kw)
