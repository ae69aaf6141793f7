package demo

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// TestReport checks what the demo prints every few seconds, after the
// reference scenario's first load: counts with the right noun, the event
// name as a plain value, arrival times to the millisecond.
func TestReport(t *testing.T) {
	s := startScenario(t)
	if err := CreateStream(s.ctx, NewKinesis(s.srv.AWS), StreamName, 1); err != nil {
		t.Fatal(err)
	}
	s.exec(s.sc.Setup...)
	s.put(SampleRecord)
	s.exec("REFRESH MATERIALIZED VIEW demo_stream_vw;")
	s.exec(s.sc.Load...)

	var out bytes.Buffer
	report(s.ctx, &out, s.conn)
	got := out.String()
	t.Logf("report:\n%s", got)
	for _, want := range []string{
		"\ndemo_stream_vw (streaming view)    1 row\n",
		"\nmv_demo_super_unnest               2 rows\n",
		"\nCustomer_Transaction_Fact          1 row\n",
		"\n  " + factRow[:strings.Index(factRow, " | 2000 |")] + " | PV-123 | 2022-07-08 23:59:59\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	stream := regexp.MustCompile(`(?m)^  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \| CUSTOMER#CUST_123 \| INSERT$`)
	if !stream.MatchString(got) {
		t.Errorf("report lacks the stream row as <arrival to the ms> | CUSTOMER#CUST_123 | INSERT")
	}
}
