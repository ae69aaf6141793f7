package lex

import (
	"fmt"
	"strings"
	"testing"
)

// show renders tokens as kind:value pairs.
func show(src string) string {
	toks, err := Tokens(src)
	var b strings.Builder
	for _, t := range toks {
		if t.Kind == EOF {
			break
		}
		fmt.Fprintf(&b, "%s:%q@%d ", t.Kind, t.Value, t.Pos)
	}
	if err != nil {
		fmt.Fprintf(&b, "ERR %v", err)
	}
	return strings.TrimSpace(b.String())
}

func TestTokens(t *testing.T) {
	cases := []struct{ in, want string }{
		{`SELECT a.b`, `Ident:"select"@0 Ident:"a"@7 Op:"."@8 Ident:"b"@9`},
		{`"Foo ""x"""`, `QuotedIdent:"Foo \"x\""@0`},
		{`'it''s'`, `String:"it's"@0`},
		{`'a\n'`, `String:"a\\n"@0`},
		{`E'a\n\'b\x41\101\u00e9'`, `String:"a\n'bAAé"@0`},
		{`$$ a ; 'b' $$`, `DollarString:" a ; 'b' "@0`},
		{`$fn$ $$ $fn$x`, `DollarString:" $$ "@0 Ident:"x"@12`},
		{`$1 + 2`, `Param:"1"@0 Op:"+"@3 Number:"2"@5`},
		{`x::int`, `Ident:"x"@0 Op:"::"@1 Ident:"int"@3`},
		{`1.5e3 .5 7. 1e`, `Number:"1.5e3"@0 Number:".5"@6 Number:"7."@9 Number:"1"@12 Ident:"e"@13`},
		{`a--c
b/* x /* y */ */c`, `Ident:"a"@0 Ident:"b"@5 Ident:"c"@21`},
		{`a<=b<>c!=d||e`, `Ident:"a"@0 Op:"<="@1 Ident:"b"@3 Op:"<>"@4 Ident:"c"@6 Op:"!="@7 Ident:"d"@9 Op:"||"@10 Ident:"e"@12`},
		{`1*-2`, `Number:"1"@0 Op:"*"@1 Op:"-"@2 Number:"2"@3`},
		{`a@-b`, `Ident:"a"@0 Op:"@-"@1 Ident:"b"@3`},
		{`x[0]`, `Ident:"x"@0 Op:"["@1 Number:"0"@2 Op:"]"@3`},
		{`'abc`, `ERR unterminated quoted string (at byte 0)`},
		{`"abc`, `ERR unterminated quoted identifier (at byte 0)`},
		{`$$abc`, `ERR unterminated dollar-quoted string (at byte 0)`},
		{`/* x`, `ERR unterminated /* comment (at byte 0)`},
		{`""`, `ERR zero-length delimited identifier (at byte 0)`},
		{`a $ b`, `Ident:"a"@0 Op:"$"@2 Ident:"b"@4`},
		{`a$b`, `Ident:"a$b"@0`},
		{`B'101' X'ff'`, `BitString:"101"@0 BitString:"ff"@7`},
		{`CUST_é`, `Ident:"cust_é"@0`},
	}
	for _, c := range cases {
		if got := show(c.in); got != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

func TestKeepComments(t *testing.T) {
	l := New("a -- c\n/* d */ b")
	l.KeepComments = true
	var got []string
	for {
		tok, err := l.Next()
		if err != nil {
			t.Fatal(err)
		}
		if tok.Kind == EOF {
			break
		}
		got = append(got, tok.Kind.String()+":"+tok.Value)
	}
	want := "Ident:a Comment:-- c Comment:/* d */ Ident:b"
	if strings.Join(got, " ") != want {
		t.Fatalf("got %q want %q", strings.Join(got, " "), want)
	}
}

// FuzzTokens checks that lexing never panics and that token spans are in
// order, inside the input, and non-empty.
func FuzzTokens(f *testing.F) {
	for _, s := range []string{`select 'a''b', "X"::int, $$x$$, E'\x41' -- c`, `$a$ $b$ $a$`, `/* /* */ */`, `1.e5`, `a@-b`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		toks, err := Tokens(src)
		prev := 0
		for _, tok := range toks {
			if tok.Pos < prev || tok.End < tok.Pos || tok.End > len(src) {
				t.Fatalf("bad span %d..%d after %d in %q", tok.Pos, tok.End, prev, src)
			}
			if tok.Kind != EOF && tok.End == tok.Pos {
				t.Fatalf("empty token %v in %q", tok, src)
			}
			prev = tok.End
		}
		if err == nil && (len(toks) == 0 || toks[len(toks)-1].Kind != EOF) {
			t.Fatalf("no EOF for %q", src)
		}
	})
}
