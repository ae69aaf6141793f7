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

-- How far the load has read each shard: the last sequence number loaded.
-- Written in the same transaction as the fact rows.
CREATE TABLE IF NOT EXISTS public.Customer_Transaction_Fact_Exact_Position (
shard_id character varying(128),
sequence_number character varying(128),
loaded_at timestamp
);

CREATE OR REPLACE PROCEDURE SP_Customer_Transaction_Fact_Exact()
AS $$
BEGIN

set enable_case_sensitive_identifier to true;

-- Every change after its shard's position. Sequence numbers are compared as
-- numbers of any length: a longer one is greater, equal lengths compare as text.
drop table if exists exact_changes;
create temp table exact_changes as
select v.shard_id,
v.sequence_number,
v.payload."eventName"::varchar as event_name,
v.payload."dynamodb"."Keys"."pk"."S"::varchar as pk,
v.payload."dynamodb"."Keys"."sk"."S"::varchar as sk,
v.payload
from demo_stream_vw v
left join Customer_Transaction_Fact_Exact_Position p on p.shard_id = v.shard_id
where p.sequence_number is null
or len(v.sequence_number) > len(p.sequence_number)
or (len(v.sequence_number) = len(p.sequence_number) and v.sequence_number > p.sequence_number);

-- The latest change of each item: one item's changes are in one shard, in
-- sequence-number order.
drop table if exists exact_latest;
create temp table exact_latest as
select * from (
select c.*, row_number() over (partition by c.pk, c.sk order by len(c.sequence_number) desc, c.sequence_number desc) as rn
from exact_changes c
) l
where l.rn = 1;

-- Replace the changed items' rows: a REMOVE leaves none.
delete from Customer_Transaction_Fact_Exact
where exists (select 1 from exact_latest l
where Customer_Transaction_Fact_Exact.Customer_ID = substring(l.pk, position('#' in l.pk)+1)
and Customer_Transaction_Fact_Exact.Transaction_ID = substring(l.sk, position('#TRANSACTION' in l.sk)+1));

insert into Customer_Transaction_Fact_Exact
select
substring(l.sk, position('#TRANSACTION' in l.sk)+1),
substring(l.pk, position('#' in l.pk)+1),
l.payload."dynamodb"."NewImage"."OutofPockPercent"."N"::decimal(5,2),
l.payload."dynamodb"."NewImage"."OutofPockAmount"."N"::int,
l.payload."dynamodb"."NewImage"."OutofPockMax"."N"::int,
l.payload."dynamodb"."NewImage"."Provider"."S"::varchar,
l.payload."dynamodb"."NewImage"."completionDateTime"."S"::timestamptz
from exact_latest l
where l.event_name <> 'REMOVE';

-- Move each shard's position to the last change read, in the same transaction.
delete from Customer_Transaction_Fact_Exact_Position
where shard_id in (select distinct shard_id from exact_changes);

insert into Customer_Transaction_Fact_Exact_Position
select shard_id, sequence_number, getdate() from (
select shard_id, sequence_number,
row_number() over (partition by shard_id order by len(sequence_number) desc, sequence_number desc) as rn
from exact_changes
) m
where m.rn = 1;

drop table exact_latest;
drop table exact_changes;
END;
$$ LANGUAGE plpgsql;

-- Run it whenever the streaming view takes in new records.
CREATE SCHEDULE IF NOT EXISTS load_customer_transaction_fact_exact
ON CHANGE OF demo_stream_vw
AS CALL SP_Customer_Transaction_Fact_Exact();
