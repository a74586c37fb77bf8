"""The embedded AWS emulator: moto's server, in this process, on loopback.

Two changes make it behave like DynamoDB for the local stack:

1. Every request is atomic. moto 5.2.5's DynamoDB is not safe under concurrent requests: 20 threads sending 50
   TransactWriteItems each gave HTTP 500s ("dictionary changed size during iteration" inside
   transact_write_items) and a half-applied transaction (tests/reliability/test_concurrency.py runs that load).
   A lock serialises the requests that reach moto while the handlers calling it stay concurrent, as separate
   Lambda instances would.
2. Transactions stay fast as tables grow. moto 5.2.5 deep-copies every table a transaction touches so it can roll
   back (1,000 transactions: 31 s; 3,000: 220 s). `install_item_level_rollback` keeps moto's own transaction code
   but snapshots only the items the transaction addresses, and restores those on failure. It relies on moto 5.2.5
   internals (`Table.items`, the module-level `copy` in moto.dynamodb.models) and refuses any other version;
   tests/e2e/test_emulator.py fails if moto's behaviour changes underneath.

And `install_terraform_gaps` answers the calls the hashicorp/aws provider makes that moto 5.2.5 lacks or
misreports, so that `terraform apply` of every environment completes and the plan after it is empty
(tests/terraform/test_apply.py applies them; tests/e2e/test_emulator.py tests each gap on its own):

3. Application Auto Scaling tags. moto 5.2.5 answers ListTagsForResource with HTTP 500 (NotImplementedError),
   which the provider retries for over ten minutes after registering a scalable target, and drops the Tags of
   RegisterScalableTarget. Tags are kept per target ARN and TagResource, UntagResource and ListTagsForResource
   answered from them.
4. Lambda LoggingConfig. moto 5.2.5 neither stores nor returns a function's LoggingConfig, so every plan wants to
   add `logging_config` again. It is kept as given (AWS's default when absent: Text format, /aws/lambda/<name>)
   and returned by GetFunction and GetFunctionConfiguration.
5. AWS managed IAM policies. moto 5.2.5 knows none unless MOTO_IAM_LOAD_MANAGED_POLICIES is true, so attaching
   AmazonAPIGatewayPushToCloudWatchLogs (the API Gateway account role) fails with NoSuchEntity. The emulator
   loads them (about 1,600 policies, 0.05 s).
6. Event source mappings of DynamoDB streams. Once a mapping exists, moto 5.2.5 invokes its function inside every
   write to the table (through Docker, which is not here: the write fails), and then forgets the stream's records.
   The emulator keeps the mapping and the records, and leaves delivery to the local stack's pollers
   (workout_local.streams), which run beside the emulator as Lambda's run beside DynamoDB.
7. EventBridge's event envelope. moto 5.2.5 leaves `account` out of the events a rule delivers to its targets;
   EventBridge always sends it (docs/events/*.schema.json require it). `install_event_envelope` puts it back;
   the in-process suites install it too.
8. Event source mappings of an alias. Given a function's alias (`...:function:<name>:live`), moto 5.2.5 records
   the version the alias points at as the mapping's FunctionArn (`...:<name>:1`), so every plan wants to point
   the mapping at the alias again; Lambda keeps the qualified ARN it was given. The mapping keeps it here too.

Test suites can add behaviour of their own: `Emulator(extensions=[...])` (and `--extension FILE` for the process)
runs each extension's `install()` before the server starts. The least-privilege suite uses one to make IAM
decisions per resource (tests/support/iam.py).
"""

from __future__ import annotations

import copy
import json
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

MOTO_VERSION = "5.2.5"


