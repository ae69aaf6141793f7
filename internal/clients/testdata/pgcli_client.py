"""pgcli through its Python API: connect as pgcli does (PGExecute), run
every completion refresher (the catalog queries pgcli sends at startup,
whose failure printed a traceback), then \\dt and \\d through pgspecial, as
typed at its prompt. Expected: \\dt lists the user's tables as against
Postgres (schema, name, type, owner), and no internal schema."""
from pgspecial.main import PGSpecial

from pgcli.completion_refresher import CompletionRefresher
from pgcli.pgcompleter import PGCompleter
from pgcli.pgexecute import PGExecute

from common import DB, HOST, PORT, USER, check

ex = PGExecute(database=DB, user=USER, host=HOST, port=PORT)
special = PGSpecial()
check("not a virtual database", ex.is_virtual_database(), False)


def run(sql):
    out = []
    for title, cur, headers, status, *_ in ex.run(sql, pgspecial=special):
        out.append((headers, list(cur) if cur is not None else None, status))
    return out


run("create table clicks (id int, url varchar(100)); create table users (id int primary key, name varchar(20))")

completer = PGCompleter(smart_completion=True, pgspecial=special)
for name, refresh in CompletionRefresher.refreshers.items():
    refresh(completer, ex)  # raises on a failing catalog query
    print(f"ok   refresher {name}")
check("completer schemata", sorted(completer.dbmetadata["tables"].keys()), ["information_schema", "pg_catalog", "public"])
check("completer tables", sorted(completer.dbmetadata["tables"]["public"].keys()), ["clicks", "users"])

headers, rows, _ = run("\\dt")[0]
# Redshift folds identifiers to lower case, quoted ones too (unless
# enable_case_sensitive_identifier is on), so the headers are lower case.
check("\\dt headers", list(headers), ["schema", "name", "type", "owner"])
check("\\dt rows", [tuple(r[:3]) for r in rows], [("public", "clicks", "table"), ("public", "users", "table")])
headers, rows, _ = run("\\d clicks")[0]
check("\\d clicks columns", [tuple(r[:2]) for r in rows], [("id", "integer"), ("url", "character varying(100)")])
headers, rows, _ = run("\\dn")[0]
check("\\dn", [r[0] for r in rows], ["public"])
print("pgcli: all checks passed")
