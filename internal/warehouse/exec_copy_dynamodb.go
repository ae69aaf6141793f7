package warehouse

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	bsql "github.com/blueshift-dev/blueshift/internal/sql"
	"github.com/blueshift-dev/blueshift/internal/sql/ast"
	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// COPY table [(columns)] FROM 'dynamodb://TableName' authorization
// READRATIO n [REGION [AS] 'region'] [EMPTYASNULL] [BLANKSASNULL]
// [COMPUPDATE ...] [STATUPDATE ...]: Redshift's load of a DynamoDB table,
// from blueshift's own DynamoDB-compatible tables (Options.DynamoDB).
//
// Behavior, as Redshift's "Loading data from an Amazon DynamoDB table"
// describes it: the items' attribute names match the table's columns
// case-insensitively; a column no attribute matches loads NULL; an
// attribute no column matches is dropped; only scalar STRING (S) and
// NUMBER (N) attributes load, and a matched attribute of any other type
// fails the COPY, as do two attributes of one item whose names differ
// only in case. READRATIO (1 to 200) is required. The load reads one
// consistent snapshot of the DynamoDB table and inserts it as one unit:
// all of it or, on any error, nothing.
//
// Deviations: authorization (IAM_ROLE, CREDENTIALS, access keys) and
// REGION are accepted and not checked; READRATIO does not throttle;
// other COPY options fail with 0A000.

// DynamoDBTables is the DynamoDB-compatible table service that
// COPY ... FROM 'dynamodb://...' reads.
type DynamoDBTables interface {
	// ScanSnapshot calls fn with every item of table, read from one
	// consistent snapshot. A table that does not exist is an error that
	// wraps ErrDynamoDBTableNotFound.
	ScanSnapshot(ctx context.Context, table string, fn func(item map[string]DynamoDBAttr) error) error
}

// DynamoDBAttr is one attribute of a DynamoDB item: its type (S, N, B,
// BOOL, NULL, M, L, SS, NS or BS) and, for S and N, its text (a number's
// canonical decimal text).
type DynamoDBAttr struct {
	Type string
	Text string
}

// ErrDynamoDBTableNotFound is what DynamoDBTables reports for a table that
// does not exist.
var ErrDynamoDBTableNotFound = errors.New("DynamoDB table not found")

// copyDynamoDB is a parsed COPY ... FROM 'dynamodb://...'.
type copyDynamoDB struct {
	name          ast.Name // the target as written
	table, source string
	columns       []string
	emptyAsNull   bool
	blanksAsNull  bool
	// truncate is TRUNCATECOLUMNS: a value longer than its VARCHAR(n) or
	// CHAR(n) column keeps its first n bytes (whole characters) instead of
	// failing the load.
	truncate bool
}

// copyDynamoDBStmt reads a COPY from DynamoDB from its tree.
func copyDynamoDBStmt(n *ast.Copy, opts bsql.Options) (*copyDynamoDB, error) {
	parts := make([]string, len(n.Table))
	for j, id := range n.Table {
		parts[j] = quoteIdent(catalogIdent(id, opts))
	}
	c := &copyDynamoDB{name: n.Table, table: strings.Join(parts, "."), source: n.Source[len("dynamodb://"):]}
	for _, id := range n.Columns {
		c.columns = append(c.columns, foldIdent(id, opts))
	}
	if c.source == "" {
		return nil, sqlerr.New(sqlerr.SyntaxError, "COPY from DynamoDB: 'dynamodb://' names no table")
	}
	readRatio := false
	for _, o := range n.Options {
		opt := strings.ToUpper(o.Name)
		switch opt {
		case "IAM_ROLE", "CREDENTIALS", "ACCESS_KEY_ID", "SECRET_ACCESS_KEY", "SESSION_TOKEN", "REGION", "COMPUPDATE", "STATUPDATE":
			// Accepted, not checked (no IAM or regions here; no compression
			// encodings or statistics to update).
		case "READRATIO":
			n, perr := strconv.Atoi(o.Value)
			if perr != nil || n < 1 || n > 200 {
				return nil, sqlerr.New(sqlerr.InvalidParameterValue, "READRATIO %s: want an integer from 1 to 200", o.Value)
			}
			readRatio = true
		case "EMPTYASNULL":
			c.emptyAsNull = true
		case "BLANKSASNULL":
			c.blanksAsNull = true
		case "TRUNCATECOLUMNS":
			c.truncate = true
		default:
			return nil, sqlerr.New(sqlerr.FeatureNotSupported, "COPY from DynamoDB: option %s is not supported", opt)
		}
	}
	if !readRatio {
		return nil, sqlerr.New(sqlerr.SyntaxError, "COPY from DynamoDB: READRATIO is required")
	}
	return c, nil
}

