package web_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// The browser tests drive Debian's chromium headless through the DevTools
// protocol (chromedp) against the real binary, and save a screenshot of
// each page under bin/screenshots (the repository's bin/, kept out of git).

// chromium returns the path of a headless-capable Chromium. CI installs one
// (.ci/run); without it the browser tests cannot run.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium in PATH; .ci/run installs it")
	}
	t.Skip("no chromium in PATH (apt-get install chromium)")
	return ""
}

// viewport is a browser window size.
type viewport struct {
	name          string
	width, height int64
	mobile        bool
}

var (
	desktop = viewport{"desktop", 1280, 800, false}
	phone   = viewport{"phone", 390, 844, true}
)

// browser starts headless Chromium with a fresh profile and returns a tab's
// context, closed when the test ends.
func browser(t *testing.T, vp viewport) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(int(vp.width), int(vp.height)),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	// A machine busy with the rest of the suite can take Chromium more than
	// chromedp's default 10 s to answer its first connection.
	ctx, cancelTab := chromedp.NewContext(actx, chromedp.WithBrowserOption(chromedp.WithDialTimeout(time.Minute)))
	ctx, cancelTime := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() {
		_ = chromedp.Cancel(ctx) // closes the browser and waits for it, before its profile is removed
		cancelTime()
		cancelTab()
		cancelAlloc()
	})
	if err := chromedp.Run(ctx, emulation.SetDeviceMetricsOverride(vp.width, vp.height, 1, vp.mobile)); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	return ctx
}

// run runs browser actions, failing the test with what was being done.
func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		var body string
		_ = chromedp.Run(context.WithoutCancel(ctx), chromedp.Text("body", &body, chromedp.ByQuery, chromedp.AtLeast(0)))
		t.Fatalf("%s: %v\npage text:\n%s", what, err, body)
	}
}

// screenshot saves the whole page as bin/screenshots/name.png, and checks
// the page fits the window's width (nothing to scroll sideways: a wide
// table or drawing scrolls inside its own box).
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	var over int
	run(t, ctx, "the page's width", chromedp.Evaluate(`document.documentElement.scrollWidth - document.documentElement.clientWidth`, &over))
	if over > 0 {
		t.Errorf("%s: the page is %d px wider than the window", name, over)
	}
	var png []byte
	run(t, ctx, "screenshot "+name, chromedp.FullScreenshot(&png, 100))
	dir := filepath.Join("..", "..", "bin", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// text reads the text of the first element sel matches.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var s string
	run(t, ctx, "read "+sel, chromedp.Text(sel, &s, chromedp.ByQuery))
	return strings.TrimSpace(s)
}

// eventually polls cond (reading the page) until it holds or 60 s pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// startDemo runs `blueshift demo` on a fresh data directory and returns its
// HTTP and Kinesis addresses once the scenario is set up and the generator
// runs.
func startDemo(t *testing.T) (httpAddr, awsAddr string) {
	t.Helper()
	bin := testserver.Binary(t)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "demo", "-data", filepath.Join(t.TempDir(), "data"), "-rate", "20", "-every", "1h")
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 20 * time.Second
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})
	httpRE := regexp.MustCompile(`dashboard and HTTP API:\s+http://(\S+)/`)
	awsRE := regexp.MustCompile(`Kinesis API:\s+http://(\S+)\s`)
	found := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			if m := httpRE.FindStringSubmatch(line); m != nil {
				httpAddr = m[1]
			}
			if m := awsRE.FindStringSubmatch(line); m != nil {
				awsAddr = m[1]
				close(found)
			}
		}
	}()
	select {
	case <-found:
	case <-time.After(2 * time.Minute):
		t.Fatal("the demo did not start within 2 minutes")
	}
	return httpAddr, awsAddr
}

// nodeFigure reads one figure (by its class) of a pipeline node, in one
// step of the page's script: the page redraws every second, so an element
// found in one DevTools call may be gone by the next.
func nodeFigure(t *testing.T, ctx context.Context, node, class string) string {
	t.Helper()
	var s string
	sel := fmt.Sprintf(`[data-node=%q] .fig.%s .v`, node, class)
	run(t, ctx, "read "+sel, chromedp.Evaluate(fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, sel), &s))
	return strings.TrimSpace(s)
}
