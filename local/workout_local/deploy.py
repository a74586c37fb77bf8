"""`terraform apply` of an environment onto the embedded AWS emulator, and what Terraform then says it deployed.

The environment's own configuration is applied, unchanged, from a copy of modules/ and environments/ (links
resolved) under a work folder. One override file is added to the copy, and it is the only difference from a real
deployment: a local backend, and the aws provider's endpoints pointed at the emulator with its fixed test
credentials. STS is emulated too, so account ids and ARNs come from the emulator as they would from AWS.

The result is Terraform's own JSON (`terraform show -json` of the state): tests and the local stack read names,
handlers, environment variables, routes and IAM policies from it, never from a second copy in Python.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workout_local.terraform import (
    PROVIDER_DOWNLOAD_ERRORS,
    ROOT,
    ProviderUnavailable,
    TerraformError,
    provider_unavailable_reason,
    run,
)

# Every service the modules create resources in (and STS, which answers the provider's identity calls).
EMULATED_SERVICES = (
    "apigateway",
    "applicationautoscaling",
    "cloudwatch",
    "dynamodb",
    "iam",
    "kms",
    "lambda",
    "logs",
    "sns",
    "ssm",
    "sts",
)
OVERRIDE_FILE = "emulator_override.tf"
DEFAULT_PACKAGE = ROOT / "dist" / "workout-log-python3.13-arm64.zip"

# Bounds on each step. An apply of prod on 2 cores takes about 40 s; a provider that retries an emulator error
# would otherwise wait for many minutes before failing.
INIT_TIMEOUT = 120
APPLY_TIMEOUT = 240
PLAN_TIMEOUT = 120


def override(endpoint: str) -> str:
    endpoints = "\n".join(f"    {service} = {json.dumps(endpoint)}" for service in EMULATED_SERVICES)
    return f"""# Written by workout_local.deploy: this copy of the environment deploys to the embedded AWS emulator.
terraform {{
  backend "local" {{}}
}}

provider "aws" {{
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  # An emulator error should fail the apply, not be retried for minutes.
  max_retries = 2

  endpoints {{
{endpoints}
  }}
}}
"""


def copy_configuration(work: Path) -> None:
    """modules/ and environments/ into `work`, links resolved; .terraform folders and state are not copied."""
    ignored = shutil.ignore_patterns(".terraform", "*.tfstate*", ".terraform.lock.hcl", "tfplan", OVERRIDE_FILE)
    for folder in ("modules", "environments"):
        if (work / folder).exists():
            shutil.rmtree(work / folder)
        shutil.copytree(ROOT / folder, work / folder, ignore=ignored)


@dataclass(frozen=True)
class DeployedFunction:
    call: str
    name: str
    arn: str
    handler: str
    environment: dict[str, str]
    role: str
    policies: dict[str, dict[str, Any]]  # inline policy name -> policy document
    timeout: int
    memory_size: int

    @property
    def statements(self) -> list[dict[str, Any]]:
        """Every statement of the role's inline policies, each with Action and Resource as lists."""
        listed = []
        for document in self.policies.values():
            for statement in document["Statement"]:
                listed.append(
                    {
                        **statement,
                        "Action": _as_list(statement.get("Action")),
                        "Resource": _as_list(statement.get("Resource")),
                    }
                )
        return listed


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


