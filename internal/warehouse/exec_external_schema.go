package warehouse

// CREATE EXTERNAL SCHEMA ... FROM KINESIS | MSK | KAFKA, DROP SCHEMA of an
// external schema, and SVV_EXTERNAL_SCHEMAS.
//
// An external schema is a catalog row (blueshift_catalog.external_schemas),
// not a DuckDB schema: its relations are the streams of its source, named
// s."stream-name" and resolved under Redshift's identifier rules (see
// foldIdent). Only streaming materialized views read them. Kafka and MSK
// schemas are stored so scripts run; refreshing a view over one says that
// the Kafka reader is not available yet.

import (
	"context"

	"github.com/blueshift-dev/blueshift/internal/source"
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// extSchema is one external schema's catalog row.
type extSchema struct {
	name, source, region, iamRole, authentication, authARN, uri, clusterARN string
}

func (e *extSchema) spec() source.Spec {
	return source.Spec{Kind: e.source, Region: e.region, IAMRole: e.iamRole}
}

func (s *Session) planCreateExternalSchema(n *ast.CreateExternalSchema) *plan {
	return &plan{command: "CREATE SCHEMA", run: func(ctx context.Context, _ []any) (*Result, error) {
		name := foldIdent(n.Name, s.Options())
		if n.Source == "kinesis" && n.IAMRole == "" {
			return nil, sqlerr.New(sqlerr.SyntaxError, "IAM_ROLE is required for an external schema FROM KINESIS")
		}
		if _, ok, err := lookupExtSchema(ctx, s.conn, name); err != nil {
			return nil, err
		} else if ok || s.duckSchemaExists(ctx, name) {
			if n.IfNotExists {
				s.Notify(Notice{Severity: "NOTICE", Message: "Schema " + quoteIdent(name) + " already exists, skipping"})
				return commandResult("CREATE SCHEMA"), nil
			}
			return nil, sqlerr.New(sqlerr.DuplicateSchema, "Schema %q already exists", name)
		}
		err := s.Atomic(ctx, func() error {
			_, err := s.conn.Exec(ctx, `INSERT INTO `+CatalogSchema+`.external_schemas
				(name, source, region, iam_role, authentication, auth_arn, uri, cluster_arn, owner)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
				name, n.Source, n.Region, n.IAMRole, n.Authentication, n.AuthARN, n.URI, n.ClusterARN, s.user)
			return err
		})
		if err != nil {
			return nil, err
		}
		return commandResult("CREATE SCHEMA"), nil
	}}
}

func (s *Session) duckSchemaExists(ctx context.Context, name string) bool {
	res, err := s.conn.Query(ctx, "SELECT 1 FROM information_schema.schemata WHERE schema_name = $1", name)
	if err != nil {
		return false
	}
	defer res.Close()
	return res.Next()
}

func lookupExtSchema(ctx context.Context, c *Conn, name string) (*extSchema, bool, error) {
	res, err := c.Query(ctx, `SELECT name, source, region, iam_role, authentication, auth_arn, uri, cluster_arn
		FROM `+CatalogSchema+`.external_schemas WHERE name = $1`, name)
	if err != nil {
		return nil, false, errorf("read external schemas: %w", err)
	}
	defer res.Close()
	if !res.Next() {
		return nil, false, res.Err()
	}
	v := res.Values()
	str := func(i int) string { x, _ := v[i].(string); return x }
	return &extSchema{name: str(0), source: str(1), region: str(2), iamRole: str(3),
		authentication: str(4), authARN: str(5), uri: str(6), clusterARN: str(7)}, true, nil
}

// planDropSchema takes DROP SCHEMA when every name is an external schema;
// ok is false when none is (DuckDB drops ordinary schemas).
func (s *Session) planDropSchema(ctx context.Context, n *ast.DropSchema) (*plan, bool, error) {
	var ext, other int
	for _, id := range n.Names {
		if _, ok, err := lookupExtSchema(ctx, s.conn, foldIdent(id, s.Options())); err != nil {
			return nil, false, err
		} else if ok {
			ext++
		} else {
			other++
		}
	}
	switch {
	case ext == 0:
		return nil, false, nil
	case other > 0:
		return nil, false, sqlerr.New(sqlerr.FeatureNotSupported, "DROP SCHEMA of external and local schemas in one statement is not supported")
	}
	return &plan{command: "DROP SCHEMA", run: func(ctx context.Context, _ []any) (*Result, error) {
		for _, id := range n.Names {
			name := foldIdent(id, s.Options())
			deps, err := queryMVs(ctx, s.conn, "kind = $1 AND external_schema = $2", mvStreaming, name)
			if err != nil {
				return nil, err
			}
			if len(deps) > 0 && !n.Cascade {
				return nil, &sqlerr.Error{Code: sqlerr.DependentObjectsStillExist,
					Message: "cannot drop schema " + name + " because other objects depend on it",
					Hint:    "Use DROP ... CASCADE to drop the dependent objects too."}
			}
			for _, mv := range deps {
				if err := s.dropMV(ctx, mv, true); err != nil {
					return nil, err
				}
			}
			if err := s.Atomic(ctx, func() error {
				_, err := s.conn.Exec(ctx, "DELETE FROM "+CatalogSchema+".external_schemas WHERE name = $1", name)
				return err
			}); err != nil {
				return nil, err
			}
		}
		return commandResult("DROP SCHEMA"), nil
	}}, true, nil
}

// streamRef is a query's reference to a stream: FROM schema."stream".
type streamRef struct {
	schema *extSchema
	stream string
	ref    *ast.TableRef
	count  int // stream references in the query
}

// streamRefOf finds the stream references of q. ok is false when q reads no
// stream (an ordinary materialized view).
func (s *Session) streamRefOf(ctx context.Context, q ast.Query) (*streamRef, bool, error) {
	var found *streamRef
	for _, t := range ast.Tables(q) {
		if len(t.Name) != 2 {
			continue
		}
		es, ok, err := lookupExtSchema(ctx, s.conn, foldIdent(t.Name[0], s.Options()))
		if err != nil {
			return nil, false, err
		}
		if !ok {
			continue
		}
		if found == nil {
			found = &streamRef{schema: es, stream: foldIdent(t.Name[1], s.Options()), ref: t}
		}
		found.count++
	}
	return found, found != nil, nil
}
