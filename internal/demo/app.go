package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// The application: what a real service writing customer transactions to
// DynamoDB would do, through the AWS SDK. Its table's changes reach the
// warehouse only through the table's Kinesis streaming destination.

// TableName is the application's DynamoDB table.
const TableName = "demo-customer-transactions"

// AppOptions configure an App.
type AppOptions struct {
	// Customers is the key space: items go under CUSTOMER#CUST_1 ..
	// CUSTOMER#CUST_<Customers>. Zero means 50.
	Customers int
	// Live caps the transactions the application keeps; at the cap a new
	// transaction replaces a delete. Zero means 2000.
	Live int
	// Workers is how many goroutines write at once; each owns the
	// customers whose number is its index modulo Workers, so one item's
	// changes are issued in order. Zero means 4.
	Workers int
	// Seed seeds the choices (not the timestamps in the keys).
	Seed uint64
	// OnAck, when set, is called after each acknowledged write with the
	// keys it changed (pk, sk) and when the acknowledgement arrived.
	OnAck func(keys [][2]string, at time.Time)
}

// App writes customer transactions to TableName through the DynamoDB API.
type App struct {
	db *dynamodb.Client
	o  AppOptions
	// Writes counts acknowledged item changes (a transaction of three
	// items counts three).
	Writes atomic.Int64
}

// NewApp returns an application writing through db.
func NewApp(db *dynamodb.Client, o AppOptions) *App {
	if o.Customers <= 0 {
		o.Customers = 50
	}
	if o.Live <= 0 {
		o.Live = 2000
	}
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.Workers > o.Customers {
		o.Workers = o.Customers
	}
	return &App{db: db, o: o}
}

// Setup creates the table when it does not exist and enables its Kinesis
// streaming destination on the stream named stream (whose ARN is
// streamARN), as an application's infrastructure code would. It reports
// whether the table was created now.
func (a *App) Setup(ctx context.Context, streamARN string) (bool, error) {
	_, err := a.db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(TableName)})
	var nf *types.ResourceNotFoundException
	switch {
	case err == nil:
		return false, nil
	case !errors.As(err, &nf):
		return false, fmt.Errorf("demo: describe table: %w", err)
	}
	_, err = a.db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String(TableName),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange},
		},
		BillingMode: types.BillingModePayPerRequest,
	})
	if err != nil {
		return false, fmt.Errorf("demo: create table: %w", err)
	}
	w := dynamodb.NewTableExistsWaiter(a.db, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 50*time.Millisecond, 500*time.Millisecond
	})
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(TableName)}, time.Minute); err != nil {
		return false, fmt.Errorf("demo: table did not become active: %w", err)
	}
	if _, err := a.db.EnableKinesisStreamingDestination(ctx, &dynamodb.EnableKinesisStreamingDestinationInput{
		TableName: aws.String(TableName), StreamArn: aws.String(streamARN),
	}); err != nil {
		return false, fmt.Errorf("demo: enable kinesis streaming destination: %w", err)
	}
	return true, nil
}

// Run writes changes at rate item changes per second (spread over the
// workers) until ctx ends or max changes were acknowledged (max <= 0: no
// limit). It first reads the table's existing keys, so a second run
// updates and deletes what the first wrote. It returns nil when ctx ends.
func (a *App) Run(ctx context.Context, rate float64, max int64) error {
	live, err := a.existing(ctx)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, a.o.Workers)
	var wg sync.WaitGroup
	for w := 0; w < a.o.Workers; w++ {
		wk := &worker{app: a, id: w, rnd: rand.New(rand.NewPCG(a.o.Seed, uint64(w)+1)), live: live[w]}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := wk.run(ctx, rate/float64(a.o.Workers), max, cancel); err != nil && ctx.Err() == nil {
				errc <- err
				cancel()
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errc:
		return err
	default:
		return nil
	}
}

