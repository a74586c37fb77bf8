"""`make run`: the workout-log API on http://127.0.0.1:3000, served from what `terraform apply` built on an embedded
AWS emulator.

python -m workout_local.server [--port 3000] [--emulator-port 0] [--environment dev] [--require-signature]
                               [--user-binding none|cognito] [--log-level INFO] [--instances 3]
                               [--package dist/<zip>] [--work DIR]

The stack starts the emulator, applies environments/<environment> to it (workout_local.deploy), and then serves
the routes of the REST API Terraform created: each route goes to the handler of the function its integration
invokes, in worker processes that carry exactly that function's environment variables from the state.

Each stack applies in a folder of its own (build/local-stack/<environment>-<random>/, removed when it stops), so
any number of stacks, of one environment or several, can run at once from one checkout.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workout_local.deploy import DEFAULT_PACKAGE, DeployedFunction, Deployment
from workout_local.streams import event_line
from workout_local.terraform import ROOT

# Where each stack's applied copy and state live, one folder per stack.
WORK_ROOT = ROOT / "build" / "local-stack"


@dataclass(frozen=True)
class TableNames:
    """The tables a deployment's functions use, as their environment names them."""

    workouts_table: str
    stats_table: str
    idempotency_table: str


def emulator_environment(endpoint: str, region: str) -> dict[str, str]:
    """What the Lambda runtime would provide, pointed at the emulator (not part of any function's configuration)."""
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "POWERTOOLS_TRACE_DISABLED": "true",  # no X-Ray daemon here
        "POWERTOOLS_METRICS_DISABLED": "true",  # EMF lines would only repeat the logs
    }


