package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// TestHelpNamesServedAPIs checks that the help texts name the AWS APIs the
// server answers: DynamoDB and Kinesis.
func TestHelpNamesServedAPIs(t *testing.T) {
	bin := testserver.Binary(t)
	for _, args := range [][]string{{"-h"}, {"serve", "-h"}} {
		// serve -h exits 0 with flag's usage on stderr; take both streams.
		out, _ := exec.Command(bin, args...).CombinedOutput()
		text := string(out)
		if !strings.Contains(text, "Kinesis") {
			t.Errorf("blueshift %s does not mention Kinesis:\n%s", strings.Join(args, " "), text)
		}
		if !strings.Contains(text, "DynamoDB") {
			t.Errorf("blueshift %s does not mention DynamoDB:\n%s", strings.Join(args, " "), text)
		}
	}
}
