// Package partiql parses the PartiQL subset DynamoDB's ExecuteStatement,
// BatchExecuteStatement and ExecuteTransaction accept, and plans each
// statement as DynamoDB operations expressed with package expr's types:
//
//	SELECT * | path, ... FROM "table"[."index"] [WHERE cond] [ORDER BY key [ASC|DESC], ...]
//	INSERT INTO "table" VALUE {'attr': value, ...}
//	UPDATE "table" SET path = value [, ...] [SET ...] [REMOVE path, ...] WHERE key = value AND ... [RETURNING ALL|MODIFIED OLD|NEW *]
//	DELETE FROM "table" WHERE key = value AND ... [RETURNING ALL OLD *]
//	EXISTS(SELECT * FROM "table" WHERE key = value AND ... AND condition)   (ExecuteTransaction only)
//
// Values are 'strings', numbers, TRUE, FALSE, NULL, {'struct': ...},
// [lists], <<'string', 'sets'>> and ? parameters; conditions use the
// comparison operators, BETWEEN, IN [...], IS [NOT] MISSING / NULL / type,
// AND, OR, NOT, and the functions begins_with, contains, attribute_type and
// size.
//
// # Contract
//
//   - Parse checks syntax only and yields a Statement whose Format parses
//     back to an equal Statement. Plan binds the parameters and checks the
//     statement against the table's key schema.
//   - Errors are *expr.Error with DynamoDB's texts (ValidationException);
//     syntax errors read "Statement wasn't well formed, can't be processed:
//     ..." as DynamoDB's do, though the detail after the colon is ours.
//   - A plan never loses a condition: the whole WHERE clause is kept as a
//     filter or condition, even the parts also used to find the key.
//
// # Deviations
//
//   - Syntax errors give our own detail after DynamoDB's prefix; the
//     validation messages (keys in WHERE, RETURNING, bags, IS types, ...)
//     are DynamoDB's.
//   - Only a short list of words is reserved, where DynamoDB reserves
//     PartiQL's whole keyword list.
//   - IS NULL matches DynamoDB's NULL type only, not missing attributes.
package partiql
