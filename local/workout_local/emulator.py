"""The embedded AWS emulator: moto's server, in this process, on loopback.

Two changes make it behave like DynamoDB for the local stack:

1. Every request is atomic. moto's DynamoDB is not safe under concurrent requests (concurrent TransactWriteItems
   raise "dictionary changed size during iteration" and can half-apply; ../shared/FACTS.md), so a lock serialises
   the requests that reach moto while the handlers calling it stay concurrent, as separate Lambda instances would.
2. Transactions stay fast as tables grow. moto 5.2.5 deep-copies every table a transaction touches so it can roll
   back (1,000 transactions: 31 s; 3,000: 220 s). `install_item_level_rollback` keeps moto's own transaction code
   but snapshots only the items the transaction addresses, and restores those on failure. It relies on moto 5.2.5
   internals (`Table.items`, the module-level `copy` in moto.dynamodb.models) and refuses any other version;
   tests/e2e/test_emulator.py fails if moto's behaviour changes underneath.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable
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


class Emulator:
    """moto's server on loopback, serialised and with item-level transaction rollback."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, region: str = "us-east-1") -> None:
        self.host, self.port, self.region = host, port, region
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def start(self) -> Emulator:
        from moto.server import DomainDispatcherApplication, create_backend_app
        from werkzeug.serving import WSGIRequestHandler, make_server

        class _Quiet(WSGIRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: one connection per client thread, not one per call

            def log_request(self, *args: Any, **kwargs: Any) -> None:
                """The handlers' own logs say what matters; one line per emulated AWS call is noise."""

        install_item_level_rollback()
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


class EmulatorProcess:
    """The same emulator in a child process, so that moto has a core of its own while the handlers run in the
    parent, as Lambda and DynamoDB run on different machines. Same interface as Emulator."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, region: str = "us-east-1") -> None:
        self.host, self.port, self.region = host, port, region
        self._process: Any = None

    def start(self) -> EmulatorProcess:
        import subprocess
        import sys
        from pathlib import Path

        package_root = str(Path(__file__).resolve().parent.parent)
        env = {**__import__("os").environ, "PYTHONPATH": package_root}
        self._process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
            [sys.executable, "-m", "workout_local.emulator", "--host", self.host, "--port", str(self.port)],
            stdout=subprocess.PIPE,
            env=env,
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
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None


def main() -> None:
    import argparse
    import signal

    parser = argparse.ArgumentParser(description="Run the embedded AWS emulator alone (moto, serialised).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    emulator = Emulator(args.host, args.port).start()
    print(f"listening {emulator.endpoint}", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    stopped.wait()
    emulator.stop()


if __name__ == "__main__":
    main()