@dataclass
class Deployment:
    """One environment applied to the emulator: its copy, variables, and Terraform's JSON of the state."""

    environment: str
    directory: Path
    variables: dict[str, str]
    planned: dict[str, Any] = field(repr=False, default_factory=dict)  # the plan that was applied, as JSON
    state: dict[str, Any] = field(repr=False, default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def var_args(self) -> list[str]:
        return [f"-var={name}={value}" for name, value in self.variables.items()]

    def terraform(self, *args: str, timeout: float) -> str:
        started = time.perf_counter()
        result = run([*args], cwd=self.directory, timeout=timeout)
        self.timings[args[0]] = self.timings.get(args[0], 0.0) + time.perf_counter() - started
        return result.stdout

    def refresh_state(self) -> dict[str, Any]:
        self.state = json.loads(self.terraform("show", "-json", "-no-color", timeout=PLAN_TIMEOUT))
        return self.state

    def plan(self) -> dict[str, Any]:
        """A new plan against the emulator, as Terraform's JSON (resource_changes lists every resource)."""
        self.terraform("plan", "-input=false", "-no-color", "-lock=false", "-out=tfplan", *self.var_args(),
                       timeout=PLAN_TIMEOUT)  # fmt: skip
        return json.loads(self.terraform("show", "-json", "-no-color", "tfplan", timeout=PLAN_TIMEOUT))

    # -- reading the state ------------------------------------------------------------------------------------
    def resources(self, resource_type: str | None = None) -> Iterator[dict[str, Any]]:
        """Every managed resource in the state (all modules), optionally of one type."""

        def walk(module: dict[str, Any]) -> Iterator[dict[str, Any]]:
            yield from module.get("resources", [])
            for child in module.get("child_modules", []):
                yield from walk(child)

        for resource in walk(self.state["values"]["root_module"]):
            if resource["mode"] == "managed" and resource_type in (None, resource["type"]):
                yield resource

    def resource(self, address: str) -> dict[str, Any]:
        matches = [r for r in self.resources() if r["address"] == address]
        if len(matches) != 1:
            raise KeyError(f"{self.environment}: {len(matches)} resources at {address}")
        return matches[0]

    def functions(self) -> dict[str, DeployedFunction]:
        """Each Lambda function, keyed by the module call that made it (e.g. "process_workout"), with the inline
        policies attached to its role exactly as IAM holds them."""
        roles = {role["values"]["arn"]: role["values"]["name"] for role in self.resources("aws_iam_role")}
        policies: dict[str, list[dict[str, Any]]] = {}
        for policy in self.resources("aws_iam_role_policy"):
            policies.setdefault(policy["values"]["role"], []).append(policy["values"])
        found = {}
        for function in self.resources("aws_lambda_function"):
            values = function["values"]
            call = (
                function["address"].split(".")[1]
                if function["address"].startswith("module.")
                else values["function_name"]
            )
            role = roles[values["role"]]
            found[call] = DeployedFunction(
                call=call,
                name=values["function_name"],
                arn=values["arn"],
                handler=values["handler"],
                environment=dict((values.get("environment") or [{}])[0].get("variables") or {}),
                role=role,
                policies={p["name"]: json.loads(p["policy"]) for p in policies.get(role, [])},
                timeout=values["timeout"],
                memory_size=values["memory_size"],
            )
        return found

    def routes(self) -> dict[str, DeployedFunction]:
        """ "METHOD /path" -> the function its Lambda proxy integration invokes, from the REST API's deployed
        OpenAPI body."""
        by_arn = {function.arn: function for function in self.functions().values()}
        routes = {}
        for api in self.resources("aws_api_gateway_rest_api"):
            for path, methods in json.loads(api["values"]["body"])["paths"].items():
                for method, operation in methods.items():
                    uri = operation["x-amazon-apigateway-integration"]["uri"]
                    function_arn = uri.split("/functions/", 1)[1].removesuffix("/invocations")
                    routes[f"{method.upper()} {path}"] = by_arn[function_arn]
        return routes

    @property
    def outputs(self) -> dict[str, Any]:
        return {name: output["value"] for name, output in self.state["values"].get("outputs", {}).items()}


def deploy(
    environment: str,
    endpoint: str,
    work: Path,
    variables: dict[str, str] | None = None,
    package: Path = DEFAULT_PACKAGE,
) -> Deployment:
    """Apply environments/<environment> with its terraform.tfvars onto the emulator at `endpoint`."""
    if not package.is_file():
        raise FileNotFoundError(f"{package} is missing: run `make build` first")
    work.mkdir(parents=True, exist_ok=True)
    copy_configuration(work)
    directory = work / "environments" / environment
    (directory / OVERRIDE_FILE).write_text(override(endpoint))
    package_path = str(package.resolve())  # Terraform reads it from the environment's folder
    deployment = Deployment(environment, directory, {"lambda_package_path": package_path, **(variables or {})})
    initialised = run(["init", "-input=false", "-no-color"], cwd=directory, timeout=INIT_TIMEOUT, check=False)
    if initialised.returncode != 0:
        output = initialised.stdout + initialised.stderr
        if any(error in output for error in PROVIDER_DOWNLOAD_ERRORS):
            raise ProviderUnavailable(provider_unavailable_reason(output))
        raise TerraformError(f"terraform init failed in {directory}:\n{output[-6000:]}")
    deployment.planned = deployment.plan()
    deployment.terraform("apply", "-input=false", "-no-color", "-lock=false", "tfplan", timeout=APPLY_TIMEOUT)
    deployment.refresh_state()
    return deployment
