"""psqlODBC (Debian's odbc-postgresql, the "PostgreSQL Unicode" driver)
through pyodbc, with a DSN-less connection string and the driver's
defaults: a query, SQLTables and SQLColumns. (SQLPrimaryKeys is not
covered: psqlODBC subscripts pg_index.indkey from 0, as Postgres's
int2vector does, where blueshift's lists count from 1.) Expected: the ODBC catalog
functions' documented result columns (table_name, column_name, type_name,
column_size), as psqlODBC gives them against Postgres."""
import pyodbc

from common import DB, HOST, PORT, USER, check

conn = pyodbc.connect(
    f"Driver={{PostgreSQL Unicode}};Server={HOST};Port={PORT};Database={DB};Uid={USER};Pwd=;",
    autocommit=True)
cur = conn.cursor()
cur.execute("create table odbc_t (id int primary key, name varchar(30), amount decimal(12,2), doc super)")
cur.execute("insert into odbc_t values (?, ?, ?, json_parse(?))", 1, "one", "1.50", '{"a":1}')
row = cur.execute("select id, name, amount, doc from odbc_t").fetchone()
check("query", (row[0], row[1], str(row[2]), row[3]), (1, "one", "1.50", '{"a":1}'))

tables = [(t.table_schem, t.table_name, t.table_type) for t in cur.tables(tableType="TABLE")]
check("SQLTables", tables, [("public", "odbc_t", "TABLE")])
cols = [(c.column_name, c.type_name, c.column_size) for c in cur.columns(table="odbc_t")]
check("SQLColumns names", [c[0] for c in cols], ["id", "name", "amount", "doc"])
check("SQLColumns types", [c[1] for c in cols[:3]], ["int4", "varchar", "numeric"])
check("SQLColumns sizes", [c[2] for c in cols[1:3]], [30, 12])
conn.close()
print("psqlODBC: all checks passed")
