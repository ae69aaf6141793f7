package parser

import (
	"strconv"
	"strings"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sql/lex"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// The schedule statements (see ast/schedule.go for the grammar). The body of
// CREATE SCHEDULE is parsed here too, so a typo fails at CREATE, not at the
// first run; a dollar-quoted script is checked by the engine, which splits it.

// createSchedule parses what follows CREATE [OR REPLACE] SCHEDULE.
func (p *parser) createSchedule(orReplace bool) ast.Stmt {
	n := &ast.CreateSchedule{OrReplace: orReplace}
	n.IfNotExists = p.acceptSeq("if", "not", "exists")
	if orReplace && n.IfNotExists {
		p.fail(p.toks[p.i-1], "OR REPLACE and IF NOT EXISTS cannot be combined")
	}
	n.Name = p.ident()
	switch t := p.peek(); {
	case p.accept("every"):
		num := p.next()
		v, err := strconv.ParseInt(num.Value, 10, 64)
		if num.Kind != lex.Number || err != nil || v <= 0 || v > 1<<31 {
			p.fail(num, "EVERY needs a positive whole number")
		}
		n.Every = v
		u := p.next()
		unit := strings.TrimSuffix(u.Value, "s")
		if u.Kind != lex.Ident || ast.UnitSeconds(unit) == 0 {
			p.fail(u, "EVERY takes SECONDS, MINUTES, HOURS or DAYS")
		}
		n.Unit = unit
	case p.acceptSeq("on", "change", "of"):
		n.OnChange = p.name()
	case p.accept("cron"):
		n.Cron = p.stringArg()
		if strings.TrimSpace(n.Cron) == "" {
			p.fail(p.toks[p.i-1], "CRON needs an expression")
		}
	default:
		p.fail(t, "")
	}
	n.Paused = p.accept("paused")
	p.expect("as")
	body := p.peek()
	switch {
	case body.Kind == lex.DollarString:
		p.next()
		n.Body, n.Script = body.Value, true
		if strings.TrimSpace(n.Body) == "" {
			p.fail(body, "a schedule's script is empty")
		}
	case body.Kind == lex.EOF:
		p.fail(body, "")
	default:
		last := p.toks[len(p.toks)-2] // the token before EOF
		n.Body = p.src[body.Pos:last.End]
		p.i = len(p.toks) - 1
		stmt, err := Parse(n.Body)
		if err != nil {
			if e, ok := sqlerr.As(err); ok && e.Position > 0 {
				err = e.At(e.Position + charPos(p.src, body.Pos) - 1)
			}
			e, _ := sqlerr.As(err)
			if e == nil {
				e = sqlerr.Wrap(sqlerr.SyntaxError, err, "schedule body")
			}
			panic(bail{e})
		}
		switch stmt.(type) {
		case *ast.CreateSchedule, *ast.AlterSchedule, *ast.DropSchedule:
			p.unsupported(body, "a schedule statement inside a schedule")
		}
	}
	return n
}

// alterSchedule parses what follows ALTER SCHEDULE.
func (p *parser) alterSchedule() ast.Stmt {
	n := &ast.AlterSchedule{Name: p.ident()}
	switch {
	case p.accept("pause"):
		n.Pause = true
	case p.accept("resume"):
	default:
		p.fail(p.peek(), "")
	}
	return n
}

// dropSchedule parses what follows DROP SCHEDULE.
func (p *parser) dropSchedule() ast.Stmt {
	n := &ast.DropSchedule{IfExists: p.acceptSeq("if", "exists")}
	n.Name = p.ident()
	return n
}
