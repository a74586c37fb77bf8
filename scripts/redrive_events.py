"""`make redrive ENV=<env>`: publish again the change events of the batches in the dead-letter queue.

When the change-events function cannot publish a batch of the workouts table's stream after its retries, Lambda
puts a description of the batch in the dead-letter queue (its shard and first and last sequence numbers; the
alarm `<prefix>-dead-letters` fires). Once the cause is fixed, this reads each described batch back from the
stream and invokes the same function with it, then deletes the message; a batch that fails again stays queued.

    terraform output -json workout_log | python scripts/redrive_events.py --outputs -

The stream keeps records for 24 hours: a batch described longer ago than that cannot be read back, and is
reported (and left in the queue) so that the workouts it named can be found by the time in its description.
Events are published at least once: a redriven batch may repeat events already published, with the same versions.
Needs sqs:ReceiveMessage and DeleteMessage on the queue, the stream's read actions and lambda:InvokeFunction.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

Publish = Callable[[list[dict[str, Any]]], bool]
# Records per invocation: the records between a batch's first and last sequence numbers include those the
# mapping's filters drop (the function skips them), and an invocation takes at most 6 MB.
RECORDS_PER_INVOCATION = 100


@dataclass
class Redriven:
    batches: int = 0
    records: int = 0  # stream records read back and delivered again (those the filters drop included)
    failed: list[str] = field(default_factory=list)  # why each batch left in the queue stayed there


def batch_records(streams: Any, info: dict[str, Any], region: str) -> list[dict[str, Any]]:
    """The records a DDBStreamBatchInfo describes, as Lambda passes them to the function."""
    from workout_local.streams import lambda_record

    iterator = streams.get_shard_iterator(
        StreamArn=info["streamArn"], ShardId=info["shardId"], ShardIteratorType="AT_SEQUENCE_NUMBER",
        SequenceNumber=info["startSequenceNumber"],
    )["ShardIterator"]  # fmt: skip
    last, found = int(info["endSequenceNumber"]), []
    while iterator:
        answer = streams.get_records(ShardIterator=iterator, Limit=1000)
        for record in answer["Records"]:
            if int(record["dynamodb"]["SequenceNumber"]) > last:
                return found
            found.append(lambda_record(record, info["streamArn"], region))
        if not answer["Records"] or int(found[-1]["dynamodb"]["SequenceNumber"]) >= last:
            return found
        iterator = answer.get("NextShardIterator")
    return found


def messages(sqs: Any, queue_url: str) -> Iterator[dict[str, Any]]:
    """Every message the queue holds now, each received once (hidden while this run works on it)."""
    while True:
        received = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, VisibilityTimeout=300)
        if not received.get("Messages"):
            return
        yield from received["Messages"]


def redrive(sqs: Any, streams: Any, queue_url: str, publish: Publish, region: str, report: Any = print) -> Redriven:
    from botocore.exceptions import ClientError

    done = Redriven()
    for message in messages(sqs, queue_url):
        info = json.loads(message["Body"])["DDBStreamBatchInfo"]
        where = f"shard {info['shardId']}, {info['startSequenceNumber']}-{info['endSequenceNumber']}"
        try:
            records = batch_records(streams, info, region)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            done.failed.append(f"{where} (first record {info['approximateArrivalOfFirstRecord']}): {code}")
            report(f"cannot read {where} back: {code} (the stream keeps records 24 hours)")
            continue
        if not all(publish(records[start : start + RECORDS_PER_INVOCATION])
                   for start in range(0, len(records), RECORDS_PER_INVOCATION)):  # fmt: skip
            done.failed.append(f"{where}: the function failed again")
            report(f"{where}: the function failed again; left in the queue")
            continue
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        done.batches, done.records = done.batches + 1, done.records + len(records)
        report(f"{where}: {len(records)} records published")
    return done


def invoking(lambda_client: Any, function_name: str) -> Publish:
    """Publish a batch with the deployed function itself: True when it reports no failure."""

    def publish(records: list[dict[str, Any]]) -> bool:
        answer = lambda_client.invoke(FunctionName=function_name, Payload=json.dumps({"Records": records}))
        if answer.get("FunctionError"):
            return False
        return not json.loads(answer["Payload"].read() or b"{}").get("batchItemFailures")

    return publish


def main(argv: list[str]) -> int:
    import boto3

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--outputs", type=argparse.FileType(), required=True, help="the environment's workout_log output as JSON (-)"
    )
    events = json.load(parser.parse_args(argv).outputs)["change_events"]
    session = boto3.session.Session()
    done = redrive(
        session.client("sqs"), session.client("dynamodbstreams"), events["dead_letter_queue_url"],
        invoking(session.client("lambda"), events["function_name"]), session.region_name,
    )  # fmt: skip
    print(f"done: {done.batches} batches ({done.records} records) published again, {len(done.failed)} left queued")
    return 1 if done.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