class LocalStack:
    """Emulator + `terraform apply` of one environment + the local API Gateway, all on loopback.

    Pass `emulator` and `deployment` to serve an environment already applied (the test suites share one apply);
    otherwise `start` makes both, in `work` if given, else in a new folder under WORK_ROOT that `stop` removes.
    """

    def __init__(
        self,
        port: int = 3000,
        emulator_port: int = 0,
        environment: str = "dev",
        require_signature: bool = False,
        log_level: str | None = None,
        user_binding: str | None = None,
        max_instances: int = 3,
        work: Path | None = None,
        package: Path = DEFAULT_PACKAGE,
        emulator: Any = None,
        deployment: Deployment | None = None,
        on_event: Any = None,
    ) -> None:
        self.port = port
        self.emulator_port = emulator_port
        self.environment = environment
        self.require_signature = require_signature
        self.log_level = log_level
        self.user_binding = user_binding
        self.max_instances = max_instances
        self.work = work
        self._owns_work = False
        self.package = package
        self.emulator = emulator
        self.deployment = deployment
        self._owns_emulator = emulator is None
        self.instances: dict[str, Any] = {}
        self.on_event = on_event  # called with each change event the bus delivers (make run prints a line)
        self.pollers: list[Any] = []
        self.watches: list[Any] = []
        self.apply_seconds: float | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None

    # -- what was deployed ---------------------------------------------------------------------------------------
    @property
    def routes(self) -> dict[str, DeployedFunction]:
        return self.deployment.routes()

    @property
    def names(self) -> TableNames:
        variables = {k: v for f in self.deployment.functions().values() for k, v in f.environment.items()}
        return TableNames(
            variables["WORKOUTS_TABLE_NAME"], variables["STATS_TABLE_NAME"], variables["IDEMPOTENCY_TABLE_NAME"]
        )

    def function_environment(self, function: DeployedFunction) -> dict[str, str]:
        """A worker's environment: the function's variables as applied, plus what the Lambda runtime provides."""
        return {
            **emulator_environment(self.emulator.endpoint, self.emulator.region),
            "AWS_LAMBDA_FUNCTION_NAME": function.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_size),
            **function.environment,
        }

    def handler_environment(self) -> dict[str, str]:
        """What a developer exports to invoke the POST /workouts handler directly against the emulator."""
        from workout_log.api import WORKOUTS_PATH

        return self.function_environment(self.routes[f"POST {WORKOUTS_PATH}"])

    # -- lifecycle ------------------------------------------------------------------------------------------------
    def start(self) -> LocalStack:
        from werkzeug.serving import WSGIRequestHandler, make_server

        from workout_local.deploy import deploy
        from workout_local.emulator import EmulatorProcess
        from workout_local.gateway import FunctionInstances, LocalGateway

        if self.emulator is None:
            self.emulator = EmulatorProcess(port=self.emulator_port).start()
        if self.deployment is None:
            settings = {}
            if self.log_level:
                settings["log_level"] = self.log_level
            if self.user_binding:
                settings["user_binding"] = self.user_binding
            if self.work is None:
                WORK_ROOT.mkdir(parents=True, exist_ok=True)
                self.work, self._owns_work = Path(tempfile.mkdtemp(prefix=f"{self.environment}-", dir=WORK_ROOT)), True
            started = time.perf_counter()
            try:
                self.deployment = deploy(self.environment, self.emulator.endpoint, self.work, settings, self.package)
            except BaseException:
                self.stop()
                raise
            self.apply_seconds = time.perf_counter() - started
        os.environ.pop("AWS_PROFILE", None)
        os.environ.pop("AWS_SESSION_TOKEN", None)
        os.environ.update(emulator_environment(self.emulator.endpoint, self.emulator.region))

        mappings = self.deployment.stream_mappings()
        functions = {function.name: function for function in self.routes.values()}
        functions.update({function.name: function for _, function in mappings})
        self.instances = {
            name: FunctionInstances(function.handler, self.function_environment(function), self.max_instances)
            for name, function in functions.items()
        }
        self._start_change_events(mappings)
        gateway = LocalGateway(
            routes={route: (self.instances[f.name], f) for route, f in self.routes.items()},
            require_signature=self.require_signature,
        )

        quiet = (self.log_level or "INFO") not in ("DEBUG", "INFO")

        class _KeepAlive(WSGIRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_request(self, *args: Any, **kwargs: Any) -> None:
                if not quiet:  # one access line per request, unless the stack runs at WARNING or above
                    super().log_request(*args, **kwargs)

        self._server = make_server("127.0.0.1", self.port, gateway, threaded=True, request_handler=_KeepAlive)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, name="local-api", daemon=True)
        self._thread.start()
        return self

    def _start_change_events(self, mappings: list[Any]) -> None:
        """Lambda's side of each stream mapping (workout_local.streams), and a watch on each bus. The pollers start
        at the stream's end: `make run` applies to a new emulator (an empty stream), and the test suites serve
        deployments whose streams already hold other suites' changes."""
        from workout_local.events import LambdaContext
        from workout_local.streams import BusWatch, StreamPoller

        def invoker(function: DeployedFunction) -> Any:
            instances = self.instances[function.name]

            def invoke(event: dict[str, Any]) -> dict[str, Any]:
                context = LambdaContext(function.name, function.memory_size, function.timeout)
                answer: dict[str, Any] = instances(event, context)
                return answer

            return invoke

        streams, sqs = self.emulator.client("dynamodbstreams"), self.emulator.client("sqs")
        self.watches = [
            BusWatch(self.emulator.client("events"), sqs, bus, self.on_event).start()
            for bus in self.deployment.event_buses()
        ]
        self.pollers = [
            StreamPoller(mapping, streams, sqs, invoker(function), self.emulator.region, start_at="LATEST").start()
            for mapping, function in mappings
        ]

    def events(self) -> list[dict[str, Any]]:
        """Every change event the buses delivered since the stack started, once the pollers have handled what the
        stream holds now."""
        for poller in self.pollers:
            poller.wait_until_idle()
        for watch in self.watches:
            watch.drain()
        return [event for watch in self.watches for event in watch.received]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        for background in (*self.pollers, *self.watches):
            background.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        for instances in self.instances.values():
            instances.stop()
        if self.emulator is not None and self._owns_emulator:
            self.emulator.stop()
        if self._owns_work and self.work is not None:
            shutil.rmtree(self.work, ignore_errors=True)


