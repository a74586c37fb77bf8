"""`terraform apply` of an environment onto the embedded AWS emulator, and what Terraform then says it deployed.

The environment's own configuration is applied, unchanged, from a copy of modules/ and environments/ under a work
folder. One override file is added to the copy, and it is the only difference from a real deployment: a local
backend, the aws provider's endpoints pointed at the emulator with its fixed test credentials, and the module
arguments a caller overrides (the zip to deploy, for instance). STS is emulated too, so account ids and ARNs come
from the emulator as they would from AWS.

The result is Terraform's own JSON (`terraform show -json` of the state): tests and the local stack read names,
handlers, environment variables, routes and IAM policies from it, never from a second copy in Python.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
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
    "events",
    "iam",
    "kms",
    "lambda",
    "logs",
    "sns",
    "sqs",
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


# The one module call of every environment root (environments/<name>/main.tf).
ENVIRONMENT_MODULE = "workout_log"


def override(endpoint: str, backend: bool = True, module_arguments: dict[str, Any] | None = None) -> str:
    """An override file (Terraform merges it into the configuration) that points the provider at the emulator and
    replaces the given arguments of the environment's module call; values are written as JSON, which HCL reads."""
    endpoints = "\n".join(f"    {service} = {json.dumps(endpoint)}" for service in EMULATED_SERVICES)
    local_backend = 'terraform {\n  backend "local" {}\n}\n' if backend else ""
    arguments = "\n".join(f"  {name} = {json.dumps(value)}" for name, value in (module_arguments or {}).items())
    module = f'\nmodule "{ENVIRONMENT_MODULE}" {{\n{arguments}\n}}\n' if arguments else ""
    return f"""# Written by workout_local.deploy: this copy of the configuration deploys to the embedded AWS emulator.
{local_backend}
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
{module}"""


def copy_configuration(work: Path, source: Path = ROOT) -> None:
    """modules/ and environments/ of `source` (this repository, or an export of an earlier release) into `work`;
    .terraform folders and state are not copied."""
    ignored = shutil.ignore_patterns(".terraform", "*.tfstate*", ".terraform.lock.hcl", "tfplan", OVERRIDE_FILE)
    for folder in ("modules", "environments"):
        if (work / folder).exists():
            shutil.rmtree(work / folder)
        shutil.copytree(source / folder, work / folder, ignore=ignored)


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


def unqualified(function_arn: str) -> str:
    """arn:aws:lambda:<region>:<account>:function:<name>[:<alias or version>] without the qualifier: callers invoke
    a function's alias, and the function is what runs."""
    return ":".join(function_arn.split(":")[:7])


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


