package awsjson

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// CBORCodec translates a service's application/x-amz-cbor-1.1 bodies (the
// AWS SDK for Java v1, the KCL and the KPL send CBOR by default) to and
// from the JSON its handlers speak. Requests translate without a model:
// byte strings become base64 strings and timestamps (tag 1) seconds since
// the epoch. Responses need to know which JSON members hold blobs (base64)
// and timestamps, which the codec is told by member name. Timestamps are
// written as the AWS SDKs write them: tag 1 over epoch milliseconds.
type CBORCodec struct {
	// Blobs and Timestamps name the response members (in any operation)
	// whose JSON strings are base64 blobs and whose numbers are epoch
	// seconds.
	Blobs, Timestamps map[string]bool
}

var (
	cborDec, _ = cbor.DecOptions{
		MaxNestedLevels:  32,
		MaxArrayElements: 1 << 16,
		MaxMapPairs:      1 << 16,
		DefaultMapType:   nil,
		IntDec:           cbor.IntDecConvertSigned,
		TimeTag:          cbor.DecTagOptional,
	}.DecMode()
	cborEnc, _ = cbor.EncOptions{}.EncMode()
)

// toJSON translates a CBOR request body to JSON.
func (c *CBORCodec) toJSON(body []byte, op string) ([]byte, error) {
	var v any
	if err := cborDec.Unmarshal(body, &v); err != nil {
		return nil, fmt.Errorf("cbor %s: %w", op, err)
	}
	j, err := cborToJSON(v)
	if err != nil {
		return nil, err
	}
	if _, ok := j.(map[string]any); !ok {
		return nil, fmt.Errorf("cbor %s: body is not a map", op)
	}
	return json.Marshal(j)
}

func cborToJSON(v any) (any, error) {
	switch x := v.(type) {
	case nil, bool, string, int64, uint64:
		return x, nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("cbor: non-finite number")
		}
		return x, nil
	case float32:
		return cborToJSON(float64(x))
	case []byte:
		return base64.StdEncoding.EncodeToString(x), nil
	case time.Time:
		// The AWS SDKs write tag 1 over epoch milliseconds; a standard
		// epoch-seconds tag reads as a year past 9999 only if it was in
		// fact milliseconds.
		ms := x.UnixMilli()
		if x.Year() > 9999 {
			ms = x.Unix()
		}
		return json.Number(strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)), nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			var err error
			if out[i], err = cborToJSON(e); err != nil {
				return nil, err
			}
		}
		return out, nil
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			ks, ok := k.(string)
			if !ok {
				return nil, fmt.Errorf("cbor: map key %T is not a string", k)
			}
			var err error
			if out[ks], err = cborToJSON(e); err != nil {
				return nil, err
			}
		}
		return out, nil
	case cbor.Tag:
		if x.Number == 1 {
			return cborToJSON(x.Content)
		}
	}
	return nil, fmt.Errorf("cbor: unsupported value %T", v)
}

// fromJSON translates a JSON response body to CBOR.
func (c *CBORCodec) fromJSON(body []byte, op string) ([]byte, error) {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("cbor %s: response: %w", op, err)
	}
	out, err := c.jsonToCBOR(v, "")
	if err != nil {
		return nil, err
	}
	return cborEnc.Marshal(out)
}

func (c *CBORCodec) jsonToCBOR(v any, member string) (any, error) {
	switch x := v.(type) {
	case string:
		if c.Blobs[member] {
			return base64.StdEncoding.DecodeString(x)
		}
		return x, nil
	case json.Number:
		if c.Timestamps[member] {
			f, err := x.Float64()
			if err != nil {
				return nil, err
			}
			return cbor.Tag{Number: 1, Content: int64(math.Round(f * 1000))}, nil
		}
		if i, err := x.Int64(); err == nil {
			return i, nil
		}
		return x.Float64()
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			var err error
			if out[i], err = c.jsonToCBOR(e, member); err != nil {
				return nil, err
			}
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			var err error
			if out[k], err = c.jsonToCBOR(e, k); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return v, nil
}

// cborError is an error body in CBOR: {"__type": typ, key: msg}.
func cborError(typ, key, msg string) []byte {
	m := map[string]any{"__type": typ}
	if msg != "" {
		m[key] = msg
	}
	b, _ := cborEnc.Marshal(m)
	return b
}
