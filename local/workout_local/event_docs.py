"""The change events' documents, generated from the package's models (workout_log.models.events): a JSON Schema of
each detail-type's event (the EventBridge envelope with its detail) and an AsyncAPI 3.0 document naming the bus.

python -m workout_local.event_docs     (make schemas) writes docs/events/*.schema.json and docs/asyncapi.json
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from workout_local.terraform import ROOT

DOCS = ROOT / "docs"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# The bus and the source of an environment (modules/workout-log: name_prefix and events.tf).
BUS_ADDRESS = "workout-log-{environment}"
SOURCE_PATTERN = r"^workout-log\.[a-z0-9-]+$"


def file_name(detail_type: str) -> str:
    return re.sub(r"\s+", "-", detail_type.lower()) + ".schema.json"


def event_schema(detail_type: str) -> dict[str, Any]:
    """The JSON Schema of one detail-type's events, as a rule's target receives them."""
    from workout_log.models.events import DETAIL_TYPES

    model = DETAIL_TYPES[detail_type]
    detail = model.model_json_schema(mode="serialization", ref_template="#/$defs/{model}")
    definitions = {**detail.pop("$defs", {}), model.__name__: detail}
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": f"https://github.com/your-org/workout-log-platform/docs/events/{file_name(detail_type)}",
        "title": f"{detail_type} (EventBridge event)",
        "description": f"{model.__doc__} Published on the environment's bus, {BUS_ADDRESS}.",
        "type": "object",
        "required": ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"],
        "properties": {
            "version": {"const": "0"},
            "id": {"type": "string"},
            "detail-type": {"const": detail_type},
            "source": {"type": "string", "pattern": SOURCE_PATTERN, "description": "workout-log.<environment>"},
            "account": {"type": "string", "pattern": r"^\d{12}$"},
            "time": {"type": "string", "description": "When the change was made (the stream record's time)."},
            "region": {"type": "string"},
            "resources": {"type": "array", "items": {"type": "string"}},
            "detail": {"$ref": f"#/$defs/{model.__name__}"},
        },
        "$defs": definitions,
    }


def asyncapi_document() -> dict[str, Any]:
    """AsyncAPI 3.0: one channel (the bus), one send operation, a message per detail-type."""
    from workout_log.models.events import DETAIL_TYPES

    messages, schemas = {}, {}
    for detail_type, model in DETAIL_TYPES.items():
        name = model.__name__
        schema = event_schema(detail_type)
        definitions = schema.pop("$defs")
        schema.pop("$schema"), schema.pop("$id")
        text = json.dumps(schema).replace('"#/$defs/', '"#/components/schemas/')
        schemas[f"{name}Event"] = json.loads(text)
        for definition, body in definitions.items():
            schemas[definition] = json.loads(json.dumps(body).replace('"#/$defs/', '"#/components/schemas/'))
        messages[name] = {
            "name": detail_type,
            "title": detail_type,
            "summary": model.__doc__,
            "contentType": "application/json",
            "payload": {"$ref": f"#/components/schemas/{name}Event"},
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Workout log change events",
            "version": "1.1.0",
            "description": "Every change of a workout (POST, PATCH, DELETE /workouts) as one event on the "
            "environment's EventBridge bus, at least once and in order per workout; `version` in the detail lets "
            "a consumer drop a repeated or late event. Subscribe with an EventBridge rule on the bus, e.g. "
            '{"source": ["workout-log.prod"], "detail-type": ["Workout Deleted"]}.',
        },
        "defaultContentType": "application/json",
        "servers": {
            "eventbridge": {
                "host": "events.{region}.amazonaws.com",
                "protocol": "https",
                "description": "Amazon EventBridge in the environment's region.",
                "variables": {"region": {"default": "us-east-1"}},
            }
        },
        "channels": {
            "changes": {
                "address": BUS_ADDRESS,
                "title": "The environment's event bus",
                "description": "The output `event_bus_name` of the environment names it.",
                "parameters": {"environment": {"description": "The environment (dev, staging, prod, ...)."}},
                "messages": {name: {"$ref": f"#/components/messages/{name}"} for name in messages},
            }
        },
        "operations": {
            "publishWorkoutChange": {
                "action": "send",
                "summary": "The change-events function publishes each change of a workout.",
                "channel": {"$ref": "#/channels/changes"},
                "messages": [{"$ref": f"#/channels/changes/messages/{name}"} for name in messages],
            }
        },
        "components": {"messages": messages, "schemas": schemas},
    }


def documents() -> dict[Path, str]:
    """Each generated file and its text."""
    from workout_log.models.events import DETAIL_TYPES

    files = {DOCS / "events" / file_name(t): json.dumps(event_schema(t), indent=2) + "\n" for t in DETAIL_TYPES}
    files[DOCS / "asyncapi.json"] = json.dumps(asyncapi_document(), indent=2) + "\n"
    return files


if __name__ == "__main__":
    for path, text in documents().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(path.relative_to(ROOT))
