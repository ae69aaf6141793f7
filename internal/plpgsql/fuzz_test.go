package plpgsql

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks that parsing never panics, and that a body that parses
// formats to text that parses to the same tree (compared by its format).
func FuzzParse(f *testing.F) {
	seeds := []string{
		"BEGIN END;",
		"DECLARE x int := 1; BEGIN x := x + 1; RAISE NOTICE '%', x; END;",
		"BEGIN FOR i IN REVERSE 10..1 BY 2 LOOP EXIT WHEN i < 3; END LOOP; END",
		"BEGIN CASE WHEN 1 = 1 THEN NULL; ELSE RAISE EXCEPTION 'x'; END CASE; END;",
		"DECLARE r RECORD; BEGIN FOR r IN SELECT 1 AS a LOOP CONTINUE; END LOOP; EXCEPTION WHEN OTHERS THEN RAISE; END;",
		"BEGIN EXECUTE 'select 1' INTO STRICT x USING 1; GET DIAGNOSTICS x = ROW_COUNT; END;",
		"<<b>> BEGIN <<l>> LOOP EXIT b; END LOOP l; END b;",
		"DECLARE c refcursor; BEGIN OPEN c FOR SELECT * FROM t WHERE a > x; x := 2; END;",
	}
	if src, err := os.ReadFile(filepath.Join("..", "demo", "scenario.sql")); err == nil {
		s := string(src)
		if i, j := strings.Index(s, "AS $$"), strings.LastIndex(s, "$$ LANGUAGE"); i >= 0 && j > i {
			seeds = append(seeds, s[i+5:j])
		}
	}
	for _, s := range seeds {
		f.Add(s)
	}
	params := []Param{{Name: "x", Mode: InOut, Type: "int"}}
	f.Fuzz(func(t *testing.T, src string) {
		b, err := Parse(src, params)
		if err != nil {
			return
		}
		out := b.Format()
		b2, err := Parse(out, params)
		if err != nil {
			t.Fatalf("formatted body does not parse: %v\n%s", err, out)
		}
		if out2 := b2.Format(); out2 != out {
			t.Fatalf("format is not stable:\n%s\n---\n%s", out, out2)
		}
	})
}
