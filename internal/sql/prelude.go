package sql

// prelude holds the DuckDB settings the translation assumes and the macros
// that Redshift functions are rewritten to where one expression is not
// enough. Each takes and returns what the
// Redshift function does; SUPER values are DuckDB VARIANTs.
var prelude = []string{
	// Integer / integer is integer division, as in Redshift (DuckDB's
	// default is floating-point division). Global: every connection.
	`SET GLOBAL integer_division = true`,
	// NULLs sort last in ascending and first in descending order, as in
	// Redshift (and Postgres), in ORDER BY, window ORDER BY and TOP alike.
	`SET GLOBAL default_null_order = 'nulls_last_on_asc_first_on_desc'`,
	// RS_NONZERO(x): x, or the "division by zero" error when x is zero; the
	// divisor of every / and % (rule division-by-zero).
	`CREATE OR REPLACE MACRO rs_nonzero(x) AS CASE WHEN x = 0 THEN error('division by zero') ELSE x END`,
	// RS_DECDIV(n, d, unit): n / d, two HUGEINTs (d not zero), rounded half
	// away from zero, times unit (10^-scale as a DECIMAL): a DECIMAL division by
	// Redshift's rules (decimaldiv.go), exact in 128 bits.
	`CREATE OR REPLACE MACRO rs_decdiv(n, d, unit) AS CAST(sign(n) * sign(d) * ((abs(n) + abs(d) // 2) // abs(d)) AS DECIMAL(38, 0)) * unit`,
	// Arithmetic on SUPER (Redshift's "Operators and functions" for
	// SUPER): dynamically typed, the result is SUPER. Integers give an
	// integer (overflow is an error, division truncates); with a decimal
	// or a float the operation is in double precision; binary + of two
	// strings concatenates them; any other operand (a string with a number,
	// an object, an array, a boolean) gives NULL. rs_super_kind is i, d, f,
	// s or o (other) for a value's dynamic type.
	`CREATE OR REPLACE MACRO rs_super_kind(v) AS CASE WHEN v IS NULL THEN NULL WHEN regexp_matches(variant_typeof(v), '^U?INT') THEN 'i' WHEN starts_with(variant_typeof(v), 'DECIMAL') THEN 'd' WHEN variant_typeof(v) IN ('DOUBLE', 'FLOAT') THEN 'f' WHEN variant_typeof(v) = 'VARCHAR' THEN 's' ELSE 'o' END`,
	`CREATE OR REPLACE MACRO rs_super_ints(a, b) AS rs_super_kind(CAST(a AS VARIANT)) = 'i' AND rs_super_kind(CAST(b AS VARIANT)) = 'i'`,
	`CREATE OR REPLACE MACRO rs_super_nums(a, b) AS rs_super_kind(CAST(a AS VARIANT)) IN ('i', 'd', 'f') AND rs_super_kind(CAST(b AS VARIANT)) IN ('i', 'd', 'f')`,
	`CREATE OR REPLACE MACRO rs_super_add(a, b) AS CASE WHEN rs_super_ints(a, b) THEN CAST(CAST(a AS BIGINT) + CAST(b AS BIGINT) AS VARIANT) WHEN rs_super_nums(a, b) THEN CAST(CAST(a AS DOUBLE) + CAST(b AS DOUBLE) AS VARIANT) WHEN rs_super_kind(CAST(a AS VARIANT)) = 's' AND rs_super_kind(CAST(b AS VARIANT)) = 's' THEN CAST(CAST(a AS VARCHAR) || CAST(b AS VARCHAR) AS VARIANT) END`,
	`CREATE OR REPLACE MACRO rs_super_sub(a, b) AS CASE WHEN rs_super_ints(a, b) THEN CAST(CAST(a AS BIGINT) - CAST(b AS BIGINT) AS VARIANT) WHEN rs_super_nums(a, b) THEN CAST(CAST(a AS DOUBLE) - CAST(b AS DOUBLE) AS VARIANT) END`,
	`CREATE OR REPLACE MACRO rs_super_mul(a, b) AS CASE WHEN rs_super_ints(a, b) THEN CAST(CAST(a AS BIGINT) * CAST(b AS BIGINT) AS VARIANT) WHEN rs_super_nums(a, b) THEN CAST(CAST(a AS DOUBLE) * CAST(b AS DOUBLE) AS VARIANT) END`,
	`CREATE OR REPLACE MACRO rs_super_div(a, b) AS CASE WHEN rs_super_ints(a, b) THEN CAST(CAST(a AS BIGINT) // rs_nonzero(CAST(b AS BIGINT)) AS VARIANT) WHEN rs_super_nums(a, b) THEN CAST(CAST(a AS DOUBLE) / rs_nonzero(CAST(b AS DOUBLE)) AS VARIANT) END`,
	`CREATE OR REPLACE MACRO rs_super_mod(a, b) AS CASE WHEN rs_super_ints(a, b) THEN CAST(CAST(a AS BIGINT) % rs_nonzero(CAST(b AS BIGINT)) AS VARIANT) WHEN rs_super_nums(a, b) THEN CAST(CAST(a AS DOUBLE) % rs_nonzero(CAST(b AS DOUBLE)) AS VARIANT) END`,
	`CREATE OR REPLACE MACRO rs_super_neg(a) AS CASE WHEN rs_super_kind(CAST(a AS VARIANT)) = 'i' THEN CAST(-CAST(a AS BIGINT) AS VARIANT) WHEN rs_super_kind(CAST(a AS VARIANT)) IN ('d', 'f') THEN CAST(-CAST(a AS DOUBLE) AS VARIANT) END`,
	// SUBSTRING(s, start [, n]): a start of 0 or less counts positions
	// before the first character; a negative length is an error.
	`CREATE OR REPLACE MACRO rs_substring3(s, a, n) AS CASE WHEN n < 0 THEN error('negative substring length not allowed') WHEN a >= 1 THEN substring(CAST(s AS VARCHAR), a, n) ELSE substring(CAST(s AS VARCHAR), 1, greatest(a + n - 1, 0)) END`,
	`CREATE OR REPLACE MACRO rs_substring2(s, a) AS CASE WHEN a >= 1 THEN substring(CAST(s AS VARCHAR), a) ELSE CAST(s AS VARCHAR) END`,
	// RS_CHAR_LIMIT(x, n, type): x, or Redshift's error when its text is
	// longer than n bytes (a VARCHAR(n) or CHAR(n) column's limit).
	`CREATE OR REPLACE MACRO rs_char_limit(x, n, t) AS CASE WHEN x IS NULL OR strlen(CAST(x AS VARCHAR)) <= n THEN x ELSE error('value too long for type ' || t) END`,
	// RS_SUPER_NUMBER(x): a SUPER number as a DOUBLE, NULL for any other
	// value: the first key of an ORDER BY on SUPER (superorder.go).
	`CREATE OR REPLACE MACRO rs_super_number(x) AS CASE WHEN regexp_matches(variant_typeof(x), '^(U?INT|DOUBLE|FLOAT|DECIMAL|U?HUGEINT)') THEN TRY_CAST(x AS DOUBLE) END`,
	// A SUPER value as text: NULL for an object or an array.
	`CREATE OR REPLACE MACRO rs_super_text(x) AS CASE WHEN left(variant_typeof(x), 1) IN ('O', 'A') THEN NULL ELSE TRY_CAST(x AS VARCHAR) END`,
	// RS_JSON_STRICT(text): valid JSON as Redshift reads it. DuckDB's reader
	// also takes trailing commas ([1,2,]) and empty elements, which
	// Redshift's JSON functions reject: strings are blanked out first so
	// that commas inside them do not count.
	`CREATE OR REPLACE MACRO rs_json_strict(x) AS json_valid(x) AND NOT regexp_matches(regexp_replace(x, '"(\\.|[^"\\])*"', '""', 'g'), '(,\s*[\]}])|([\[{]\s*,)|(,\s*,)')`,
	// JSON_PARSE(varchar | varbyte): strict (invalid JSON is an error).
	// rs_json_check and rs_json_valid are the engine's guard (Go functions
	// the warehouse registers): they refuse what DuckDB's JSON parser
	// should never see, nesting deeper than SUPER's 1,000 levels above all
	// (DuckDB's conversion to VARIANT overflows its stack on it).
	// A text holding a number DuckDB's conversion would change (an
	// integer beyond 64 bits, a decimal beyond a double's precision) is
	// the one rs_json_check_exact gives as NULL: it is built from its
	// Parquet Variant encoding instead, where such a number is a decimal,
	// as Redshift's SUPER keeps it. COALESCE reads its second argument only
	// for the rows its first left NULL.
	`CREATE OR REPLACE MACRO rs_json_parse_text(t) AS COALESCE(CAST(CAST(rs_json_check_exact(t) AS JSON) AS VARIANT), variant_bytes_to_variant(rs_json_variant_bytes(t)))`,
	`CREATE OR REPLACE MACRO rs_json_parse(x) AS rs_json_parse_text(CASE WHEN typeof(x) = 'BLOB' THEN decode(CAST(x AS BLOB)) ELSE CAST(x AS VARCHAR) END)`,
	// RS_JSON_SUPER(doc): SUPER stored as JSON text (a streaming view's
	// records) read as SUPER. A document the ingest marked with a leading
	// space holds a number DuckDB's conversion would change: it is built
	// from its Parquet Variant encoding instead (RS_JSON_EXACT, NULL for
	// any other document).
	`CREATE OR REPLACE MACRO rs_json_exact(doc) AS CASE WHEN starts_with(CAST(doc AS VARCHAR), ' ') THEN variant_bytes_to_variant(rs_json_variant_bytes(CAST(doc AS VARCHAR))) END`,
	`CREATE OR REPLACE MACRO rs_json_super(doc) AS COALESCE(rs_json_exact(doc), CAST(doc AS VARIANT))`,
	`CREATE OR REPLACE MACRO rs_can_json_parse(x) AS CASE WHEN x IS NULL THEN NULL WHEN typeof(x) = 'BLOB' THEN coalesce(rs_json_valid(try(decode(CAST(x AS BLOB)))), false) ELSE rs_json_valid(CAST(x AS VARCHAR)) END`,
	// RS_JSON_TYPE(x): the JSON type of a SUPER value, and DECIMAL for a
	// SUPER decimal (json_parse's number beyond a double's precision, a
	// decimal cast to SUPER), which its JSON text would call a DOUBLE.
	`CREATE OR REPLACE MACRO rs_json_type(x) AS CASE WHEN typeof(x) = 'VARIANT' AND starts_with(variant_typeof(CAST(x AS VARIANT)), 'DECIMAL') THEN 'DECIMAL' ELSE json_type(CAST(x AS JSON)) END`,
	`CREATE OR REPLACE MACRO rs_json_typeof(x) AS CASE rs_json_type(x) WHEN 'OBJECT' THEN 'object' WHEN 'ARRAY' THEN 'array' WHEN 'VARCHAR' THEN 'string' WHEN 'BOOLEAN' THEN 'boolean' WHEN 'NULL' THEN 'null' WHEN 'BIGINT' THEN 'number' WHEN 'UBIGINT' THEN 'number' WHEN 'DOUBLE' THEN 'number' WHEN 'DECIMAL' THEN 'number' END`,
	`CREATE OR REPLACE MACRO rs_is_array(x) AS rs_json_type(x) = 'ARRAY'`,
	`CREATE OR REPLACE MACRO rs_is_object(x) AS rs_json_type(x) = 'OBJECT'`,
	`CREATE OR REPLACE MACRO rs_is_scalar(x) AS rs_json_type(x) NOT IN ('ARRAY', 'OBJECT')`,
	`CREATE OR REPLACE MACRO rs_is_varchar(x) AS rs_json_type(x) = 'VARCHAR'`,
	// IS_SMALLINT, IS_INTEGER, IS_BIGINT: a number of scale 0 in the 16-,
	// 32- or 64-bit range.
	// (A SUPER decimal of scale 0, which its JSON text shows as an
	// integer, counts.)
	`CREATE OR REPLACE MACRO rs_json_int(x) AS CASE WHEN rs_json_type(x) IN ('BIGINT', 'UBIGINT', 'DECIMAL') AND json_type(CAST(x AS JSON)) IN ('BIGINT', 'UBIGINT') THEN TRY_CAST(CAST(x AS JSON) AS HUGEINT) END`,
	`CREATE OR REPLACE MACRO rs_is_smallint(x) AS coalesce(rs_json_int(x) BETWEEN -32768 AND 32767, false)`,
	`CREATE OR REPLACE MACRO rs_is_integer(x) AS coalesce(rs_json_int(x) BETWEEN -2147483648 AND 2147483647, false)`,
	`CREATE OR REPLACE MACRO rs_is_bigint(x) AS coalesce(rs_json_int(x) BETWEEN -9223372036854775808 AND 9223372036854775807, false)`,
	// IS_FLOAT: a number with a fraction or an exponent (JSON_PARSE reads
	// every such number as a double), not a decimal ("The set of
	// IS_DECIMAL the set of IS_FLOAT are disjoint", IS_FLOAT).
	`CREATE OR REPLACE MACRO rs_is_float(x) AS coalesce(rs_json_type(x) = 'DOUBLE', false)`,
	// IS_CHAR: a string of ASCII characters only, which CHAR can hold.
	`CREATE OR REPLACE MACRO rs_is_char(x) AS coalesce(rs_json_type(x) = 'VARCHAR' AND regexp_full_match(CAST(x AS JSON) ->> '$', '[\x00-\x7F]*'), false)`,
	`CREATE OR REPLACE MACRO rs_is_decimal(x) AS rs_json_type(x) IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'DECIMAL')`,
	`CREATE OR REPLACE MACRO rs_is_boolean(x) AS rs_json_type(x) = 'BOOLEAN'`,
	`CREATE OR REPLACE MACRO rs_get_array_length(x) AS CASE WHEN rs_json_type(x) = 'ARRAY' THEN json_array_length(CAST(x AS JSON)) END`,
	// ADD_MONTHS: from the last day of a month, or past the end of a
	// shorter month, the result is the last day of the month.
	`CREATE OR REPLACE MACRO rs_add_months(d, n) AS CASE WHEN CAST(d AS DATE) = last_day(CAST(d AS DATE)) THEN CAST(last_day(CAST(d AS DATE) + to_months(CAST(n AS INTEGER))) AS TIMESTAMP) + (CAST(d AS TIMESTAMP) - CAST(CAST(d AS DATE) AS TIMESTAMP)) ELSE CAST(d AS TIMESTAMP) + to_months(CAST(n AS INTEGER)) END`,
	// MONTHS_BETWEEN: whole months when both days are the same day of the
	// month or both are month ends; otherwise the day difference over 31.
	`CREATE OR REPLACE MACRO rs_months_between(a, b) AS CASE WHEN day(CAST(a AS DATE)) = day(CAST(b AS DATE)) OR (CAST(a AS DATE) = last_day(CAST(a AS DATE)) AND CAST(b AS DATE) = last_day(CAST(b AS DATE))) THEN CAST((year(CAST(a AS DATE)) - year(CAST(b AS DATE))) * 12 + month(CAST(a AS DATE)) - month(CAST(b AS DATE)) AS DOUBLE) ELSE (year(CAST(a AS DATE)) - year(CAST(b AS DATE))) * 12 + month(CAST(a AS DATE)) - month(CAST(b AS DATE)) + (day(CAST(a AS DATE)) - day(CAST(b AS DATE))) / 31.0 END`,
}
