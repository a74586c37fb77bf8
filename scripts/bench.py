"""`make bench`: print the figures of docs/BENCHMARKS.md. Never part of `make test`; nothing here asserts on time.

1. Cold import of each handler module in a fresh interpreter (median of N runs) next to `import boto3` alone.
2. The Lambda zip size for arm64 and x86_64.
3. Handler overhead: warm latency of each handler run in this process (p50/p99 over 2,000 calls) next to the bare
   boto3 calls it makes, against the same emulator (first, while the tables are small: moto's Query cost grows
   with the table, DynamoDB's does not).
4. DynamoDB work per request, counted from the botocore calls the handlers make: GET /stats for users with 10,
   1,000 and 10,000 workouts, and POST /workouts with and without an Idempotency-Key.
5. Local API throughput and latency for 3,000 workouts through the `make load` client against `make run`'s stack.

Parts 3-5 run against one `make run` stack (dev applied by Terraform to the embedded emulator); parts 3 and 4 call
the handlers in this process with the process function's environment from the Terraform state.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
# Before the package is imported (Powertools' Logger and Metrics read these then): a quiet run.
os.environ.update({"POWERTOOLS_LOG_LEVEL": "WARNING", "POWERTOOLS_METRICS_DISABLED": "true"})


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def cold_imports(runs: int) -> None:
    modules = ["boto3", "workout_log.handlers.process_workout", "workout_log.handlers.workout_stats"]
    timings: dict[str, list[float]] = {m: [] for m in modules}
    code = "import time; t = time.perf_counter(); import {m}; print((time.perf_counter() - t) * 1000)"
    for _ in range(runs):  # interleaved, so that machine noise hits every module alike
        for module in modules:
            out = subprocess.run(
                [sys.executable, "-c", code.format(m=module)], capture_output=True, text=True, check=True
            )
            timings[module].append(float(out.stdout))
    baseline = statistics.median(timings["boto3"])
    print(f"\n1. Cold import, median of {runs} fresh interpreters (Python {platform.python_version()})")
    for module in modules:
        median = statistics.median(timings[module])
        print(f"   {module:<42} {median:7.1f} ms   {median / baseline:4.2f}x import boto3")


def zip_sizes() -> None:
    from build_lambda import build

    print("\n2. Lambda zip (python3.13)")
    with tempfile.TemporaryDirectory() as scratch:
        for arch in ("arm64", "x86_64"):
            out = Path(scratch) / f"{arch}.zip"
            with open(os.devnull, "w") as quiet:
                stdout, sys.stdout = sys.stdout, quiet
                try:
                    build("python3.13", arch, out)
                finally:
                    sys.stdout = stdout
            print(f"   {arch:<7} {out.stat().st_size:>10,} bytes ({out.stat().st_size / 2**20:.2f} MiB)")


def item_size(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB bills it (developer guide, "Item sizes"): each attribute's name in UTF-8 plus its
    value (a string's UTF-8 bytes; a number about one byte per two significant digits, plus one)."""

    def value_size(value: dict[str, Any]) -> int:
        ((kind, content),) = value.items()
        if kind == "S":
            return len(content.encode())
        if kind == "N":
            digits = content.lstrip("-").replace(".", "").strip("0") or "0"
            return (len(digits) + 1) // 2 + 1
        return 1

    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


