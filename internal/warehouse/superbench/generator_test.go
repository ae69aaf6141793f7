package superbench

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"
)

// attr is a DynamoDB attribute value in the change record's JSON form.
type attr map[string]any

func s(v string) attr { return attr{"S": v} }

// n writes a number as a string, as real DynamoDB change records do.
func n(v string) attr { return attr{"N": v} }

// transaction is one live item of the generator's imaginary table.
type transaction struct {
	pk, sk     string
	customer   string
	completion time.Time
	percent    string
	amount     int
	max        int
	provider   string
	dependents []string
}

// generator produces DynamoDB change records shaped like sample-record.json
// for an imaginary table of customer transactions: INSERTs of new items
// with a few dependents each, MODIFYs that carry only some attributes (a
// partial NewImage), and REMOVEs. It is deterministic for a seed and not
// safe for concurrent use.
type generator struct {
	rnd  *rand.Rand
	now  func() time.Time
	live []*transaction
	seq  int
}

// newGenerator returns a generator seeded with seed; now stamps the records.
func newGenerator(seed uint64, now func() time.Time) *generator {
	return &generator{rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), now: now}
}

// changeRecord is one change record and the partition key to put it under.
type changeRecord struct {
	PartitionKey string
	Event        string // INSERT, MODIFY, REMOVE
	Data         []byte
}

var providers = []string{"PV-123", "PV-456", "PV-789", "PV-321"}

// Next returns the next change record.
func (g *generator) Next() changeRecord {
	r := g.rnd.Float64()
	switch {
	case len(g.live) == 0 || r < 0.5:
		return g.insert()
	case r < 0.85:
		return g.modify()
	default:
		return g.remove()
	}
}

func (g *generator) insert() changeRecord {
	g.seq++
	now := g.now().UTC()
	cust := fmt.Sprintf("CUST_%03d", 100+g.rnd.IntN(900))
	t := &transaction{
		customer:   cust,
		completion: now.Truncate(time.Second),
		percent:    fmt.Sprintf("%d.%02d", 10+g.rnd.IntN(80), g.rnd.IntN(4)*25),
		amount:     100 * (1 + g.rnd.IntN(30)),
		max:        1000 * (1 + g.rnd.IntN(5)),
		provider:   providers[g.rnd.IntN(len(providers))],
	}
	t.pk = "CUSTOMER#" + cust
	t.sk = fmt.Sprintf("TRANSACTION#%s#CUST_%03d", t.completion.Format(time.RFC3339), g.seq%1000)
	for i, k := 0, 1+g.rnd.IntN(3); i < k; i++ {
		t.dependents = append(t.dependents, fmt.Sprintf("CUSTOMER#%s#CUST_%03d", t.completion.Format(time.RFC3339), 100+g.rnd.IntN(900)))
	}
	g.live = append(g.live, t)
	return g.record("INSERT", t, t.image(nil), nil)
}

func (g *generator) modify() changeRecord {
	t := g.live[g.rnd.IntN(len(g.live))]
	old := t.image(nil)
	// A partial update: the provider changes, and the image carries only
	// some of the other attributes.
	t.provider = providers[g.rnd.IntN(len(providers))]
	drop := map[string]bool{}
	for _, k := range []string{"OutofPockAmount", "OutofPockPercent", "calculationRequirements"} {
		if g.rnd.IntN(2) == 0 {
			drop[k] = true
		}
	}
	return g.record("MODIFY", t, t.image(drop), old)
}

func (g *generator) remove() changeRecord {
	i := g.rnd.IntN(len(g.live))
	t := g.live[i]
	g.live = append(g.live[:i], g.live[i+1:]...)
	return g.record("REMOVE", t, nil, t.image(nil))
}

// image is the item's attributes, without those in drop.
func (t *transaction) image(drop map[string]bool) map[string]attr {
	deps := make([]any, len(t.dependents))
	for i, d := range t.dependents {
		deps[i] = attr{"M": map[string]attr{"sk": s(d), "pk": s(t.pk)}}
	}
	img := map[string]attr{
		"completionDateTime":      s(t.completion.Format(time.RFC3339)),
		"OutofPockPercent":        n(t.percent),
		"calculationRequirements": {"M": map[string]attr{"dependentIds": {"L": deps}}},
		"Event":                   s("SAMPLE"),
		"Provider":                s(t.provider),
		"OutofPockAmount":         n(fmt.Sprint(t.amount)),
		"lastCalculationDateTime": s(t.completion.Truncate(24 * time.Hour).Format(time.RFC3339)),
		"sk":                      s(t.sk),
		"OutofPockMax":            n(fmt.Sprint(t.max)),
		"pk":                      s(t.pk),
	}
	for k := range drop {
		delete(img, k)
	}
	return img
}

func (g *generator) record(event string, t *transaction, newImage, oldImage map[string]attr) changeRecord {
	ddb := map[string]any{
		"ApproximateCreationDateTime": g.now().UnixMilli(),
		"Keys":                        map[string]attr{"pk": s(t.pk), "sk": s(t.sk)},
	}
	if newImage != nil {
		ddb["NewImage"] = newImage
	}
	if oldImage != nil {
		ddb["OldImage"] = oldImage
	}
	rec := map[string]any{
		"awsRegion":    "us-east-1",
		"eventID":      g.uuid(),
		"eventName":    event,
		"userIdentity": nil,
		"recordFormat": "application/json",
		"tableName":    "sample-dynamoDB",
		"dynamodb":     ddb,
		"eventSource":  "aws:dynamodb",
	}
	b, err := json.Marshal(rec)
	if err != nil {
		panic(err) // maps of strings and numbers always marshal
	}
	ddb["SizeBytes"] = len(b) / 2
	b, _ = json.Marshal(rec)
	return changeRecord{PartitionKey: t.pk, Event: event, Data: b}
}

func (g *generator) uuid() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.rnd.IntN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Live returns the sort keys of the items that exist now, sorted.
func (g *generator) Live() []string {
	out := make([]string, len(g.live))
	for i, t := range g.live {
		out[i] = t.sk
	}
	sort.Strings(out)
	return out
}
