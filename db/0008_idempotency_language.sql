-- A replayed response says the language it was written in (it may differ from the retry's Accept-Language).
ALTER TABLE idempotency_keys ADD COLUMN content_language text;
