package warehouse

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a test leaves goroutines running (a
// refresh loop, a schedule run, a session's statement) past its end.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
