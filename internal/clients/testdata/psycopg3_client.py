"""psycopg 3 with its defaults (server-side parameter binding, the extended
protocol): every common type, SUPER, = ANY(list) with lists of several
types, a named (server-side) cursor, and COPY in text, CSV and binary
(write_row with set_types). Expected values: Postgres's documented
behaviour, which Redshift shares; SUPER arrives as its JSON text."""
import datetime
import decimal

import psycopg

from common import DB, HOST, PORT, USER, check

conn = psycopg.connect(host=HOST, port=PORT, user=USER, dbname=DB)
cur = conn.cursor()
cur.execute("""create table p3 (id int, big bigint, name varchar(20), amount decimal(12,2),
  f8 double precision, ok boolean, d date, ts timestamp, tstz timestamptz, doc super)""")
row = (1, 1 << 40, "héllo", decimal.Decimal("12.50"), 2.25, True, datetime.date(2024, 5, 6),
       datetime.datetime(2024, 5, 6, 7, 8, 9),
       datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc))
cur.execute("insert into p3 values (%s, %s, %s, %s, %s, %s, %s, %s, %s, json_parse(%s))", row + ('{"a": [1, 2]}',))
cur.execute("insert into p3 (id, name) values (%s, %s), (%s, %s)", (2, "b", 3, None))
conn.commit()

cur.execute("select id, big, name, amount, f8, ok, d, ts, tstz, doc from p3 where id = %s", (1,))
got = cur.fetchone()
check("types round trip (all but SUPER)", got[:9], row)
check("SUPER is its JSON text", got[9], '{"a":[1,2]}')

cur.execute("select id from p3 where id = any(%s) order by id", ([1, 3],))
check("= ANY(int list)", cur.fetchall(), [(1,), (3,)])
cur.execute("select id from p3 where name = any(%s) order by id", (["héllo", "b"],))
check("= ANY(text list)", cur.fetchall(), [(1,), (2,)])
cur.execute("select id from p3 where big = any(%s)", ([1 << 40],))
check("= ANY(bigint list)", cur.fetchall(), [(1,)])
cur.execute("select id from p3 where d = any(%s)", ([datetime.date(2024, 5, 6)],))
check("= ANY(date list)", cur.fetchall(), [(1,)])
conn.commit()

with conn.cursor(name="p3_cur") as nc:
    nc.itersize = 2
    nc.execute("select id, name from p3 order by id")
    check("named cursor", list(nc), [(1, "héllo"), (2, "b"), (3, None)])
conn.commit()
with conn.cursor(name="p3_cur2") as nc:
    nc.execute("select id from p3 where id > %s order by id", (1,))
    check("named cursor with a parameter", nc.fetchall(), [(2,), (3,)])
conn.commit()

cur.execute("create table p3c (id int, name varchar(20), amount decimal(12,2), doc super)")
with cur.copy("copy p3c from stdin") as cp:
    cp.write('1\tone\t1.50\t{"k":1}\n')
with cur.copy("copy p3c from stdin with (format csv)") as cp:
    cp.write('2,"t,wo",,\n')
with cur.copy("copy p3c (id, name, amount) from stdin (format binary)") as cp:
    cp.set_types(["int4", "varchar", "numeric"])
    cp.write_row((3, "three", decimal.Decimal("3.25")))
    cp.write_row((4, None, None))
with cur.copy("copy p3c (id, name) from stdin") as cp:
    cp.write_row((5, "five"))
conn.commit()
cur.execute("select id, name, amount, doc from p3c order by id")
check("COPY text, CSV and binary in", cur.fetchall(), [
    (1, "one", decimal.Decimal("1.50"), '{"k":1}'), (2, "t,wo", None, None),
    (3, "three", decimal.Decimal("3.25"), None), (4, None, None, None), (5, "five", None, None)])
with cur.copy("copy (select id, name from p3c order by id) to stdout (format binary)") as cp:
    cp.set_types(["int4", "varchar"])
    rows = list(cp.rows())
check("COPY binary out", rows, [(1, "one"), (2, "t,wo"), (3, "three"), (4, None), (5, "five")])
with cur.copy("copy (select id, name from p3c where id < 3 order by id) to stdout with (format csv)") as cp:
    text = b"".join(bytes(b) for b in cp)
check("COPY CSV out", text, b'1,one\n2,"t,wo"\n')

try:
    cur.execute("select * from no_such_table")
except psycopg.Error as e:
    check("error SQLSTATE", e.sqlstate, "42P01")
    check("error has a message", bool(e.diag.message_primary), True)
conn.rollback()
conn.close()
print("psycopg 3: all checks passed")
