package bench

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestBenchPipeline runs `blueshift bench pipeline` briefly: every phase
// reports figures, and the run ends verified (the exact fact table equal to
// a Scan of the application table; RunPipeline fails otherwise).
func TestBenchPipeline(t *testing.T) {
	stdout, stderr, code := runBench(t, "pipeline", "--json", "--writers", "2", "--throughput-duration", "1s",
		"--rate", "50", "--duration", "2s", "--probes", "1", "--history", "2000,4000", "--history-batch", "100", "--history-rounds", "2")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	var r PipelineResult
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("no PipelineResult: %v\n%s", err, stdout)
	}
	if r.Changes <= 0 || r.ChangesPerSec <= 0 {
		t.Errorf("throughput: %d changes, %v/s", r.Changes, r.ChangesPerSec)
	}
	if r.ToFact.N == 0 || r.ToFact.N != r.ToView.N || r.ToFact.P50 < r.ToView.P50 {
		t.Errorf("latency: to the view %+v, to the fact %+v", r.ToView, r.ToFact)
	}
	if r.FactRows == 0 {
		t.Errorf("no fact rows verified")
	}
	if len(r.History) != 2 || r.History[0].History != 2000 || r.History[1].Load.N != 2 {
		t.Errorf("history: %+v", r.History)
	}
}
