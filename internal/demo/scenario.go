package demo

import (
	_ "embed"
	"fmt"
	"strings"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
)

// ScenarioSQL is the reference scenario's SQL, a verbatim copy of
// ../shared/seed/scenario.sql (a test keeps the two equal).
//
//go:embed scenario.sql
var ScenarioSQL string

// SampleRecord is the change record the article shows, a verbatim copy of
// ../shared/seed/sample-record.json.
//
//go:embed sample-record.json
var SampleRecord []byte

// StreamName is the stream the scenario reads.
const StreamName = "demo-data-stream"

// Scenario is the reference scenario cut where its README says records go
// into the stream: Setup runs first (up to and including the audit row's
// INSERT), Load after the first records are in (the fact table, the
// procedure and its CALL). Each element is one statement, as psql sends it.
type Scenario struct {
	Setup, Load []string
}

// SplitScenario splits ScenarioSQL the way psql does and cuts it after the
// `insert into MetaData_ETL` statement.
func SplitScenario() (Scenario, error) {
	pieces, err := bsql.Split(ScenarioSQL)
	if err != nil {
		return Scenario{}, fmt.Errorf("demo: split scenario: %w", err)
	}
	var sc Scenario
	cut := -1
	for i, p := range pieces {
		if strings.HasPrefix(strings.ToLower(p.Text), "insert into metadata_etl") {
			cut = i
		}
	}
	if cut < 0 {
		return Scenario{}, fmt.Errorf("demo: scenario has no insert into MetaData_ETL")
	}
	for i, p := range pieces {
		if i <= cut {
			sc.Setup = append(sc.Setup, p.Text)
		} else {
			sc.Load = append(sc.Load, p.Text)
		}
	}
	return sc, nil
}

// LoadWithoutCall is Load without its final CALL, for running the procedure
// from a schedule instead.
func (sc Scenario) LoadWithoutCall() []string {
	var out []string
	for _, s := range sc.Load {
		if !strings.HasPrefix(strings.ToUpper(strings.TrimSpace(s)), "CALL ") {
			out = append(out, s)
		}
	}
	return out
}