class SerializedApp:
    """A WSGI app that runs one request at a time: each emulated AWS call is atomic."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with self._lock:
            return [b"".join(self._app(environ, start_response))]


def install_item_level_rollback() -> None:
    """Replace moto's whole-table snapshot in TransactWriteItems with an item-level one. Idempotent.

    Only safe while requests are serialised (SerializedApp): the swap of moto's `copy` reference lasts one call.
    """
    import moto
    from moto.dynamodb import models
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    if moto.__version__ != MOTO_VERSION:
        raise RuntimeError(f"item-level rollback is written for moto {MOTO_VERSION}, found {moto.__version__}")
    backend = models.DynamoDBBackend
    if getattr(backend.transact_write_items, "item_level_rollback", False):
        return
    whole_table_rollback = backend.transact_write_items

    class _TablesAreNotCopied:
        """Stands in for the `copy` module inside moto.dynamodb.models during one transaction."""

        @staticmethod
        def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
            return value if isinstance(value, Table) else copy.deepcopy(value, memo)

        copy = staticmethod(copy.copy)

    def snapshot(self: Any, transact_items: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        saved = []
        for entry in transact_items:
            op_type, op = next(iter(entry.items()))
            table = self.tables.get(op.get("TableName"))
            key = op.get("Item") if op_type == "Put" else op.get("Key")
            if table is None or not isinstance(key, dict) or table.hash_key_attr not in key:
                continue
            hash_value = DynamoType(key[table.hash_key_attr])
            range_value = None
            if table.range_key_attr is not None:
                if table.range_key_attr not in key:
                    continue
                range_value = DynamoType(key[table.range_key_attr])
            current = table.get_item(hash_value, range_value)
            stream_length = len(table.stream_shard.items) if table.stream_shard is not None else 0
            saved.append((table, hash_value, range_value, copy.deepcopy(current), stream_length))
        return saved

    def restore(saved: list[tuple[Any, ...]]) -> None:
        for table, hash_value, range_value, item, stream_length in reversed(saved):
            if range_value is None:
                if item is None:
                    table.items.pop(hash_value, None)
                else:
                    table.items[hash_value] = item
            elif item is None:
                table.items.get(hash_value, {}).pop(range_value, None)
            else:
                table.items[hash_value][range_value] = item
            if table.stream_shard is not None:
                del table.stream_shard.items[stream_length:]

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        saved = snapshot(self, transact_items)
        models.copy = _TablesAreNotCopied
        try:
            return whole_table_rollback(self, transact_items)
        except Exception:
            restore(saved)
            raise
        finally:
            models.copy = copy

    transact_write_items.item_level_rollback = True  # type: ignore[attr-defined]
    backend.transact_write_items = transact_write_items


def install_terraform_gaps() -> None:
    """Fill the gaps 3-6 and 8 of the module docstring in moto's classes. Idempotent."""
    import moto
    from moto.applicationautoscaling import responses as autoscaling
    from moto.awslambda import models as awslambda
    from moto.dynamodb.models.table import StreamRecord, StreamShard

    if moto.__version__ != MOTO_VERSION:
        raise RuntimeError(f"the Terraform gaps are filled for moto {MOTO_VERSION}, found {moto.__version__}")
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    response = autoscaling.ApplicationAutoScalingResponse
    if getattr(response, "terraform_gaps_filled", False):
        return

    def tag_store(self: Any) -> dict[str, dict[str, str]]:
        backend = self.applicationautoscaling_backend
        if not hasattr(backend, "emulated_tags"):
            backend.emulated_tags = {}
        return backend.emulated_tags

    register = response.register_scalable_target

    def register_scalable_target(self: Any) -> str:
        answer = register(self)
        tags = self._get_param("Tags")
        if tags:
            tag_store(self).setdefault(json.loads(answer)["ScalableTargetARN"], {}).update(tags)
        return answer

    def tag_resource(self: Any) -> str:
        tag_store(self).setdefault(self._get_param("ResourceARN"), {}).update(self._get_param("Tags") or {})
        return "{}"

    def untag_resource(self: Any) -> str:
        tags = tag_store(self).get(self._get_param("ResourceARN"), {})
        for key in self._get_param("TagKeys") or []:
            tags.pop(key, None)
        return "{}"

    def list_tags_for_resource(self: Any) -> str:
        return json.dumps({"Tags": tag_store(self).get(self._get_param("ResourceARN"), {})})

    response.register_scalable_target = register_scalable_target
    response.tag_resource = tag_resource
    response.untag_resource = untag_resource
    response.list_tags_for_resource = list_tags_for_resource

    function = awslambda.LambdaFunction
    create, configuration, update = function.__init__, function.get_configuration, function.update_configuration

    def __init__(self: Any, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        create(self, account_id, spec, *args, **kwargs)
        self.logging_config = {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{self.function_name}"}
        self.logging_config.update(spec.get("LoggingConfig") or {})

    def get_configuration(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return {**configuration(self, *args, **kwargs), "LoggingConfig": dict(self.logging_config)}

    def update_configuration(self: Any, config_updates: dict[str, Any]) -> dict[str, Any]:
        if "LoggingConfig" in config_updates:
            self.logging_config = {**self.logging_config, **config_updates["LoggingConfig"]}
        return update(self, config_updates)

    function.__init__ = __init__
    function.get_configuration = get_configuration
    function.update_configuration = update_configuration

    def add(self: Any, old: Any, new: Any) -> None:
        """moto's StreamShard.add without invoking the mappings' functions."""
        name = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
        view = self.table.stream_specification["StreamViewType"]
        sequence = len(self.items) + self.starting_sequence_number
        self.items.append(StreamRecord(self.table, view, name, old, new, sequence))

    StreamShard.add = add

    backend = awslambda.LambdaBackend
    create_mapping, update_mapping = backend.create_event_source_mapping, backend.update_event_source_mapping

    def as_given(mapping: Any, function_name: str) -> Any:
        """The mapping's FunctionArn with the qualifier the request gave it (an alias stays the alias)."""
        if mapping is None or not function_name:
            return mapping
        parts = function_name.split(":")
        qualifier = parts[7] if parts[0] == "arn" and len(parts) == 8 else parts[1] if len(parts) == 2 else None
        unqualified = ":".join(mapping.function_arn.split(":")[:7])
        mapping.function_arn = f"{unqualified}:{qualifier}" if qualifier else unqualified
        return mapping

    def create_event_source_mapping(self: Any, spec: dict[str, Any]) -> Any:
        return as_given(create_mapping(self, spec), spec.get("FunctionName", ""))

    def update_event_source_mapping(self: Any, uuid: str, spec: dict[str, Any]) -> Any:
        return as_given(update_mapping(self, uuid, spec), spec.get("FunctionName", ""))

    backend.create_event_source_mapping = create_event_source_mapping
    backend.update_event_source_mapping = update_event_source_mapping
    response.terraform_gaps_filled = True


def install_event_envelope() -> None:
    """Gap 7 of the module docstring: `account` in the envelope of every event a rule delivers. Idempotent."""
    from moto.events.utils import EventTemplateParser

    template = EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE
    if '"account"' not in template:
        EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE = template.replace(
            '"version": "0", ', '"version": "0", "account": "<account>", '
        )


def install_extension(path: Path) -> None:
    """Run the `install()` of the Python file at `path` in this process (see the module docstring)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"emulator_extension_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"{path} is not a Python file")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.install()


class Emulator:
    """moto's server on loopback, serialised and with item-level transaction rollback."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, region: str = "us-east-1", extensions: Sequence[Path] = ()
    ) -> None:
        self.host, self.port, self.region = host, port, region
        self.extensions = tuple(extensions)
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._saved_setting: str | None = None

    def start(self) -> Emulator:
        from moto.server import DomainDispatcherApplication, create_backend_app
        from werkzeug.serving import WSGIRequestHandler, make_server

        class _Quiet(WSGIRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: one connection per client thread, not one per call

            def log_request(self, *args: Any, **kwargs: Any) -> None:
                """The handlers' own logs say what matters; one line per emulated AWS call is noise."""

        install_item_level_rollback()
        # Gap 5 turns on a moto setting for the whole process; stop() puts it back, so that an in-process emulator
        # (the tests use one) does not make every later mock_aws load AWS's managed policies (about 1.5 s each).
        self._saved_setting = os.environ.get("MOTO_IAM_LOAD_MANAGED_POLICIES")
        install_terraform_gaps()
        install_event_envelope()
        for extension in self.extensions:
            install_extension(extension)
        app = SerializedApp(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(self.host, self.port, app, threaded=True, request_handler=_Quiet)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, name="aws-emulator", daemon=True)
        self._thread.start()
        return self

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def client(self, service: str) -> Any:
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=self.region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106 - the emulator's fixed credentials
        )

    def reset(self) -> None:
        """Forget every emulated resource (moto's reset API)."""
        import urllib3

        urllib3.PoolManager().request("POST", f"{self.endpoint}/moto-api/reset")

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
            if self._saved_setting is None:
                os.environ.pop("MOTO_IAM_LOAD_MANAGED_POLICIES", None)
            else:
                os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = self._saved_setting


class EmulatorProcess:
    """The same emulator in a child process, so that moto has a core of its own while the handlers run in the
    parent, as Lambda and DynamoDB run on different machines. Same interface as Emulator."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, region: str = "us-east-1", extensions: Sequence[Path] = ()
    ) -> None:
        self.host, self.port, self.region = host, port, region
        self.extensions = tuple(extensions)
        self._process: Any = None

    def start(self) -> EmulatorProcess:
        import subprocess
        import sys

        extensions = [argument for path in self.extensions for argument in ("--extension", str(path))]
        self._process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
            [
                sys.executable,
                "-m",
                "workout_local.emulator",
                "--host",
                self.host,
                "--port",
                str(self.port),
                *extensions,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        ready = self._process.stdout.readline().strip()
        if not ready.startswith("listening "):
            self._process.kill()
            raise RuntimeError(f"the emulator did not start: {ready!r}")
        self.port = int(ready.rsplit(":", 1)[1])
        return self

    endpoint = Emulator.endpoint
    client = Emulator.client

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def stop(self) -> None:
        import subprocess

        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:  # a server busy with a large state: it holds nothing worth keeping
                self._process.kill()
                self._process.wait(timeout=10)
            self._process = None


def main() -> None:
    import argparse
    import signal

    parser = argparse.ArgumentParser(description="Run the embedded AWS emulator alone (moto, serialised).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--extension", type=Path, action="append", default=[], help="a file whose install() to run")
    args = parser.parse_args()
    emulator = Emulator(args.host, args.port, extensions=args.extension).start()
    print(f"listening {emulator.endpoint}", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    stopped.wait()
    emulator.stop()


if __name__ == "__main__":
    main()
