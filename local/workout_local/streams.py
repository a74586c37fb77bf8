"""A local stand-in for Lambda's event source mappings of DynamoDB streams: what delivers the workouts table's
stream to the change-events function in `make run` and the tests, as Lambda does in AWS.

It reads each mapping Terraform applied (batch size, filters, retries, bisection, ReportBatchItemFailures, the
on-failure queue) from the state, and for each mapping:
- reads the stream's records in order (DescribeStream, GetShardIterator, GetRecords, as the mapping's poller does),
- keeps the records some filter pattern matches (EventBridge pattern syntax, matched by moto's own matcher),
- invokes the function with batches of at most `batch_size` records, in the event shape Lambda sends,
- on a reported failure (batchItemFailures), retries from the first failed record on; on a function error, splits
  the batch in two (bisect) and retries each half,
- after `maximum_retry_attempts` retries, sends the batch's description to the on-failure queue in the shape
  Lambda sends (DDBStreamBatchInfo: shard, first and last sequence numbers), and goes on after it.
What it does not emulate: parallelization, record age, batching windows (it invokes as soon as records arrive).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Invoke = Callable[[dict[str, Any]], dict[str, Any]]


def repeat(name: str, step: Callable[[], object], stopped: threading.Event, interval: float) -> threading.Thread:
    """Run `step` every `interval` seconds in a daemon thread until `stopped` is set; a failing step is printed and
    the next one runs (as Lambda's pollers keep polling)."""

    def loop() -> None:
        while not stopped.is_set():
            try:
                step()
            except Exception as error:
                print(f"{name}: {type(error).__name__}: {error}", flush=True)
            stopped.wait(interval)

    thread = threading.Thread(target=loop, name=name.replace(" ", "-"), daemon=True)
    thread.start()
    return thread


@dataclass(frozen=True)
class StreamMapping:
    """One aws_lambda_event_source_mapping of a DynamoDB stream, as the state holds it."""

    stream_arn: str
    function_arn: str
    batch_size: int
    maximum_retry_attempts: int
    bisect: bool
    report_failures: bool
    filters: tuple[str, ...]
    on_failure: str | None

    @classmethod
    def from_state(cls, values: dict[str, Any]) -> StreamMapping:
        criteria = values.get("filter_criteria") or []
        filters = tuple(f["pattern"] for c in criteria for f in c.get("filter") or [])
        destinations = [d for config in values.get("destination_config") or [] for d in config.get("on_failure") or []]
        return cls(
            stream_arn=values["event_source_arn"],
            function_arn=values["function_arn"],
            batch_size=int(values.get("batch_size") or 100),
            maximum_retry_attempts=int(values["maximum_retry_attempts"]),
            bisect=bool(values.get("bisect_batch_on_function_error")),
            report_failures="ReportBatchItemFailures" in (values.get("function_response_types") or []),
            filters=filters,
            on_failure=destinations[0]["destination_arn"] if destinations else None,
        )


def lambda_record(record: dict[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """A GetRecords record as Lambda passes it to the function: times as epoch seconds, the source ARN added."""
    change = dict(record["dynamodb"])
    created = change.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        change["ApproximateCreationDateTime"] = created.timestamp()
    return {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": change,
        "eventSourceARN": stream_arn,
    }


class StreamPoller:
    """Delivers one mapping's stream to `invoke` (the function's handler, in a worker or in this process)."""

    def __init__(
        self,
        mapping: StreamMapping,
        streams: Any,
        sqs: Any,
        invoke: Invoke,
        region: str,
        start_at: str = "TRIM_HORIZON",
    ) -> None:
        """`start_at`: TRIM_HORIZON (every record the stream holds), LATEST (what is written from now on), or a
        sequence number (what follows it)."""
        from moto.events.models import EventPattern

        self.mapping, self._streams, self._sqs, self._invoke, self._region = mapping, streams, sqs, invoke, region
        self._start_at = start_at
        self._patterns = [EventPattern.load(pattern) for pattern in mapping.filters]
        self._iterators: dict[str, str] = {}
        self._lock = threading.Lock()  # one poll at a time: the background loop and wait_until_idle share the shards
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self.invocations = 0
        self.dead_lettered: list[dict[str, Any]] = []

    def _matches(self, record: dict[str, Any]) -> bool:
        return not self._patterns or any(pattern.matches_event(record) for pattern in self._patterns)

    def poll(self) -> int:
        """Deliver every record the stream holds now; how many were delivered (after the filters)."""
        with self._lock:
            return self._poll()

    def _open_shards(self) -> list[str]:
        """The stream's shards, with an iterator for each one seen for the first time (at `start_at`)."""
        shards = self._streams.describe_stream(StreamArn=self.mapping.stream_arn)["StreamDescription"]["Shards"]
        for shard in shards:
            if shard["ShardId"] not in self._iterators:
                where: dict[str, str] = {"ShardIteratorType": self._start_at}
                if self._start_at not in ("TRIM_HORIZON", "LATEST"):
                    where = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": self._start_at}
                self._iterators[shard["ShardId"]] = self._streams.get_shard_iterator(
                    StreamArn=self.mapping.stream_arn, ShardId=shard["ShardId"], **where
                )["ShardIterator"]
        return [shard["ShardId"] for shard in shards]

    def _poll(self) -> int:
        delivered = 0
        for shard_id in self._open_shards():
            while True:
                answer = self._streams.get_records(ShardIterator=self._iterators[shard_id], Limit=1000)
                self._iterators[shard_id] = answer["NextShardIterator"]
                records = [lambda_record(r, self.mapping.stream_arn, self._region) for r in answer["Records"]]
                if not records:
                    break
                kept = [record for record in records if self._matches(record)]
                for start in range(0, len(kept), self.mapping.batch_size):
                    self._deliver(shard_id, kept[start : start + self.mapping.batch_size])
                delivered += len(kept)
        return delivered

    def _deliver(self, shard_id: str, batch: list[dict[str, Any]], retries: int = 0) -> None:
        """One batch, retried from its first failure on, until it succeeds or its retries are spent."""
        while batch:
            self.invocations += 1
            try:
                answer = self._invoke({"Records": batch})
            except Exception:
                failed_from = 0
                if self.mapping.bisect and len(batch) > 1 and retries < self.mapping.maximum_retry_attempts:
                    half = len(batch) // 2
                    self._deliver(shard_id, batch[:half], retries + 1)
                    self._deliver(shard_id, batch[half:], retries + 1)
                    return
            else:
                failed_from = self._first_failure(batch, answer)
                if failed_from is None:
                    return
            if retries >= self.mapping.maximum_retry_attempts:
                self._dead_letter(shard_id, batch[failed_from:], retries + 1)
                return
            batch, retries = batch[failed_from:], retries + 1

    def _first_failure(self, batch: list[dict[str, Any]], answer: Any) -> int | None:
        """Where to retry from: None when the batch succeeded; the index of the lowest reported sequence number; 0
        (the whole batch) for an answer Lambda cannot read."""
        if not self.mapping.report_failures:
            return None
        failures = (answer or {}).get("batchItemFailures") if isinstance(answer, dict) else None
        if not failures:
            return None
        numbers = [r["dynamodb"]["SequenceNumber"] for r in batch]
        named = [f.get("itemIdentifier") for f in failures if isinstance(f, dict)]
        if not named or any(n not in numbers for n in named):
            return 0
        return min(numbers.index(n) for n in named)

    def _dead_letter(self, shard_id: str, batch: list[dict[str, Any]], invocations: int) -> None:
        def arrival(record: dict[str, Any]) -> str:
            moment = datetime.fromtimestamp(record["dynamodb"]["ApproximateCreationDateTime"], UTC)
            return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

        message = {
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": self.mapping.function_arn,
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": invocations,
            },
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": None},
            "version": "1.0",
            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "DDBStreamBatchInfo": {
                "shardId": shard_id,
                "startSequenceNumber": batch[0]["dynamodb"]["SequenceNumber"],
                "endSequenceNumber": batch[-1]["dynamodb"]["SequenceNumber"],
                "approximateArrivalOfFirstRecord": arrival(batch[0]),
                "approximateArrivalOfLastRecord": arrival(batch[-1]),
                "batchSize": len(batch),
                "streamArn": self.mapping.stream_arn,
            },
        }
        self.dead_lettered.append(message)
        if self.mapping.on_failure is not None:
            # Lambda sends to the destination by its ARN, with SendMessage alone (no GetQueueUrl).
            account, name = self.mapping.on_failure.split(":")[4:6]
            url = f"{self._sqs.meta.endpoint_url}/{account}/{name}"
            self._sqs.send_message(QueueUrl=url, MessageBody=json.dumps(message))

    # -- in the background, as Lambda's pollers run ---------------------------------------------------------------
    def start(self, interval: float = 0.2) -> StreamPoller:
        """Poll in the background; the shards are opened first, so that LATEST means from this call on."""
        with self._lock:
            self._open_shards()

        self._thread = repeat("stream poller", self.poll, self._stopped, interval)
        return self

    def stop(self) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def wait_until_idle(self, timeout: float = 30.0) -> None:
        """Return once a poll delivers nothing (tests: everything written so far has been handled)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.poll() == 0:
                return
        raise TimeoutError("the stream kept delivering records")


def last_sequence_number(streams: Any, stream_arn: str) -> str | None:
    """The sequence number of the newest record of a one-shard stream (as the emulator's are); None when empty."""
    (shard,) = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard["ShardId"],
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]  # fmt: skip
    last = None
    while True:
        answer = streams.get_records(ShardIterator=iterator, Limit=1000)
        if not answer["Records"]:
            return last
        last, iterator = answer["Records"][-1]["dynamodb"]["SequenceNumber"], answer["NextShardIterator"]


class BusWatch:
    """A subscriber of the local stack's bus, as a team would add one: a rule matching every event of the bus, with
    an SQS queue as its target (both made here in the emulator, not by Terraform). `received` is every event the
    queue has delivered so far, in the order it arrived; `on_event` is called with each (`make run` prints it)."""

    def __init__(self, events: Any, sqs: Any, bus_name: str, on_event: Callable[[dict[str, Any]], None] | None = None):
        self._events, self._sqs, self.bus_name, self._on_event = events, sqs, bus_name, on_event
        self.received: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self.rule = f"local-watch-{uuid.uuid4().hex[:8]}"  # one per watch: several may watch one bus
        self.queue_url = sqs.create_queue(QueueName=f"{bus_name}-{self.rule}")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        events.put_rule(Name=self.rule, EventBusName=bus_name, EventPattern=json.dumps({"version": ["0"]}))
        events.put_targets(Rule=self.rule, EventBusName=bus_name, Targets=[{"Id": "queue", "Arn": queue_arn}])

    def drain(self) -> list[dict[str, Any]]:
        """Take what the queue holds now; the events taken."""
        with self._lock:
            taken = []
            while True:
                answer = self._sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10)
                if not answer.get("Messages"):
                    break
                for message in answer["Messages"]:
                    event = json.loads(message["Body"])
                    taken.append(event)
                    self._sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
            self.received += taken
        for event in taken:
            if self._on_event is not None:
                self._on_event(event)
        return taken

    def start(self, interval: float = 0.2) -> BusWatch:
        self._thread = repeat("event watch", self.drain, self._stopped, interval)
        return self

    def stop(self) -> None:
        """Stop watching, and remove the rule and its queue."""
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._events.remove_targets(Rule=self.rule, EventBusName=self.bus_name, Ids=["queue"])
        self._events.delete_rule(Name=self.rule, EventBusName=self.bus_name)
        self._sqs.delete_queue(QueueUrl=self.queue_url)


def event_line(event: dict[str, Any]) -> str:
    """One line per event for a terminal: time, detail-type, workout, version, changed fields."""
    detail = event.get("detail") or {}
    changed = f" changed {','.join(detail['changedFields'])}" if detail.get("changedFields") else ""
    return (
        f"event  {event.get('time', '')}  {event.get('detail-type', ''):<15} {detail.get('workoutId', '')} "
        f"v{detail.get('version', '?')} of {detail.get('userId', '')} ({detail.get('workoutType', '')}){changed}"
    )