@dataclass
class Deployment:
    """One environment applied to the emulator: its copy and Terraform's JSON of the plan and the state."""

    environment: str
    directory: Path
    planned: dict[str, Any] = field(repr=False, default_factory=dict)  # the plan that was applied, as JSON
    # With deploy_upgraded: the plan of this repository's configuration over the state an earlier one applied.
    upgrade_plan: dict[str, Any] | None = field(repr=False, default=None)
    state: dict[str, Any] = field(repr=False, default_factory=dict)
    plan_output: str = field(repr=False, default="")  # what the last `terraform plan` printed (warnings included)
    timings: dict[str, float] = field(default_factory=dict)

    def terraform(self, *args: str, timeout: float, diagnostics: bool = False) -> str:
        """Run terraform in the environment's folder; its stdout, with stderr after it if `diagnostics`."""
        started = time.perf_counter()
        result = run([*args], cwd=self.directory, timeout=timeout)
        self.timings[args[0]] = self.timings.get(args[0], 0.0) + time.perf_counter() - started
        return result.stdout + result.stderr if diagnostics else result.stdout

    def refresh_state(self) -> dict[str, Any]:
        self.state = json.loads(self.terraform("show", "-json", "-no-color", timeout=PLAN_TIMEOUT))
        return self.state

    def init(self) -> None:
        initialised = run(["init", "-input=false", "-no-color"], cwd=self.directory, timeout=INIT_TIMEOUT, check=False)
        if initialised.returncode != 0:
            output = initialised.stdout + initialised.stderr
            if any(error in output for error in PROVIDER_DOWNLOAD_ERRORS):
                raise ProviderUnavailable(provider_unavailable_reason(output))
            raise TerraformError(f"terraform init failed in {self.directory}:\n{output[-6000:]}")

    def switch_configuration(self, source: Path = ROOT) -> None:
        """Replace the configuration under the work folder by `source`'s, keeping the state: what a user does who
        pulls a new version of this repository into the folder they applied from."""
        state = (self.directory / "terraform.tfstate").read_bytes()
        endpoint_override = (self.directory / OVERRIDE_FILE).read_text()
        copy_configuration(self.directory.parent.parent, source)
        (self.directory / OVERRIDE_FILE).write_text(endpoint_override)
        (self.directory / "terraform.tfstate").write_bytes(state)
        self.init()

    def plan(self) -> dict[str, Any]:
        """A new plan against the emulator, as Terraform's JSON (resource_changes lists every resource)."""
        self.plan_output = self.terraform("plan", "-input=false", "-no-color", "-lock=false", "-out=tfplan",
                                          timeout=PLAN_TIMEOUT, diagnostics=True)  # fmt: skip
        return json.loads(self.terraform("show", "-json", "-no-color", "tfplan", timeout=PLAN_TIMEOUT))

    def apply(self) -> None:
        """Plan (kept as `planned`), apply that plan, and read the state Terraform then holds."""
        self.planned = self.plan()
        self.terraform("apply", "-input=false", "-no-color", "-lock=false", "tfplan", timeout=APPLY_TIMEOUT)
        self.refresh_state()

    def module_input(self, call: str, name: str) -> Any:
        """The value a root module call passes to `name` (a constant), else the module variable's default, from
        the applied plan's configuration."""
        module_call = self.planned["configuration"]["root_module"]["module_calls"][call]
        expression = module_call.get("expressions", {}).get(name)
        if expression is not None:
            return expression["constant_value"]
        return module_call["module"]["variables"][name]["default"]

    # -- reading the state ------------------------------------------------------------------------------------
    def resources(self, resource_type: str | None = None, under: str = "") -> Iterator[dict[str, Any]]:
        """Every managed resource in the state (all modules), optionally of one type and under one address prefix
        (e.g. "module.dynamodb.")."""

        def walk(module: dict[str, Any]) -> Iterator[dict[str, Any]]:
            yield from module.get("resources", [])
            for child in module.get("child_modules", []):
                yield from walk(child)

        for resource in walk(self.state["values"]["root_module"]):
            wanted = resource_type in (None, resource["type"]) and resource["address"].startswith(under)
            if resource["mode"] == "managed" and wanted:
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
            # The innermost module call: "module.workout_log.module.process_workout.aws_lambda_function.this"
            steps = function["address"].split(".")
            calls = [steps[i + 1] for i, step in enumerate(steps[:-1]) if step == "module"]
            call = calls[-1] if calls else values["function_name"]
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
                    routes[f"{method.upper()} {path}"] = by_arn[unqualified(function_arn)]
        return routes

    def stream_mappings(self) -> list[tuple[Any, DeployedFunction]]:
        """Each event source mapping of a DynamoDB stream (workout_local.streams.StreamMapping) and the function
        it invokes."""
        from workout_local.streams import StreamMapping

        by_arn = {function.arn: function for function in self.functions().values()}
        mappings = [StreamMapping.from_state(r["values"]) for r in self.resources("aws_lambda_event_source_mapping")]
        return [(mapping, by_arn[unqualified(mapping.function_arn)]) for mapping in mappings
                if ":dynamodb:" in mapping.stream_arn]  # fmt: skip

    def event_buses(self) -> list[str]:
        return [bus["values"]["name"] for bus in self.resources("aws_cloudwatch_event_bus")]

    @property
    def outputs(self) -> dict[str, Any]:
        return {name: output["value"] for name, output in self.state["values"].get("outputs", {}).items()}


