package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// TestHelpNamesServedAPIs checks that the help texts promise only the APIs
// the server answers: Kinesis, not DynamoDB (not served yet).
func TestHelpNamesServedAPIs(t *testing.T) {
	bin := testserver.Binary(t)
	for _, args := range [][]string{{"-h"}, {"serve", "-h"}} {
		// serve -h exits 0 with flag's usage on stderr; take both streams.
		out, _ := exec.Command(bin, args...).CombinedOutput()
		text := string(out)
		if !strings.Contains(text, "Kinesis") {
			t.Errorf("blueshift %s does not mention Kinesis:\n%s", strings.Join(args, " "), text)
		}
		if strings.Contains(strings.ToLower(text), "dynamodb") {
			t.Errorf("blueshift %s mentions DynamoDB, which is not served:\n%s", strings.Join(args, " "), text)
		}
	}
}
