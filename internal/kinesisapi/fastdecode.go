package kinesisapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
)

// decodePutRecords decodes a PutRecords body. The common shape (only the
// known fields, base64 without escapes, ASCII partition keys) is scanned
// directly, decoding every record's data into one buffer; anything else
// goes through encoding/json, so results and errors are always exactly
// encoding/json's (FuzzPutRecordsDecoder checks this).
func decodePutRecords(body []byte, in *putRecordsInput) error {
	if fastPutRecords(body, in) {
		return nil
	}
	*in = putRecordsInput{}
	return decode(body, in)
}

// jscan is a strict scanner for the subset fastPutRecords accepts.
type jscan struct {
	b []byte
	i int
}

func (s *jscan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// lit consumes c after optional whitespace.
func (s *jscan) lit(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

func (s *jscan) null() bool {
	s.ws()
	if len(s.b)-s.i >= 4 && string(s.b[s.i:s.i+4]) == "null" {
		s.i += 4
		return true
	}
	return false
}

// str returns the contents of a string of printable ASCII without escapes.
func (s *jscan) str() ([]byte, bool) {
	if !s.lit('"') {
		return nil, false
	}
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		if c == '"' {
			s.i++
			return s.b[start : s.i-1], true
		}
		if c < 0x20 || c == '\\' || c >= 0x80 {
			return nil, false
		}
		s.i++
	}
	return nil, false
}

// base64Str returns the contents of a string meant to hold base64, finding
// its end with a vectorized search. Any byte that is not base64 (an escape,
// a control character, non-ASCII) makes the decode fail, which sends the
// body to encoding/json; only CR and LF, which the base64 decoder skips but
// JSON forbids raw, are checked here.
func (s *jscan) base64Str() ([]byte, bool) {
	if !s.lit('"') {
		return nil, false
	}
	end := bytes.IndexByte(s.b[s.i:], '"')
	if end < 0 {
		return nil, false
	}
	v := s.b[s.i : s.i+end]
	if bytes.IndexByte(v, '\n') >= 0 || bytes.IndexByte(v, '\r') >= 0 {
		return nil, false
	}
	s.i += end + 1
	return v, true
}

func fastPutRecords(body []byte, in *putRecordsInput) bool {
	s := &jscan{b: body}
	if !s.lit('{') {
		return false
	}
	var arena []byte
	if s.lit('}') {
		return s.end()
	}
	for {
		key, ok := s.str()
		if !ok || !s.lit(':') {
			return false
		}
		switch string(key) {
		case "StreamName", "StreamARN":
			var v []byte
			if !s.null() {
				if v, ok = s.str(); !ok {
					return false
				}
			}
			if string(key) == "StreamName" {
				in.StreamName = string(v)
			} else {
				in.StreamARN = string(v)
			}
		case "Records":
			if s.null() {
				in.Records = nil
				break
			}
			if !s.lit('[') {
				return false
			}
			in.Records = in.Records[:0]
			if in.Records == nil {
				in.Records = make([]putRecordsEntry, 0, 16)
			}
			if !s.lit(']') {
				if arena == nil {
					arena = make([]byte, 0, base64.StdEncoding.DecodedLen(len(body)))
				}
				for {
					var e putRecordsEntry
					if arena, ok = s.entry(&e, arena); !ok {
						return false
					}
					in.Records = append(in.Records, e)
					if s.lit(']') {
						break
					}
					if !s.lit(',') {
						return false
					}
				}
			}
		default:
			return false // unknown (or differently cased) field: encoding/json decides
		}
		if s.lit('}') {
			return s.end()
		}
		if !s.lit(',') {
			return false
		}
	}
}

func (s *jscan) end() bool {
	s.ws()
	return s.i == len(s.b)
}

// entry scans one record object, decoding Data into arena.
func (s *jscan) entry(e *putRecordsEntry, arena []byte) ([]byte, bool) {
	if !s.lit('{') {
		return arena, false
	}
	if s.lit('}') {
		return arena, true
	}
	for {
		key, ok := s.str()
		if !ok || !s.lit(':') {
			return arena, false
		}
		switch string(key) {
		case "Data":
			if s.null() {
				e.Data = nil
				break
			}
			v, ok := s.base64Str()
			if !ok {
				return arena, false
			}
			off := len(arena)
			need := base64.StdEncoding.DecodedLen(len(v))
			if cap(arena)-off < need {
				return arena, false // cannot happen: the arena holds the whole body decoded
			}
			n, err := base64.StdEncoding.Strict().Decode(arena[off:off+need], v)
			if err != nil {
				return arena, false
			}
			arena = arena[:off+n]
			e.Data = arena[off : off+n : off+n]
		case "PartitionKey", "ExplicitHashKey":
			var v []byte
			null := s.null()
			if !null {
				start := s.i
				if v, ok = s.str(); !ok {
					// Escapes or non-ASCII: let encoding/json unquote this one string.
					s.i = start
					var str string
					end := s.skipString()
					if end < 0 || json.Unmarshal(s.b[start:end], &str) != nil {
						return arena, false
					}
					v = []byte(str)
				}
			}
			if string(key) == "PartitionKey" {
				if !null {
					e.PartitionKey = string(v)
				}
			} else if null {
				e.ExplicitHashKey = nil
			} else {
				h := string(v)
				e.ExplicitHashKey = &h
			}
		default:
			return arena, false
		}
		if s.lit('}') {
			return arena, true
		}
		if !s.lit(',') {
			return arena, false
		}
	}
}

// skipString moves past a JSON string (escapes allowed) and returns the
// offset after its closing quote, or -1.
func (s *jscan) skipString() int {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return -1
	}
	for j := s.i + 1; j < len(s.b); j++ {
		switch s.b[j] {
		case '\\':
			j++
		case '"':
			s.i = j + 1
			return s.i
		}
	}
	return -1
}
