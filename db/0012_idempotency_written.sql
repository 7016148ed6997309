-- What an Idempotency-Key's request wrote, recorded in the write's own transaction: when the process dies between
-- the commit and the answer (or the answer cannot be kept), a retry finds the write done and answers from the
-- resource instead of writing again. A claim with a write is never forgotten as abandoned.
ALTER TABLE idempotency_keys ADD COLUMN written_id uuid;
ALTER TABLE idempotency_keys ADD COLUMN written_at timestamptz;