def banner(stack: LocalStack) -> str:
    from workout_local.gateway import LOCAL_CALLERS

    env = "\n".join(f"  export {name}={value}" for name, value in sorted(stack.handler_environment().items()))
    callers = "\n".join(
        f"  {key} / {caller.secret_key}  ({caller.cognito_identity_id or caller.user_arn})"
        for key, caller in LOCAL_CALLERS.items()
    )
    signing = "required" if stack.require_signature else "optional (unsigned requests act as an anonymous caller)"
    routes = "\n".join(
        f"  {route.split(' ', 1)[0]:<5}{stack.url}{route.split(' ', 1)[1]}  -> {function.name} ({function.handler})"
        for route, function in sorted(stack.routes.items())
    )
    took = f" in {stack.apply_seconds:.0f} s" if stack.apply_seconds is not None else ""
    buses = ", ".join(watch.bus_name for watch in stack.watches) or "none"
    events = (
        f"every change of a workout is published on the bus {buses} (from the table's stream, as in AWS);\n"
        "                    a rule the local stack adds prints each event here as a line starting with 'event'"
    )
    resources = sum(1 for _ in stack.deployment.resources())
    return f"""
workout-log API     {stack.url}
{routes}
  GET  {stack.url}/openapi.json
AWS emulator        {stack.emulator.endpoint}   (moto, process {stack.emulator.pid})
Terraform           environments/{stack.environment} applied to the emulator: {resources} resources created by
                    terraform apply{took}; routes, handlers and environment variables are read from its state
                    ({stack.deployment.directory / "terraform.tfstate"})
SigV4 signing       {signing}; local credentials (access key / secret):
{callers}
Change events       {events}

To invoke the POST /workouts handler directly against the emulator, export:
{env}

Try (README, "The API, by example", has more):
  curl -s -X POST {stack.url}/workouts -H 'Content-Type: application/json' \\
    -d '{{"userId": "alice", "workoutType": "running", "durationMinutes": 30, "caloriesBurned": 310}}'
  curl -s "{stack.url}/workouts?userId=alice&limit=10"
  curl -s {stack.url}/stats/alice

Ctrl-C stops.
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Serve the workout-log API locally: terraform apply of one environment onto an embedded AWS "
        "emulator, then the API Gateway routes it created, over HTTP."
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 3000)))
    parser.add_argument("--emulator-port", type=int, default=0, help="0 picks a free port")
    parser.add_argument(
        "--environment",
        default="dev",
        choices=("dev", "staging", "prod"),
        help="environments/<name> to apply to the emulator, with its settings",
    )
    parser.add_argument("--require-signature", action="store_true", help="refuse unsigned requests, like AWS_IAM")
    parser.add_argument(
        "--user-binding", choices=("none", "cognito"), help="override the environment's user_binding setting"
    )
    parser.add_argument(
        "--log-level",
        default=os.environ.get("LOG_LEVEL"),
        help="override the environment's log_level setting (DEBUG, INFO, WARNING, ERROR)",
    )
    parser.add_argument("--instances", type=int, default=3, help="worker processes per function (Lambda instances)")
    parser.add_argument("--package", type=Path, default=DEFAULT_PACKAGE, help="the Lambda zip (`make build` makes it)")
    parser.add_argument(
        "--work",
        type=Path,
        help="where the applied copy and its state live (default: a new folder under build/local-stack)",
    )
    args = parser.parse_args()

    print(f"applying environments/{args.environment} to the embedded AWS emulator (terraform apply)...", flush=True)
    stack = LocalStack(
        args.port,
        args.emulator_port,
        environment=args.environment,
        require_signature=args.require_signature,
        log_level=args.log_level,
        user_binding=args.user_binding,
        max_instances=args.instances,
        work=args.work,
        package=args.package,
        on_event=lambda event: print(event_line(event), flush=True),
    )
    stack.start()
    print(banner(stack), flush=True)
    stopped = threading.Event()

    def stop(signum: int, _frame: Any) -> None:
        print(f"\nstopping ({signal.Signals(signum).name})", flush=True)
        stopped.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    stopped.wait()
    stack.stop()
    print("stopped", flush=True)


if __name__ == "__main__":
    main()
