package app_test

import (
	"context"
	"net"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/blueshift-dev/blueshift/internal/app"
	"github.com/blueshift-dev/blueshift/internal/config"
)

// TestRunPortInUse: when one listener cannot bind, Run returns the error
// with nothing left running: no server, no background goroutine of the
// stream log, the tables or the warehouse.
func TestRunPortInUse(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	cfg := config.Config{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0", AWSAddr: "127.0.0.1:0", SQLAddr: taken.Addr().String()}
	err = app.Run(context.Background(), cfg, nil)
	if err == nil || !strings.Contains(err.Error(), "sql listen") {
		t.Fatalf("Run with the SQL port in use: %v, want a listen error", err)
	}
}
