"""`make run`: the workout-log API on http://127.0.0.1:3000, backed by an embedded AWS emulator.

python -m workout_local.server [--port 3000] [--emulator-port 0] [--require-signature]
"""

from __future__ import annotations

import argparse
import os
import signal
import threading
from typing import Any

from workout_local.names import StackNames

FUNCTION_NAMES = {"process": "workout-log-local-process-workout", "stats": "workout-log-local-workout-stats"}


class LocalStack:
    """Emulator + provisioned resources + the local API Gateway, all on loopback."""

    def __init__(
        self,
        port: int = 3000,
        emulator_port: int = 0,
        names: StackNames | None = None,
        require_signature: bool = False,
        log_level: str = "INFO",
        user_binding: str = "none",
        max_instances: int = 3,
    ) -> None:
        self.names = names or StackNames()
        self.port = port
        self.emulator_port = emulator_port
        self.require_signature = require_signature
        self.log_level = log_level
        self.user_binding = user_binding
        self.max_instances = max_instances
        self.instances: dict[str, Any] = {}
        self.emulator: Any = None
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def handler_environment(self) -> dict[str, str]:
        """What a developer exports to invoke a handler directly against the emulator."""
        return {
            **self.names.process_env(),
            "POWERTOOLS_LOG_LEVEL": self.log_level,
            "USER_BINDING": self.user_binding,
            "AWS_ENDPOINT_URL": self.emulator.endpoint,
            "AWS_DEFAULT_REGION": self.emulator.region,
            "AWS_REGION": self.emulator.region,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_LAMBDA_FUNCTION_NAME": FUNCTION_NAMES["process"],
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_DISABLED": "true",
        }

    def start(self) -> LocalStack:
        from werkzeug.serving import WSGIRequestHandler, make_server

        from workout_local.emulator import EmulatorProcess
        from workout_local.gateway import FunctionInstances, LocalGateway
        from workout_local.provision import provision

        self.emulator = EmulatorProcess(port=self.emulator_port).start()
        provision(self.emulator.client, self.names)
        os.environ.pop("AWS_PROFILE", None)
        os.environ.pop("AWS_SESSION_TOKEN", None)
        os.environ.update(self.handler_environment())

        # Worker processes inherit the environment set above (Logger and Metrics read it at import).
        process = FunctionInstances("workout_log.handlers.process_workout.handler", self.max_instances)
        stats = FunctionInstances("workout_log.handlers.workout_stats.handler", self.max_instances)
        self.instances = {"process": process, "stats": stats}
        gateway = LocalGateway(
            handlers={"/workouts": process, "/stats/{userId}": stats, "*": process},
            function_names={
                "/workouts": FUNCTION_NAMES["process"],
                "/stats/{userId}": FUNCTION_NAMES["stats"],
                "*": FUNCTION_NAMES["process"],
            },
            require_signature=self.require_signature,
        )

        quiet = self.log_level not in ("DEBUG", "INFO")

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

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        for instances in self.instances.values():
            instances.stop()
        if self.emulator is not None:
            self.emulator.stop()


def banner(stack: LocalStack) -> str:
    from workout_local.gateway import LOCAL_CALLERS

    env = "\n".join(f"  export {name}={value}" for name, value in sorted(stack.handler_environment().items()))
    callers = "\n".join(
        f"  {key} / {caller.secret_key}  ({caller.cognito_identity_id or caller.user_arn})"
        for key, caller in LOCAL_CALLERS.items()
    )
    signing = "required" if stack.require_signature else "optional (unsigned requests act as an anonymous caller)"
    return f"""
workout-log API     {stack.url}
  POST {stack.url}/workouts
  GET  {stack.url}/stats/{{userId}}
  GET  {stack.url}/openapi.json
AWS emulator        {stack.emulator.endpoint}   (moto, process {stack.emulator.pid}; tables and parameters provisioned)
SigV4 signing       {signing}; local credentials (access key / secret):
{callers}

To invoke a handler directly against the emulator, export:
{env}

Try:
  curl -s -X POST {stack.url}/workouts -H 'Content-Type: application/json' \\
    -d '{{"userId": "alice", "workoutType": "running", "durationMinutes": 30, "caloriesBurned": 310}}'
  curl -s {stack.url}/stats/alice

Ctrl-C stops.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the workout-log API locally on an embedded AWS emulator.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 3000)))
    parser.add_argument("--emulator-port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--require-signature", action="store_true", help="refuse unsigned requests, like AWS_IAM")
    parser.add_argument("--log-level", default=os.environ.get("LOG_LEVEL", "INFO"))
    args = parser.parse_args()

    stack = LocalStack(
        args.port, args.emulator_port, require_signature=args.require_signature, log_level=args.log_level
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
