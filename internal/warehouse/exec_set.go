package warehouse

import (
	"context"
	"maps"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// ServerVersion is the Postgres version blueshift reports (server_version),
// the one whose catalog queries clients send.
const ServerVersion = "9.6.0"

// defaultSettings are the parameters a new session starts with, Redshift's
// defaults. SET accepts any other name too (Redshift clients send many) and
// keeps it for SHOW; those below have an effect.
var defaultSettings = map[string]string{
	"search_path":                           "$user, public",
	"timezone":                              "UTC",
	"enable_case_sensitive_identifier":      "off",
	"enable_case_sensitive_super_attribute": "off",
	"datestyle":                             "ISO, MDY",
	"intervalstyle":                         "postgres",
	"client_encoding":                       "UTF8",
	"server_encoding":                       "UTF8",
	"standard_conforming_strings":           "on",
	"integer_datetimes":                     "on",
	"server_version":                        ServerVersion,
	"statement_timeout":                     "0",
	"application_name":                      "",
	"extra_float_digits":                    "0",
	"query_group":                           "default",
	"max_identifier_length":                 "127",
	"transaction_isolation":                 "serializable",
	"default_transaction_isolation":         "serializable",
	"describe_field_name_in_uppercase":      "off",
	"json_parse_truncate_strings":           "off",
	"is_superuser":                          "on",
}

// readOnlySettings cannot be changed with SET.
var readOnlySettings = map[string]bool{
	"server_version": true, "server_encoding": true, "integer_datetimes": true,
	"max_identifier_length": true, "is_superuser": true, "session_authorization": true,
}

func (s *Session) planSet(n *ast.Set) *plan {
	return &plan{command: "SET", run: func(ctx context.Context, _ []any) (*Result, error) {
		value := strings.Join(n.Values, ", ")
		if n.Default {
			value = defaultSettings[n.Name]
		}
		if err := s.set(ctx, n.Name, value); err != nil {
			return nil, err
		}
		return commandResult("SET"), nil
	}}
}

func (s *Session) planReset(n *ast.Reset) *plan {
	return &plan{command: "RESET", run: func(ctx context.Context, _ []any) (*Result, error) {
		names := []string{n.Name}
		if n.All {
			names = names[:0]
			for k := range defaultSettings {
				if !readOnlySettings[k] {
					names = append(names, k)
				}
			}
			sort.Strings(names)
		}
		for _, name := range names {
			if err := s.set(ctx, name, defaultSettings[name]); err != nil {
				return nil, err
			}
		}
		return commandResult("RESET"), nil
	}}
}

func (s *Session) planShow(n *ast.Show) (*plan, error) {
	if n.All {
		cols := []Column{{Name: "name", Type: Type{Kind: KindText}}, {Name: "setting", Type: Type{Kind: KindText}}}
		return &plan{command: "SHOW", columns: cols, run: func(context.Context, []any) (*Result, error) {
			names := make([]string, 0, len(s.settings))
			for k := range s.settings {
				names = append(names, k)
			}
			sort.Strings(names)
			rows := make([][]any, len(names))
			for i, k := range names {
				rows[i] = []any{k, s.settings[k]}
			}
			return rowsResult("SHOW", cols, rows), nil
		}}, nil
	}
	name := strings.ToLower(n.Name)
	if _, ok := s.settings[name]; !ok {
		return nil, sqlerr.New(sqlerr.UndefinedObject, "unrecognized configuration parameter %q", n.Name)
	}
	cols := []Column{{Name: name, Type: Type{Kind: KindText}}}
	return &plan{command: "SHOW", columns: cols, run: func(context.Context, []any) (*Result, error) {
		r := rowsResult("SHOW", cols, [][]any{{s.settings[name]}})
		r.counted = false
		return r, nil
	}}, nil
}

// set changes one parameter, applying it to DuckDB where it has an effect.
// In a transaction it is undone if the transaction rolls back, as in
// Postgres (see settingsTxEnd).
func (s *Session) set(ctx context.Context, name, value string) error {
	name = strings.ToLower(name)
	if readOnlySettings[name] {
		return sqlerr.New(cantChangeRuntimeParam, "parameter %q cannot be changed", name)
	}
	if s.inTx() && s.txn.settings == nil {
		s.txn.settings = maps.Clone(s.settings)
	}
	switch name {
	case "timezone", "time zone":
		name = "timezone"
		tz := value
		if strings.EqualFold(tz, "local") || tz == "" {
			tz = "UTC"
		}
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for parameter \"TimeZone\": %q", value)
		}
		if _, err := s.conn.Exec(ctx, "SET TimeZone = "+quoteLiteral(tz)); err != nil {
			return sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for parameter \"TimeZone\": %q", value)
		}
		value, s.loc = tz, loc
	case "search_path":
		if err := s.applySearchPath(ctx, value); err != nil {
			return err
		}
	case "enable_case_sensitive_identifier", "enable_case_sensitive_super_attribute",
		"standard_conforming_strings", "describe_field_name_in_uppercase", "json_parse_truncate_strings":
		b, ok := parseBool(value)
		if !ok {
			return sqlerr.New(sqlerr.InvalidParameterValue, "parameter %q requires a Boolean value", name)
		}
		value = "off"
		if b {
			value = "on"
		}
	case "statement_timeout":
		if statementTimeout(value) < 0 {
			return sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for parameter \"statement_timeout\": %q", value)
		}
	}
	s.settings[name] = value
	return nil
}

