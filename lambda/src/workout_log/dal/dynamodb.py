"""DynamoDB implementation of `WorkoutStore`.

Tables (created by modules/dynamodb):
- workouts: partition key `userId`, sort key `workoutTimestamp` = "<UTC time>#<workoutId>", so that two workouts
  at the same instant never collide; GSI `byTypeAndTime` on (`workoutTypeShard`, `workoutTimestamp`), where
  `workoutTypeShard` = "<type>#<n>" and n = a hash of the workout id modulo the shard count. Spreading a type over
  n partitions keeps a popular type from becoming a hot partition; readers query all n shards and merge.
- stats: partition key `userId`; one item per user holding running totals, updated with `ADD` in the same
  transaction as the workout's Put, so a total can never miss or double-count a workout.
"""

from __future__ import annotations

import hashlib
import heapq
from decimal import Decimal
from typing import Any

from workout_log.dal.base import TypeAggregate, UserAggregate, WorkoutRecord

WORKOUTS_PARTITION_KEY = "userId"
WORKOUTS_SORT_KEY = "workoutTimestamp"
TYPE_INDEX_NAME = "byTypeAndTime"
TYPE_INDEX_PARTITION_KEY = "workoutTypeShard"
STATS_PARTITION_KEY = "userId"
SORT_KEY_SEPARATOR = "#"

_TOTAL_FIELDS = {
    "workouts": "totalWorkouts",
    "duration_minutes": "totalDurationMinutes",
    "calories_burned": "totalCaloriesBurned",
    "distance_km": "totalDistanceKm",
}
_TYPE_FIELDS = ("workouts", "durationMinutes", "caloriesBurned")
_TYPE_ATTRIBUTE_PREFIX = "type#"


def shard_of(workout_id: str, shard_count: int) -> int:
    """Stable shard number of a workout (the same in every process, unlike Python's hash())."""
    return int.from_bytes(hashlib.sha256(workout_id.encode()).digest()[:4], "big") % shard_count


def type_shard_key(workout_type: str, shard: int) -> str:
    return f"{workout_type}{SORT_KEY_SEPARATOR}{shard}"


def sort_key(timestamp: str, workout_id: str) -> str:
    return f"{timestamp}{SORT_KEY_SEPARATOR}{workout_id}"


def _n(value: Decimal | int) -> dict[str, str]:
    return {"N": str(value)}


def _to_item(record: WorkoutRecord, shard_count: int) -> dict[str, Any]:
    item: dict[str, Any] = {
        WORKOUTS_PARTITION_KEY: {"S": record.user_id},
        WORKOUTS_SORT_KEY: {"S": sort_key(record.timestamp, record.workout_id)},
        TYPE_INDEX_PARTITION_KEY: {"S": type_shard_key(record.workout_type, shard_of(record.workout_id, shard_count))},
        "workoutId": {"S": record.workout_id},
        "workoutType": {"S": record.workout_type},
        "durationMinutes": _n(record.duration_minutes),
        "caloriesBurned": _n(record.calories_burned),
        "createdAt": {"S": record.created_at},
    }
    if record.distance_km is not None:
        item["distanceKm"] = _n(record.distance_km)
    if record.heart_rate_avg is not None:
        item["heartRateAvg"] = _n(record.heart_rate_avg)
    if record.notes is not None:
        item["notes"] = {"S": record.notes}
    return item


def _from_item(item: dict[str, Any]) -> WorkoutRecord:
    def num(name: str) -> Decimal | None:
        return Decimal(item[name]["N"]) if name in item else None

    heart_rate = num("heartRateAvg")
    return WorkoutRecord(
        workout_id=item["workoutId"]["S"],
        user_id=item[WORKOUTS_PARTITION_KEY]["S"],
        workout_type=item["workoutType"]["S"],
        timestamp=item[WORKOUTS_SORT_KEY]["S"].split(SORT_KEY_SEPARATOR, 1)[0],
        duration_minutes=Decimal(item["durationMinutes"]["N"]),
        calories_burned=Decimal(item["caloriesBurned"]["N"]),
        created_at=item["createdAt"]["S"],
        distance_km=num("distanceKm"),
        heart_rate_avg=int(heart_rate) if heart_rate is not None else None,
        notes=item["notes"]["S"] if "notes" in item else None,
    )


