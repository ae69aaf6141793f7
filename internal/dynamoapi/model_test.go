package dynamoapi_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/dynamoapi"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
	"github.com/blueshift-dev/blueshift/internal/tables"
	"github.com/blueshift-dev/blueshift/internal/testserver"
)

// inProcess serves the API from this process over loopback HTTP, for
// tests that make many calls.
func inProcess(t *testing.T) *dynamodb.Client {
	sl, err := streamlog.Open(t.TempDir(), streamlog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := tables.Open(sl, tables.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := awsjson.NewServer(nil, nil)
	srv.Register(dynamoapi.New(st, dynamoapi.Options{}).Service())
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); _ = sl.Close() })
	return testserver.DynamoDBClient(strings.TrimPrefix(hs.URL, "http://"), 4)
}

// modelItem is the model's item: key pk/sk, a number a, optional index keys
// g (GSI byG) and l (LSI byL).
type modelItem struct {
	pk    string
	sk    int
	a     int
	g     string // "" when absent
	l     int
	hasL  bool
	write int // which step wrote it last
}

func (m modelItem) attrs() map[string]av {
	out := map[string]av{"pk": s(m.pk), "sk": n(fmt.Sprint(m.sk)), "a": n(fmt.Sprint(m.a)), "w": n(fmt.Sprint(m.write))}
	if m.g != "" {
		out["g"] = s(m.g)
	}
	if m.hasL {
		out["l"] = n(fmt.Sprint(m.l))
	}
	return out
}

func (m modelItem) String() string {
	return fmt.Sprintf("%s/%d a=%d g=%q l=%v:%d w=%d", m.pk, m.sk, m.a, m.g, m.hasL, m.l, m.write)
}

func fromAttrs(it map[string]av) modelItem {
	num := func(v av) int {
		var x int
		fmt.Sscan(v.(*types.AttributeValueMemberN).Value, &x)
		return x
	}
	m := modelItem{pk: it["pk"].(*types.AttributeValueMemberS).Value, sk: num(it["sk"]), a: num(it["a"]), write: num(it["w"])}
	if g, ok := it["g"]; ok {
		m.g = g.(*types.AttributeValueMemberS).Value
	}
	if l, ok := it["l"]; ok {
		m.l, m.hasL = num(l), true
	}
	return m
}

type mkey struct {
	pk string
	sk int
}

