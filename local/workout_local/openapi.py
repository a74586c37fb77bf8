"""The API's OpenAPI 3.1 document, generated from the handlers' routes and pydantic models.

python -m workout_local.openapi > docs/openapi.json     (make schemas)
"""

from __future__ import annotations

import json
from typing import Any

TITLE = "Workout log API"
VERSION = "1.0.0"


def openapi_document() -> dict[str, Any]:
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver

    from workout_log.handlers import process_workout, workout_stats

    app = APIGatewayRestResolver(enable_validation=True)
    app.include_router(process_workout.router)
    app.include_router(workout_stats.router)
    document = json.loads(
        app.get_openapi_json_schema(
            title=TITLE,
            version=VERSION,
            description="Every method requires AWS SigV4 (API Gateway AWS_IAM). Errors share one JSON shape.",
        )
    )
    # Powertools documents a 422 for every validated route; this API answers validation errors with 400
    # (workout_log.api), so the 422 entries and the schemas only they use are left out.
    for operations in document["paths"].values():
        for operation in operations.values():
            operation.get("responses", {}).pop("422", None)
            # Powertools gives every response the return annotation's content; a 204 has none (RFC 9110 15.3.5).
            operation.get("responses", {}).get("204", {}).pop("content", None)
    schemas = document.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ResponseValidationError", "ValidationError"):
        schemas.pop(unused, None)
    if 'ValidationError"' in json.dumps(document):
        raise RuntimeError("a response still refers to Powertools' 422 schema")
    document.setdefault("components", {})["securitySchemes"] = {
        "sigv4": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"}
    }
    document["security"] = [{"sigv4": []}]
    _link_created_workout(document)
    _describe_versions(document)
    return document


def _describe_versions(document: dict[str, Any]) -> None:
    """What Powertools cannot say from the models: the ETag each answer with a workout carries, and that PATCH
    takes a JSON merge patch under its own media type (RFC 7396) as well as application/json."""
    from workout_log.api import WORKOUT_PATH, WORKOUTS_PATH

    etag = {"description": 'The workout\'s version, e.g. "3": send it back in If-Match.', "schema": {"type": "string"}}
    for path, method, status in ((WORKOUTS_PATH, "post", "201"), (WORKOUT_PATH, "get", "200"),
                                 (WORKOUT_PATH, "patch", "200")):  # fmt: skip
        document["paths"][path][method]["responses"][status].setdefault("headers", {})["ETag"] = etag
    content = document["paths"][WORKOUT_PATH]["patch"]["requestBody"]["content"]
    content["application/merge-patch+json"] = content["application/json"]


def _link_created_workout(document: dict[str, Any]) -> None:
    """OpenAPI links from the stored workout (POST's 201) to the routes that take its id, so that clients and
    schemathesis' stateful tests can chain POST -> GET, PATCH, DELETE."""
    from workout_log.api import WORKOUT_PATH, WORKOUTS_PATH

    parameters = {"workoutId": "$response.body#/workoutId"}
    created = document["paths"][WORKOUTS_PATH]["post"]["responses"]["201"]
    created["links"] = {
        f"{method.capitalize()}Workout": {
            "operationId": document["paths"][WORKOUT_PATH][method]["operationId"],
            "parameters": parameters,
        }
        for method in ("get", "patch", "delete")
    }


if __name__ == "__main__":
    print(json.dumps(openapi_document(), indent=2))