class CallCounter:
    """Counts the DynamoDB calls a handler makes, the items they read, and the write units of what they write:
    2 per KB per item of a transaction (deleted items at their size before, others at their size after), 1 per KB
    for each index copy of a workout item put or deleted. Sizes are read with a client of its own."""

    def __init__(self, measure: Any, workouts_table: str) -> None:
        self.measure, self.workouts_table = measure, workouts_table
        self.reset()

    def reset(self) -> None:
        self.calls: list[str] = []
        self.read = 0
        self.units = 0
        self._pending: list[tuple[str, str, dict[str, Any], dict[str, Any] | None]] = []

    def _get(self, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
        item: dict[str, Any] | None = self.measure.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
        return item

    def before(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name in ("PutItem", "UpdateItem", "DeleteItem"):  # 1 unit per KB outside a transaction
            key = params.get("Key") or {n: params["Item"][n] for n in ("id", "userId") if n in params["Item"]}
            kind = "SingleDelete" if model.name == "DeleteItem" else "Single"
            self._pending.append((kind, params["TableName"], key, self._get(params["TableName"], key)))
            return
        if model.name != "TransactWriteItems":
            return
        for entry in params["TransactItems"]:
            ((kind, operation),) = entry.items()
            table = operation["TableName"]
            names = ("userId", "workoutTimestamp", "id")
            key = operation.get("Key") or {n: operation["Item"][n] for n in names if n in operation["Item"]}
            self._pending.append((kind, table, key, self._get(table, key)))

    def after(self, http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        self.calls.append(model.name)
        if model.name == "GetItem":
            self.read += 1 if parsed.get("Item") else 0
        elif model.name in ("Query", "Scan"):
            self.read += len(parsed.get("Items", []))
        for kind, table, key, old in self._pending:
            new = self._get(table, key)
            item = old if kind in ("Delete", "SingleDelete") else new
            kilobytes = -(-item_size(item or {}) // 1024)
            self.units += kilobytes if kind.startswith("Single") else 2 * kilobytes
            if table == self.workouts_table and (item or {}).get("itemType", {}).get("S") == "workout":
                self.units += kilobytes * (2 if kind == "Put" and old is not None and "workoutTypeShard" in old else 1)
        self._pending = []


def seed(client: Any, names: Any, shards: int, user: str, count: int) -> list[str]:
    """`count` workouts for `user` over the year before 2026-11-01, 1% of them rowing, the rest running, written
    directly with every copy and total 2.0 keeps (batches of 25); their ids."""
    from collections import defaultdict
    from decimal import Decimal

    from workout_log.dal.base import WorkoutRecord
    from workout_log.dal.dynamodb import _by_id_item, _of_type_item, _to_item, increments, period_keys

    items: list[dict[str, Any]] = []
    totals: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    ids = []
    for n in range(count):
        day = n * 365 // max(count, 1)
        moment = "2025-11-01T06:00:00.000000Z".replace("2025-11-01", _date_after("2025-11-01", day))
        record = WorkoutRecord(f"00000000-0000-4000-8000-{n:012d}", user, "rowing" if n % 100 == 50 else "running",
                               moment, Decimal(30), Decimal(300), "2026-01-01T00:00:00.000000Z")  # fmt: skip
        ids.append(record.workout_id)
        items += [_to_item(record, shards), _of_type_item(record), _by_id_item(record)]
        for key in [(user, ""), *period_keys(record)]:
            for name, amount in increments(record).items():
                totals[key][name] += amount
    for (partition, sort), amounts in totals.items():
        values = {name: {"N": str(amount)} for name, amount in amounts.items()}
        if sort:
            items.append(
                {"userId": {"S": partition}, "workoutTimestamp": {"S": sort}, "itemType": {"S": "period"}, **values}
            )
        else:
            client.put_item(TableName=names.stats_table, Item={"userId": {"S": partition}, **values})
    for start in range(0, len(items), 25):
        batch = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
        client.batch_write_item(RequestItems={names.workouts_table: batch})
    return ids


def _date_after(first: str, days: int) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(first) + timedelta(days=days)).isoformat()


def handler_environment(stack: Any) -> dict[str, str]:
    """Run both handlers in this process as their functions run in the stack (their environments, from the
    state), with metrics off: EMF lines would flood the output."""
    from workout_log.api import STATS_PATH, WORKOUTS_PATH

    reader, writer = stack.routes[f"GET {STATS_PATH}"], stack.routes[f"POST {WORKOUTS_PATH}"]
    environment = {**stack.function_environment(reader), **stack.function_environment(writer)}
    os.environ.update({**environment, "POWERTOOLS_METRICS_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": "WARNING"})
    return environment


def request_work(stack: Any) -> None:
    from workout_local.events import LambdaContext, api_event
    from workout_log.aws import dynamodb_client
    from workout_log.handlers import process_workout, workout_stats

    client = dynamodb_client()
    counter = CallCounter(stack.emulator.client("dynamodb"), stack.names.workouts_table)
    client.meta.events.register("after-call.dynamodb", counter.after)
    client.meta.events.register("before-parameter-build.dynamodb", counter.before)

    def run(handler: Any, method: str, path: str, query: str = "", **event: Any) -> dict[str, Any]:
        counter.reset()
        result: dict[str, Any] = handler(api_event(method, path, query=query, **event), LambdaContext("bench"))
        assert result["statusCode"] < 300, result
        return result

    def reads(label: str) -> str:
        return f"{label:<46} {counter.read:>4} items read ({len(counter.calls)} calls)"

    print("\n4. DynamoDB work per request (botocore calls of the handler; items read; write units as DynamoDB bills)")
    year = "from=2025-11-01T00:00:00Z&to=2026-11-01T00:00:00Z"
    cut_year = "from=2025-11-03T12:00:00%2B01:00&to=2026-10-29T12:00:00%2B01:00"
    for count in (10, 1_000, 10_000):
        user = f"history-{count}"
        ids = seed(client, stack.names, int(os.environ["WORKOUT_TYPE_SHARDS"]), user, count)
        print(f"   a user with {count:,} workouts ({max(count // 100, 0)} rowing, 1%):")
        first = json.loads(run(workout_stats.handler, "GET", "/workouts", f"userId={user}&limit=20")["body"])
        print("     " + reads("GET /workouts, first page of 20"))
        if first["nextToken"]:
            run(workout_stats.handler, "GET", "/workouts", f"userId={user}&limit=20&nextToken={first['nextToken']}")
            print("     " + reads("GET /workouts, second page of 20"))
        run(workout_stats.handler, "GET", "/workouts", f"userId={user}&limit=20&type=rowing")
        print("     " + reads("GET /workouts?type=rowing, a page of 20"))
        run(workout_stats.handler, "GET", f"/workouts/{ids[-1]}")
        print("     " + reads("GET /workouts/{workoutId}"))
        run(workout_stats.handler, "GET", f"/stats/{user}")
        print("     " + reads("GET /stats (totals, 10 newest)"))
        for period in ("day", "week", "month"):
            run(workout_stats.handler, "GET", f"/stats/{user}", f"{year}&period={period}")
            print("     " + reads(f"GET /stats, a year of periods ({period})"))
        # The worst case: from and to at noon of another offset cut the edge days (their workouts are read one by
        # one) and the edge weeks and months (their days' totals are read).
        for period in ("day", "week", "month"):
            run(workout_stats.handler, "GET", f"/stats/{user}", f"{cut_year}&period={period}")
            print("     " + reads(f"  the same, from and to cutting days ({period})"))
        run(workout_stats.handler, "GET", "/types/rowing/workouts", "limit=20")
        print("     " + reads("GET /types/rowing/workouts, a page of 20"))
    body = {"userId": "writer", "workoutType": "running", "durationMinutes": 30, "caloriesBurned": 300}
    json_headers = {"Content-Type": "application/json"}
    for label, headers in (("POST /workouts", {}), ("POST /workouts with Idempotency-Key", {"Idempotency-Key": "b1"})):
        stored = json.loads(run(process_workout.handler, "POST", "/workouts", body=json.dumps(body),
                                headers={**json_headers, **headers})["body"])  # fmt: skip
        print(f"   {label:<46} {counter.units:>4} write units ({len(counter.calls)} calls)")
    workout_id = stored["workoutId"]
    moved = {"workoutType": "yoga", "workoutTimestamp": "2026-01-15T08:00:00Z"}
    patches = [("PATCH notes (same day, same type)", {"notes": "easy"}),
               ("PATCH type and time (other day, week, month)", moved)]  # fmt: skip
    for label, patch in patches:
        run(process_workout.handler, "PATCH", f"/workouts/{workout_id}", body=json.dumps(patch), headers=json_headers)
        print(f"   {label:<46} {counter.units:>4} write units ({len(counter.calls)} calls)")
    run(process_workout.handler, "DELETE", f"/workouts/{workout_id}")
    print(f"   {'DELETE':<46} {counter.units:>4} write units ({len(counter.calls)} calls)")


def handler_overhead(calls: int) -> None:
    from decimal import Decimal

    from workout_local.events import LambdaContext, api_event
    from workout_log.aws import dynamodb_client
    from workout_log.dal.base import WorkoutRecord
    from workout_log.dal.dynamodb import DynamoDBWorkoutStore
    from workout_log.handlers import process_workout, workout_stats

    client = dynamodb_client()
    names_env = os.environ
    store = DynamoDBWorkoutStore(client, names_env["WORKOUTS_TABLE_NAME"], names_env["STATS_TABLE_NAME"], 10)
    # Writers are spread over 500 users and the reader is a user with 10 workouts: moto's Query walks the whole
    # partition (DynamoDB stops at Limit), so one ever-growing user would measure moto, not the handler.
    post_events = [
        api_event("POST", "/workouts", headers={"Content-Type": "application/json"}, body=json.dumps(
            {"userId": f"writer-{n}", "workoutType": "running", "durationMinutes": 30, "caloriesBurned": 300}))
        for n in range(500)
    ]  # fmt: skip
    for n in range(10):
        store.add_workout(WorkoutRecord(f"read-{n}", "reader", "running", f"2026-01-01T00:00:0{n}.000000Z",
                                        Decimal(30), Decimal(300), "2026-01-01T00:00:00.000000Z"))  # fmt: skip
    get_event = api_event("GET", "/stats/reader")

    cycle = itertools.cycle(post_events)

    def timed(action: Any) -> list[float]:
        samples = []
        for _ in range(calls):
            started = time.perf_counter()
            action()
            samples.append((time.perf_counter() - started) * 1000)
        return samples

    def bare_post(n: list[int] = [0]) -> None:  # noqa: B006 - a counter that lives across calls
        n[0] += 1
        store.add_workout(WorkoutRecord(f"bare-{n[0]}", f"bare-{n[0] % 500}", "running", "2026-01-01T00:00:00.000000Z",
                                        Decimal(30), Decimal(300), "2026-01-01T00:00:00.000000Z"))  # fmt: skip

    def bare_get() -> None:
        client.get_item(TableName=names_env["STATS_TABLE_NAME"], Key={"userId": {"S": "reader"}}, ConsistentRead=True)
        client.query(TableName=names_env["WORKOUTS_TABLE_NAME"], KeyConditionExpression="userId = :u",
                     ExpressionAttributeValues={":u": {"S": "reader"}}, ScanIndexForward=False, Limit=10)  # fmt: skip

    # Reads first, while the table is small: moto's Query cost grows with the table, DynamoDB's does not.
    reads = [
        ("GET /stats handler", timed(lambda: workout_stats.handler(get_event, LambdaContext("bench")))),
        ("  bare boto3 GetItem + Query", timed(bare_get)),
    ]
    writes = [
        ("POST /workouts handler", timed(lambda: process_workout.handler(next(cycle), LambdaContext("bench")))),
        ("  bare boto3 TransactWriteItems", timed(bare_post)),
    ]
    rows = writes + reads
    print(f"\n3. Warm latency of the handlers run in this process, over {calls:,} calls (ms)")
    for label, samples in rows:
        print(f"   {label:<34} p50 {percentile(samples, 50):6.2f}   p99 {percentile(samples, 99):6.2f}")
    for handler_row, bare_row in ((rows[0], rows[1]), (rows[2], rows[3])):
        overhead = percentile(handler_row[1], 50) - percentile(bare_row[1], 50)
        print(f"   overhead of the code itself, {handler_row[0].split(' handler')[0]:<13} p50 {overhead:6.2f} ms")


def local_api(stack: Any, count: int) -> None:
    from load import check_totals, realistic_workouts, send_all

    workouts = realistic_workouts(count, users=100, seed=7)
    results, elapsed = send_all(stack.url, workouts, clients=8)
    mismatches = check_totals(stack.url, workouts)
    latencies = [s * 1000 for s in results.latencies]
    print(f"\n5. Local API (make run's stack), {count:,} workouts, 8 clients, each with an Idempotency-Key")
    p50, p95, p99 = (percentile(latencies, q) for q in (50, 95, 99))
    print(f"   throughput {count / elapsed:6.1f} req/s ({elapsed:.1f} s)")
    print(f"   latency ms p50 {p50:.1f}  p95 {p95:.1f}  p99 {p99:.1f}")
    print(f"   errors {len(results.errors)}   stats totals {'exact' if not mismatches else 'WRONG'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--import-runs", type=int, default=9)
    parser.add_argument("--calls", type=int, default=2_000)
    parser.add_argument("--load", type=int, default=3_000)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}")
    cold_imports(args.import_runs)
    zip_sizes()
    from workout_local.server import LocalStack

    stack = LocalStack(port=0, log_level="WARNING").start()
    try:
        handler_environment(stack)
        handler_overhead(args.calls)
        request_work(stack)
        local_api(stack, args.load)
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
