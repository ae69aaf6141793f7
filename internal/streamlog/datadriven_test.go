package streamlog

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
)

// TestDataDriven runs the scripts in testdata/ against a log on disk with
// a fixed clock. Commands:
//
//	create name=S shards=N [mode=ON_DEMAND]
//	append stream=S keys=(k1,k2,...) [hash=H]   one record per key; data "<key>@<n>"
//	split stream=S shard=ID at=HASHKEY
//	merge stream=S shard=ID adjacent=ID
//	rescale stream=S to=N
//	describe stream=S                          every shard, deterministic
//	read stream=S shard=ID [after=SEQ]         the shard's records
//	advance d=DURATION / trim / reopen / delete stream=S
//
// Regenerate expected output with -rewrite and review the diff.
func TestDataDriven(t *testing.T) {
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		ctx := context.Background()
		dir := t.TempDir()
		clk := newClock()
		o := Options{Now: clk.now}
		l := openLog(t, dir, o)
		defer func() { l.Close() }()
		n := 0
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			arg := func(k string) string {
				for _, a := range d.CmdArgs {
					if a.Key == k && len(a.Vals) > 0 {
						return a.Vals[0]
					}
				}
				return ""
			}
			args := func(k string) []string {
				for _, a := range d.CmdArgs {
					if a.Key == k {
						return a.Vals
					}
				}
				return nil
			}
			errOr := func(err error, ok string) string {
				if err != nil {
					return "error: " + err.Error()
				}
				return ok
			}
			switch d.Cmd {
			case "create":
				shards, _ := strconv.Atoi(arg("shards"))
				return errOr(l.Create(ctx, arg("name"), CreateOptions{ShardCount: shards, Mode: arg("mode")}), "ok")
			case "append":
				keys := args("keys")
				entries := make([]Entry, len(keys))
				for i, k := range keys {
					n++
					entries[i] = Entry{PartitionKey: []byte(k), Data: []byte(fmt.Sprintf("%s@%d", k, n))}
					if h := arg("hash"); h != "" {
						hk, err := ParseHashKey(h)
						if err != nil {
							return "error: " + err.Error()
						}
						entries[i].ExplicitHashKey, entries[i].HasExplicitHashKey = hk, true
					}
				}
				out := make([]Appended, len(entries))
				if err := l.Append(ctx, arg("stream"), entries, out); err != nil {
					return "error: " + err.Error()
				}
				var b strings.Builder
				for i, a := range out {
					fmt.Fprintf(&b, "%s -> %s %s\n", entries[i].Data, ShardID(a.Shard), a.Seq)
				}
				return b.String()
			case "split":
				hk, err := ParseHashKey(arg("at"))
				if err != nil {
					return "error: " + err.Error()
				}
				return errOr(l.Split(ctx, arg("stream"), arg("shard"), hk), "ok")
			case "merge":
				return errOr(l.Merge(ctx, arg("stream"), arg("shard"), arg("adjacent")), "ok")
			case "rescale":
				to, _ := strconv.Atoi(arg("to"))
				return errOr(l.UpdateShardCount(ctx, arg("stream"), to), "ok")
			case "describe":
				info, err := l.Describe(ctx, arg("stream"))
				if err != nil {
					return "error: " + err.Error()
				}
				var b strings.Builder
				fmt.Fprintf(&b, "%s %s %s retention=%dh open=%d\n", info.Name, info.Status, info.Mode, info.RetentionHours, info.OpenShards)
				for _, s := range info.Shards {
					state := "open"
					if s.Closed {
						state = "closed end=" + s.EndingSeq.String()
					}
					parents := ""
					if s.ParentID != "" {
						parents = " parent=" + s.ParentID
					}
					if s.AdjacentParentID != "" {
						parents += " adjacent=" + s.AdjacentParentID
					}
					trimmed := ""
					if s.TrimmedThrough != 0 {
						trimmed = " trimmed=" + s.TrimmedThrough.String()
					}
					fmt.Fprintf(&b, "%s [%s, %s] start=%s %s%s last=%s%s\n", s.ID, s.HashKeyStart, s.HashKeyEnd,
						s.StartingSeq, state, parents, s.LastSeq, trimmed)
				}
				return b.String()
			case "read":
				var after Seq
				if a := arg("after"); a != "" {
					s, err := ParseSeq(a)
					if err != nil {
						return "error: " + err.Error()
					}
					after = s
				} else {
					s, err := l.Resolve(ctx, arg("stream"), arg("shard"), Position{Type: TrimHorizon})
					if err != nil {
						return "error: " + err.Error()
					}
					after = s
				}
				res, err := l.Read(ctx, ReadRequest{Stream: arg("stream"), Shard: arg("shard"), After: after})
				if err != nil {
					return "error: " + err.Error()
				}
				var b strings.Builder
				for _, r := range res.Records {
					fmt.Fprintf(&b, "%s %s %s\n", r.Seq, r.PartitionKey, r.Data)
				}
				fmt.Fprintf(&b, "end=%v", res.End)
				if res.Gap != nil {
					fmt.Fprintf(&b, " gap=(%s, %s]", res.Gap.After, res.Gap.Through)
				}
				return b.String() + "\n"
			case "advance":
				dur, err := time.ParseDuration(arg("d"))
				if err != nil {
					return "error: " + err.Error()
				}
				clk.advance(dur)
				return "ok"
			case "trim":
				return errOr(l.Trim(ctx), "ok")
			case "reopen":
				if err := l.Close(); err != nil {
					return "error: " + err.Error()
				}
				l = openLog(t, dir, o)
				return "ok"
			case "delete":
				return errOr(l.Delete(ctx, arg("stream")), "ok")
			}
			return "unknown command " + d.Cmd
		})
	})
}
