"""boto3's Kinesis client with its defaults, only endpoint_url changed:
create a stream, wait until ACTIVE (boto3's own waiter), put records, and
read them back with a shard iterator. Expected: the Kinesis API reference
(CreateStream, PutRecord(s), GetShardIterator, GetRecords)."""
import os

import boto3

from common import check

k = boto3.client("kinesis", endpoint_url=os.environ["BLUESHIFT_AWS_URL"], region_name="us-east-1")
k.create_stream(StreamName="clicks", ShardCount=1)
k.get_waiter("stream_exists").wait(StreamName="clicks", WaiterConfig={"Delay": 1, "MaxAttempts": 30})
desc = k.describe_stream(StreamName="clicks")["StreamDescription"]
check("stream ACTIVE", desc["StreamStatus"], "ACTIVE")
check("one shard", len(desc["Shards"]), 1)

r = k.put_record(StreamName="clicks", Data=b'{"u":1}', PartitionKey="u1")
check("put_record shard", r["ShardId"], desc["Shards"][0]["ShardId"])
rs = k.put_records(StreamName="clicks", Records=[
    {"Data": b'{"u":2}', "PartitionKey": "u2"}, {"Data": b'{"u":3}', "PartitionKey": "u3"}])
check("put_records failures", rs["FailedRecordCount"], 0)

it = k.get_shard_iterator(StreamName="clicks", ShardId=desc["Shards"][0]["ShardId"],
                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
got = []
for _ in range(10):
    out = k.get_records(ShardIterator=it, Limit=10)
    got += [rec["Data"] for rec in out["Records"]]
    it = out["NextShardIterator"]
    if len(got) >= 3:
        break
check("get_records", got, [b'{"u":1}', b'{"u":2}', b'{"u":3}'])
check("list_streams", k.list_streams()["StreamNames"], ["clicks"])
print("boto3 Kinesis: all checks passed")
