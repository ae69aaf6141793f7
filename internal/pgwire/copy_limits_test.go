package pgwire_test

import (
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// endless is a reader of n bytes of 'x' and no line break: a COPY row that
// never ends.
type endless struct{ n int }

func (e *endless) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, io.EOF
	}
	k := min(len(p), e.n)
	for i := range k {
		p[i] = 'x'
	}
	e.n -= k
	return k, nil
}

// TestCopyRowLimit: a COPY FROM STDIN row is at most 4 MB, Redshift's
// "maximum size of a single input row from any source" (COPY, Data
// sources): a longer one, in the text or CSV format (a line that never
// ends, a quoted field that never closes) or the binary one, fails with
// 54000 once the 4 MB are passed, without the server holding the rest, and
// the connection goes on; rows up to the limit load (a 3 MB row of 60
// fields, each within VARCHAR(MAX)'s 65,535 bytes).
func TestCopyRowLimit(t *testing.T) {
	s := server(t)
	c := connect(t, s)
	ctx := ctxT(t)
	// The rows below never end (or pass 4 MB), so the row limit answers
	// before any column's length is checked.
	if _, err := c.Exec(ctx, `CREATE TABLE big (s varchar)`); err != nil {
		t.Fatal(err)
	}
	const mb = 1 << 20
	for name, c2 := range map[string]struct {
		sql string
		in  io.Reader
	}{
		"text line without end":  {`COPY big FROM STDIN`, &endless{64 * mb}},
		"csv quote never closed": {`COPY big FROM STDIN WITH (FORMAT csv)`, io.MultiReader(strings.NewReader(`"`), &endless{64 * mb})},
		"csv field over lines":   {`COPY big FROM STDIN WITH (FORMAT csv)`, strings.NewReader(`"` + strings.Repeat("line\n", mb) + `"` + "\n")},
	} {
		_, err := c.PgConn().CopyFrom(ctx, c2.in, c2.sql)
		if code := pgCode(err); code != "54000" {
			t.Errorf("%s: %v (%s), want 54000", name, err, code)
		}
	}
	_, err := c.CopyFrom(ctx, pgx.Identifier{"big"}, []string{"s"}, pgx.CopyFromRows([][]any{{strings.Repeat("y", 5*mb)}}))
	if code := pgCode(err); code != "54000" {
		t.Errorf("binary: %v (%s), want 54000", err, code)
	}

	// Up to the limit, rows load, and the connection served throughout.
	const fields, width = 60, 50_000
	cols := make([]string, fields)
	defs := make([]string, fields)
	vals := make([]any, fields)
	for i := range fields {
		cols[i] = "c" + strconv.Itoa(i)
		defs[i] = cols[i] + " varchar(max)"
		vals[i] = strings.Repeat("z", width)
	}
	if _, err := c.Exec(ctx, `CREATE TABLE wide (`+strings.Join(defs, ", ")+`)`); err != nil {
		t.Fatal(err)
	}
	row := strings.Repeat(strings.Repeat("z", width)+"\t", fields-1) + strings.Repeat("z", width) + "\n"
	if _, err := c.PgConn().CopyFrom(ctx, strings.NewReader(row), `COPY wide FROM STDIN`); err != nil {
		t.Fatalf("a 3 MB row: %v", err)
	}
	if n, err := c.CopyFrom(ctx, pgx.Identifier{"wide"}, cols, pgx.CopyFromRows([][]any{vals})); err != nil || n != 1 {
		t.Fatalf("a 3 MB row in binary: %d, %v", n, err)
	}
	var n int
	var total int64
	if err := c.QueryRow(ctx, `SELECT count(*), sum(len(c0) + len(c59)) FROM wide`).Scan(&n, &total); err != nil || n != 2 || total != 4*width {
		t.Fatalf("wide holds %d rows (%d bytes in c0 and c59, %v), want 2 (%d)", n, total, err, 4*width)
	}
}
