"""DynamoDB implementation of `WorkoutStore`.

Tables (created by modules/dynamodb, declared in modules/workout-log):
- workouts: partition key `userId`, sort key `workoutTimestamp`. It holds four kinds of item (`itemType`):
  - `workout`: keyed by the user and "<UTC time>#<workoutId>", so two workouts at one instant never collide. Only
    these carry `workoutTypeShard` = "<type>#<n>" (n: a hash of the id modulo the shard count), the key of the
    global secondary index `byTypeAndTime` (every user's workouts of a type, the operator lookup). Spreading a
    type over n partitions keeps a popular type from becoming a hot partition; readers query every shard.
  - `workoutOfType`: a copy keyed by "<user>#type#<type>" and the same sort key, so that one user's workouts of
    one type are one consistent query, whatever share of the history they are.
  - `workoutById`: a copy keyed by "#id#<workoutId>", read consistently by GET, PATCH and DELETE; its `version`
    is the workout's ETag and the condition of every change.
  - `period`: running totals of one user's workouts of one period (day, week, month of the local date) sent with
    one UTC offset, keyed by "<user>#<granularity>" and "<first local date>#<offset>".
  User ids and workout types never hold "#", so no key of one kind can be a key of another.
- stats: partition key `userId`; one item per user holding the lifetime totals.
Every write is one transaction over all the items a workout touches: a total can never miss, double-count or
keep a workout that changed, and a copy never disagrees with its workout.
"""

from __future__ import annotations

import hashlib
import heapq
import random
import time
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from workout_log.dal.base import (
    GRANULARITIES,
    Page,
    PeriodAggregate,
    StaleWrite,
    TypeAggregate,
    UserAggregate,
    WorkoutRecord,
)
from workout_log.periods import Granularity, local_date, period_start

WORKOUTS_PARTITION_KEY = "userId"
WORKOUTS_SORT_KEY = "workoutTimestamp"
TYPE_INDEX_NAME = "byTypeAndTime"
TYPE_INDEX_PARTITION_KEY = "workoutTypeShard"
STATS_PARTITION_KEY = "userId"
SORT_KEY_SEPARATOR = "#"
ITEM_TYPE = "itemType"
WORKOUT, OF_TYPE, BY_ID, PERIOD = "workout", "workoutOfType", "workoutById", "period"
BY_ID_SORT_KEY = "#"
# Marks the by-id copies the backfill gave workouts stored before 2.0: indexing an old workout is not a change.
BACKFILLED = "backfilled"

_TOTAL_FIELDS = {
    "workouts": "totalWorkouts",
    "duration_minutes": "totalDurationMinutes",
    "calories_burned": "totalCaloriesBurned",
    "distance_km": "totalDistanceKm",
}
_TYPE_ATTRIBUTE_PREFIX = "type#"


def shard_of(workout_id: str, shard_count: int) -> int:
    """Stable shard number of a workout (the same in every process, unlike Python's hash())."""
    return int.from_bytes(hashlib.sha256(workout_id.encode()).digest()[:4], "big") % shard_count


def type_shard_key(workout_type: str, shard: int) -> str:
    return f"{workout_type}{SORT_KEY_SEPARATOR}{shard}"


def sort_key(timestamp: str, workout_id: str) -> str:
    return f"{timestamp}{SORT_KEY_SEPARATOR}{workout_id}"


def of_type_key(user_id: str, workout_type: str) -> str:
    return f"{user_id}#type#{workout_type}"


def by_id_key(workout_id: str) -> str:
    return f"#id#{workout_id}"


def period_key(user_id: str, granularity: Granularity) -> str:
    return f"{user_id}#{granularity}"


def _n(value: Decimal | int) -> dict[str, str]:
    return {"N": str(value)}


def _attributes(record: WorkoutRecord) -> dict[str, Any]:
    """What every copy of a workout holds besides its key."""
    item: dict[str, Any] = {
        "workoutId": {"S": record.workout_id},
        "ownerId": {"S": record.user_id},
        "workoutType": {"S": record.workout_type},
        "durationMinutes": _n(record.duration_minutes),
        "caloriesBurned": _n(record.calories_burned),
        "createdAt": {"S": record.created_at},
        "utcOffset": {"S": record.utc_offset},
        "version": _n(record.version),
    }
    if record.distance_km is not None:
        item["distanceKm"] = _n(record.distance_km)
    if record.heart_rate_avg is not None:
        item["heartRateAvg"] = _n(record.heart_rate_avg)
    if record.notes is not None:
        item["notes"] = {"S": record.notes}
    return item


