"""The application's facts as modules/workout-log declares them, for what runs without Terraform: the in-process
moto tables of the test suites and the benchmarks (workout_local.provision), and the defaults of the local names
(workout_local.names). The composition is their one owner; nothing here repeats a key, an index, a workout type or
a default (tests/contract/test_local_copies.py fails on a second copy).

Read with python-hcl2, which gives expressions as text: only literals are taken, and `local.<name>` where a literal
local stands for one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import hcl2

from workout_local.terraform import ROOT

COMPOSITION = ROOT / "modules" / "workout-log"
# modules/dynamodb's defaults for what a call leaves out: a key declared by name only is a string key
# (`type = optional(string, "S")`), and an index projects every attribute (`optional(string, "ALL")`).
DEFAULT_KEY_TYPE = "S"
DEFAULT_PROJECTION = "ALL"


@cache
def _parsed(filename: str) -> dict[str, Any]:
    with (COMPOSITION / filename).open() as handle:
        loaded: dict[str, Any] = hcl2.load(handle)
    return loaded


def _locals() -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for block in _parsed("main.tf").get("locals", []):
        merged.update(block)
    return merged


def _literal(text: Any) -> Any:
    """A literal of the composition: "\"userId\"" -> "userId", a list of literals, or a literal local's value
    ("${(local.type_index_name)}" -> "byTypeAndTime"). Anything else is not a literal: ValueError."""
    if isinstance(text, list):
        return [_literal(item) for item in text]
    if not isinstance(text, str):
        return text
    if len(text) >= 2 and text[0] == text[-1] == '"' and "${" not in text:
        return text[1:-1]
    reference = text.removeprefix("${").removesuffix("}").strip("()")
    if reference.startswith("local.") and reference.count(".") == 1:
        return _literal(_locals()[reference.removeprefix("local.")])
    raise ValueError(f"modules/workout-log: {text!r} is not a literal")


@dataclass(frozen=True)
class Key:
    name: str
    type: str


@dataclass(frozen=True)
class TableShape:
    """A table's shape as one `module "<x>_table"` call of the composition declares it."""

    name_suffix: str  # the table's name after the environment's name prefix, e.g. "-workouts"
    hash_key: Key
    range_key: Key | None
    indexes: dict[str, tuple[Key, Key | None, str]]  # name -> hash key, range key, projection type
    ttl_attribute: str | None
    stream_view_type: str | None


def _key(declared: dict[str, Any] | None) -> Key | None:
    if declared is None:
        return None
    return Key(_literal(declared["name"]), _literal(declared.get("type", f'"{DEFAULT_KEY_TYPE}"')))


def _after_name_prefix(text: str) -> str:
    """ "\"${local.name_prefix}-workouts\"" -> "-workouts" """
    prefix = '"${local.name_prefix}'
    if not (text.startswith(prefix) and text.endswith('"') and "${" not in text[len(prefix) :]):
        raise ValueError(f"modules/workout-log: a table name {text!r} is not the name prefix and a literal")
    return text[len(prefix) : -1]


@cache
def table_shapes() -> dict[str, TableShape]:
    """Every table of the composition, keyed by its module call ("workouts_table", ...)."""
    shapes = {}
    for block in _parsed("main.tf")["module"]:
        for call, body in block.items():
            call = call.strip('"')
            if _literal(body["source"]) != "../dynamodb":
                continue
            hash_key = _key(body["hash_key"])
            assert hash_key is not None
            indexes = {}
            for name, index in (body.get("global_secondary_indexes") or {}).items():
                index_hash = _key(index["hash_key"])
                assert index_hash is not None
                projection = _literal(index.get("projection_type", f'"{DEFAULT_PROJECTION}"'))
                indexes[_literal(name)] = (index_hash, _key(index.get("range_key")), projection)
            ttl, stream = body.get("ttl_attribute_name"), body.get("stream_view_type")
            shapes[call] = TableShape(
                name_suffix=_after_name_prefix(body["name"]),
                hash_key=hash_key,
                range_key=_key(body.get("range_key")),
                indexes=indexes,
                ttl_attribute=None if ttl is None else _literal(ttl),
                stream_view_type=None if stream is None else _literal(stream),
            )
    return shapes


def variable_default(name: str) -> Any:
    """The default of one of the composition's variables, as a Python value."""
    for block in _parsed("variables.tf")["variable"]:
        for declared, body in block.items():
            if declared.strip('"') == name:
                return _literal(body["default"])
    raise KeyError(f"modules/workout-log declares no variable {name}")


def local_value(name: str) -> Any:
    """A literal local of the composition (service_name, metrics_ns, ...)."""
    return _literal(_locals()[name])
