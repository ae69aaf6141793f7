-- The exact load: a fact table equal, after every load, to the application
-- table's current items projected to the fact columns. Runs after
-- scenario.sql, beside the article's load, from the same streaming view
-- (demo_stream_vw). docs/exact-load.md explains each part; the same SQL runs
-- on Redshift.

-- One row per item of the application table: the article's fact columns.
CREATE TABLE IF NOT EXISTS public.Customer_Transaction_Fact_Exact (
Transaction_ID character varying(500),
Customer_ID character varying(500),
OutofPocket_Percent numeric(5,2),
OutofPock_Amount integer,
OutofPocket_Max integer,
Provider character varying(500),
completion_datetime timestamp
);

-- How far the load has read each shard: the last record loaded, its
-- sequence number and arrival time. Written in the same transaction as the
-- fact rows.
CREATE TABLE IF NOT EXISTS public.Customer_Transaction_Fact_Exact_Position (
shard_id character varying(128),
sequence_number character varying(128),
approximate_arrival_timestamp timestamp,
loaded_at timestamp
);

CREATE OR REPLACE PROCEDURE SP_Customer_Transaction_Fact_Exact()
AS $$
DECLARE
since timestamp;
BEGIN

set enable_case_sensitive_identifier to true;

-- Where to start reading. Within a shard, arrival times never decrease, so
-- no record after a shard's position arrived before the position's record:
-- once every shard has a position, the earliest of their arrival times
-- bounds what is new, and the scan skips the history before it. The bound
-- only narrows the scan; the sequence numbers below decide.
select case when (select count(distinct shard_id) from demo_stream_vw)
= (select count(*) from Customer_Transaction_Fact_Exact_Position)
then (select min(approximate_arrival_timestamp) from Customer_Transaction_Fact_Exact_Position) end
into since;
if since is null then
since := '1900-01-01';
end if;

-- The latest change of each item after its shard's position, projected to
-- the fact columns. One item's changes are in one shard, in sequence-number
-- order; sequence numbers compare as numbers of any length (a longer one
-- is greater, equal lengths compare as text).
drop table if exists exact_latest;
create temp table exact_latest as
select * from (
select v.shard_id,
v.sequence_number,
v.approximate_arrival_timestamp,
v.payload."eventName"::varchar as event_name,
substring(v.payload."dynamodb"."Keys"."pk"."S"::varchar, position('#' in v.payload."dynamodb"."Keys"."pk"."S"::varchar)+1) as Customer_ID,
substring(v.payload."dynamodb"."Keys"."sk"."S"::varchar, position('#TRANSACTION' in v.payload."dynamodb"."Keys"."sk"."S"::varchar)+1) as Transaction_ID,
v.payload."dynamodb"."NewImage"."OutofPockPercent"."N"::decimal(5,2) as OutofPocket_Percent,
v.payload."dynamodb"."NewImage"."OutofPockAmount"."N"::int as OutofPock_Amount,
v.payload."dynamodb"."NewImage"."OutofPockMax"."N"::int as OutofPocket_Max,
v.payload."dynamodb"."NewImage"."Provider"."S"::varchar as Provider,
v.payload."dynamodb"."NewImage"."completionDateTime"."S"::timestamptz as completion_datetime,
row_number() over (partition by v.payload."dynamodb"."Keys"."pk"."S"::varchar, v.payload."dynamodb"."Keys"."sk"."S"::varchar
order by len(v.sequence_number) desc, v.sequence_number desc) as rn
from demo_stream_vw v
left join Customer_Transaction_Fact_Exact_Position p on p.shard_id = v.shard_id
where v.approximate_arrival_timestamp >= since
and (p.sequence_number is null
or len(v.sequence_number) > len(p.sequence_number)
or (len(v.sequence_number) = len(p.sequence_number) and v.sequence_number > p.sequence_number))
) c
where c.rn = 1;

-- Replace the changed items' rows: a REMOVE leaves none.
delete from Customer_Transaction_Fact_Exact
using exact_latest l
where Customer_Transaction_Fact_Exact.Customer_ID = l.Customer_ID
and Customer_Transaction_Fact_Exact.Transaction_ID = l.Transaction_ID;

insert into Customer_Transaction_Fact_Exact
select Transaction_ID, Customer_ID, OutofPocket_Percent, OutofPock_Amount, OutofPocket_Max, Provider, completion_datetime
from exact_latest
where event_name <> 'REMOVE';

-- Move each shard's position to its last change read, in the same
-- transaction (a shard's last change is its item's latest, so it is here).
delete from Customer_Transaction_Fact_Exact_Position
using exact_latest l
where Customer_Transaction_Fact_Exact_Position.shard_id = l.shard_id;

insert into Customer_Transaction_Fact_Exact_Position
select shard_id, sequence_number, approximate_arrival_timestamp, getdate() from (
select shard_id, sequence_number, approximate_arrival_timestamp,
row_number() over (partition by shard_id order by len(sequence_number) desc, sequence_number desc) as rn
from exact_latest
) m
where m.rn = 1;

drop table exact_latest;
END;
$$ LANGUAGE plpgsql;

-- Run it whenever the streaming view takes in records.
CREATE SCHEDULE IF NOT EXISTS load_customer_transaction_fact_exact
ON CHANGE OF demo_stream_vw
AS CALL SP_Customer_Transaction_Fact_Exact();