// TestModel runs random puts, conditional updates and deletes, and
// transactions against the API and against an in-memory model, and after
// every step compares every partition of the table and every partition of
// each index (GSI and LSI), in order.
func TestModel(t *testing.T) {
	c := inProcess(t)
	ctx := context.Background()
	newTable(t, c, "model")
	rng := rand.New(rand.NewPCG(1, uint64(len(t.Name()))))
	model := map[mkey]modelItem{}
	pks := []string{"p0", "p1", "p2"}
	gs := []string{"", "ga", "gb"}
	randKey := func() mkey { return mkey{pks[rng.IntN(len(pks))], rng.IntN(6) - 2} }
	randItem := func(k mkey, step int) modelItem {
		m := modelItem{pk: k.pk, sk: k.sk, a: rng.IntN(5), g: gs[rng.IntN(len(gs))], write: step}
		if rng.IntN(2) == 0 {
			m.l, m.hasL = rng.IntN(10)-5, true
		}
		return m
	}
	keyAttrs := func(k mkey) map[string]av { return map[string]av{"pk": s(k.pk), "sk": n(fmt.Sprint(k.sk))} }
	isCCF := func(err error) bool {
		var e *types.ConditionalCheckFailedException
		return errors.As(err, &e)
	}
	steps := 400
	if testing.Short() {
		steps = 100
	}
	for step := 1; step <= steps; step++ {
		k := randKey()
		cur, exists := model[k]
		var desc string
		switch op := rng.IntN(5); op {
		case 0: // put, maybe only if absent
			m := randItem(k, step)
			cond := rng.IntN(2) == 0
			in := &dynamodb.PutItemInput{TableName: aws.String("model"), Item: m.attrs()}
			if cond {
				in.ConditionExpression = aws.String("attribute_not_exists(pk)")
			}
			_, err := c.PutItem(ctx, in)
			desc = fmt.Sprintf("put %v cond=%v", m, cond)
			switch {
			case cond && exists:
				if !isCCF(err) {
					t.Fatalf("step %d %s: %v, want a failed condition", step, desc, err)
				}
			case err != nil:
				t.Fatalf("step %d %s: %v", step, desc, err)
			default:
				model[k] = m
			}
		case 1: // update a = a + d if a = v (or unconditional, creating)
			d := rng.IntN(3) + 1
			v := rng.IntN(5)
			cond := rng.IntN(2) == 0
			in := &dynamodb.UpdateItemInput{TableName: aws.String("model"), Key: keyAttrs(k),
				UpdateExpression:          aws.String("SET a = if_not_exists(a, :z) + :d, w = :w"),
				ExpressionAttributeValues: map[string]av{":z": n("0"), ":d": n(fmt.Sprint(d)), ":w": n(fmt.Sprint(step))}}
			if cond {
				in.ConditionExpression = aws.String("a = :v")
				in.ExpressionAttributeValues[":v"] = n(fmt.Sprint(v))
			}
			_, err := c.UpdateItem(ctx, in)
			desc = fmt.Sprintf("update %v +%d if a=%d (%v)", k, d, v, cond)
			ok := !cond || (exists && cur.a == v)
			switch {
			case !ok:
				if !isCCF(err) {
					t.Fatalf("step %d %s: %v, want a failed condition", step, desc, err)
				}
			case err != nil:
				t.Fatalf("step %d %s: %v", step, desc, err)
			default:
				if !exists {
					cur = modelItem{pk: k.pk, sk: k.sk}
				}
				cur.a += d
				cur.write = step
				model[k] = cur
			}
		case 2: // delete if g = :g (or unconditional)
			cond := rng.IntN(2) == 0
			g := gs[1+rng.IntN(2)]
			in := &dynamodb.DeleteItemInput{TableName: aws.String("model"), Key: keyAttrs(k)}
			if cond {
				in.ConditionExpression = aws.String("g = :g")
				in.ExpressionAttributeValues = map[string]av{":g": s(g)}
			}
			_, err := c.DeleteItem(ctx, in)
			desc = fmt.Sprintf("delete %v if g=%s (%v)", k, g, cond)
			if cond && !(exists && cur.g == g) {
				if !isCCF(err) {
					t.Fatalf("step %d %s: %v, want a failed condition", step, desc, err)
				}
			} else if err != nil {
				t.Fatalf("step %d %s: %v", step, desc, err)
			} else {
				delete(model, k)
			}
		default: // a transaction of 2-3 actions on distinct keys
			keys := map[mkey]bool{}
			var acts []types.TransactWriteItem
			var apply []func()
			allOK := true
			for len(keys) < 2+rng.IntN(2) {
				tk := randKey()
				if keys[tk] {
					continue
				}
				keys[tk] = true
				tcur, texists := model[tk]
				switch rng.IntN(3) {
				case 0:
					m := randItem(tk, step)
					acts = append(acts, types.TransactWriteItem{Put: &types.Put{TableName: aws.String("model"), Item: m.attrs()}})
					apply = append(apply, func() { model[tk] = m })
				case 1:
					acts = append(acts, types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String("model"), Key: keyAttrs(tk)}})
					apply = append(apply, func() { delete(model, tk) })
				default:
					v := rng.IntN(5)
					acts = append(acts, types.TransactWriteItem{Update: &types.Update{TableName: aws.String("model"), Key: keyAttrs(tk),
						UpdateExpression: aws.String("SET a = a + :one, w = :w"), ConditionExpression: aws.String("a >= :v"),
						ExpressionAttributeValues: map[string]av{":one": n("1"), ":v": n(fmt.Sprint(v)), ":w": n(fmt.Sprint(step))}}})
					if !(texists && tcur.a >= v) {
						allOK = false
					}
					apply = append(apply, func() { tcur.a++; tcur.write = step; model[tk] = tcur })
				}
			}
			_, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: acts})
			desc = fmt.Sprintf("transaction of %d (ok=%v)", len(acts), allOK)
			var tce *types.TransactionCanceledException
			switch {
			case !allOK:
				if !errors.As(err, &tce) {
					t.Fatalf("step %d %s: %v, want TransactionCanceledException", step, desc, err)
				}
			case err != nil:
				t.Fatalf("step %d %s: %v", step, desc, err)
			default:
				for _, f := range apply {
					f()
				}
			}
		}
		compareModel(t, ctx, c, model, step, desc, pks, gs)
	}
}

