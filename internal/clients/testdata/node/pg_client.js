// node-postgres (pg) with its defaults, only host and port naming the
// endpoint: array parameters (the common `id = ANY($1)` idiom, $1::int[]),
// every common type, SUPER as JSON text, and pg-query-stream, which reads a
// query through a cursor (a portal fetched 100 rows at a time). Expected:
// what node-postgres returns against Postgres for the same queries.
'use strict';
const assert = require('node:assert/strict');
const { Client } = require('pg');
const QueryStream = require('pg-query-stream');

function check(what, got, want) {
  assert.deepStrictEqual(got, want, what);
  console.log('ok   ' + what);
}

async function main() {
  const c = new Client({
    host: process.env.BLUESHIFT_SQL_HOST,
    port: Number(process.env.BLUESHIFT_SQL_PORT),
    user: 'alice',
    database: 'dev',
  });
  await c.connect();
  await c.query(`create table items (id int, name varchar(20), price decimal(10,2), ok boolean,
    big bigint, at_ts timestamp, doc super)`);
  await c.query(`insert into items values ($1, $2, $3, $4, $5, $6, json_parse($7))`,
    [1, 'apple', '1.25', true, '1099511627776', '2024-05-06 07:08:09', '{"tags":["a"]}']);
  await c.query(`insert into items (id, name) values (2, 'pear'), (3, null)`);

  let r = await c.query('select id from items where id = ANY($1) order by id', [[1, 3]]);
  check('= ANY($1) with a number array', r.rows.map((x) => x.id), [1, 3]);
  r = await c.query('select id from items where name = ANY($1) order by id', [['apple', 'pear']]);
  check('= ANY($1) with a string array', r.rows.map((x) => x.id), [1, 2]);
  r = await c.query('select id from items where id = ANY($1::int[]) order by id', [[2]]);
  check('= ANY($1::int[])', r.rows.map((x) => x.id), [2]);

  r = await c.query('select id, name, price, ok, big, doc from items where id = 1');
  check('types', r.rows[0], { id: 1, name: 'apple', price: '1.25', ok: true, big: '1099511627776', doc: '{"tags":["a"]}' });
  check('SUPER type OID', r.fields[5].dataTypeID, 4000);

  await c.query('create table many (n int)');
  await c.query('insert into many select * from generate_series(1, 1000)');
  const stream = c.query(new QueryStream('select n from many order by n', [], { batchSize: 100 }));
  let count = 0;
  let sum = 0;
  for await (const row of stream) {
    count++;
    sum += row.n;
  }
  check('pg-query-stream rows', [count, sum], [1000, 500500]);

  await assert.rejects(c.query('select * from no_such_table'), (e) => e.code === '42P01' && e.message.length > 0);
  console.log('ok   error with SQLSTATE and message');
  await c.end();
  console.log('node-postgres: all checks passed');
}

main().catch((e) => {
  console.error('FAIL', e);
  process.exit(1);
});
