package plpgsql

import (
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/lex"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// tokens lexes a body with the SQL lexer and joins the two-character
// PL/pgSQL operators it reads as two tokens: ":=" and "..".
func tokens(src string) ([]lex.Token, error) {
	toks, err := lex.Tokens(src)
	if err != nil {
		pos := 0
		if le, ok := err.(*lex.Error); ok {
			pos = le.Pos
		}
		return nil, sqlerr.Wrap(sqlerr.SyntaxError, err, "procedure body").At(pos + 1)
	}
	out := toks[:0]
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.Kind == lex.Op && i+1 < len(toks) && toks[i+1].Kind == lex.Op && toks[i+1].Pos == t.End {
			n := toks[i+1]
			if (t.Value == ":" && n.Value == "=") || (t.Value == "." && n.Value == ".") {
				t.Value += n.Value
				t.End = n.End
				i++
			}
		}
		// "1..10" lexes as 1 . .10: make it 1 .. 10.
		if t.Kind == lex.Op && t.Value == "." && i+1 < len(toks) && toks[i+1].Kind == lex.Number &&
			toks[i+1].Pos == t.End && strings.HasPrefix(toks[i+1].Value, ".") {
			t.Value, t.End = "..", t.End+1
			toks[i+1].Value = toks[i+1].Value[1:]
			toks[i+1].Pos++
		}
		out = append(out, t)
	}
	return out, nil
}
