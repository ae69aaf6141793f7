package pgwire

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/warehouse"
)

func csvStmt() *warehouse.CopyStmt {
	return &warehouse.CopyStmt{From: true, Format: "csv", Delimiter: ',', Quote: '"', Escape: '"'}
}

// readAllCSV parses data as COPY FROM STDIN CSV would.
func readAllCSV(t testing.TB, data string, cs *warehouse.CopyStmt) ([][]any, error) {
	next := csvRows(strings.NewReader(data), cs)
	var rows [][]any
	for {
		vals, err := next()
		if err != nil {
			return rows, err
		}
		if vals == nil {
			return rows, nil
		}
		rows = append(rows, vals)
	}
}

func TestCSVRowsNullAndEmpty(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want [][]any
	}{
		{"1,,\"\"\n", [][]any{{"1", nil, ""}}},
		{"a,\"b,c\",\"d\"\"e\"\r\n,x\n", [][]any{{"a", "b,c", `d"e`}, {nil, "x"}}},
		{"\"multi\nline\",2\n\\.\nignored\n", [][]any{{"multi\nline", "2"}}},
		{"last,line", [][]any{{"last", "line"}}},
		{"\"\"\n\n", [][]any{{""}, {nil}}},
	} {
		got, err := readAllCSV(t, tc.in, csvStmt())
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: got %#v, %v; want %#v", tc.in, got, err, tc.want)
		}
	}
	// A NULL string of its own: only the unquoted form is NULL.
	cs := csvStmt()
	cs.Null = "NA"
	got, err := readAllCSV(t, "NA,\"NA\",\n", cs)
	if want := [][]any{{nil, "NA", ""}}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("NULL 'NA': got %#v, %v", got, err)
	}
	// An escape character other than the quote.
	cs = csvStmt()
	cs.Escape = '\\'
	got, err = readAllCSV(t, `"a\"b\\c",d`+"\n", cs)
	if want := [][]any{{`a"b\c`, "d"}}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("escape \\: got %#v, %v", got, err)
	}
	if _, err := readAllCSV(t, "\"open\n", csvStmt()); err == nil {
		t.Error("unterminated quote: no error")
	}
}

// FuzzCSVRoundTrip writes rows as COPY TO STDOUT CSV does and reads them
// back as COPY FROM STDIN CSV does: the same values, NULLs and empty strings
// kept apart. Any input parses without panicking.
func FuzzCSVRoundTrip(f *testing.F) {
	f.Add("a\x00\x01b,c\x00\"q\"\x01\n")
	f.Add("\x01\x01")
	f.Add("\\.")
	f.Fuzz(func(t *testing.T, s string) {
		cs := csvStmt()
		_, _ = readAllCSV(t, s, cs)
		// \x01 separates rows, \x00 fields; a field "\x02" is NULL.
		var rows [][]any
		for _, r := range strings.Split(s, "\x01") {
			var row []any
			for _, f := range strings.Split(r, "\x00") {
				if f == "\x02" {
					row = append(row, nil)
				} else {
					row = append(row, f)
				}
			}
			rows = append(rows, row)
		}
		var out []byte
		for _, row := range rows {
			for i, v := range row {
				if i > 0 {
					out = append(out, cs.Delimiter)
				}
				if v == nil {
					out = append(out, cs.Null...)
					continue
				}
				out = appendCSV(out, v.(string), cs)
			}
			out = append(out, '\n')
		}
		got, err := readAllCSV(t, string(out), cs)
		if err != nil {
			t.Fatalf("%q: %v", out, err)
		}
		if !reflect.DeepEqual(got, rows) {
			t.Fatalf("wrote %#v as %q, read %#v", rows, bytes.TrimSpace(out), got)
		}
	})
}

// FuzzCopyTextRoundTrip does for COPY's text format what FuzzCSVRoundTrip
// does for CSV: rows written as COPY TO writes them read back the same.
func FuzzCopyTextRoundTrip(f *testing.F) {
	f.Add("a\x00\\N\x00\x02\x01b\tc\\\x00")
	f.Add("\\.")
	f.Fuzz(func(t *testing.T, s string) {
		cs := &warehouse.CopyStmt{From: true, Format: "text", Delimiter: '\t', Null: `\N`}
		next := textRows(strings.NewReader(s), cs)
		for i := 0; i < 1000; i++ {
			if vals, err := next(); err != nil || vals == nil {
				break
			}
		}
		// \x01 separates rows, \x00 fields; a field "\x02" is NULL.
		var rows [][]any
		var out []byte
		for _, r := range strings.Split(s, "\x01") {
			var row []any
			for i, f := range strings.Split(r, "\x00") {
				if i > 0 {
					out = append(out, cs.Delimiter)
				}
				if f == "\x02" {
					row = append(row, nil)
					out = append(out, cs.Null...)
					continue
				}
				row = append(row, f)
				out = appendCopyText(out, []byte(f), cs.Delimiter)
			}
			rows = append(rows, row)
			out = append(out, '\n')
		}
		next = textRows(bytes.NewReader(out), cs)
		var got [][]any
		for {
			vals, err := next()
			if err != nil {
				t.Fatal(err)
			}
			if vals == nil {
				break
			}
			got = append(got, vals)
		}
		if !reflect.DeepEqual(got, rows) {
			t.Fatalf("wrote %#v as %q, read %#v", rows, out, got)
		}
	})
}