def _to_item(record: WorkoutRecord, shard_count: int) -> dict[str, Any]:
    """The workout item itself (the one the type index and the stream's consumers see)."""
    return {
        WORKOUTS_PARTITION_KEY: {"S": record.user_id},
        WORKOUTS_SORT_KEY: {"S": sort_key(record.timestamp, record.workout_id)},
        TYPE_INDEX_PARTITION_KEY: {"S": type_shard_key(record.workout_type, shard_of(record.workout_id, shard_count))},
        ITEM_TYPE: {"S": WORKOUT},
        **_attributes(record),
    }


def _of_type_item(record: WorkoutRecord) -> dict[str, Any]:
    return {
        WORKOUTS_PARTITION_KEY: {"S": of_type_key(record.user_id, record.workout_type)},
        WORKOUTS_SORT_KEY: {"S": sort_key(record.timestamp, record.workout_id)},
        ITEM_TYPE: {"S": OF_TYPE},
        **_attributes(record),
    }


def _by_id_item(record: WorkoutRecord) -> dict[str, Any]:
    return {
        WORKOUTS_PARTITION_KEY: {"S": by_id_key(record.workout_id)},
        WORKOUTS_SORT_KEY: {"S": BY_ID_SORT_KEY},
        ITEM_TYPE: {"S": BY_ID},
        "time": {"S": record.timestamp},
        **_attributes(record),
    }


def _from_item(item: dict[str, Any]) -> WorkoutRecord:
    """A workout from any of its copies, or from a workout item stored before 2.0 (no owner, offset, version)."""

    def num(name: str) -> Decimal | None:
        return Decimal(item[name]["N"]) if name in item else None

    heart_rate, version = num("heartRateAvg"), num("version")
    owner = item.get("ownerId", item[WORKOUTS_PARTITION_KEY])["S"]
    timestamp = item["time"]["S"] if "time" in item else item[WORKOUTS_SORT_KEY]["S"].split(SORT_KEY_SEPARATOR, 1)[0]
    return WorkoutRecord(
        workout_id=item["workoutId"]["S"],
        user_id=owner,
        workout_type=item["workoutType"]["S"],
        timestamp=timestamp,
        duration_minutes=Decimal(item["durationMinutes"]["N"]),
        calories_burned=Decimal(item["caloriesBurned"]["N"]),
        created_at=item["createdAt"]["S"],
        distance_km=num("distanceKm"),
        heart_rate_avg=int(heart_rate) if heart_rate is not None else None,
        notes=item["notes"]["S"] if "notes" in item else None,
        utc_offset=item["utcOffset"]["S"] if "utcOffset" in item else "+00:00",
        version=int(version) if version is not None else 1,
    )


def changed_copy(image: dict[str, Any] | None) -> WorkoutRecord | None:
    """The workout in a stream image of the workouts table when the image is a workout's by-id copy, the one item
    every change of a workout writes in place under a key that never changes (the workout item moves when its
    time changes, the copy by type when its type does); None for every other item."""
    if not image or image.get(ITEM_TYPE, {}).get("S") != BY_ID:
        return None
    return _from_item(image)


def is_backfilled(image: dict[str, Any]) -> bool:
    return BACKFILLED in image


def increments(record: WorkoutRecord, sign: int = 1) -> dict[str, Decimal]:
    """What a workout adds to (sign 1) or takes from (sign -1) a totals item, attribute by attribute."""
    prefix = f"{_TYPE_ATTRIBUTE_PREFIX}{record.workout_type}#"
    return {
        "totalWorkouts": Decimal(sign),
        "totalDurationMinutes": sign * record.duration_minutes,
        "totalCaloriesBurned": sign * record.calories_burned,
        "totalDistanceKm": sign * (record.distance_km or Decimal(0)),
        f"{prefix}workouts": Decimal(sign),
        f"{prefix}durationMinutes": sign * record.duration_minutes,
        f"{prefix}caloriesBurned": sign * record.calories_burned,
    }


