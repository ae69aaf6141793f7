package sql

import "testing"

// TestRedshiftDate reads the date and timestamp forms of Redshift's SQL
// reference ("Date, time, and timestamp literals"), with the full dates its
// tables give, in the default MDY DateStyle.
func TestRedshiftDate(t *testing.T) {
	for _, tc := range []struct{ in, kind, want string }{
		{"January 8, 1999", "date", "1999-01-08"},
		{"1/8/1999", "date", "1999-01-08"},
		{"01/02/00", "date", "2000-01-02"},
		{"2000-Jan-31", "date", "2000-01-31"},
		{"Jan-31-2000", "date", "2000-01-31"},
		{"31-Jan-2000", "date", "2000-01-31"},
		{"20080215", "date", "2008-02-15"},
		{"080215", "date", "2008-02-15"},
		{"2008.366", "date", "2008-12-31"},
		{"Jun 1,2008", "date", "2008-06-01"},
		{"20080215 04:05:06.789", "timestamp", "2008-02-15 04:05:06.789"},
		{"20080215 04:05:06", "timestamp", "2008-02-15 04:05:06"},
		{"20080215 04:05", "timestamp", "2008-02-15 04:05:00"},
		{"20080215 040506", "timestamp", "2008-02-15 04:05:06"},
		{"20080215 04:05 AM", "timestamp", "2008-02-15 04:05:00"},
		{"20080215 04:05 PM", "timestamp", "2008-02-15 16:05:00"},
		{"20080215 16:05", "timestamp", "2008-02-15 16:05:00"},
		{"20080215", "timestamp", "2008-02-15 00:00:00"},
		{"Jun 1,2008 09:59:59", "timestamp", "2008-06-01 09:59:59"},
	} {
		got, ok := redshiftDate(tc.in, tc.kind, false)
		if !ok || got != tc.want {
			t.Errorf("%s as %s: %q %v, want %q", tc.in, tc.kind, got, ok, tc.want)
		}
	}
	// ISO text is DuckDB's own; impossible dates and other text are left
	// for DuckDB to refuse.
	for _, in := range []string{"1999-01-08", "2008-02-15 04:05:06+02", "13/45/2023", "2008.367", "hello", "", "20080215 25:00"} {
		if got, ok := redshiftDate(in, "timestamp", false); ok {
			t.Errorf("%q read as %q", in, got)
		}
	}
	// DMY: day before month.
	if got, ok := redshiftDate("02/01/2023", "date", true); !ok || got != "2023-01-02" {
		t.Errorf("DMY 02/01/2023: %q %v", got, ok)
	}
}

// FuzzRedshiftDate: any text either stays for DuckDB or becomes ISO text
// DuckDB reads, never a panic.
func FuzzRedshiftDate(f *testing.F) {
	for _, s := range []string{"January 8, 1999", "01/02/00", "2008.366", "20080215 04:05 PM", "31-Jan-2000", "1999-01-08"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, kind := range []string{"date", "timestamp"} {
			if got, ok := redshiftDate(s, kind, false); ok && !isISODate(got) {
				t.Fatalf("%q as %s gave %q", s, kind, got)
			}
		}
	})
}
