package kinesisapi

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"testing"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
)

// knownDeviations are where the served shapes differ from the model on
// purpose, each with its reason.
var knownDeviations = map[string]string{
	// A record is at most 1 MiB here (UpdateMaxRecordSize is recorded, not
	// applied); the model allows 10 MiB for streams configured so.
	"PutRecord.Data":                 "MaxLen 1048576, model 10485760",
	"PutRecords.Records.member.Data": "MaxLen 1048576, model 10485760",
	// Bounds Kinesis enforces as validation errors beyond the model's
	// (observed; kinesalite records them, and the issue asks for them).
	"AddTagsToStream.Tags":                               "MaxLen 10, model 200",
	"DecreaseStreamRetentionPeriod.RetentionPeriodHours": "range [1, 8760], model none",
	"IncreaseStreamRetentionPeriod.RetentionPeriodHours": "range [1, 8760], model none",
	"UpdateShardCount.TargetShardCount":                  "range [1, 100000], model [1, none]",
}

// TestShapesMatchModel: every operation of the Kinesis API model (the
// botocore copy in testdata) has an input shape here with the model's
// members, types and constraints. Only the order of members may differ
// (it is AWS's reporting order, observed), and StreamName and ShardCount
// are required when their alternative (StreamARN, StreamModeDetails) is
// absent, as Kinesis reports them, where the model marks them optional.
func TestShapesMatchModel(t *testing.T) {
	b, err := os.ReadFile("testdata/kinesis-2013-12-02.json")
	if err != nil {
		t.Fatal(err)
	}
	model, err := awsjson.ShapesFromModel(b, awsjson.ModelOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ops := make([]string, 0, len(model))
	for op := range model {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	served := (&API{}).Service().Operations
	for _, op := range ops {
		if served[op] == nil {
			t.Errorf("%s: not served", op)
		}
		ours, ok := inputs[op]
		if op == "PutRecords" {
			ours, ok = putRecordsShape, true // checked by its handler, on a fast path
		}
		if !ok {
			t.Errorf("%s: no input shape", op)
			continue
		}
		for _, d := range compareShapes(op, ours, model[op], map[*awsjson.Shape]bool{}) {
			if knownDeviations[d.path] == "" {
				t.Errorf("%s: %s", d.path, d.what)
			}
		}
	}
}

type shapeDiff struct{ path, what string }

func compareShapes(path string, ours, want *awsjson.Shape, seen map[*awsjson.Shape]bool) []shapeDiff {
	if seen[want] {
		return nil
	}
	seen[want] = true
	var out []shapeDiff
	diff := func(format string, args ...any) { out = append(out, shapeDiff{path, fmt.Sprintf(format, args...)}) }
	if ours.Type != want.Type {
		diff("type %v, model %v", ours.Type, want.Type)
		return out
	}
	eq := func(a, b *int64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }
	show := func(p *int64) string {
		if p == nil {
			return "none"
		}
		return fmt.Sprint(*p)
	}
	if !eq(ours.MinLen, want.MinLen) && !(want.MinLen != nil && *want.MinLen == 0 && ours.MinLen == nil) {
		diff("MinLen %s, model %s", show(ours.MinLen), show(want.MinLen))
	}
	if !eq(ours.MaxLen, want.MaxLen) {
		diff("MaxLen %s, model %s", show(ours.MaxLen), show(want.MaxLen))
	}
	if !eq(ours.Min, want.Min) || !eq(ours.Max, want.Max) {
		diff("range [%s, %s], model [%s, %s]", show(ours.Min), show(ours.Max), show(want.Min), show(want.Max))
	}
	if ours.Pattern != want.Pattern {
		diff("pattern %q, model %q", ours.Pattern, want.Pattern)
	}
	if !slices.Equal(ours.Enum, want.Enum) {
		diff("enum %v, model %v", ours.Enum, want.Enum)
	}
	if want.Elem != nil && ours.Elem != nil {
		out = append(out, compareShapes(path+".member", ours.Elem, want.Elem, seen)...)
	}
	if want.Key != nil && ours.Key != nil {
		out = append(out, compareShapes(path+".key", ours.Key, want.Key, seen)...)
	}
	for _, wm := range want.Members {
		i := slices.IndexFunc(ours.Members, func(m awsjson.Member) bool { return m.Name == wm.Name })
		if i < 0 {
			out = append(out, shapeDiff{path + "." + wm.Name, "missing"})
			continue
		}
		om := ours.Members[i]
		if om.Required != wm.Required && !(om.RequiredWithout != "" && !wm.Required) {
			out = append(out, shapeDiff{path + "." + wm.Name, fmt.Sprintf("required %v, model %v", om.Required, wm.Required)})
		}
		out = append(out, compareShapes(path+"."+wm.Name, om.Shape, wm.Shape, seen)...)
	}
	for _, om := range ours.Members {
		if !slices.ContainsFunc(want.Members, func(m awsjson.Member) bool { return m.Name == om.Name }) {
			out = append(out, shapeDiff{path + "." + om.Name, "not in the model"})
		}
	}
	return out
}