// existing scans the table's keys and deals them to the workers.
func (a *App) existing(ctx context.Context) ([][]item, error) {
	live := make([][]item, a.o.Workers)
	p := dynamodb.NewScanPaginator(a.db, &dynamodb.ScanInput{TableName: aws.String(TableName), ProjectionExpression: aws.String("pk, sk")})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("demo: scan existing items: %w", err)
		}
		for _, it := range page.Items {
			pk, _ := it["pk"].(*types.AttributeValueMemberS)
			sk, _ := it["sk"].(*types.AttributeValueMemberS)
			if pk == nil || sk == nil {
				continue
			}
			var cust int
			if _, err := fmt.Sscanf(pk.Value, "CUSTOMER#CUST_%d", &cust); err != nil {
				continue
			}
			w := cust % a.o.Workers
			live[w] = append(live[w], item{pk: pk.Value, sk: sk.Value, cust: cust})
		}
	}
	return live, nil
}

// item is a key the application knows to exist.
type item struct {
	pk, sk string
	cust   int
}

// worker writes the changes of the customers it owns.
type worker struct {
	app  *App
	id   int
	rnd  *rand.Rand
	live []item
	seq  int
}

var providers = []string{"PV-123", "PV-456", "PV-789", "PV-321"}

func (w *worker) run(ctx context.Context, rate float64, max int64, stop func()) error {
	if rate <= 0 {
		rate = 1
	}
	interval := time.Duration(float64(time.Second) / rate)
	next := time.Now()
	for {
		if max > 0 && w.app.Writes.Load() >= max {
			stop()
			return nil
		}
		if d := time.Until(next); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil
			case <-t.C:
			}
		} else if ctx.Err() != nil {
			return nil
		}
		// A write in flight when ctx ends is finished, not cut off: the
		// application stops between writes.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		n, err := w.step(rctx)
		cancel()
		if err != nil {
			return err
		}
		next = next.Add(time.Duration(n) * interval)
		if behind := time.Since(next); behind > time.Second {
			next = time.Now() // do not burst to catch up after a stall
		}
	}
}

// customer picks one of the worker's customers.
func (w *worker) customer() int {
	per := (w.app.o.Customers - w.id + w.app.o.Workers - 1) / w.app.o.Workers
	return w.id + w.app.o.Workers*w.rnd.IntN(per)
}

// step makes one write and returns how many item changes it made.
func (w *worker) step(ctx context.Context) (int, error) {
	maxLive := w.app.o.Live / w.app.o.Workers
	r := w.rnd.Float64()
	switch {
	case len(w.live) == 0 || (r < 0.40 && len(w.live) < maxLive):
		return w.put(ctx)
	case r < 0.40 || r < 0.50:
		return w.delete(ctx)
	case r < 0.80:
		return w.update(ctx)
	case r < 0.88:
		return w.removeAttr(ctx)
	default:
		return w.transact(ctx)
	}
}

func (w *worker) ack(keys ...item) {
	at := time.Now()
	w.app.Writes.Add(int64(len(keys)))
	if w.app.o.OnAck != nil {
		ks := make([][2]string, len(keys))
		for i, k := range keys {
			ks[i] = [2]string{k.pk, k.sk}
		}
		w.app.o.OnAck(ks, at)
	}
}

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func n(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }

// newItem makes a transaction shaped like sample-record.json's NewImage.
func (w *worker) newItem() (item, map[string]types.AttributeValue) {
	w.seq++
	cust := w.customer()
	now := time.Now().UTC()
	when := now.Format("2006-01-02T15:04:05Z")
	it := item{
		pk:   fmt.Sprintf("CUSTOMER#CUST_%d", cust),
		sk:   fmt.Sprintf("TRANSACTION#%s#TXN_%d_%d_%d", when, now.UnixNano()%1_000_000_000, w.id, w.seq),
		cust: cust,
	}
	deps := make([]types.AttributeValue, 1+w.rnd.IntN(3))
	for i := range deps {
		deps[i] = &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"pk": s(it.pk),
			"sk": s(fmt.Sprintf("CUSTOMER#%s#CUST_%d", when, 1+w.rnd.IntN(1000))),
		}}
	}
	return it, map[string]types.AttributeValue{
		"pk":                 s(it.pk),
		"sk":                 s(it.sk),
		"completionDateTime": s(when),
		"OutofPockPercent":   n(w.percent()),
		"OutofPockAmount":    n(strconv.Itoa(100 * (1 + w.rnd.IntN(30)))),
		"OutofPockMax":       n(strconv.Itoa(1000 * (1 + w.rnd.IntN(5)))),
		"Provider":           s(providers[w.rnd.IntN(len(providers))]),
		"calculationRequirements": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"dependentIds": &types.AttributeValueMemberL{Value: deps},
		}},
		"Event":                   s("TRANSACTION"),
		"lastCalculationDateTime": s(now.Format(time.RFC3339)),
	}
}

