package kinesisapi

// RegisterStreamConsumer, DeregisterStreamConsumer, DescribeStreamConsumer
// and ListStreamConsumers: enhanced fan-out consumers.
//
// Behavior: a consumer is registered with the stream StreamARN names and
// kept durably in the stream's metadata; its ARN is
// <StreamARN>/consumer/<ConsumerName>:<creation second>, as Kinesis forms
// it. It is CREATING for the server's transition delay, then ACTIVE, and
// only an ACTIVE consumer can SubscribeToShard. Up to 20 consumers per
// stream and 5 CREATING at once (LimitExceededException); a name already
// registered is ResourceInUseException. Deregister and Describe take a
// ConsumerARN, or StreamARN and ConsumerName (InvalidArgumentException
// otherwise); an ARN of an earlier registration of the same name names no
// consumer (ResourceNotFoundException). ListStreamConsumers lists them in
// registration order, MaxResults (1-10000, default 100) at a time, with a
// NextToken. DeleteStream refuses a stream with consumers unless
// EnforceConsumerDeletion is set. DescribeStreamSummary counts them.
//
// Tags given to RegisterStreamConsumer are the consumer's own, which the
// tag operations read and change by consumer ARN.
//
// Deviations: a deregistered consumer is gone at once (Kinesis shows it
// DELETING for a while). StreamCreationTimestamp and StreamId are ignored;
// NextToken does not expire.

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

// consumer is the Consumer structure (ConsumerDescription adds StreamARN).
type consumer struct {
	ConsumerName              string       `json:"ConsumerName"`
	ConsumerARN               string       `json:"ConsumerARN"`
	ConsumerStatus            string       `json:"ConsumerStatus"`
	ConsumerCreationTimestamp epochSeconds `json:"ConsumerCreationTimestamp"`
	StreamARN                 string       `json:"StreamARN,omitempty"`
}

// consumerARN is the ARN Kinesis gives a consumer of stream registered at created.
func (a *API) consumerARN(stream, name string, created time.Time) string {
	return a.arn(stream) + "/consumer/" + name + ":" + strconv.FormatInt(created.Unix(), 10)
}

func (a *API) toConsumer(stream string, c streamlog.ConsumerInfo) consumer {
	return consumer{
		ConsumerName: c.Name, ConsumerARN: a.consumerARN(stream, c.Name, c.Created),
		ConsumerStatus: c.Status, ConsumerCreationTimestamp: epochSeconds(c.Created),
	}
}

// parseConsumerARN splits a consumer ARN (its shape already validated)
// into the stream, the consumer's name and its creation second.
func parseConsumerARN(arn string) (stream, name string, created int64, ok bool) {
	i := strings.Index(arn, ":stream/")
	if i < 0 {
		return "", "", 0, false
	}
	stream, rest, ok := strings.Cut(arn[i+len(":stream/"):], "/consumer/")
	if !ok {
		return "", "", 0, false
	}
	j := strings.LastIndexByte(rest, ':')
	if j < 0 {
		return "", "", 0, false
	}
	created, err := strconv.ParseInt(rest[j+1:], 10, 64)
	if err != nil || stream == "" || j == 0 {
		return "", "", 0, false
	}
	return stream, rest[:j], created, true
}

// consumerRef is how Deregister and Describe name a consumer.
type consumerRef struct {
	StreamARN    string `json:"StreamARN"`
	ConsumerName string `json:"ConsumerName"`
	ConsumerARN  string `json:"ConsumerARN"`
}

// resolve returns the stream and consumer ref names: by ConsumerARN, or by
// StreamARN and ConsumerName. created is 0 unless the ARN gave one.
func (r consumerRef) resolve() (stream, name string, created int64, err error) {
	if r.ConsumerARN != "" {
		stream, name, created, ok := parseConsumerARN(r.ConsumerARN)
		if !ok {
			return "", "", 0, awsjson.Errorf(InvalidArgumentException, "ConsumerARN %s is not a consumer ARN", r.ConsumerARN)
		}
		return stream, name, created, nil
	}
	if r.StreamARN == "" || r.ConsumerName == "" {
		// Kinesis's text (observed; its API reference: "you must provide
		// either the consumer's ARN or the name of the consumer and the
		// ARN of the stream").
		return "", "", 0, awsjson.Errorf(InvalidArgumentException,
			"Either ConsumerARN or both ConsumerName and StreamARN must be provided.")
	}
	stream, err = streamName("", r.StreamARN)
	return stream, r.ConsumerName, 0, err
}

