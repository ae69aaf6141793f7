package streamlog

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	commits   prometheus.Counter
	groupOps  prometheus.Histogram
	commitDur prometheus.Histogram
	appended  prometheus.Counter
	appendedB prometheus.Counter
	read      prometheus.Counter
	trimmed   prometheus.Counter
	trimRuns  prometheus.Counter
	diskFull  prometheus.Gauge
}

func newMetrics(r prometheus.Registerer) *metrics {
	m := &metrics{
		commits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "blueshift_streamlog_commits_total", Help: "Pebble batches committed with fsync (one per write group).",
		}),
		groupOps: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "blueshift_streamlog_group_operations", Help: "Operations sharing one commit (group commit).",
			Buckets: prometheus.ExponentialBuckets(1, 2, 12),
		}),
		commitDur: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "blueshift_streamlog_commit_duration_seconds", Help: "Time to write and fsync one write group.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16),
		}),
		appended: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "blueshift_streamlog_appended_records_total", Help: "Records appended to streams.",
		}),
		appendedB: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "blueshift_streamlog_appended_bytes_total", Help: "Bytes of record data appended to streams.",
		}),
		read: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "blueshift_streamlog_read_records_total", Help: "Records returned by reads.",
		}),
		trimmed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "blueshift_streamlog_trimmed_shards_total", Help: "Shard prefixes removed by retention.",
		}),
		trimRuns: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "blueshift_streamlog_trim_runs_total", Help: "Retention passes over all streams.",
		}),
		diskFull: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "blueshift_streamlog_disk_full", Help: "1 while the disk under the stream log is full and writes wait for space.",
		}),
	}
	r.MustRegister(m.commits, m.groupOps, m.commitDur, m.appended, m.appendedB, m.read, m.trimmed, m.trimRuns, m.diskFull)
	return m
}
