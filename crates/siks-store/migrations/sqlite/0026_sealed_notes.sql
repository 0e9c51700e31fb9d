-- siks schema, version 26 (SQLite): free-text notes sealed (docs/adr/0020). Keep in step with
-- ../postgres/0026_sealed_notes.sql.

-- The period whose close wrote a kept change (NULL: a change made outside a close). A close
-- that did not finish is taken back by it: the change's reason is sealed from now on, so it
-- can no longer be searched. Read from the reasons the closes wrote until now.
ALTER TABLE record_history ADD COLUMN close_period TEXT;
UPDATE record_history
   SET close_period = substr(reason, 11, instr(reason, ',') - 11)
 WHERE reason LIKE 'penetapan %, usulan %';
CREATE INDEX record_history_close_period ON record_history (close_period)
    WHERE close_period IS NOT NULL;