func compareModel(t *testing.T, ctx context.Context, c *dynamodb.Client, model map[mkey]modelItem, step int, desc string, pks, gs []string) {
	t.Helper()
	query := func(index, name string, val av) []string {
		in := &dynamodb.QueryInput{TableName: aws.String("model"), KeyConditionExpression: aws.String("#k = :v"),
			ExpressionAttributeNames: map[string]string{"#k": name}, ExpressionAttributeValues: map[string]av{":v": val}}
		if index != "" {
			in.IndexName = aws.String(index)
		}
		out, err := c.Query(ctx, in)
		if err != nil {
			t.Fatalf("step %d: query %s: %v", step, index, err)
		}
		var got []string
		for _, it := range out.Items {
			if index == "byL" { // KEYS_ONLY: pk, sk, l
				got = append(got, fmt.Sprintf("%s/%s l=%s", it["pk"].(*types.AttributeValueMemberS).Value, it["sk"].(*types.AttributeValueMemberN).Value, it["l"].(*types.AttributeValueMemberN).Value))
				continue
			}
			got = append(got, fromAttrs(it).String())
		}
		return got
	}
	var all []modelItem
	for _, m := range model {
		all = append(all, m)
	}
	for _, pk := range pks {
		var want []string
		var wantL []modelItem
		for _, m := range all {
			if m.pk == pk {
				want = append(want, m.String())
				if m.hasL {
					wantL = append(wantL, m)
				}
			}
		}
		sortBy(all, want, func(a, b modelItem) bool { return a.sk < b.sk })
		if got := query("", "pk", s(pk)); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("step %d after %s: partition %s\n got %v\nwant %v", step, desc, pk, got, want)
		}
		sort.Slice(wantL, func(i, j int) bool {
			if wantL[i].l != wantL[j].l {
				return wantL[i].l < wantL[j].l
			}
			return wantL[i].sk < wantL[j].sk
		})
		var wl []string
		for _, m := range wantL {
			wl = append(wl, fmt.Sprintf("%s/%d l=%d", m.pk, m.sk, m.l))
		}
		if got := query("byL", "pk", s(pk)); fmt.Sprint(got) != fmt.Sprint(wl) {
			t.Fatalf("step %d after %s: LSI partition %s\n got %v\nwant %v", step, desc, pk, got, wl)
		}
	}
	for _, g := range gs[1:] {
		var in []modelItem
		for _, m := range all {
			if m.g == g {
				in = append(in, m)
			}
		}
		sort.Slice(in, func(i, j int) bool {
			if in[i].sk != in[j].sk {
				return in[i].sk < in[j].sk
			}
			return in[i].pk < in[j].pk // GSI entries with equal keys, in table-key order
		})
		var want []string
		for _, m := range in {
			want = append(want, m.String())
		}
		if got := query("byG", "g", s(g)); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("step %d after %s: GSI partition %s\n got %v\nwant %v", step, desc, g, got, want)
		}
	}
}

// sortBy sorts want (the String of each of all's items in one partition)
// by less over the items.
func sortBy(all []modelItem, want []string, less func(a, b modelItem) bool) {
	idx := map[string]modelItem{}
	for _, m := range all {
		idx[m.String()] = m
	}
	sort.Slice(want, func(i, j int) bool { return less(idx[want[i]], idx[want[j]]) })
}
