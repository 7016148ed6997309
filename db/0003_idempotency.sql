-- Idempotency-Key on POST: the first response is kept and replayed for the same key and body (per API key).
CREATE TABLE idempotency_keys (
    api_key_id      uuid NOT NULL REFERENCES api_keys (id),
    idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    request_hash    bytea NOT NULL,
    -- NULL while the first request is still running.
    status_code     integer,
    response_body   text,
    location        text,
    etag            text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (api_key_id, idempotency_key)
);
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
