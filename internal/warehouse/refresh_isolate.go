package warehouse

// Isolating the records a batch fails on. checkJSON skips, before DuckDB
// sees them, the records the documented forms of a streaming view cannot
// parse. Anything else a record alone makes fail (json_parse over another
// expression of kinesis_data, a cast of a field, a division by a field's
// zero: an error of SQLSTATE class 22, data exception) fails the batch's
// INSERT; then isolate finds the records by bisection, each range tried in
// a transaction that is rolled back, and the batch is committed without
// them, each kept in SYS_STREAM_SCAN_ERRORS with the error as its reason.
// When every record of a batch fails, the fault is taken to be the view's
// own definition, not the records': the refresh fails (and the view says
// so), as it does for any other error. A poisoned record alone in its batch
// therefore fails refreshes only until a good record follows it: the next
// batch reads both, and isolates it.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/blueshift-dev/blueshift/internal/sqlerr"
)

// probeTable holds the staged records isolate tries, on the ingesting
// connection; it has the staging table's columns.
const probeTable = "bs_stream_probe"

// numberedTable is the staged batch numbered in stream order (bs_n from 0).
const numberedTable = "bs_stream_numbered"

// maxIsolateProbes bounds the statements isolate runs for one batch:
// bisection takes about 2 log2(n/k) of them for each of k failing records
// among n, so this finds dozens of poisoned records in a full batch.
const maxIsolateProbes = 2000

// scanErrRecord is the SYS_STREAM_SCAN_ERRORS code of a record the view's
// query failed on.
const scanErrRecord = 1004

// recordFault reports whether err may be a record's own fault: a data
// exception (SQLSTATE class 22).
func recordFault(err error) bool {
	return strings.HasPrefix(string(sqlerr.CodeOf(err)), "22")
}

// isolated is one record the view's query fails on.
type isolated struct {
	scanError
	err error
}

// isolate finds the staged records the view's query fails on (cause is the
// batch's error). It returns cause itself when the records are not at
// fault: every one fails, or none alone does.
func (g *ingestor) isolate(ctx context.Context, cause error) ([]isolated, error) {
	k1, k2, arrival, data := stageColumns(g.es.source)
	if _, err := g.conn.Exec(ctx, `CREATE OR REPLACE TEMP TABLE `+numberedTable+` AS SELECT row_number() OVER (ORDER BY `+k1+`, `+k2+`) - 1 AS bs_n, * FROM `+stageTable); err != nil {
		return nil, errorf("isolate: number the batch: %w", err)
	}
	defer func() { _, _ = g.conn.Exec(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS `+numberedTable) }()
	n, err := g.count(ctx, `SELECT count(*) FROM `+numberedTable)
	if err != nil {
		return nil, err
	}
	probes := 0
	var bad []int64
	var errs []error
	// try reports the error of the view's query over records [lo, hi).
	try := func(lo, hi int64) (error, error) {
		probes++
		if probes > maxIsolateProbes {
			return nil, fmt.Errorf("%w (too many failing records to isolate in one batch)", cause)
		}
		var qerr error
		err := g.conn.InTx(ctx, func() error {
			if _, err := g.conn.Exec(ctx, `DELETE FROM `+probeTable); err != nil {
				return err
			}
			if _, err := g.conn.Exec(ctx, `INSERT INTO `+probeTable+` SELECT * EXCLUDE (bs_n) FROM `+numberedTable+` WHERE bs_n >= $1 AND bs_n < $2`, lo, hi); err != nil {
				return err
			}
			_, qerr = g.conn.Exec(ctx, "INSERT INTO "+quoteIdent(g.mv.schema)+"."+quoteIdent(g.mv.name)+" "+g.query.probeSQL)
			return errProbeDone
		})
		if !errors.Is(err, errProbeDone) {
			return nil, errorf("isolate: %w", err)
		}
		if qerr != nil && !recordFault(qerr) {
			return nil, qerr
		}
		return qerr, nil
	}
	var bisect func(lo, hi int64) error
	bisect = func(lo, hi int64) error {
		qerr, err := try(lo, hi)
		if err != nil || qerr == nil {
			return err
		}
		if hi-lo == 1 {
			bad, errs = append(bad, lo), append(errs, qerr)
			return nil
		}
		mid := lo + (hi-lo)/2
		if err := bisect(lo, mid); err != nil {
			return err
		}
		return bisect(mid, hi)
	}
	// The whole batch failed already: split it at once.
	if n > 1 {
		mid := n / 2
		if err := bisect(0, mid); err != nil {
			return nil, err
		}
		if err := bisect(mid, n); err != nil {
			return nil, err
		}
	} else if err := bisect(0, n); err != nil {
		return nil, err
	}
	if len(bad) == 0 || int64(len(bad)) == n {
		return nil, cause
	}
	out := make([]isolated, 0, len(bad))
	for i, b := range bad {
		res, err := g.conn.Query(ctx, `SELECT CAST(`+k1+` AS VARCHAR), CAST(`+k2+` AS VARCHAR), `+arrival+`, CAST(`+data+` AS BLOB) FROM `+numberedTable+` WHERE bs_n = $1`, b)
		if err != nil {
			return nil, errorf("isolate: %w", err)
		}
		for res.Next() {
			v := res.Values()
			e := isolated{err: errs[i]}
			e.shard, _ = v[0].(string)
			e.position, _ = v[1].(string)
			e.arrival, _ = v[2].(time.Time)
			data, _ := v[3].([]byte)
			e.code = scanErrRecord
			e.reason = "The materialized view's query failed on the record: " + errs[i].Error() + dataStart(data)
			out = append(out, e)
		}
		if err := errors.Join(res.Err(), res.Close()); err != nil {
			return nil, errorf("isolate: %w", err)
		}
	}
	return out, nil
}

// stageColumns names the staging table's columns that identify a record
// (shard and position), its arrival and its data.
func stageColumns(sourceKind string) (k1, k2, arrival, data string) {
	if stageKind(sourceKind) == "kinesis" {
		return "shard_id", "sequence_number", "approximate_arrival_timestamp", "kinesis_data"
	}
	return "kafka_partition", "kafka_offset", "kafka_timestamp", "kafka_value"
}

// errProbeDone rolls back a probe's transaction.
var errProbeDone = errors.New("probe done")

// skip removes isolated records from the staging table.
func (g *ingestor) skip(ctx context.Context, recs []isolated) error {
	k1, k2, _, _ := stageColumns(g.es.source)
	for _, r := range recs {
		if _, err := g.conn.Exec(ctx, `DELETE FROM `+stageTable+` WHERE CAST(`+k1+` AS VARCHAR) = $1 AND CAST(`+k2+` AS VARCHAR) = $2`, r.shard, r.position); err != nil {
			return errorf("skip record: %w", err)
		}
	}
	return nil
}

func (g *ingestor) count(ctx context.Context, q string) (int64, error) {
	res, err := g.conn.Query(ctx, q)
	if err != nil {
		return 0, errorf("count: %w", err)
	}
	defer res.Close()
	if !res.Next() {
		return 0, errors.Join(res.Err(), errors.New("count: no row"))
	}
	switch v := res.Values()[0].(type) {
	case int64:
		return v, nil
	case uint64:
		return int64(v), nil
	}
	return 0, errors.New("count: not an integer")
}
