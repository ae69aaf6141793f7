package kinesisapi

// TagResource, UntagResource and ListTagsForResource.
//
// Behavior: the tag-on-resource forms of AddTagsToStream,
// RemoveTagsFromStream and ListTagsForStream, naming the stream by
// ResourceARN. They share the stream's tags and their limits: 50 tags per
// stream (LimitExceededException beyond), keys of 1 to 128 characters,
// values up to 256. TagResource takes 1 to 200 tags in one call, of Unicode
// letters, digits, white space and _ . : / = + - @ only
// (InvalidArgumentException otherwise). UntagResource takes 1 to 50 keys;
// absent keys are ignored. ListTagsForResource lists every tag in key order.
//
// A consumer ARN (stream/<name>/consumer/<consumer>:<time>) names the
// consumer's own tags, up to 50, as in Kinesis.
//
// Deviations: the region and account of an ARN are not checked, as for StreamARN.
// StreamId is ignored (reserved by AWS).

import (
	"context"
	"errors"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blueshift-dev/blueshift/internal/awsjson"
	"github.com/blueshift-dev/blueshift/internal/streamlog"
)

// resourceRef is what a ResourceARN names: a stream, or a consumer of it
// (registered in second created, which its ARN carries).
type resourceRef struct {
	stream, consumer string
	created          int64
}

// resource returns what a ResourceARN names.
func (a *API) resource(arn string) (resourceRef, error) {
	if arn == "" {
		return resourceRef{}, awsjson.Errorf(ValidationException, "ResourceARN is required")
	}
	if len(arn) > 2048 {
		return resourceRef{}, awsjson.Errorf(ValidationException, "ResourceARN: at most 2048 characters")
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || !strings.HasPrefix(parts[1], "aws") || parts[2] != "kinesis" ||
		!twelveDigits(parts[4]) || !strings.HasPrefix(parts[5], "stream/") {
		return resourceRef{}, awsjson.Errorf(ValidationException, "ResourceARN %q is not a Kinesis resource ARN", arn)
	}
	if _, rest, ok := strings.Cut(strings.TrimPrefix(parts[5], "stream/"), "/"); ok {
		if stream, name, created, ok := parseConsumerARN(arn); ok && strings.HasPrefix(rest, "consumer/") {
			return resourceRef{stream: stream, consumer: name, created: created}, nil
		}
		return resourceRef{}, awsjson.Errorf(ResourceNotFoundException, "Resource %s under account %s not found.", arn, a.account)
	}
	name, err := streamName("", arn)
	return resourceRef{stream: name}, err
}

// updateConsumer changes a consumer's tags or policy, in Kinesis's errors.
func (a *API) updateConsumer(ctx context.Context, r resourceRef, add map[string]string, remove []string, policy *string) error {
	err := a.sl.UpdateConsumer(ctx, r.stream, r.consumer, r.created, add, remove, policy)
	if errors.Is(err, streamlog.ErrConsumerNotFound) {
		return a.consumerNotFound(r.stream, r.consumer)
	}
	return a.fail(err)
}

func twelveDigits(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkTagLengths checks the key and value lengths every tag operation shares.
func checkTagLengths(tags map[string]string) error {
	for k, v := range tags {
		if n := utf8.RuneCountInString(k); n < 1 || n > 128 {
			return awsjson.Errorf(ValidationException, "tag key %q: want 1 to 128 characters", k)
		}
		if utf8.RuneCountInString(v) > 256 {
			return awsjson.Errorf(ValidationException, "tag value of %q: at most 256 characters", k)
		}
	}
	return nil
}

// tagCharsOK reports whether s holds only what TagResource allows: Unicode
// letters, digits, white space and _ . : / = + - @.
func tagCharsOK(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsSpace(r) && !strings.ContainsRune("_.:/=+-@", r) {
			return false
		}
	}
	return true
}

type tagResourceInput struct {
	ResourceARN string            `json:"ResourceARN"`
	Tags        map[string]string `json:"Tags"`
	StreamID    string            `json:"StreamId"`
}

func (a *API) tagResource(ctx context.Context, body []byte) (any, error) {
	var in tagResourceInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	r, err := a.resource(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	if len(in.Tags) < 1 || len(in.Tags) > 200 {
		return nil, awsjson.Errorf(ValidationException, "Tags must hold 1 to 200 tags")
	}
	if err := checkTagLengths(in.Tags); err != nil {
		return nil, err
	}
	for k, v := range in.Tags {
		if !tagCharsOK(k) || !tagCharsOK(v) {
			return nil, awsjson.Errorf(InvalidArgumentException, "tag %q: tags may only contain Unicode letters, digits, white space, or these symbols: _ . : / = + - @", k)
		}
	}
	if r.consumer != "" {
		return nil, a.updateConsumer(ctx, r, in.Tags, nil, nil)
	}
	return nil, a.fail(a.sl.AddTags(ctx, r.stream, in.Tags))
}

type untagResourceInput struct {
	ResourceARN string   `json:"ResourceARN"`
	TagKeys     []string `json:"TagKeys"`
	StreamID    string   `json:"StreamId"`
}

func (a *API) untagResource(ctx context.Context, body []byte) (any, error) {
	var in untagResourceInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	r, err := a.resource(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	if len(in.TagKeys) < 1 || len(in.TagKeys) > 50 {
		return nil, awsjson.Errorf(ValidationException, "TagKeys must hold 1 to 50 keys")
	}
	for _, k := range in.TagKeys {
		if n := utf8.RuneCountInString(k); n < 1 || n > 128 {
			return nil, awsjson.Errorf(ValidationException, "tag key %q: want 1 to 128 characters", k)
		}
	}
	if r.consumer != "" {
		return nil, a.updateConsumer(ctx, r, nil, in.TagKeys, nil)
	}
	return nil, a.fail(a.sl.RemoveTags(ctx, r.stream, in.TagKeys))
}

type listTagsForResourceInput struct {
	ResourceARN string `json:"ResourceARN"`
	StreamID    string `json:"StreamId"`
}

func (a *API) listTagsForResource(ctx context.Context, body []byte) (any, error) {
	var in listTagsForResourceInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	r, err := a.resource(in.ResourceARN)
	if err != nil {
		return nil, err
	}
	tags, err := a.resourceTags(ctx, r)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := struct {
		Tags []tag `json:"Tags"`
	}{Tags: make([]tag, 0, len(keys))}
	for _, k := range keys {
		out.Tags = append(out.Tags, tag{k, tags[k]})
	}
	return out, nil
}

// resourceTags returns the tags of a stream or a consumer.
func (a *API) resourceTags(ctx context.Context, r resourceRef) (map[string]string, error) {
	if r.consumer != "" {
		c, err := a.findConsumer(ctx, r.stream, r.consumer, r.created)
		return c.Tags, err
	}
	info, err := a.describe(ctx, r.stream)
	return info.Tags, err
}