def period_keys(record: WorkoutRecord) -> Iterator[tuple[str, str]]:
    """The keys of the period totals a workout counts in: one per granularity."""
    day = local_date(record.timestamp, record.utc_offset)
    for granularity in GRANULARITIES:
        start = period_start(day, granularity).isoformat()
        yield period_key(record.user_id, granularity), f"{start}{SORT_KEY_SEPARATOR}{record.utc_offset}"


def _aggregate(item: dict[str, Any]) -> UserAggregate:
    """A totals item (lifetime or period) as numbers; types whose workouts all went are left out."""
    totals = {field: Decimal(item[attr]["N"]) if attr in item else Decimal(0) for field, attr in _TOTAL_FIELDS.items()}
    by_type: dict[str, TypeAggregate] = {}
    for name, value in item.items():
        if not name.startswith(_TYPE_ATTRIBUTE_PREFIX):
            continue
        workout_type, metric = name[len(_TYPE_ATTRIBUTE_PREFIX) :].rsplit("#", 1)
        aggregate = by_type.setdefault(workout_type, TypeAggregate())
        amount = Decimal(value["N"])
        if metric == "workouts":
            aggregate.workouts = int(amount)
        elif metric == "durationMinutes":
            aggregate.duration_minutes = amount
        elif metric == "caloriesBurned":
            aggregate.calories_burned = amount
    return UserAggregate(
        workouts=int(totals["workouts"]),
        duration_minutes=totals["duration_minutes"],
        calories_burned=totals["calories_burned"],
        distance_km=totals["distance_km"],
        by_type={t: a for t, a in sorted(by_type.items()) if a.workouts},
    )


def _is_stale(error: Exception) -> bool:
    """A transaction cancelled because a condition failed: the workout is no longer the version that was read."""
    response = getattr(error, "response", None) or {}
    code = (response.get("Error") or {}).get("Code")
    reasons = {reason.get("Code") for reason in response.get("CancellationReasons") or []}
    return code == "TransactionCanceledException" and "ConditionalCheckFailed" in reasons


def _is_conflict(error: Exception) -> bool:
    """A transaction cancelled only because another one was writing one of its items at the same moment (every
    write of a user touches that user's totals, so two of the user's writes at once can meet there). Nothing of
    it was written, and its conditions are checked anew when it is sent again."""
    response = getattr(error, "response", None) or {}
    if (response.get("Error") or {}).get("Code") != "TransactionCanceledException":
        return False
    reasons = {reason.get("Code") for reason in response.get("CancellationReasons") or []}
    return "TransactionConflict" in reasons and "ConditionalCheckFailed" not in reasons


# Sends of one transaction when other transactions keep conflicting with it, and the first pause between them.
CONFLICT_ATTEMPTS = 4
CONFLICT_BACKOFF_SECONDS = 0.025


