package bench

import (
	"strconv"
	"time"
)

// A record is JSON of exactly the record size:
//
//	{"id":17,"put_us":1715731200123456,"cat":"c01","amount":17,"pad":"xxxx"}
//
// id numbers the records of a run from 0; put_us is the client's clock (Unix
// microseconds) when the PutRecords call carrying it was built; cat and
// amount are functions of id (category and amountOf), so an aggregate's
// result can be checked; pad fills the record to its size. The partition
// key is the id in decimal.

const (
	// minRecordSize leaves room for every field with a 19-digit id.
	minRecordSize = 100
	// maxKeyLen bounds a partition key (a decimal int64).
	maxKeyLen = 19
	// categories is how many distinct cat values records have.
	categories = 16
)

// category is record id's cat field.
func category(id int64) string {
	return "c" + strconv.FormatInt(id%categories/10, 10) + strconv.FormatInt(id%categories%10, 10)
}

// amountOf is record id's amount field.
func amountOf(id int64) int64 { return id % 1000 }

// appendRecord appends record id of size bytes, stamped with put, to b.
func appendRecord(b []byte, id int64, size int, put time.Time) []byte {
	start := len(b)
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, id, 10)
	b = append(b, `,"put_us":`...)
	b = strconv.AppendInt(b, put.UnixMicro(), 10)
	b = append(b, `,"cat":"`...)
	b = append(b, category(id)...)
	b = append(b, `","amount":`...)
	b = strconv.AppendInt(b, amountOf(id), 10)
	b = append(b, `,"pad":"`...)
	for n := size - (len(b) - start) - 2; n > 0; n-- {
		b = append(b, 'x')
	}
	return append(b, `"}`...)
}
