package demo

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// demoRun is `blueshift demo` running as the built binary.
type demoRun struct {
	cmd  *exec.Cmd
	done chan struct{}
	mu   sync.Mutex
	out  strings.Builder
}

// startDemo runs `blueshift demo` with args and returns once it printed its
// addresses (aws, sql) and whether it resumed a previous pipeline.
func startDemo(t *testing.T, args ...string) (*demoRun, map[string]string, bool) {
	t.Helper()
	cmd := exec.Command(testserver.Binary(t), append([]string{"demo"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d := &demoRun{cmd: cmd, done: make(chan struct{})}
	addrs := map[string]string{}
	resumed := make(chan bool, 1)
	ready := make(chan struct{})
	awsRE := regexp.MustCompile(`^  DynamoDB API:\s+http://(\S+)`)
	sqlRE := regexp.MustCompile(`^  SQL \(Postgres wire protocol\):\s+(\S+)`)
	go func() {
		defer close(d.done)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			d.mu.Lock()
			d.out.WriteString(line + "\n")
			if m := awsRE.FindStringSubmatch(line); m != nil {
				addrs["aws"] = m[1]
			}
			if m := sqlRE.FindStringSubmatch(line); m != nil {
				addrs["sql"] = m[1]
				close(ready)
			}
			d.mu.Unlock()
			switch {
			case strings.HasPrefix(line, "resuming the pipeline"):
				resumed <- true
			case strings.HasPrefix(line, "set up a new pipeline"):
				resumed <- false
			}
		}
	}()
	t.Cleanup(func() { d.stop(t) })
	select {
	case <-ready:
	case <-d.done:
		t.Fatalf("the demo ended before printing its addresses:\n%s", d.output())
	case <-time.After(3 * time.Minute):
		t.Fatalf("the demo did not print its addresses within 3 minutes:\n%s", d.output())
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d, addrs, <-resumed
}

func (d *demoRun) output() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.out.String()
}

// stop interrupts the demo as Ctrl-C does and checks that it ends cleanly.
func (d *demoRun) stop(t *testing.T) {
	if d.cmd.ProcessState != nil {
		return
	}
	_ = d.cmd.Process.Signal(os.Interrupt)
	select {
	case <-d.done:
	case <-time.After(time.Minute):
		_ = d.cmd.Process.Kill()
		t.Errorf("the demo did not stop within a minute of Ctrl-C")
	}
	if err := d.cmd.Wait(); err != nil {
		t.Errorf("the demo ended with %v:\n%s", err, d.output())
	}
	if !strings.Contains(d.output(), "stopped; the data stays in") {
		t.Errorf("the demo did not say it stopped:\n%s", d.output())
	}
}

// psqlFacts reads a fact query through psql as the demo prints it.
func psqlFacts(t *testing.T, sql, query string) Facts {
	t.Helper()
	host, port, _ := strings.Cut(sql, ":")
	out, err := exec.Command("psql", "-X", "-At", "-F", " | ", "-P", "null=NULL",
		"host="+host+" port="+port+" dbname=dev user=demo sslmode=disable", "-c", query).CombinedOutput()
	if err != nil {
		t.Fatalf("psql: %v\n%s", err, out)
	}
	facts := Facts{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line == "" {
			continue
		}
		cells := strings.Split(line, " | ")
		facts[cells[0]+" | "+cells[1]] = line
	}
	return facts
}

// TestDemoBinary runs `blueshift demo` as users do, on a fresh data
// directory, with the application stopping after a bounded number of
// changes: through psql the exact fact table gains rows that match the
// application table (read with the AWS SDK). A second run on the same
// directory resumes: it says so, keeps the rows, and its changes reach the
// fact table too.
func TestDemoBinary(t *testing.T) {
	if _, err := exec.LookPath("psql"); err != nil {
		t.Skip("psql is not installed (apt-get install postgresql-client)")
	}
	dir := filepath.Join(t.TempDir(), "demo")
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	var rows int
	for run, changes := range []int{400, 300} {
		d, addrs, resumed := startDemo(t, "-data", dir, "-aws-addr", "127.0.0.1:0", "-sql-addr", "127.0.0.1:0", "-http-addr", "127.0.0.1:0", "-rate", "200", "-changes", strconv.Itoa(changes),
			"-customers", "10", "-live", "200", "-every", "500ms", "-seed", strconv.Itoa(run+1))
		if resumed != (run == 1) {
			t.Fatalf("run %d: resumed = %v:\n%s", run+1, resumed, d.output())
		}
		// The demo says when its application has stopped.
		deadline := time.Now().Add(3 * time.Minute)
		for !strings.Contains(d.output(), "the application stopped after") {
			if time.Now().After(deadline) {
				t.Fatalf("run %d: the application did not stop:\n%s", run+1, d.output())
			}
			time.Sleep(100 * time.Millisecond)
		}
		records, err := StreamRecords(ctx, NewKinesis(addrs["aws"]), StreamName)
		if err != nil {
			t.Fatal(err)
		}
		want, err := TableFacts(ctx, NewDynamoDB(addrs["aws"], 1))
		if err != nil {
			t.Fatal(err)
		}
		// The exact load runs on its own (ON CHANGE OF): poll psql until the
		// fact table matches, or fail with the differences.
		var diff []string
		for {
			diff = DiffFacts(want, psqlFacts(t, addrs["sql"], ExactFactsQuery))
			if len(diff) == 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if len(diff) > 0 {
			t.Fatalf("run %d: the exact fact table differs from the application table (stream: %d records):\n%s",
				run+1, records, strings.Join(diff, "\n"))
		}
		if run == 1 && len(want) == rows && records <= rows {
			t.Errorf("run 2 changed nothing: %d rows, %d records", len(want), records)
		}
		rows = len(want)
		t.Logf("run %d: %d change records in the stream, %d fact rows equal to the table's items", run+1, records, rows)
		for _, w := range []string{"DynamoDB writes/s", "exact load: last run", "aws --endpoint-url", `psql "host=`} {
			if !strings.Contains(d.output(), w) {
				t.Errorf("run %d: the demo did not print %q:\n%s", run+1, w, d.output())
			}
		}
		d.stop(t)
	}
}
