-- siks schema, version 20 (SQLite): the state of an import batch (ADR 0018). Keep in step with
-- ../postgres/0020_import_batch_state.sql.

-- An import writes in short transactions (issue 18): its batch is recorded first as running,
-- kept alive by each transaction, and marked done (or undone) at the end; a running batch
-- nobody has kept alive for minutes is an import that died, undone by the next one.
ALTER TABLE import_batches ADD COLUMN state TEXT NOT NULL DEFAULT 'done';
ALTER TABLE import_batches ADD COLUMN alive_at TEXT;
CREATE INDEX import_batches_state ON import_batches (state);
