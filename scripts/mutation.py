"""`make mutation`: prove the tests notice each small breaking edit: of the kind that otherwise only shows after
`terraform apply` to AWS (the contract suite), and of the invariants the log keeps (each caught by its own suite).

For each mutation: copy the repository (tracked and untracked files, links kept) to a temporary folder, apply one
edit, run tests/contract there (the copy's package and Terraform, applied to an emulator of its own: dev only,
since every edit is to code all environments share), or for an edit inside a module the modules' own `terraform
test` runs (tests/terraform/test_modules.py), and expect a failure. An unmutated copy must pass first.
Mutations run three at a time (an apply mostly waits on the provider). Exits 1 if the baseline fails, an edit's
anchor text is missing, or any edit goes unnoticed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAIN = "modules/workout-log/main.tf"
# The contract suite on what `terraform apply` made of dev; module mutations are for the modules' own tests.
CONTRACT = "tests/contract"
MODULE_TESTS = "tests/terraform/test_modules.py"
ROUND_TRIP = "tests/inprocess/test_round_trip.py"
LAYERS = "tests/inprocess/test_layers.py"
DAL = "lambda/src/workout_log/dal/dynamodb.py"
LOGIC = "lambda/src/workout_log/logic/workouts.py"
STATE_MACHINE = "tests/inprocess/test_state_machine.py"
FAULTS = "tests/reliability/test_faults.py"


@dataclass(frozen=True)
class Mutation:
    kind: str
    path: str
    old: str
    new: str
    suite: str = CONTRACT


MUTATIONS = [
    Mutation("handler path", MAIN, '"workout_log.handlers.process_workout.handler"',
             '"workout_log.handlers.process_workout.handle"'),
    Mutation("handler module", MAIN, '"workout_log.handlers.workout_stats.handler"',
             '"workout_log.handlers.stats.handler"'),
    Mutation("environment variable name", MAIN, "IDEMPOTENCY_TABLE_NAME       =", "IDEMPOTENCY_TABLE            ="),
    Mutation("environment variable dropped", MAIN, "POWERTOOLS_PARAMETERS_MAX_AGE = tostring(var.parameters_max_age)",
             ""),
    Mutation("environment variable read by code only", "lambda/src/workout_log/models/settings.py",
             'alias="STATS_TABLE_NAME"', 'alias="USER_STATS_TABLE_NAME"'),
    Mutation("IAM action swapped", MAIN, 'actions = ["dynamodb:UpdateItem"], resources = [module.user_stats_table',
             'actions = ["dynamodb:GetItem"], resources = [module.user_stats_table'),
    Mutation("IAM action widened to Scan", MAIN, 'actions = ["dynamodb:Query"]', 'actions = ["dynamodb:Scan"]'),
    Mutation("IAM resource swapped", MAIN, 'resources = [module.workouts_table.arn]\n    },',
             'resources = [module.user_stats_table.arn]\n    },'),
    Mutation("IAM action dropped (idempotency)", MAIN,
             '"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"',
             '"dynamodb:PutItem", "dynamodb:UpdateItem"'),
    Mutation("table sort key name", MAIN, 'range_key           = { name = "workoutTimestamp" }',
             'range_key           = { name = "timestamp" }'),
    Mutation("index name", MAIN, 'type_index_name  = "byTypeAndTime"', 'type_index_name  = "byType"'),
    Mutation("key attribute type", MAIN, 'hash_key    = { name = "workoutTypeShard" }',
             'hash_key    = { name = "workoutTypeShard", type = "N" }'),
    Mutation("route path", MAIN, '"GET /stats/{userId}",', '"GET /statistics/{userId}",'),
    Mutation("route method", MAIN, '["POST /workouts",', '["PUT /workouts",'),
    Mutation("SSM parameter name", MAIN, '"workout-types" = {', '"types" = {'),
    Mutation("shard count disconnected", MAIN, "WORKOUT_TYPE_SHARDS           = tostring(var.type_index_shards)",
             'WORKOUT_TYPE_SHARDS           = "4"'),
    # Only the applied policy shows this one: the environment still passes the condition, the module drops it.
    Mutation("IAM condition dropped inside the lambda module", "modules/lambda/iam.tf",
             "for_each = statement.value.conditions", "for_each = []"),
    # The in-process stack's copy of the composition drifts (tests/contract/test_local_copies.py).
    Mutation("in-process copy of the stream view type", "tests/support/inprocess.py",
             '"StreamViewType": "NEW_AND_OLD_IMAGES"', '"StreamViewType": "NEW_IMAGE"'),
    # HTTP in the domain layer (tests/inprocess/test_layers.py).
    Mutation("logic answers with HTTP itself", "lambda/src/workout_log/logic/config.py",
             "from workout_log.models.errors import DependencyUnavailable",
             "from workout_log.http_errors import ApiError as DependencyUnavailable", LAYERS),
    # Caught by the modules' own `terraform test` runs, without an environment.
    Mutation("dynamodb module: wrong key schema", "modules/dynamodb/main.tf",
             "range_key      = try(var.range_key.name, null)", "range_key      = try(var.hash_key.name, null)",
             MODULE_TESTS),
    Mutation("api module: AWS_IAM removed from every method", "modules/api/main.tf",
             "= [{ sigv4 = [] }]", "= []", MODULE_TESTS),
    Mutation("dynamodb module: index capacity reset to the minimum", "modules/dynamodb/main.tf",
             "try(local.current_index_capacity[name][direction], 0)", "try(local.current_index_capacity[name].none, 0)",
             MODULE_TESTS),
    # The adoption traps of #22 and the safe-deploy features, each caught by its module's `terraform test`.
    *[Mutation(f"adoption: {kind}", path, old, new, MODULE_TESTS) for kind, path, old, new in [
        ("a table from on demand keeps 0 units", "modules/dynamodb/main.tf",
         "max(var.autoscaling.min_capacity, try(local.current[\"${direction}_capacity\"], 0))",
         "try(local.current[\"${direction}_capacity\"], 0)"),
        ("TTL left on when unset", "modules/dynamodb/main.tf",
         "enabled        = var.ttl_attribute_name != null", "enabled        = true"),
        ("a dotted table name as the alias", "modules/dynamodb/main.tf",
         'replace(var.name, ".", "-")', "var.name"),
        ("an empty dashboard made", "modules/monitoring/dashboard.tf",
         "count = length(local.widgets) > 0 ? 1 : 0", "count = 1"),
        ("logging_config in every partition", "modules/lambda/main.tf",
         'data.aws_partition.current.partition == "aws" ?', "true ?"),
        ("the role without its boundary", "modules/lambda/iam.tf",
         "permissions_boundary = var.role_permissions_boundary", "permissions_boundary = null"),
        ("the alias not pinned for a rollback", "modules/lambda/main.tf",
         "coalesce(var.alias_function_version, aws_lambda_function.this.version)", "aws_lambda_function.this.version"),
        ("the permission on the unqualified function", "modules/api/main.tf",
         "qualifier     = each.value.qualifier", "qualifier     = null"),
        ("statement ids without the route's hash", "modules/api/main.tf",
         'statement_id  = "${local.statement_names[each.key]}-',
         'statement_id  = "${local.statement_names[each.key]}" #'),
    ]],
    # The log's invariants, each caught by the suite that owns it.
    Mutation("a correction no longer conditioned on the version read", DAL,
             'self._put(_by_id_item(new), "version", _n(old.version))', "self._put(_by_id_item(new))", FAULTS),
    Mutation("a conflicting transaction not sent again", DAL, "if not _is_conflict(error) or", "if True or", FAULTS),
    Mutation("period totals keyed without the offset", DAL,
             'f"{start}{SORT_KEY_SEPARATOR}{record.utc_offset}"', 'f"{start}{SORT_KEY_SEPARATOR}+00:00"',
             STATE_MACHINE),
    Mutation("a period cut by from or to counted whole", "lambda/src/workout_log/logic/stats.py",
             "if begin >= query.start and end is not None and end <= query.end:",
             "if end is not None and end > query.start:", STATE_MACHINE),
    Mutation("page tokens not tied to their query", "lambda/src/workout_log/logic/tokens.py",
             'if document.get("q") != _digest(query):', "if False:", "tests/inprocess/test_workout_log.py -k token"),
    # A field dropped by any of the four hand-written mappings (request -> record -> item -> record -> response):
    # the round-trip property test POSTs generated workouts and reads each field back.
    *[Mutation(f"{field} dropped when {where}", path, old, new, ROUND_TRIP) for field, where, path, old, new in [
        ("distanceKm", "writing the item", DAL, 'item["distanceKm"] = _n(record.distance_km)', "pass"),
        ("heartRateAvg", "writing the item", DAL, 'item["heartRateAvg"] = _n(record.heart_rate_avg)', "pass"),
        ("notes", "writing the item", DAL, 'item["notes"] = {"S": record.notes}', "pass"),
        ("distanceKm", "reading the item", DAL, 'distance_km=num("distanceKm"),', "distance_km=None,"),
        ("heartRateAvg", "reading the item", DAL, "heart_rate_avg=int(heart_rate) if heart_rate is not None else None,",
         "heart_rate_avg=None,"),
        ("notes", "reading the item", DAL, 'notes=item["notes"]["S"] if "notes" in item else None,', "notes=None,"),
        ("distanceKm", "building the record", LOGIC, "distance_km=_decimal(workout.distanceKm),", "distance_km=None,"),
        ("heartRateAvg", "building the record", LOGIC, "heart_rate_avg=workout.heartRateAvg,", "heart_rate_avg=None,"),
        ("notes", "building the record", LOGIC, "notes=workout.notes,", "notes=None,"),
        ("distanceKm", "answering", LOGIC, "distanceKm=record.distance_km,", ""),
        ("heartRateAvg", "answering", LOGIC, "heartRateAvg=record.heart_rate_avg,", ""),
        ("notes", "answering", LOGIC, "notes=record.notes,", ""),
    ]],
]  # fmt: skip


def copy_repository(target: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source, destination = ROOT / name, target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            destination.symlink_to(os.readlink(source))
        elif source.is_file():
            shutil.copy2(source, destination)


def contract_suite(copy: Path, suite: str = CONTRACT) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        # The copy's package and local stack, not the editable installs of this checkout that .venv holds.
        "PYTHONPATH": os.pathsep.join([str(copy / "lambda" / "src"), str(copy / "local")]),
        "TEST_ENVIRONMENTS": "dev",
        # A failing property test would spend minutes shrinking its example; a mutation needs only the failure.
        "HYPOTHESIS_PROFILE": "no-shrink",
    }
    # The artifact tests (two builds, a tampered lock) check the build, which no mutation touches.
    command = [sys.executable, "-m", "pytest", *suite.split(), "--ignore=tests/contract/test_artifact.py", "-x", "-q"]
    return subprocess.run(
        [*command, "-p", "no:cacheprovider"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def first_failure(output: str) -> str:
    for line in output.splitlines():
        if line.startswith(("FAILED tests/", "ERROR tests/")):
            return line.split(" - ")[0].removeprefix("FAILED ").removeprefix("ERROR ")
    return "?"


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help="run only the mutations whose kind contains this text")
    only = parser.parse_args().only
    mutations = [mutation for mutation in MUTATIONS if only in mutation.kind]
    with tempfile.TemporaryDirectory(prefix="mutation-baseline-") as scratch:
        copy_repository(Path(scratch))
        suites = {mutation.suite.split()[0] for mutation in MUTATIONS}
        baseline = contract_suite(Path(scratch), " ".join(sorted(suites)))
    if baseline.returncode != 0:
        print("baseline: the unmutated copy fails the contract suite\n" + baseline.stdout[-3000:])
        return 1
    print(f"baseline: contract suite passes on an unmutated copy ({len(mutations)} mutations follow)")
    missed, broken = [], []

    def attempt(mutation: Mutation) -> tuple[str, str, float]:
        with tempfile.TemporaryDirectory(prefix="mutation-") as scratch:
            copy = Path(scratch)
            copy_repository(copy)
            target = copy / mutation.path
            text = target.read_text()
            if text.count(mutation.old) != 1:
                return "broken", f"anchor found {text.count(mutation.old)} times in {mutation.path}", 0.0
            target.write_text(text.replace(mutation.old, mutation.new))
            started = time.perf_counter()
            result = contract_suite(copy, mutation.suite)
            took = time.perf_counter() - started
        if result.returncode == 0:
            return "missed", mutation.path, took
        return "caught", first_failure(result.stdout), took

    with ThreadPoolExecutor(3) as pool:
        for mutation, (outcome, detail, took) in zip(mutations, pool.map(attempt, mutations), strict=True):
            if outcome == "broken":
                broken.append(mutation)
                print(f"  BROKEN   {mutation.kind}: {detail}")
            elif outcome == "missed":
                missed.append(mutation)
                print(f"  MISSED   {mutation.kind} ({detail}) [{took:.0f}s]")
            else:
                print(f"  caught   {mutation.kind:<48} by {detail} [{took:.0f}s]")
    caught = len(mutations) - len(missed) - len(broken)
    print(f"{caught} of {len(mutations)} mutations caught; {len(missed)} missed; {len(broken)} could not be applied")
    return 1 if missed or broken else 0


if __name__ == "__main__":
    sys.exit(main())
