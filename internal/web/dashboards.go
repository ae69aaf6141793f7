package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Dashboard is a saved dashboard: panels of SQL and a chart, in a grid. It
// is kept in the warehouse catalog (blueshift_catalog.dashboards) and opens
// at /dashboards/{id}.
type Dashboard struct {
	ID        string  `json:"id"`
	Title     string  `json:"title"`
	Panels    []Panel `json:"panels"`
	Owner     string  `json:"owner,omitempty"`
	CreatedAt string  `json:"createdAt,omitempty"`
	UpdatedAt string  `json:"updatedAt,omitempty"`
}

// Panel is one query and how to draw its result.
type Panel struct {
	Title string `json:"title"`
	SQL   string `json:"sql"`
	Chart Chart  `json:"chart"`
	// RefreshSeconds is how often the panel runs its query again; 0 never.
	RefreshSeconds int `json:"refreshSeconds"`
	// Width is in twelfths of the grid's width, Height in grid rows.
	Width  int `json:"width"`
	Height int `json:"height"`
}

// Chart says how a result is drawn.
type Chart struct {
	// Type is line, bar, area, pie, number or table.
	Type string `json:"type"`
	// X is the column along the x axis (the slice names of a pie).
	X string `json:"x,omitempty"`
	// Y are the columns drawn as values.
	Y []string `json:"y,omitempty"`
	// Series, when set, splits the rows into one series per value of
	// this column (as by provider).
	Series string `json:"series,omitempty"`
}

// ChartTypes are the Chart.Type values.
var ChartTypes = []string{"line", "bar", "area", "pie", "number", "table"}

var dashboardID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

// validate checks d and fills the panels' defaults.
func (d *Dashboard) validate() error {
	d.Title = strings.TrimSpace(d.Title)
	if d.Title == "" || len(d.Title) > 200 {
		return badRequest("title: want 1 to 200 characters")
	}
	if len(d.Panels) > 50 {
		return badRequest("panels: at most 50")
	}
	if d.Panels == nil {
		d.Panels = []Panel{}
	}
	for i := range d.Panels {
		p := &d.Panels[i]
		if strings.TrimSpace(p.SQL) == "" {
			return badRequest("panels[%d].sql: empty", i)
		}
		if len(p.SQL) > 100000 || len(p.Title) > 200 {
			return badRequest("panels[%d]: sql at most 100,000 characters, title at most 200", i)
		}
		ok := false
		for _, t := range ChartTypes {
			ok = ok || p.Chart.Type == t
		}
		if !ok {
			return badRequest("panels[%d].chart.type: %q: want one of %s", i, p.Chart.Type, strings.Join(ChartTypes, ", "))
		}
		if p.RefreshSeconds != 0 && (p.RefreshSeconds < 5 || p.RefreshSeconds > 86400) {
			return badRequest("panels[%d].refreshSeconds: want 0 (never) or 5 to 86400", i)
		}
		if p.Width == 0 {
			p.Width = 6
		}
		if p.Height == 0 {
			p.Height = 4
		}
		if p.Width < 1 || p.Width > 12 || p.Height < 1 || p.Height > 12 {
			return badRequest("panels[%d]: width and height: want 1 to 12", i)
		}
	}
	return nil
}

func dashboardFrom(row map[string]any) (Dashboard, error) {
	d := Dashboard{ID: str(row["id"]), Title: str(row["title"]), Owner: str(row["owner"]),
		CreatedAt: str(row["created_at"]), UpdatedAt: str(row["updated_at"])}
	var spec struct {
		Panels []Panel `json:"panels"`
	}
	if err := json.Unmarshal([]byte(str(row["spec"])), &spec); err != nil {
		return d, fmt.Errorf("web: dashboard %s: spec: %w", d.ID, err)
	}
	d.Panels = spec.Panels
	if d.Panels == nil {
		d.Panels = []Panel{}
	}
	return d, nil
}

