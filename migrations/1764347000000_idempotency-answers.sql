-- Up Migration

-- The answer kept under an Idempotency-Key is the write's result (entity, version, event ids,
-- position). The status a transport answers with follows from what was asked (the same method
-- and path, by the key's fingerprint), so new rows keep none; rows written before keep theirs.
ALTER TABLE idempotency_keys ALTER COLUMN status DROP NOT NULL;

-- Down Migration
DELETE FROM idempotency_keys WHERE status IS NULL;
ALTER TABLE idempotency_keys ALTER COLUMN status SET NOT NULL;
