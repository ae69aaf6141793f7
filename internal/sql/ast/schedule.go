package ast

import (
	"strconv"
	"strings"
)

// Schedules are blueshift's SQL extension for running SQL on a timer, the
// way Redshift users schedule queries with EventBridge or the query editor:
//
//	CREATE [OR REPLACE] SCHEDULE [IF NOT EXISTS] name
//	    { EVERY n { SECOND[S] | MINUTE[S] | HOUR[S] | DAY[S] } | CRON 'expr'
//	      | ON CHANGE OF relation }
//	    [PAUSED]
//	    AS { statement | $$script$$ }
//	ALTER SCHEDULE name { PAUSE | RESUME }
//	DROP SCHEDULE [IF EXISTS] name
//	SHOW SCHEDULES

// CreateSchedule is CREATE SCHEDULE.
type CreateSchedule struct {
	OrReplace   bool
	IfNotExists bool
	Name        Ident
	// Every and Unit are the rate (EVERY 30 SECONDS: 30, "second"); zero
	// when the schedule is a cron expression.
	Every int64
	Unit  string // "second", "minute", "hour", "day"
	// Cron is the cron expression; empty for a rate.
	Cron string
	// OnChange is the relation whose committed changes trigger a run (ON
	// CHANGE OF relation); nil for a timer.
	OnChange Name
	// Paused creates the schedule paused.
	Paused bool
	// Body is the SQL the schedule runs: one statement as written, or the
	// contents of a dollar-quoted script (Script is then true).
	Body   string
	Script bool
}

// AlterSchedule is ALTER SCHEDULE name PAUSE | RESUME.
type AlterSchedule struct {
	Name  Ident
	Pause bool // false means RESUME
}

// DropSchedule is DROP SCHEDULE [IF EXISTS] name.
type DropSchedule struct {
	IfExists bool
	Name     Ident
}

// ShowSchedules is SHOW SCHEDULES.
type ShowSchedules struct{}

func (*CreateSchedule) stmt() {}
func (*AlterSchedule) stmt()  {}
func (*DropSchedule) stmt()   {}
func (*ShowSchedules) stmt()  {}

// EverySeconds is the rate in seconds; zero for a cron schedule.
func (n *CreateSchedule) EverySeconds() int64 {
	return n.Every * UnitSeconds(n.Unit)
}

// UnitSeconds is the length of a rate unit in seconds; zero for an unknown unit.
func UnitSeconds(unit string) int64 {
	switch unit {
	case "second":
		return 1
	case "minute":
		return 60
	case "hour":
		return 3600
	case "day":
		return 86400
	}
	return 0
}

func (p *Printer) schedule(n Stmt) {
	switch n := n.(type) {
	case *CreateSchedule:
		p.W("CREATE ")
		if n.OrReplace {
			p.W("OR REPLACE ")
		}
		p.W("SCHEDULE ")
		if n.IfNotExists {
			p.W("IF NOT EXISTS ")
		}
		p.id(n.Name, false)
		switch {
		case n.OnChange != nil:
			p.W(" ON CHANGE OF ")
			p.name(n.OnChange)
		case n.Cron != "":
			p.W(" CRON ", QuoteString(n.Cron))
		default:
			unit := strings.ToUpper(n.Unit)
			if n.Every != 1 {
				unit += "S"
			}
			p.W(" EVERY ", strconv.FormatInt(n.Every, 10), " ", unit)
		}
		if n.Paused {
			p.W(" PAUSED")
		}
		p.W(" AS ")
		if n.Script {
			p.W(DollarQuote(n.Body))
		} else {
			p.W(n.Body)
		}
	case *AlterSchedule:
		p.W("ALTER SCHEDULE ")
		p.id(n.Name, false)
		if n.Pause {
			p.W(" PAUSE")
		} else {
			p.W(" RESUME")
		}
	case *DropSchedule:
		p.W("DROP SCHEDULE ")
		if n.IfExists {
			p.W("IF EXISTS ")
		}
		p.id(n.Name, false)
	case *ShowSchedules:
		p.W("SHOW SCHEDULES")
	}
}