// findConsumer returns the consumer of stream named name (registered in
// second created, unless 0), or Kinesis's ResourceNotFoundException.
func (a *API) findConsumer(ctx context.Context, stream, name string, created int64) (streamlog.ConsumerInfo, error) {
	info, err := a.describe(ctx, stream)
	if err != nil {
		return streamlog.ConsumerInfo{}, err
	}
	for _, c := range info.Consumers {
		if c.Name == name && (created == 0 || c.Created.Unix() == created) {
			return c, nil
		}
	}
	return streamlog.ConsumerInfo{}, a.consumerNotFound(stream, name)
}

func (a *API) consumerNotFound(stream, name string) error {
	return awsjson.Errorf(ResourceNotFoundException, "Consumer %s under stream %s under account %s not found.", name, stream, a.account)
}

type registerStreamConsumerInput struct {
	StreamARN    string            `json:"StreamARN"`
	ConsumerName string            `json:"ConsumerName"`
	Tags         map[string]string `json:"Tags"`
}

func (a *API) registerStreamConsumer(ctx context.Context, body []byte) (any, error) {
	var in registerStreamConsumerInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	stream, err := streamName("", in.StreamARN)
	if err != nil {
		return nil, err
	}
	for k, v := range in.Tags {
		if !tagCharsOK(k) || !tagCharsOK(v) {
			return nil, awsjson.Errorf(InvalidArgumentException, "tag %q: tags may only contain Unicode letters, digits, white space, or these symbols: _ . : / = + - @", k)
		}
	}
	c, err := a.sl.RegisterConsumer(ctx, stream, in.ConsumerName, in.Tags)
	switch {
	case errors.Is(err, streamlog.ErrConsumerExists):
		return nil, awsjson.Errorf(ResourceInUseException, "Consumer %s under stream %s already exists for account %s.", in.ConsumerName, stream, a.account)
	case err != nil:
		return nil, a.fail(err)
	}
	a.log.Info("stream consumer registered", "stream", stream, "consumer", in.ConsumerName)
	return struct {
		Consumer consumer `json:"Consumer"`
	}{a.toConsumer(stream, c)}, nil
}

func (a *API) deregisterStreamConsumer(ctx context.Context, body []byte) (any, error) {
	var in consumerRef
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	stream, name, created, err := in.resolve()
	if err != nil {
		return nil, err
	}
	err = a.sl.DeregisterConsumer(ctx, stream, name, created)
	if errors.Is(err, streamlog.ErrConsumerNotFound) {
		return nil, a.consumerNotFound(stream, name)
	}
	if err != nil {
		return nil, a.fail(err)
	}
	a.log.Info("stream consumer deregistered", "stream", stream, "consumer", name)
	return nil, nil
}

func (a *API) describeStreamConsumer(ctx context.Context, body []byte) (any, error) {
	var in consumerRef
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	stream, name, created, err := in.resolve()
	if err != nil {
		return nil, err
	}
	c, err := a.findConsumer(ctx, stream, name, created)
	if err != nil {
		return nil, err
	}
	out := a.toConsumer(stream, c)
	out.StreamARN = a.arn(stream)
	return struct {
		ConsumerDescription consumer `json:"ConsumerDescription"`
	}{out}, nil
}

type listStreamConsumersInput struct {
	StreamARN  string `json:"StreamARN"`
	NextToken  string `json:"NextToken"`
	MaxResults *int   `json:"MaxResults"`
}

func (a *API) listStreamConsumers(ctx context.Context, body []byte) (any, error) {
	var in listStreamConsumersInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	stream, err := streamName("", in.StreamARN)
	if err != nil {
		return nil, err
	}
	limit := 100
	if in.MaxResults != nil {
		limit = *in.MaxResults
	}
	start := 0
	if in.NextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(in.NextToken)
		n, perr := strconv.Atoi(string(b))
		if err != nil || perr != nil || n < 0 {
			return nil, awsjson.Errorf(InvalidArgumentException, "Invalid NextToken.")
		}
		start = n
	}
	info, err := a.describe(ctx, stream)
	if err != nil {
		return nil, err
	}
	out := struct {
		Consumers []consumer `json:"Consumers"`
		NextToken string     `json:"NextToken,omitempty"`
	}{Consumers: []consumer{}}
	for i := start; i < len(info.Consumers) && len(out.Consumers) < limit; i++ {
		out.Consumers = append(out.Consumers, a.toConsumer(stream, info.Consumers[i]))
	}
	if end := start + len(out.Consumers); end < len(info.Consumers) {
		out.NextToken = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
	}
	return out, nil
}
