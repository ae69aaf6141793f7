// Package tables is the storage of blueshift's DynamoDB-compatible tables:
// table definitions and items on Pebble, in the same database as the
// stream log, so an item write and its change records (change capture)
// commit in one atomic batch.
//
// # Design
//
//   - Items are keyed by an order-preserving encoding of their primary key
//     (see keys.go), so a Query of one partition, with a sort-key range, is
//     one ordered Pebble scan, forward or backward. Secondary indexes (global
//     and local) are further key spaces of the same table, maintained in the
//     same batch as the item.
//   - Every write goes through Store.Write: it locks the keys it touches
//     (striped locks, taken in a fixed order, so transactions cannot
//     deadlock), reads the current items, lets the caller decide each new
//     item (conditions, update expressions), and commits the items, their
//     index entries and any change records through streamlog's single
//     writer (group commit, fsync) before it unlocks. A write is durable
//     when Write returns; a conditional write is atomic per key; a
//     multi-item write is all or nothing.
//   - Capture, when set, is called with every write's changes inside the
//     commit: the hook for change records in the same batch.
//   - ItemCount and TableSizeBytes are kept in memory, counted from disk
//     when the store opens; so is a counter of item writes since then
//     (Writes), for rates.
//   - Time to live: Run deletes expired items in the background, within
//     about one TTLInterval of their expiry.
//
// This package is storage only: it knows DynamoDB's data model (package
// attr) but not its wire protocol; errors are kinds (ErrTableNotFound,
// ...) that the API translates.
package tables
