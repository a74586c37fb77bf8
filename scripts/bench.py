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


class CallCounter:
    """Counts the AWS calls a handler makes, and the items they read and wrote."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.read = 0
        self.written = 0

    def __call__(self, http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        self.calls.append(model.name)
        if model.name == "GetItem":
            self.read += 1 if parsed.get("Item") else 0
        elif model.name in ("Query", "Scan"):
            self.read += len(parsed.get("Items", []))

    def before(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name == "TransactWriteItems":
            self.written += len(params["TransactItems"])
        elif model.name in ("PutItem", "UpdateItem", "DeleteItem"):
            self.written += 1


def seed(client: Any, names: Any, shards: int, user: str, count: int) -> None:
    """`count` workouts for `user` written directly (batches of 25), with the aggregate they add up to."""
    from decimal import Decimal

    from workout_log.dal.base import WorkoutRecord
    from workout_log.dal.dynamodb import _to_item

    batch: list[dict[str, Any]] = []
    for n in range(count):
        record = WorkoutRecord(f"{user}-{n:06d}", user, "running", f"2026-01-01T00:00:{n % 60:02d}.{n:06d}Z",
                               Decimal(30), Decimal(300), "2026-01-01T00:00:00.000000Z")  # fmt: skip
        batch.append({"PutRequest": {"Item": _to_item(record, shards)}})
        if len(batch) == 25 or n == count - 1:
            client.batch_write_item(RequestItems={names.workouts_table: batch})
            batch = []
    client.put_item(
        TableName=names.stats_table,
        Item={"userId": {"S": user}, "totalWorkouts": {"N": str(count)}, "totalDurationMinutes": {"N": str(30 * count)},
              "totalCaloriesBurned": {"N": str(300 * count)}, "totalDistanceKm": {"N": "0"},
              "type#running#workouts": {"N": str(count)}, "type#running#durationMinutes": {"N": str(30 * count)},
              "type#running#caloriesBurned": {"N": str(300 * count)}},
    )  # fmt: skip


def handler_environment(stack: Any) -> dict[str, str]:
    """Run the handlers in this process as the process function runs in the stack (its environment, from the
    state), with metrics off: EMF lines would flood the output."""
    environment = {**stack.handler_environment(), "POWERTOOLS_METRICS_DISABLED": "true"}
    os.environ.update(environment)
    return environment


def request_work(stack: Any) -> None:
    from workout_local.events import LambdaContext, api_event
    from workout_log.aws import dynamodb_client
    from workout_log.handlers import process_workout, workout_stats

    client = dynamodb_client()
    counter = CallCounter()
    client.meta.events.register("after-call.dynamodb", counter)
    client.meta.events.register("before-parameter-build.dynamodb", counter.before)
    print("\n4. DynamoDB work per request (botocore calls made by the handler, items read or written)")
    for count in (10, 1_000, 10_000):
        user = f"user-{count}"
        seed(client, stack.names, int(os.environ["WORKOUT_TYPE_SHARDS"]), user, count)
        counter.__init__()
        result = workout_stats.handler(api_event("GET", f"/stats/{user}"), LambdaContext("bench-stats"))
        assert result["statusCode"] == 200 and json.loads(result["body"])["totalWorkouts"] == count
        print(f"   GET /stats, user with {count:>6,} workouts: {len(counter.calls)} calls {counter.calls}, "
              f"{counter.read} items read")  # fmt: skip
    body = json.dumps({"userId": "writer", "workoutType": "running", "durationMinutes": 30, "caloriesBurned": 300})
    for label, headers in (("POST /workouts", {}), ("POST /workouts with Idempotency-Key", {"Idempotency-Key": "b1"})):
        counter.__init__()
        event = api_event("POST", "/workouts", body=body, headers={"Content-Type": "application/json", **headers})
        result = process_workout.handler(event, LambdaContext("bench-process"))
        assert result["statusCode"] == 201, result
        print(f"   {label:<37}: {len(counter.calls)} calls {counter.calls}, {counter.written} items written")


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