def prepare(
    environment: str,
    endpoint: str,
    work: Path,
    settings: dict[str, Any] | None = None,
    package: Path = DEFAULT_PACKAGE,
    source: Path = ROOT,
) -> Deployment:
    """environments/<environment> of this repository (or of `source`, an export of an earlier release) copied under
    `work`, pointed at the emulator at `endpoint`, with `package` and `settings` (arguments of the environment's
    module call) in place of its own, and initialised: ready to plan and apply."""
    if not package.is_file():
        raise FileNotFoundError(f"{package} is missing: run `make build` first")
    work.mkdir(parents=True, exist_ok=True)
    copy_configuration(work, source)
    directory = work / "environments" / environment
    arguments = {"lambda_package_path": str(package.resolve()), **(settings or {})}
    (directory / OVERRIDE_FILE).write_text(override(endpoint, module_arguments=arguments))
    deployment = Deployment(environment, directory)
    deployment.init()
    return deployment


def deploy(
    environment: str,
    endpoint: str,
    work: Path,
    settings: dict[str, Any] | None = None,
    package: Path = DEFAULT_PACKAGE,
) -> Deployment:
    """Apply environments/<environment> onto the emulator at `endpoint`."""
    deployment = prepare(environment, endpoint, work, settings, package)
    deployment.apply()
    return deployment


def deploy_upgraded(
    environment: str,
    endpoint: str,
    work: Path,
    previous: Path,
    settings: dict[str, Any] | None = None,
    package: Path = DEFAULT_PACKAGE,
    between: Callable[[Deployment], None] | None = None,
) -> Deployment:
    """What a user who applied an earlier release does on upgrading: apply `previous`'s configuration (an export of
    that release), switch the folder to this repository's configuration, plan (kept as upgrade_plan) and apply that
    plan. `between` runs after the first apply (what happens meanwhile: requests served, data written)."""
    deployment = prepare(environment, endpoint, work, settings, package, source=previous)
    # Only the upgrade is inspected: the earlier release is applied in one step, with no plan file or JSON.
    deployment.terraform("apply", "-auto-approve", "-input=false", "-no-color", "-lock=false", timeout=APPLY_TIMEOUT)
    if between is not None:
        between(deployment)
    deployment.switch_configuration()
    deployment.apply()
    deployment.upgrade_plan = deployment.planned
    return deployment


def deploy_examples(modules: list[str], endpoint: str, work: Path, package: Path = DEFAULT_PACKAGE) -> Deployment:
    """Apply modules/<module>/examples/basic of each module onto the emulator, all in one apply: one root calls every
    example as a module (their own provider blocks get the emulator's endpoints from an override file each, and the
    zip is where the examples expect `make build` to have put it). Each example's resources are under
    `module.<module>.` in the state."""
    work.mkdir(parents=True, exist_ok=True)
    copy_configuration(work)
    (work / "dist").mkdir(exist_ok=True)
    shutil.copy(package, work / "dist" / DEFAULT_PACKAGE.name)
    calls = []
    for module in modules:
        example = work / "modules" / module / "examples" / "basic"
        (example / OVERRIDE_FILE).write_text(override(endpoint, backend=False))
        calls.append(f'module "{module}" {{\n  source = "../modules/{module}/examples/basic"\n}}\n')
    directory = work / "examples"
    directory.mkdir(exist_ok=True)
    (directory / "main.tf").write_text('terraform {\n  backend "local" {}\n}\n\n' + "\n".join(calls))
    deployment = Deployment("examples", directory)
    deployment.init()
    deployment.apply()
    return deployment