class DynamoDBWorkoutStore:
    def __init__(self, client: Any, workouts_table: str, stats_table: str, shard_count: int = 1) -> None:
        self._client = client
        self._workouts_table = workouts_table
        self._stats_table = stats_table
        self._shard_count = shard_count

    def add_workout(self, record: WorkoutRecord) -> None:
        increments: list[tuple[str, Decimal | int]] = [
            ("totalWorkouts", 1),
            ("totalDurationMinutes", record.duration_minutes),
            ("totalCaloriesBurned", record.calories_burned),
            ("totalDistanceKm", record.distance_km or Decimal(0)),
            (f"{_TYPE_ATTRIBUTE_PREFIX}{record.workout_type}#workouts", 1),
            (f"{_TYPE_ATTRIBUTE_PREFIX}{record.workout_type}#durationMinutes", record.duration_minutes),
            (f"{_TYPE_ATTRIBUTE_PREFIX}{record.workout_type}#caloriesBurned", record.calories_burned),
        ]
        names = {f"#a{i}": name for i, (name, _) in enumerate(increments)}
        values = {f":v{i}": _n(value) for i, (_, value) in enumerate(increments)}
        update = "ADD " + ", ".join(f"#a{i} :v{i}" for i in range(len(increments)))
        self._client.transact_write_items(
            # Makes an SDK-level retry of the same transaction a no-op for 10 minutes.
            ClientRequestToken=record.workout_id,
            TransactItems=[
                {
                    "Put": {
                        "TableName": self._workouts_table,
                        "Item": _to_item(record, self._shard_count),
                        "ConditionExpression": "attribute_not_exists(#sk)",
                        "ExpressionAttributeNames": {"#sk": WORKOUTS_SORT_KEY},
                    }
                },
                {
                    "Update": {
                        "TableName": self._stats_table,
                        "Key": {STATS_PARTITION_KEY: {"S": record.user_id}},
                        "UpdateExpression": update,
                        "ExpressionAttributeNames": names,
                        "ExpressionAttributeValues": values,
                    }
                },
            ],
        )

    def user_aggregate(self, user_id: str) -> UserAggregate:
        response = self._client.get_item(
            TableName=self._stats_table, Key={STATS_PARTITION_KEY: {"S": user_id}}, ConsistentRead=True
        )
        item = response.get("Item")
        if not item:
            return UserAggregate()
        totals = {
            field: Decimal(item[attr]["N"]) if attr in item else Decimal(0) for field, attr in _TOTAL_FIELDS.items()
        }
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
            by_type=dict(sorted(by_type.items())),
        )

    def recent_workouts(self, user_id: str, limit: int) -> list[WorkoutRecord]:
        response = self._client.query(
            TableName=self._workouts_table,
            KeyConditionExpression="#pk = :pk",
            ExpressionAttributeNames={"#pk": WORKOUTS_PARTITION_KEY},
            ExpressionAttributeValues={":pk": {"S": user_id}},
            ScanIndexForward=False,
            Limit=limit,
        )
        return [_from_item(item) for item in response.get("Items", [])]

    def workouts_by_type(self, workout_type: str, start: str, end: str, limit: int) -> list[WorkoutRecord]:
        # Sort keys carry a "#<id>" suffix: "~" sorts after it, so `end` itself is included.
        per_shard = [
            self._query_shard(type_shard_key(workout_type, shard), start, f"{end}~", limit)
            for shard in range(self._shard_count)
        ]
        newest_first = heapq.merge(*per_shard, key=lambda item: item[WORKOUTS_SORT_KEY]["S"], reverse=True)
        return [_from_item(item) for _, item in zip(range(limit), newest_first, strict=False)]

    def _query_shard(self, shard_key: str, start: str, end: str, limit: int) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        request: dict[str, Any] = {
            "TableName": self._workouts_table,
            "IndexName": TYPE_INDEX_NAME,
            "KeyConditionExpression": "#pk = :pk AND #sk BETWEEN :start AND :end",
            "ExpressionAttributeNames": {"#pk": TYPE_INDEX_PARTITION_KEY, "#sk": WORKOUTS_SORT_KEY},
            "ExpressionAttributeValues": {":pk": {"S": shard_key}, ":start": {"S": start}, ":end": {"S": end}},
            "ScanIndexForward": False,
        }
        while len(items) < limit:
            response = self._client.query(**request, Limit=limit - len(items))
            items.extend(response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                break
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return items
