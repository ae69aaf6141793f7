package web

import "net/http"

// SchemaTable is a table or view and its columns, for the editor's completion.
type SchemaTable struct {
	Schema  string   `json:"schema"`
	Name    string   `json:"name"`
	Kind    string   `json:"kind"` // table or view
	Columns []Column `json:"columns"`
}

// schema lists the user-visible tables and views with their columns.
func (a *api) schema(w http.ResponseWriter, r *http.Request) error {
	// The type as Postgres's format_type prints it: numeric(10,2),
	// character varying(256), integer.
	rows, err := a.systemRows(r.Context(), `SELECT c.table_schema, c.table_name, t.table_type, c.column_name,
			c.data_type || CASE
				WHEN c.character_maximum_length IS NOT NULL THEN '(' || c.character_maximum_length || ')'
				WHEN c.data_type = 'numeric' AND c.numeric_precision IS NOT NULL THEN '(' || c.numeric_precision || ',' || coalesce(c.numeric_scale, 0) || ')'
				ELSE '' END AS data_type
		FROM information_schema.columns c
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema NOT IN ('blueshift_catalog', 'information_schema', 'pg_catalog', 'main')
		  AND c.table_catalog = current_database()
		ORDER BY c.table_schema, c.table_name, c.ordinal_position`)
	if err != nil {
		return err
	}
	out := []*SchemaTable{}
	var cur *SchemaTable
	for _, row := range rows {
		schema, name := str(row["table_schema"]), str(row["table_name"])
		if cur == nil || cur.Schema != schema || cur.Name != name {
			kind := "table"
			if str(row["table_type"]) == "VIEW" {
				kind = "view"
			}
			cur = &SchemaTable{Schema: schema, Name: name, Kind: kind, Columns: []Column{}}
			out = append(out, cur)
		}
		cur.Columns = append(cur.Columns, Column{Name: str(row["column_name"]), Type: str(row["data_type"])})
	}
	writeJSON(w, http.StatusOK, map[string]any{"tables": out})
	return nil
}