class DynamoDBWorkoutStore:
    def __init__(self, client: Any, workouts_table: str, stats_table: str, shard_count: int = 1) -> None:
        self._client = client
        self._workouts_table = workouts_table
        self._stats_table = stats_table
        self._shard_count = shard_count

    # -- writes -------------------------------------------------------------------------------------------------
    def _conditional(self, request: dict[str, Any], condition: str | None, expected: Any) -> dict[str, Any]:
        if condition == "absent":
            request["ConditionExpression"] = "attribute_not_exists(#pk)"
            request["ExpressionAttributeNames"] = {"#pk": WORKOUTS_PARTITION_KEY}
        elif condition == "version":
            request["ConditionExpression"] = "#v = :expected"
            request["ExpressionAttributeNames"] = {"#v": "version"}
            request["ExpressionAttributeValues"] = {":expected": expected}
        return request

    def _put(self, item: dict[str, Any], condition: str | None = None, expected: Any = None) -> dict[str, Any]:
        """A Put of the workouts table: unconditional, only where absent, or only at the expected version."""
        return {"Put": self._conditional({"TableName": self._workouts_table, "Item": item}, condition, expected)}

    def _delete(self, key: tuple[str, str], condition: str | None = None, expected: Any = None) -> dict[str, Any]:
        request = {
            "TableName": self._workouts_table,
            "Key": {WORKOUTS_PARTITION_KEY: {"S": key[0]}, WORKOUTS_SORT_KEY: {"S": key[1]}},
        }
        return {"Delete": self._conditional(request, condition, expected)}

    def _add(
        self, table: str, key: dict[str, Any], amounts: dict[str, Decimal], item_type: str | None
    ) -> dict[str, Any]:
        names = {f"#a{i}": name for i, name in enumerate(amounts)}
        values = {f":v{i}": _n(amount) for i, amount in enumerate(amounts.values())}
        update = "ADD " + ", ".join(f"#a{i} :v{i}" for i in range(len(amounts)))
        if item_type is not None:
            names["#it"], values[":it"] = ITEM_TYPE, {"S": item_type}
            update += " SET #it = :it"
        return {
            "Update": {
                "TableName": table,
                "Key": key,
                "UpdateExpression": update,
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }

    def _totals_updates(self, changes: list[tuple[WorkoutRecord, int]]) -> list[dict[str, Any]]:
        """One ADD per totals item the changes touch (a transaction may touch an item once), none where the
        amounts cancel out."""
        lifetime: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        periods: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for record, sign in changes:
            for name, amount in increments(record, sign).items():
                lifetime[record.user_id][name] += amount
                for key in period_keys(record):
                    periods[key][name] += amount
        updates = []
        for user_id, amounts in lifetime.items():
            if any(amounts.values()):
                stats_key = {STATS_PARTITION_KEY: {"S": user_id}}
                updates.append(self._add(self._stats_table, stats_key, dict(amounts), None))
        for (partition, sort), amounts in periods.items():
            if any(amounts.values()):
                period = {WORKOUTS_PARTITION_KEY: {"S": partition}, WORKOUTS_SORT_KEY: {"S": sort}}
                updates.append(self._add(self._workouts_table, period, dict(amounts), PERIOD))
        return updates

    def _transact(self, items: list[dict[str, Any]]) -> None:
        """One transaction; sent again, after a jittered pause, while it only conflicts with others. botocore gives
        each call a ClientRequestToken of its own and keeps it across its retries, so a retried send is applied
        once and two requests that happen to make the same change are never taken for one."""
        from botocore.exceptions import ClientError

        for attempt in range(CONFLICT_ATTEMPTS):
            try:
                self._client.transact_write_items(TransactItems=items)
                return
            except ClientError as error:
                if _is_stale(error):
                    raise StaleWrite from None
                if not _is_conflict(error) or attempt == CONFLICT_ATTEMPTS - 1:
                    raise
            time.sleep(random.uniform(0, CONFLICT_BACKOFF_SECONDS * 2**attempt))

    def add_workout(self, record: WorkoutRecord) -> None:
        self._transact(
            [
                self._put(_to_item(record, self._shard_count), "absent"),
                self._put(_of_type_item(record), "absent"),
                self._put(_by_id_item(record), "absent"),
                *self._totals_updates([(record, 1)]),
            ]
        )

    def replace_workout(self, old: WorkoutRecord, new: WorkoutRecord) -> None:
        items = []
        old_key, new_key = sort_key(old.timestamp, old.workout_id), sort_key(new.timestamp, new.workout_id)
        if old_key != new_key:
            items.append(self._delete((old.user_id, old_key)))
        items.append(self._put(_to_item(new, self._shard_count)))
        if (old.workout_type, old_key) != (new.workout_type, new_key):
            items.append(self._delete((of_type_key(old.user_id, old.workout_type), old_key)))
        items.append(self._put(_of_type_item(new)))
        # The one condition of the change: the workout is still the version that was read.
        items.append(self._put(_by_id_item(new), "version", _n(old.version)))
        items += self._totals_updates([(old, -1), (new, 1)])
        self._transact(items)

    def remove_workout(self, record: WorkoutRecord) -> None:
        key = sort_key(record.timestamp, record.workout_id)
        self._transact(
            [
                self._delete((record.user_id, key)),
                self._delete((of_type_key(record.user_id, record.workout_type), key)),
                self._delete((by_id_key(record.workout_id), BY_ID_SORT_KEY), "version", _n(record.version)),
                *self._totals_updates([(record, -1)]),
            ]
        )

    # -- the backfill of workouts stored before 2.0 ---------------------------------------------------------------
    def legacy_workouts(
        self, start_key: dict[str, Any] | None = None, page_size: int = 500
    ) -> tuple[list[dict[str, Any]], Any]:
        """The workout items stored before 2.0 (no itemType) among the next `page_size` items of the table, and
        where the next page starts (None: the scan is done)."""
        request: dict[str, Any] = {
            "TableName": self._workouts_table,
            "FilterExpression": "attribute_exists(workoutId) AND attribute_not_exists(#it)",
            "ExpressionAttributeNames": {"#it": ITEM_TYPE},
            "Limit": page_size,
        }
        if start_key:
            request["ExclusiveStartKey"] = start_key
        response = self._client.scan(**request)
        return response.get("Items", []), response.get("LastEvaluatedKey")

    def index_legacy_workout(self, item: dict[str, Any]) -> bool:
        """Give a workout stored before 2.0 what every workout has since (its by-id and by-type copies, its period
        totals, a version and its offset: UTC, the one the old code kept), in one transaction that runs only if
        it has not run before. Its lifetime totals were counted when it was stored. False: already done."""
        record = _from_item(item)
        key = {WORKOUTS_PARTITION_KEY: item[WORKOUTS_PARTITION_KEY], WORKOUTS_SORT_KEY: item[WORKOUTS_SORT_KEY]}
        mark = {
            "Update": {
                "TableName": self._workouts_table,
                "Key": key,
                "UpdateExpression": "SET #it = :workout, #owner = :owner, #offset = :offset, #v = :version",
                "ConditionExpression": "attribute_exists(workoutId) AND attribute_not_exists(#it)",
                "ExpressionAttributeNames": {"#it": ITEM_TYPE, "#owner": "ownerId", "#offset": "utcOffset",
                                             "#v": "version"},
                "ExpressionAttributeValues": {":workout": {"S": WORKOUT}, ":owner": {"S": record.user_id},
                                              ":offset": {"S": record.utc_offset}, ":version": _n(record.version)},
            }
        }  # fmt: skip
        periods = [
            update
            for update in self._totals_updates([(record, 1)])
            if update["Update"]["TableName"] == self._workouts_table
        ]
        try:
            self._transact(
                [
                    mark,
                    self._put(_of_type_item(record), "absent"),
                    self._put({**_by_id_item(record), BACKFILLED: {"BOOL": True}}, "absent"),
                    *periods,
                ]
            )
        except StaleWrite:
            return False
        return True

    # -- reads --------------------------------------------------------------------------------------------------
    def get_workout(self, workout_id: str) -> WorkoutRecord | None:
        key = {WORKOUTS_PARTITION_KEY: {"S": by_id_key(workout_id)}, WORKOUTS_SORT_KEY: {"S": BY_ID_SORT_KEY}}
        item = self._client.get_item(TableName=self._workouts_table, Key=key, ConsistentRead=True).get("Item")
        return _from_item(item) if item else None

    def user_aggregate(self, user_id: str) -> UserAggregate:
        response = self._client.get_item(
            TableName=self._stats_table, Key={STATS_PARTITION_KEY: {"S": user_id}}, ConsistentRead=True
        )
        return _aggregate(response["Item"]) if response.get("Item") else UserAggregate()

    def recent_workouts(self, user_id: str, limit: int) -> list[WorkoutRecord]:
        response = self._client.query(
            TableName=self._workouts_table,
            KeyConditionExpression="#pk = :pk",
            ExpressionAttributeNames={"#pk": WORKOUTS_PARTITION_KEY},
            ExpressionAttributeValues={":pk": {"S": user_id}},
            ScanIndexForward=False,
            ConsistentRead=True,
            Limit=limit,
        )
        return [_from_item(item) for item in response.get("Items", [])]

    def _newest_first(
        self, partition: str, start: str, end: str, limit: int, after: dict[str, Any] | None, index: str | None = None
    ) -> tuple[list[dict[str, Any]], bool]:
        """Up to `limit` items of one partition with start <= sort key < end, newest first, from `after` (an
        ExclusiveStartKey) on; and whether more may follow. Sort keys end in "#<id>", so `end` itself, a bare
        time, sorts before every item at that time: BETWEEN start AND end keeps end exclusive."""
        partition_name = TYPE_INDEX_PARTITION_KEY if index else WORKOUTS_PARTITION_KEY
        request: dict[str, Any] = {
            "TableName": self._workouts_table,
            "KeyConditionExpression": "#pk = :pk AND #sk BETWEEN :start AND :end",
            "ExpressionAttributeNames": {"#pk": partition_name, "#sk": WORKOUTS_SORT_KEY},
            "ExpressionAttributeValues": {":pk": {"S": partition}, ":start": {"S": start}, ":end": {"S": end}},
            "ScanIndexForward": False,
        }
        if index:
            request["IndexName"] = index
        else:
            request["ConsistentRead"] = True  # a list right after a change shows it
        if after:
            request["ExclusiveStartKey"] = after
        items: list[dict[str, Any]] = []
        while len(items) < limit:
            response = self._client.query(**request, Limit=limit - len(items))
            items.extend(response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return items, False
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return items, True

    def user_workouts(
        self, user_id: str, start: str, end: str, workout_type: str | None, limit: int, after: str | None
    ) -> Page:
        partition = user_id if workout_type is None else of_type_key(user_id, workout_type)
        exclusive = None
        if after is not None:
            exclusive = {WORKOUTS_PARTITION_KEY: {"S": partition}, WORKOUTS_SORT_KEY: {"S": after}}
        # One more than the page, so that a full page is known to be the last one or not.
        items, _ = self._newest_first(partition, start, end, limit + 1, exclusive)
        records = [_from_item(item) for item in items[:limit]]
        more = len(items) > limit
        return Page(records, sort_key(records[-1].timestamp, records[-1].workout_id) if more else None)

    def type_workouts(self, workout_type: str, start: str, end: str, limit: int, after: str | None) -> Page:
        """Every shard's workouts of the type, merged newest first. A page stops at a sort key that no other workout
        has ("<time>#<id>"), and every newer workout of every shard is on this page or an earlier one: the next
        page reads each shard below it. The position is that one key, whatever the number of shards."""
        upper = after if after is not None else end
        more, merged = False, []
        for shard in range(self._shard_count):
            partition = type_shard_key(workout_type, shard)
            # BETWEEN includes `after` itself (the previous page's last workout, in one shard): one more covers it.
            items, shard_more = self._newest_first(partition, start, upper, limit + 2, None, TYPE_INDEX_NAME)
            more = more or shard_more
            merged.append([item for item in items if item[WORKOUTS_SORT_KEY]["S"] != after])
        everything = list(heapq.merge(*merged, key=lambda item: item[WORKOUTS_SORT_KEY]["S"], reverse=True))
        chosen = everything[:limit]
        more = more or len(everything) > limit
        page_after = chosen[-1][WORKOUTS_SORT_KEY]["S"] if more and chosen else None
        return Page([_from_item(item) for item in chosen], page_after)

    def period_aggregates(self, user_id: str, granularity: Granularity, first: str, last: str) -> list[PeriodAggregate]:
        request: dict[str, Any] = {
            "TableName": self._workouts_table,
            "KeyConditionExpression": "#pk = :pk AND #sk BETWEEN :first AND :last",
            "ExpressionAttributeNames": {"#pk": WORKOUTS_PARTITION_KEY, "#sk": WORKOUTS_SORT_KEY},
            "ExpressionAttributeValues": {
                ":pk": {"S": period_key(user_id, granularity)},
                ":first": {"S": first},
                ":last": {"S": f"{last}~"},  # "~" sorts after "#<offset>": periods starting on `last` are in
            },
            "ConsistentRead": True,
        }
        found = []
        while True:
            response = self._client.query(**request)
            for item in response.get("Items", []):
                start, offset = item[WORKOUTS_SORT_KEY]["S"].split(SORT_KEY_SEPARATOR, 1)
                found.append(PeriodAggregate(start, offset, _aggregate(item)))
            if "LastEvaluatedKey" not in response:
                return found
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
