// The AWS SDK for JavaScript v3 against blueshift's AWS port, with the
// clients' default settings and only the endpoint changed. The Kinesis
// client's default request handler speaks HTTP/2 (NodeHttp2Handler), here
// without TLS; the DynamoDB client's speaks HTTP/1.1.
'use strict';
const assert = require('assert');
const {
  KinesisClient, CreateStreamCommand, DescribeStreamSummaryCommand, PutRecordCommand,
  PutRecordsCommand, ListShardsCommand, GetShardIteratorCommand, GetRecordsCommand,
  DeleteStreamCommand,
} = require('@aws-sdk/client-kinesis');
const {
  DynamoDBClient, CreateTableCommand, PutItemCommand, GetItemCommand, QueryCommand,
  UpdateItemCommand, DeleteTableCommand,
} = require('@aws-sdk/client-dynamodb');

const endpoint = process.env.BLUESHIFT_AWS_URL;
const region = 'us-east-1';

async function waitActive(kinesis, name) {
  for (let i = 0; i < 200; i++) {
    const d = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    if (d.StreamDescriptionSummary.StreamStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`stream ${name} never became ACTIVE`);
}

async function kinesisRoundTrip() {
  const kinesis = new KinesisClient({ endpoint, region });
  const name = 'js-v3-stream';
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
  await waitActive(kinesis, name);
  const enc = new TextEncoder();
  const one = await kinesis.send(new PutRecordCommand({ StreamName: name, PartitionKey: 'k0', Data: enc.encode('{"n":0}') }));
  assert.strictEqual(one.ShardId, 'shardId-000000000000');
  assert.match(one.SequenceNumber, /^\d{56}$/, 'Kinesis sequence numbers have 56 digits');
  const many = await kinesis.send(new PutRecordsCommand({
    StreamName: name,
    Records: [1, 2, 3].map((n) => ({ PartitionKey: `k${n}`, Data: enc.encode(`{"n":${n}}`) })),
  }));
  assert.strictEqual(many.FailedRecordCount, 0);
  const shards = await kinesis.send(new ListShardsCommand({ StreamName: name }));
  assert.strictEqual(shards.Shards.length, 1);
  const it = await kinesis.send(new GetShardIteratorCommand({
    StreamName: name, ShardId: shards.Shards[0].ShardId, ShardIteratorType: 'TRIM_HORIZON',
  }));
  const got = await kinesis.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator }));
  const dec = new TextDecoder();
  assert.deepStrictEqual(got.Records.map((r) => JSON.parse(dec.decode(r.Data)).n), [0, 1, 2, 3]);
  assert.ok(got.Records[0].ApproximateArrivalTimestamp instanceof Date);
  // An error in AWS's shape reaches the client as its typed exception.
  await assert.rejects(
    kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'no-such-stream' })),
    (err) => err.name === 'ResourceNotFoundException',
  );
  await kinesis.send(new DeleteStreamCommand({ StreamName: name }));
  kinesis.destroy();
  console.log('kinesis: create, put, put many, list shards, get records, typed error: ok');
}

async function dynamoRoundTrip() {
  const ddb = new DynamoDBClient({ endpoint, region });
  const TableName = 'js-v3-table';
  await ddb.send(new CreateTableCommand({
    TableName, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  }));
  for (const sk of [10, 9, 100]) {
    await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, sk: { N: String(sk) }, v: { S: `v${sk}` } } }));
  }
  const item = await ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'a' }, sk: { N: '9' } } }));
  assert.deepStrictEqual(item.Item.v, { S: 'v9' });
  // Sort keys of type N order by value, not text (DynamoDB's Query).
  const q = await ddb.send(new QueryCommand({
    TableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'a' } },
  }));
  assert.deepStrictEqual(q.Items.map((i) => i.sk.N), ['9', '10', '100']);
  const up = await ddb.send(new UpdateItemCommand({
    TableName, Key: { pk: { S: 'a' }, sk: { N: '10' } },
    UpdateExpression: 'SET n = if_not_exists(n, :z) + :one', ExpressionAttributeValues: { ':z': { N: '0' }, ':one': { N: '1' } },
    ReturnValues: 'UPDATED_NEW',
  }));
  assert.deepStrictEqual(up.Attributes, { n: { N: '1' } });
  await assert.rejects(
    ddb.send(new PutItemCommand({
      TableName, Item: { pk: { S: 'a' }, sk: { N: '9' } }, ConditionExpression: 'attribute_not_exists(pk)',
    })),
    (err) => err.name === 'ConditionalCheckFailedException',
  );
  await ddb.send(new DeleteTableCommand({ TableName }));
  ddb.destroy();
  console.log('dynamodb: create table, put, get, query in N order, update, conditional failure: ok');
}

(async () => {
  await kinesisRoundTrip();
  await dynamoRoundTrip();
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