func (w *worker) percent() string {
	return fmt.Sprintf("%d.%02d", 10+w.rnd.IntN(80), w.rnd.IntN(4)*25)
}

func key(it item) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": s(it.pk), "sk": s(it.sk)}
}

func (w *worker) pick() (int, item) {
	i := w.rnd.IntN(len(w.live))
	return i, w.live[i]
}

func (w *worker) put(ctx context.Context) (int, error) {
	it, av := w.newItem()
	if _, err := w.app.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(TableName), Item: av}); err != nil {
		return 0, fmt.Errorf("demo: put item: %w", err)
	}
	w.live = append(w.live, it)
	w.ack(it)
	return 1, nil
}

func (w *worker) delete(ctx context.Context) (int, error) {
	i, it := w.pick()
	if _, err := w.app.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(TableName), Key: key(it)}); err != nil {
		return 0, fmt.Errorf("demo: delete item: %w", err)
	}
	w.live[i] = w.live[len(w.live)-1]
	w.live = w.live[:len(w.live)-1]
	w.ack(it)
	return 1, nil
}

// updateInput sets some attributes of it (recalculating the amounts, as
// the article's application does), or, with provider, a new provider.
func (w *worker) updateInput(it item) *dynamodb.UpdateItemInput {
	now := time.Now().UTC().Format(time.RFC3339)
	in := &dynamodb.UpdateItemInput{TableName: aws.String(TableName), Key: key(it),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pc": n(w.percent()), ":amt": n(strconv.Itoa(100 * (1 + w.rnd.IntN(30)))), ":t": s(now)}}
	expr := "SET OutofPockPercent = :pc, OutofPockAmount = :amt, lastCalculationDateTime = :t"
	if w.rnd.IntN(3) == 0 {
		expr += ", Provider = :pv"
		in.ExpressionAttributeValues[":pv"] = s(providers[w.rnd.IntN(len(providers))])
	}
	in.UpdateExpression = aws.String(expr)
	return in
}

func (w *worker) update(ctx context.Context) (int, error) {
	_, it := w.pick()
	if _, err := w.app.db.UpdateItem(ctx, w.updateInput(it)); err != nil {
		return 0, fmt.Errorf("demo: update item: %w", err)
	}
	w.ack(it)
	return 1, nil
}

// removeAttr removes the provider or the maximum from an item.
func (w *worker) removeAttr(ctx context.Context) (int, error) {
	_, it := w.pick()
	attr := "Provider"
	if w.rnd.IntN(2) == 0 {
		attr = "OutofPockMax"
	}
	if _, err := w.app.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(TableName), Key: key(it),
		UpdateExpression: aws.String("REMOVE " + attr)}); err != nil {
		return 0, fmt.Errorf("demo: update item (remove): %w", err)
	}
	w.ack(it)
	return 1, nil
}

// transact puts a new transaction and updates an existing one of the same
// worker in one TransactWriteItems call.
func (w *worker) transact(ctx context.Context) (int, error) {
	_, old := w.pick()
	it, av := w.newItem()
	up := w.updateInput(old)
	if _, err := w.app.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String(TableName), Item: av}},
		{Update: &types.Update{TableName: up.TableName, Key: up.Key, UpdateExpression: up.UpdateExpression,
			ExpressionAttributeValues: up.ExpressionAttributeValues}},
	}}); err != nil {
		return 0, fmt.Errorf("demo: transact write items: %w", err)
	}
	w.live = append(w.live, it)
	w.ack(it, old)
	return 2, nil
}
