package web

import (
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// FuzzDashboard: any body either is refused with a 400 or gives a valid
// dashboard whose stored spec reads back as the same panels.
func FuzzDashboard(f *testing.F) {
	f.Add(`{"title": "Ops", "panels": [{"title": "n", "sql": "select 1 as n", "chart": {"type": "number", "y": ["n"]}, "refreshSeconds": 30}]}`)
	f.Add(`{"title": "x", "panels": [{"sql": "select 1", "chart": {"type": "line", "x": "a", "y": ["b"], "series": "c"}, "width": 12, "height": 1}]}`)
	f.Add(`{"title": "", "panels": null}`)
	f.Add(`{"title": "x", "panels": [{"sql": " ", "chart": {"type": "pie"}}]}`)
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/api/dashboards", strings.NewReader(body))
		d, spec, err := decodeDashboard(r)
		if err != nil {
			if httpStatus(err) != 400 {
				t.Fatalf("%q: status %d for %v", body, httpStatus(err), err)
			}
			return
		}
		if d.Title == "" || len(d.Title) > 200 || len(d.Panels) > 50 {
			t.Fatalf("%q: accepted %+v", body, d)
		}
		for _, p := range d.Panels {
			if strings.TrimSpace(p.SQL) == "" || !slices.Contains(ChartTypes, p.Chart.Type) || p.Width < 1 || p.Width > 12 || p.Height < 1 || p.Height > 12 ||
				p.RefreshSeconds != 0 && (p.RefreshSeconds < 5 || p.RefreshSeconds > 86400) {
				t.Fatalf("%q: accepted panel %+v", body, p)
			}
		}
		var back struct{ Panels []Panel }
		if err := json.Unmarshal([]byte(spec), &back); err != nil {
			t.Fatalf("spec %s: %v", spec, err)
		}
		if !reflect.DeepEqual(back.Panels, d.Panels) {
			t.Fatalf("spec %s reads back as %+v, not %+v", spec, back.Panels, d.Panels)
		}
	})
}