// settingsTxEnd ends the transaction's hold on the settings: on rollback
// the values SET changed in it come back (and reach DuckDB again); on
// commit they stay.
func (s *Session) settingsTxEnd(ctx context.Context, committed bool) {
	old := s.txn.settings
	s.txn.settings = nil
	if committed || old == nil {
		return
	}
	names := make([]string, 0, len(old))
	for name, v := range old {
		if s.settings[name] != v {
			names = append(names, name)
		}
	}
	sort.Strings(names) // search_path before timezone; any order works
	for _, name := range names {
		if err := s.set(context.WithoutCancel(ctx), name, old[name]); err != nil {
			s.log.Warn("restore a setting after rollback", "setting", name, "err", err)
		}
	}
	for name := range s.settings {
		if _, ok := old[name]; !ok {
			delete(s.settings, name)
		}
	}
}

// applySearchPath points DuckDB's search_path (and the schema new objects go
// to) at the listed schemas that exist; "$user" and missing schemas are
// skipped, as Postgres skips them. With none left, objects go to public.
func (s *Session) applySearchPath(ctx context.Context, value string) error {
	res, err := s.conn.Query(ctx, "SELECT schema_name FROM information_schema.schemata WHERE catalog_name = current_database()")
	if err != nil {
		return err
	}
	exists := map[string]bool{}
	for res.Next() {
		if v, ok := res.Values()[0].(string); ok {
			exists[v] = true
		}
	}
	if err := res.Close(); err != nil {
		return err
	}
	var keep []string
	for _, part := range strings.Split(value, ",") {
		name := strings.TrimSpace(part)
		if len(name) >= 2 && name[0] == '"' && name[len(name)-1] == '"' {
			name = strings.ReplaceAll(name[1:len(name)-1], `""`, `"`)
		} else {
			name = strings.ToLower(name)
		}
		if name == "" || name == "$user" || !exists[name] {
			continue
		}
		keep = append(keep, name)
	}
	if len(keep) == 0 {
		keep = []string{"public"}
	}
	quoted := make([]string, len(keep))
	for i, k := range keep {
		quoted[i] = quoteIdent(k)
	}
	// DuckDB's SET schema also sets its search_path to that one schema:
	// it goes first, and the whole path after it.
	if _, err := s.conn.Exec(ctx, "SET schema = "+quoteLiteral(keep[0])); err != nil {
		return err
	}
	if _, err := s.conn.Exec(ctx, "SET search_path = "+quoteLiteral(strings.Join(quoted, ","))); err != nil {
		return err
	}
	return nil
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func parseBool(v string) (bool, bool) {
	switch strings.ToLower(strings.Trim(strings.TrimSpace(v), "'")) {
	case "on", "true", "yes", "1", "t", "y":
		return true, true
	case "off", "false", "no", "0", "f", "n":
		return false, true
	}
	return false, false
}

func isOn(v string) bool {
	b, _ := parseBool(v)
	return b
}

// statementTimeout parses a statement_timeout (milliseconds, or with a unit
// ms, s, min, h). It returns -1 when the value is invalid; 0 means none.
func statementTimeout(v string) time.Duration {
	v = strings.TrimSpace(strings.Trim(v, "'"))
	if v == "" || v == "0" {
		return 0
	}
	units := []struct {
		suffix string
		d      time.Duration
	}{{"ms", time.Millisecond}, {"min", time.Minute}, {"s", time.Second}, {"h", time.Hour}}
	mult := time.Millisecond
	for _, u := range units {
		if strings.HasSuffix(v, u.suffix) {
			v, mult = strings.TrimSpace(strings.TrimSuffix(v, u.suffix)), u.d
			break
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return time.Duration(n) * mult
}
