"""SQLAlchemy 1.4 (postgresql+psycopg2, its default dialect settings) and
pandas: connect, Core, ORM create_all of a simple model with insert and
query, inspect() (schemas, tables, columns with their types, the primary
key), and pandas to_sql/read_sql. Expected: what SQLAlchemy answers
against Postgres for the same DDL (its PostgreSQL dialect documentation),
with SUPER, which Postgres lacks, reflected by its name."""
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session, declarative_base

from common import DB, HOST, PORT, USER, check

engine = sa.create_engine(f"postgresql+psycopg2://{USER}@{HOST}:{PORT}/{DB}")

with engine.connect() as c:
    check("connect and select", c.execute(sa.text("select 1")).scalar(), 1)

# Core: a table defined in Python, created, written and read.
md = sa.MetaData()
events = sa.Table("events", md,
                  sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                  sa.Column("kind", sa.String(20), nullable=False),
                  sa.Column("amount", sa.Numeric(12, 2)),
                  sa.Column("at_time", sa.DateTime))
md.create_all(engine)
with engine.begin() as c:
    c.execute(events.insert(), [{"id": 1, "kind": "click", "amount": 1.5},
                                {"id": 2, "kind": "view", "amount": None}])
with engine.connect() as c:
    rows = c.execute(sa.select(events.c.id, events.c.kind).where(events.c.id.in_([1, 2])).order_by(events.c.id)).all()
    check("Core select", [tuple(r) for r in rows], [(1, "click"), (2, "view")])

# ORM: a model with an autoincrementing key (SERIAL, which blueshift makes an IDENTITY).
Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(50), nullable=False)


Base.metadata.create_all(engine)
with Session(engine) as s:
    s.add_all([User(name="ann"), User(name="bob")])
    s.commit()
with Session(engine) as s:
    names = [u.name for u in s.query(User).order_by(User.name)]
    check("ORM query", names, ["ann", "bob"])
    check("ORM filter", s.query(User).filter(User.name == "bob").count(), 1)

with engine.begin() as c:
    c.execute(sa.text("create table docs (id int primary key, body super, note varchar(10))"))

insp = sa.inspect(engine)
check("schemas", insp.get_schema_names(), ["information_schema", "public"])
check("tables", sorted(insp.get_table_names()), ["docs", "events", "users"])
cols = {c["name"]: c for c in insp.get_columns("events")}
check("columns", list(cols), ["id", "kind", "amount", "at_time"])
check("column types", [str(c["type"]) for c in cols.values()],
      ["INTEGER", "VARCHAR(20)", "NUMERIC(12, 2)", "TIMESTAMP"])
check("nullable", [c["nullable"] for c in cols.values()], [False, False, True, True])
check("primary key", insp.get_pk_constraint("events")["constrained_columns"], ["id"])
check("ORM table's primary key", insp.get_pk_constraint("users")["constrained_columns"], ["id"])
check("primary key from DDL", insp.get_pk_constraint("docs")["constrained_columns"], ["id"])
# SUPER columns reflect (as NullType, with a warning: SQLAlchemy's
# PostgreSQL dialect knows no SUPER; the sqlalchemy-redshift dialect does).
check("SUPER column reflected", [c["name"] for c in insp.get_columns("docs")], ["id", "body", "note"])

# pandas through the same engine.
df = pd.DataFrame({"k": ["a", "b", "c"], "v": [1, 2, 3], "x": [0.5, None, 2.0]})
df.to_sql("frame", engine, index=False, if_exists="replace")
back = pd.read_sql("select k, v, x from frame order by k", engine)
check("pandas values", (list(back["k"]), list(back["v"])), (["a", "b", "c"], [1, 2, 3]))
check("pandas NaN", back["x"].isna().tolist(), [False, True, False])
check("pandas read_sql_table", len(pd.read_sql_table("events", engine)), 2)
df.to_sql("frame", engine, index=False, if_exists="append")
check("pandas append", pd.read_sql("select count(*) as n from frame", engine)["n"][0], 6)
print("SQLAlchemy and pandas: all checks passed")
