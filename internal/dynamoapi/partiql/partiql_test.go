package partiql

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/tables/attr"
)

func n(s string) attr.Value { return attr.Num(attr.MustNumber(s)) }
func s(x string) attr.Value { return attr.Str(x) }

func js(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Statements from "PartiQL - a SQL-compatible query language for Amazon
// DynamoDB" in the DynamoDB developer guide (select, insert, update and
// delete statements), planned against a table keyed Artist (HASH) and
// SongTitle (RANGE) as in the guide's Music table.
func TestPlan(t *testing.T) {
	item := attr.Item{"Artist": s("Acme Band"), "SongTitle": s("PartiQL Rocks"), "Year": n("2020"), "Awards": n("1"),
		"AlbumTitle": s("Songs About Life"), "Tags": {T: attr.SS, Strs: []string{"rock"}}, "Info": attr.Map(map[string]attr.Value{"genre": s("rock")})}
	cases := []struct {
		stmt   string
		params []attr.Value
		check  func(t *testing.T, p *Plan)
	}{
		{`SELECT * FROM "Music" WHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks'`, nil, func(t *testing.T, p *Plan) {
			if len(p.Keys) != 1 || p.Keys[0]["SongTitle"].S != "PartiQL Rocks" || p.Query != nil || p.Projection != nil {
				t.Errorf("point read: %+v", p)
			}
			if ok, _ := p.Filter.Eval(item); !ok {
				t.Error("filter does not match")
			}
		}},
		{`SELECT AlbumTitle, Info.genre FROM Music WHERE Artist = ? AND SongTitle > ? ORDER BY SongTitle DESC`, []attr.Value{s("Acme Band"), s("P")}, func(t *testing.T, p *Plan) {
			if p.Query == nil || p.Query.HashValue.S != "Acme Band" || p.Query.Range.Op != "GT" || !p.Descending {
				t.Errorf("query: %+v", p.Query)
			}
			if got := js(t, p.Projection.Apply(item)); got != `{"AlbumTitle":{"S":"Songs About Life"},"Info":{"M":{"genre":{"S":"rock"}}}}` {
				t.Errorf("projection: %s", got)
			}
		}},
		{`SELECT * FROM "Music" WHERE Artist IN ['Acme Band', 'The Acme Band'] AND SongTitle = 'x'`, nil, func(t *testing.T, p *Plan) {
			if len(p.Keys) != 2 {
				t.Errorf("IN: %+v", p)
			}
		}},
		// An index's keys are not unique: a full key is a query, not a get.
		{`SELECT * FROM "Music"."ArtistIndex" WHERE Artist = 'Acme Band' AND SongTitle = 'x'`, nil, func(t *testing.T, p *Plan) {
			if p.Index != "ArtistIndex" || p.Keys != nil || p.Query == nil || p.Query.Range.Op != "EQ" {
				t.Errorf("index: %+v", p)
			}
		}},
		{`SELECT * FROM Music WHERE Awards >= 1 AND begins_with(AlbumTitle, 'Songs') AND Year BETWEEN 2000 AND 2020 AND Tags IS NOT MISSING AND "Info"."genre" IS STRING AND contains(Tags, 'rock') AND size(AlbumTitle) > 3`, nil, func(t *testing.T, p *Plan) {
			if p.Keys != nil || p.Query != nil {
				t.Errorf("scan: %+v", p)
			}
			if ok, _ := p.Filter.Eval(item); !ok {
				t.Error("filter does not match")
			}
		}},
		{`SELECT * FROM Music WHERE Artist = 'Acme Band' AND begins_with(SongTitle, 'Part')`, nil, func(t *testing.T, p *Plan) {
			if p.Query == nil || p.Query.Range.Op != "BEGINS_WITH" {
				t.Errorf("begins_with: %+v", p.Query)
			}
		}},
		{`INSERT INTO Music VALUE {'Artist': 'Acme Band', 'SongTitle': ?, 'Year': 2020, 'Tags': <<'a', 'b'>>, 'Info': {'ok': TRUE, 'l': [1, -2.50, NULL]}}`, []attr.Value{s("New")}, func(t *testing.T, p *Plan) {
			if got := js(t, p.Item); got != `{"Artist":{"S":"Acme Band"},"Info":{"M":{"l":{"L":[{"N":"1"},{"N":"-2.5"},{"NULL":true}]},"ok":{"BOOL":true}}},"SongTitle":{"S":"New"},"Tags":{"SS":["a","b"]},"Year":{"N":"2020"}}` {
				t.Errorf("insert: %s", got)
			}
			if ok, _ := p.Condition.Eval(item); ok {
				t.Error("insert over an existing item is allowed")
			}
		}},
		{`UPDATE Music SET AwardsWon=1 SET AwardDetail={'Grammys':[2020, 2018]} SET Awards = Awards + 1, Tags = set_add(Tags, <<'pop'>>) REMOVE Info WHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks' AND Year = 2020 RETURNING MODIFIED NEW *`, nil, func(t *testing.T, p *Plan) {
			if p.ReturnValues != "UPDATED_NEW" || js(t, p.Key) != `{"Artist":{"S":"Acme Band"},"SongTitle":{"S":"PartiQL Rocks"}}` {
				t.Errorf("update: %+v", p)
			}
			if ok, _ := p.Condition.Eval(item); !ok {
				t.Error("condition fails")
			}
			if ok, _ := p.Condition.Eval(nil); ok {
				t.Error("UPDATE of a missing item is allowed")
			}
			got, _, err := p.Update.Apply(item)
			if err != nil || got["Awards"].S != "2" || len(got["Tags"].Strs) != 2 || got["AwardsWon"].S != "1" {
				t.Errorf("apply: %s %v", js(t, got), err)
			}
			if _, ok := got["Info"]; ok {
				t.Error("REMOVE Info left it")
			}
		}},
		{`DELETE FROM "Music" WHERE "Artist" = 'Acme Band' AND "SongTitle" = 'PartiQL Rocks' AND Year = 1999 RETURNING ALL OLD *`, nil, func(t *testing.T, p *Plan) {
			if p.ReturnValues != "ALL_OLD" {
				t.Errorf("returning: %s", p.ReturnValues)
			}
			if ok, _ := p.Condition.Eval(item); ok {
				t.Error("condition on Year holds")
			}
			if ok, _ := p.Condition.Eval(nil); !ok {
				t.Error("deleting a missing item fails")
			}
		}},
	}
	for _, c := range cases {
		st, err := Parse(c.stmt)
		if err != nil {
			t.Errorf("%s: %v", c.stmt, err)
			continue
		}
		again, err := Parse(st.Format())
		if err != nil || !reflect.DeepEqual(st, again) {
			t.Errorf("%s: Format %q reparses to %v", c.stmt, st.Format(), err)
		}
		p, err := st.Plan(c.params, "Artist", "SongTitle")
		if err != nil {
			t.Errorf("%s: %v", c.stmt, err)
			continue
		}
		c.check(t, p)
	}
}

// Error texts: DynamoDB's PartiQL validation messages (as DynamoDB Local
// carries them, and as quoted in issues against DynamoDB emulators).
func TestErrors(t *testing.T) {
	cases := []struct {
		stmt   string
		params []attr.Value
		want   string
	}{
		{`UPSERT INTO t VALUE {'a': 1}`, nil, "Statement wasn't well formed, can't be processed: Expected data manipulation"},
		// The API reference's constraint on Statement, in AWS's validation form.
		{``, nil, "1 validation error detected: Value '' at 'statement' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{`DELETE FROM t WHERE Artist = 'a'`, nil, "Where clause does not contain a mandatory equality on all key attributes"},
		{`DELETE FROM t WHERE Artist = 'a' OR SongTitle = 'b'`, nil, "Where clause does not contain a mandatory equality on all key attributes"},
		{`UPDATE t SET a = 1`, nil, "Where clause does not contain a mandatory equality on all key attributes"},
		{`UPDATE t SET a = 1 WHERE Artist = 'a' AND Artist = 'b' AND SongTitle = 'x'`, nil, "Multiple conditions on same key Artist. Only single item Update/Insert/Delete are supported"},
		{`SELECT * FROM t WHERE Artist = ?`, nil, "Number of parameters in request and statement don't match."},
		{`INSERT INTO t VALUES {'a': 1}`, nil, `Unsupported operation: Inserting multiple items in a single statement is not supported, use "INSERT INTO tableName VALUE item" instead`},
		{`INSERT INTO t VALUE ['a']`, nil, "Unsupported format in item expression. Please use struct format {...} to express item values for insert statement."},
		{`INSERT INTO t VALUE {'Artist': 'a'}`, nil, "Key attribute should be present in the item: Key SongTitle"},
		{`INSERT INTO t VALUE {'Artist': ['a'], 'SongTitle': 'x'}`, nil, "Key value must be of type S, N, or B. Key name: Artist, Key type: L"},
		{`SELECT *, a FROM t`, nil, "Other attributes should not be present in the projection when '*' is used."},
		{`SELECT * FROM t WHERE a = MISSING`, nil, "MISSING must be compared using IS operator"},
		{`DELETE FROM t WHERE Artist = 'a' AND SongTitle = 'b' RETURNING ALL NEW *`, nil, "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE statements."},
		{`SELECT * FROM t WHERE foo(a)`, nil, "Unrecognized function: foo"},
		{`SELECT * FROM t WHERE a`, nil, "WHERE clause must contain an expression that resolves to a boolean"},
		{`SELECT * FROM t WHERE a = <<>>`, nil, "Empty bags are not supported"},
		{`SELECT * FROM t ORDER BY SongTitle`, nil, "Must have WHERE clause in the statement when using ORDER BY clause."},
		{`SELECT * FROM t WHERE SongTitle = 'x' ORDER BY SongTitle`, nil, "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause."},
		{`SELECT * FROM t WHERE Artist = 'x' ORDER BY Year`, nil, "Variable reference Year in ORDER BY clause must be part of the primary key"},
		{`UPDATE t SET a = set_add(b, <<'x'>>) WHERE Artist = 'a' AND SongTitle = 'b'`, nil, "The first argument to SET_ADD must equal the assignment value"},
		{`UPDATE t SET a = set_add(a, 'x') WHERE Artist = 'a' AND SongTitle = 'b'`, nil, "The second argument to SET_ADD must be a value with type SET"},
		{`UPDATE t SET a = 1, a.b = 2 WHERE Artist = 'a' AND SongTitle = 'b'`, nil, "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"},
		{`SELECT * FROM t WHERE a IS FOO`, nil, "Unsupported data type for IS operator: FOO. Supported data types are [MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]"},
		{`SELECT * FROM t WHERE EXISTS(SELECT * FROM t)`, nil, "EXISTS can only be used in ExecuteTransaction write requests."},
		{`SELECT * FROM t WHERE a = 'x`, nil, "Statement wasn't well formed, can't be processed: Unexpected character or unterminated quote at position 27"},
	}
	for _, c := range cases {
		st, err := Parse(c.stmt)
		if err == nil {
			_, err = st.Plan(c.params, "Artist", "SongTitle")
		}
		if err == nil || err.Error() != c.want {
			t.Errorf("%s:\n got %v\nwant %s", c.stmt, err, c.want)
		}
	}
}
