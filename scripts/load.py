"""`make load`: send N realistic workouts for many users to a running local API, then check the totals.

    python scripts/load.py --url http://127.0.0.1:3000 --count 3000 --clients 8

Prints throughput, p50/p95/p99 latency and the error count, then reads every user's stats and checks that the
totals equal what was sent. Exits 1 on any error or mismatch. Sends only to the URL given (loopback by default).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import urllib3

TYPES = {  # type: (calories per minute, km per minute or None)
    "running": (11.0, 0.17), "cycling": (9.0, 0.4), "swimming": (10.0, 0.04), "walking": (4.5, 0.09),
    "rowing": (8.5, 0.2), "strength": (6.0, None), "yoga": (3.5, None), "hiit": (12.5, None),
}  # fmt: skip


def realistic_workouts(count: int, users: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    run = uuid.UUID(int=rng.getrandbits(128)).hex[:8]
    now = datetime.now(UTC)
    workouts = []
    for n in range(count):
        kind = rng.choice(list(TYPES))
        per_minute, speed = TYPES[kind]
        minutes = rng.randint(10, 120)
        body = {
            "userId": f"load-{run}-{n % users:04d}",
            "workoutType": kind,
            "durationMinutes": minutes,
            "caloriesBurned": round(minutes * per_minute * rng.uniform(0.8, 1.2), 1),
            "workoutTimestamp": (now - timedelta(minutes=rng.randint(0, 30 * 24 * 60))).isoformat(),
            "heartRateAvg": rng.randint(85, 175),
        }
        if speed:
            body["distanceKm"] = round(minutes * speed * rng.uniform(0.8, 1.2), 2)
        if rng.random() < 0.2:
            body["notes"] = rng.choice(["felt strong", "easy day", "intervals", "new route", "tired legs"])
        workouts.append(body)
    return workouts


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    done: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def progress(done: int, total: int, started: float) -> None:
    width = 40
    filled = int(width * done / total)
    rate = done / max(time.perf_counter() - started, 1e-9)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}  {rate:7.1f} req/s")
    sys.stderr.flush()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def send_all(url: str, workouts: list[dict], clients: int) -> tuple[Results, float]:
    pool = urllib3.PoolManager(maxsize=clients)
    results = Results()
    started = time.perf_counter()

    def send(body: dict) -> None:
        headers = {"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex}
        begin = time.perf_counter()
        try:
            response = pool.request("POST", f"{url}/workouts", body=json.dumps(body), headers=headers, retries=False)
            problem = None if response.status == 201 else f"HTTP {response.status}: {response.data[:200]!r}"
        except Exception as exc:  # a load run reports every failure instead of stopping
            problem = f"{type(exc).__name__}: {exc}"
        elapsed = time.perf_counter() - begin
        with results.lock:
            results.latencies.append(elapsed)
            if problem:
                results.errors.append(problem)
            results.done += 1
            if results.done % 50 == 0 or results.done == len(workouts):
                progress(results.done, len(workouts), started)

    with ThreadPoolExecutor(max_workers=clients) as executor:
        list(executor.map(send, workouts))
    sys.stderr.write("\n")
    return results, time.perf_counter() - started


def check_totals(url: str, workouts: list[dict]) -> list[str]:
    pool = urllib3.PoolManager()
    expected: dict[str, dict[str, Decimal]] = {}
    for body in workouts:
        totals = expected.setdefault(body["userId"], {"n": Decimal(0), "min": Decimal(0), "kcal": Decimal(0)})
        totals["n"] += 1
        totals["min"] += Decimal(str(body["durationMinutes"]))
        totals["kcal"] += Decimal(str(body["caloriesBurned"]))
    mismatches = []
    for user, totals in expected.items():
        stats = json.loads(pool.request("GET", f"{url}/stats/{user}?recent=1").data)
        got = (
            Decimal(stats["totalWorkouts"]),
            Decimal(str(stats["totalDurationMinutes"])),
            Decimal(str(stats["totalCaloriesBurned"])),
        )
        if got != (totals["n"], totals["min"], totals["kcal"]):
            mismatches.append(f"{user}: sent {totals}, stats say {got}")
    return mismatches


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:3000")
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()

    workouts = realistic_workouts(args.count, args.users, args.seed)
    print(f"sending {args.count} workouts for {min(args.users, args.count)} users with {args.clients} clients")
    results, elapsed = send_all(args.url, workouts, args.clients)
    latencies_ms = [s * 1000 for s in results.latencies]
    print(f"requests      {len(latencies_ms)} in {elapsed:.1f} s  ->  {len(latencies_ms) / elapsed:.1f} req/s")
    print(
        f"latency ms    p50 {percentile(latencies_ms, 50):.1f}  p95 {percentile(latencies_ms, 95):.1f}  "
        f"p99 {percentile(latencies_ms, 99):.1f}  mean {statistics.fmean(latencies_ms):.1f}"
    )
    print(f"errors        {len(results.errors)}")
    for problem in results.errors[:5]:
        print(f"  {problem}")
    mismatches = check_totals(args.url, workouts)
    print(f"stats totals  {'exact for every user' if not mismatches else f'{len(mismatches)} users differ'}")
    for mismatch in mismatches[:5]:
        print(f"  {mismatch}")
    return 1 if results.errors or mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
