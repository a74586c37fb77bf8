"""`make backfill ENV=<env>`: once after upgrading a deployment from 1.0 to 2.0, give every workout stored by 1.0
what 2.0 keeps for each workout (its copies by id and by type, its period totals, a version), so that old workouts
can be read, corrected and deleted by id, listed by type and counted in periods. Their lifetime totals are
already right and are not touched.

    terraform output -json workout_log | python scripts/backfill.py --outputs - [--resume KEY]

Idempotent: each workout is changed in one transaction that runs only if it has not run before, so running it
again (all of it, or from a key it printed) changes nothing twice. Resumable: after each page it prints the key to
pass to --resume. It scans the workouts table (read capacity) and writes about 12 write units per old workout;
it needs dynamodb:Scan, PutItem and UpdateItem on the workouts table and the use of its KMS key through DynamoDB.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from typing import Any


@dataclass
class Progress:
    scanned: int = 0
    indexed: int = 0
    already: int = 0


def backfill(store: Any, resume: dict[str, Any] | None = None, report: Any = print, page_size: int = 500) -> Progress:
    """Index every legacy workout from `resume` on; `report` gets a line (with the resume key) after each page of
    `page_size` items scanned."""
    progress, start = Progress(), resume
    while True:
        items, start = store.legacy_workouts(start, page_size)
        for item in items:
            progress.scanned += 1
            if store.index_legacy_workout(item):
                progress.indexed += 1
            else:
                progress.already += 1
        key = json.dumps(start) if start else "none (done)"
        report(f"{progress.indexed} indexed, {progress.already} already indexed; resume key: {key}")
        if not start:
            return progress


def main(argv: list[str]) -> int:
    import boto3

    from workout_log.dal.dynamodb import DynamoDBWorkoutStore

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--outputs", type=argparse.FileType(), required=True, help="the environment's workout_log output as JSON (-)"
    )
    parser.add_argument("--resume", type=json.loads, help="a resume key a previous run printed")
    parser.add_argument("--page-size", type=int, default=500, help="items scanned per page (and per resume key)")
    args = parser.parse_args(argv)
    outputs = json.load(args.outputs)
    tables = outputs["table_names"]
    store = DynamoDBWorkoutStore(
        boto3.client("dynamodb"), tables["workouts"], tables["user_stats"], int(outputs["type_index_shards"])
    )
    progress = backfill(store, args.resume, page_size=args.page_size)
    print(f"done: {progress.scanned} workouts of 1.0 found, {progress.indexed} indexed now")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