const dashboardColumns = `id, title, spec, owner, created_at, updated_at`

func (a *api) listDashboards(w http.ResponseWriter, r *http.Request) error {
	rows, err := a.systemRows(r.Context(), `SELECT `+dashboardColumns+` FROM blueshift_catalog.dashboards ORDER BY lower(title), id`)
	if err != nil {
		return err
	}
	out := []Dashboard{}
	for _, row := range rows {
		d, err := dashboardFrom(row)
		if err != nil {
			return err
		}
		out = append(out, d)
	}
	writeJSON(w, http.StatusOK, map[string]any{"dashboards": out})
	return nil
}

func (a *api) loadDashboard(r *http.Request, id string) (Dashboard, error) {
	rows, err := a.systemRows(r.Context(), `SELECT `+dashboardColumns+` FROM blueshift_catalog.dashboards WHERE id = $1`, id)
	if err != nil {
		return Dashboard{}, err
	}
	if len(rows) == 0 {
		return Dashboard{}, &httpError{status: http.StatusNotFound, msg: fmt.Sprintf("no dashboard %q", id)}
	}
	return dashboardFrom(rows[0])
}

func (a *api) getDashboard(w http.ResponseWriter, r *http.Request) error {
	d, err := a.loadDashboard(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// decodeDashboard reads a dashboard from the body and validates it.
func decodeDashboard(r *http.Request) (Dashboard, string, error) {
	var d Dashboard
	if err := decodeJSON(r, &d); err != nil {
		return d, "", err
	}
	if err := d.validate(); err != nil {
		return d, "", err
	}
	spec, _ := json.Marshal(map[string]any{"panels": d.Panels})
	return d, string(spec), nil
}

func (a *api) createDashboard(w http.ResponseWriter, r *http.Request) error {
	d, spec, err := decodeDashboard(r)
	if err != nil {
		return err
	}
	if d.ID == "" {
		d.ID = slug(d.Title) + "-" + randomToken()[:6]
	} else if !dashboardID.MatchString(d.ID) {
		return badRequest("id: want lower-case letters, digits and dashes (at most 64), got %q", d.ID)
	}
	if _, err := a.loadDashboard(r, d.ID); err == nil {
		return &httpError{status: http.StatusConflict, msg: fmt.Sprintf("a dashboard %q exists already", d.ID)}
	}
	now := time.Now().UTC()
	if _, err := a.system(r.Context(), `INSERT INTO blueshift_catalog.dashboards (id, title, spec, owner, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5)`, d.ID, d.Title, spec, whoOf(r).User, now); err != nil {
		return err
	}
	saved, err := a.loadDashboard(r, d.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/dashboards/"+d.ID)
	writeJSON(w, http.StatusCreated, saved)
	return nil
}

func (a *api) putDashboard(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, err := a.loadDashboard(r, id); err != nil {
		return err
	}
	d, spec, err := decodeDashboard(r)
	if err != nil {
		return err
	}
	if d.ID != "" && d.ID != id {
		return badRequest("id: the body's %q is not the path's %q", d.ID, id)
	}
	if _, err := a.system(r.Context(), `UPDATE blueshift_catalog.dashboards SET title = $2, spec = $3, updated_at = $4 WHERE id = $1`,
		id, d.Title, spec, time.Now().UTC()); err != nil {
		return err
	}
	saved, err := a.loadDashboard(r, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, saved)
	return nil
}

func (a *api) deleteDashboard(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, err := a.loadDashboard(r, id); err != nil {
		return err
	}
	if _, err := a.system(r.Context(), `DELETE FROM blueshift_catalog.dashboards WHERE id = $1`, id); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"deleted": id})
	return nil
}

// slug makes a URL-friendly id stem from a title.
func slug(title string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(title) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	s := strings.TrimRight(b.String(), "-")
	if s == "" {
		s = "dashboard"
	}
	return s
}
