package bench

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/jackc/pgx/v5"

	"github.com/blueshift-dev/blueshift/internal/kinesisclient"
)

// newKinesis returns an AWS SDK Kinesis client for the API at addr, with
// a connection per concurrent caller and the SDK's retries off: a retried
// PutRecords whose first attempt did land would put its records twice, and
// the run counts every record exactly.
func newKinesis(addr string, conns int) *kinesis.Client {
	return kinesisclient.New(addr, conns+2, 2*time.Minute)
}

// createStream creates a stream and waits until it is ACTIVE.
func createStream(ctx context.Context, kc *kinesis.Client, name string, shards int) error {
	if _, err := kc.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(int32(shards))}); err != nil {
		return fmt.Errorf("bench: create stream %s: %w", name, err)
	}
	w := kinesis.NewStreamExistsWaiter(kc, func(o *kinesis.StreamExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 20*time.Millisecond, 500*time.Millisecond
	})
	if err := w.Wait(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String(name)}, 2*time.Minute); err != nil {
		return fmt.Errorf("bench: stream %s did not become active: %w", name, err)
	}
	return nil
}

// putRecords puts entries with one PutRecords call. Blueshift fails either
// no record of a call or all of them (when its store could not commit, a
// failure a retry may cure, as Kinesis reports it); such a call is retried
// a few times, which cannot duplicate a record since none of them landed.
func putRecords(ctx context.Context, kc *kinesis.Client, stream string, entries []types.PutRecordsRequestEntry) error {
	in := &kinesis.PutRecordsInput{StreamName: aws.String(stream), Records: entries}
	for attempt := 1; ; attempt++ {
		out, err := kc.PutRecords(ctx, in)
		if err != nil {
			return fmt.Errorf("bench: put records: %w", err)
		}
		failed := aws.ToInt32(out.FailedRecordCount)
		if failed == 0 {
			return nil
		}
		if int(failed) != len(entries) || attempt == 3 {
			msg := ""
			for _, r := range out.Records {
				if r.ErrorCode != nil {
					msg = aws.ToString(r.ErrorCode) + ": " + aws.ToString(r.ErrorMessage)
					break
				}
			}
			return fmt.Errorf("bench: put records: %d of %d records failed (%s)", failed, len(entries), msg)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt) * 100 * time.Millisecond):
		}
	}
}

// connect opens a pgx connection to the SQL endpoint at addr. The
// password, if the server wants one, comes from PGPASSWORD (pgx reads it).
func connect(ctx context.Context, o *Options, addr string, inProcess bool) (*pgx.Conn, error) {
	dsn := fmt.Sprintf("postgres://%s@%s/%s", url.PathEscape(o.SQLUser), addr, url.PathEscape(o.Database))
	if inProcess {
		dsn += "?sslmode=disable"
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("bench: connect to %s: %w", addr, err)
	}
	return conn, nil
}

// execSQL runs statements one at a time over the simple query protocol.
func execSQL(ctx context.Context, conn *pgx.Conn, stmts ...string) error {
	for _, s := range stmts {
		if _, err := conn.PgConn().Exec(ctx, s).ReadAll(); err != nil {
			return fmt.Errorf("bench: %s: %w", s, err)
		}
	}
	return nil
}