// planCopyDynamoDB plans the load.
func (s *Session) planCopyDynamoDB(c *copyDynamoDB) *plan {
	return &plan{command: "COPY", run: func(ctx context.Context, _ []any) (*Result, error) {
		return s.copyDynamoDB(ctx, c)
	}}
}

func (s *Session) copyDynamoDB(ctx context.Context, c *copyDynamoDB) (*Result, error) {
	if s.w.dynamo == nil {
		err := sqlerr.New(sqlerr.FeatureNotSupported, "COPY from DynamoDB: this server has no DynamoDB table service")
		s.failed(err)
		return nil, err
	}
	// The target's columns, for the name matching.
	res, err := s.conn.Query(ctx, "SELECT * FROM "+c.table+" LIMIT 0")
	if err != nil {
		s.failed(err)
		return nil, err
	}
	var cols []string
	for _, col := range res.Columns {
		cols = append(cols, col.Name)
	}
	_ = res.Close()
	if len(c.columns) > 0 {
		known := map[string]bool{}
		for _, col := range cols {
			known[strings.ToLower(col)] = true
		}
		for _, col := range c.columns {
			if !known[strings.ToLower(col)] {
				err := sqlerr.New(sqlerr.UndefinedColumn, "column %q of relation %s does not exist", col, c.table)
				s.failed(err)
				return nil, err
			}
		}
		cols = c.columns
	}
	index := make(map[string]int, len(cols))
	for i, col := range cols {
		index[strings.ToLower(col)] = i
	}
	mapItem := func(item map[string]DynamoDBAttr) ([]any, error) {
		row := make([]any, len(cols))
		names := make([]string, 0, len(item))
		for name := range item {
			names = append(names, name)
		}
		sort.Strings(names) // deterministic errors
		seen := make(map[string]string, len(item))
		for _, name := range names {
			lower := strings.ToLower(name)
			if other, dup := seen[lower]; dup {
				return nil, sqlerr.New(sqlerr.DataException, "COPY from DynamoDB table %q: an item has attributes %q and %q, which differ only in case", c.source, other, name)
			}
			seen[lower] = name
			i, ok := index[lower]
			if !ok {
				continue // no column: dropped, as Redshift does
			}
			a := item[name]
			if a.Type != "S" && a.Type != "N" {
				return nil, sqlerr.New(sqlerr.DatatypeMismatch, "COPY from DynamoDB table %q: attribute %q has type %s; only STRING (S) and NUMBER (N) attributes load (column %q)", c.source, name, a.Type, cols[i])
			}
			v := a.Text
			if a.Type == "S" && ((c.emptyAsNull && v == "") || (c.blanksAsNull && strings.TrimSpace(v) == "")) {
				continue
			}
			row[i] = v
		}
		return row, nil
	}
	scanCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	rows := make(chan []any, copyBatch)
	var scanErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(rows)
		scanErr = s.w.dynamo.ScanSnapshot(scanCtx, c.source, func(item map[string]DynamoDBAttr) error {
			row, err := mapItem(item)
			if err != nil {
				return err
			}
			select {
			case rows <- row:
				return nil
			case <-scanCtx.Done():
				return scanCtx.Err()
			}
		})
	}()
	next := func() ([]any, error) {
		row, ok := <-rows
		if ok {
			return row, nil
		}
		<-done
		switch {
		case errors.Is(scanErr, ErrDynamoDBTableNotFound):
			return nil, sqlerr.New(sqlerr.UndefinedTable, "COPY from DynamoDB: table %q does not exist", c.source)
		case scanErr != nil:
			var se *sqlerr.Error
			if errors.As(scanErr, &se) {
				return nil, se
			}
			return nil, fmt.Errorf("COPY from DynamoDB table %q: %w", c.source, scanErr)
		}
		return nil, nil
	}
	r, err := s.CopyIn(ctx, &CopyStmt{From: true, Table: c.table, Columns: cols, name: c.name, truncate: c.truncate}, next)
	cancel()
	<-done
	return r, err
}
