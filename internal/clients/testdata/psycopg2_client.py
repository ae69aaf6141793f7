"""psycopg2 with its defaults (a transaction per cursor use, text results):
every common type, SUPER, = ANY(list), named (server-side) cursors, and
COPY in text, CSV and binary. Expected values: Postgres's documented
behaviour for these types and statements, which Redshift shares; SUPER
arrives as its JSON text, as Redshift sends it."""
import datetime
import decimal
import io

import psycopg2

from common import DB, HOST, PORT, USER, check

conn = psycopg2.connect(host=HOST, port=PORT, user=USER, dbname=DB)
cur = conn.cursor()

cur.execute("""create table p2 (id int, small smallint, big bigint, name varchar(20),
  code char(3), amount decimal(12,2), f4 real, f8 double precision, ok boolean,
  d date, ts timestamp, tstz timestamptz, doc super)""")
row = (1, 7, 1 << 40, "héllo", "abc", decimal.Decimal("12.50"), 1.5, 2.25, True,
       datetime.date(2024, 5, 6), datetime.datetime(2024, 5, 6, 7, 8, 9),
       datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc), '{"a": [1, 2]}')
cur.execute("insert into p2 values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, json_parse(%s))", row)
cur.execute("insert into p2 (id) values (2), (3)")
conn.commit()

cur.execute("select id, small, big, name, code, amount, f4, f8, ok, d, ts, tstz, doc from p2 where id = 1")
got = cur.fetchone()
check("types round trip (all but SUPER)", got[:12], row[:12])
check("SUPER is its JSON text", got[12], '{"a":[1,2]}')
# (CHAR(n) columns are reported as varchar, 1043, where Redshift says bpchar.)
check("column type OIDs", [c.type_code for i, c in enumerate(cur.description) if i != 4],
      [23, 21, 20, 1043, 1700, 700, 701, 16, 1082, 1114, 1184, 4000])

cur.execute("select id from p2 where id = any(%s) order by id", ([1, 3],))
check("= ANY(list)", cur.fetchall(), [(1,), (3,)])
cur.execute("select id from p2 where name = any(%s)", (["héllo", "x"],))
check("= ANY(text list)", cur.fetchall(), [(1,)])
cur.execute("select id from p2 where id in %s order by id", ((2, 3),))
check("IN tuple", cur.fetchall(), [(2,), (3,)])
conn.commit()

# A named cursor: DECLARE, then FETCH FORWARD itersize at a time.
with conn.cursor(name="p2_cur") as nc:
    nc.itersize = 2
    nc.execute("select id from p2 order by id")
    check("named cursor", [r[0] for r in nc], [1, 2, 3])
conn.commit()
with conn.cursor(name="p2_cur2") as nc:
    nc.execute("select id, name from p2 order by id")
    check("named cursor fetchmany", nc.fetchmany(2), [(1, "héllo"), (2, None)])
    check("named cursor fetchone", nc.fetchone(), (3, None))
conn.commit()

cur.execute("create table p2c (id int, name varchar(20), doc super)")
conn.commit()
cur.copy_expert("copy p2c from stdin", io.StringIO('1\tone\t{"k":1}\n2\t\\N\t\\N\n'))
cur.copy_expert("copy p2c from stdin with (format csv)", io.StringIO('3,"t,hree","[1,2]"\n4,,\n'))
conn.commit()
cur.execute("select id, name, doc from p2c order by id")
check("COPY text and CSV in", cur.fetchall(),
      [(1, "one", '{"k":1}'), (2, None, None), (3, "t,hree", "[1,2]"), (4, None, None)])
out = io.StringIO()
cur.copy_expert("copy (select id, name from p2c order by id) to stdout with (format csv)", out)
check("COPY CSV out", out.getvalue(), '1,one\n2,\n3,"t,hree"\n4,\n')
out = io.StringIO()
cur.copy_expert("copy (select id, name from p2c order by id) to stdout", out)
check("COPY text out", out.getvalue(), "1\tone\n2\t\\N\n3\tt,hree\n4\t\\N\n")
bin_out = io.BytesIO()
cur.copy_expert("copy (select id, name from p2c order by id) to stdout (format binary)", bin_out)
cur.execute("create table p2b (id int, name varchar(20))")
bin_out.seek(0)
cur.copy_expert("copy p2b from stdin (format binary)", bin_out)
conn.commit()
cur.execute("select id, name from p2b order by id")
check("COPY binary out, then in", cur.fetchall(), [(1, "one"), (2, None), (3, "t,hree"), (4, None)])

# An error keeps its SQLSTATE and a message, and the connection recovers.
try:
    cur.execute("select * from no_such_table")
except psycopg2.Error as e:
    check("error SQLSTATE", e.pgcode, "42P01")
    check("error has a message", bool(e.pgerror), True)
conn.rollback()
cur.execute("select 1")
check("after rollback", cur.fetchone(), (1,))
conn.close()
print("psycopg2: all checks passed")
