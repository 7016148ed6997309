-- Writes: soft deletes, who created what, API keys and the append-only audit log.

ALTER TABLE institutions    ADD COLUMN deleted_at timestamptz, ADD COLUMN created_by_key_id uuid;
ALTER TABLE speakers        ADD COLUMN deleted_at timestamptz, ADD COLUMN created_by_key_id uuid;
ALTER TABLE events          ADD COLUMN deleted_at timestamptz, ADD COLUMN created_by_key_id uuid;
ALTER TABLE recommendations ADD COLUMN deleted_at timestamptz, ADD COLUMN created_by_key_id uuid;

-- Keys are shown once; only their SHA-256 hash is kept (a random 256-bit key needs no slow hash).
CREATE TABLE api_keys (
    id             uuid PRIMARY KEY DEFAULT rt_uuid_v7(),
    name           text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    role           text NOT NULL CHECK (role IN ('admin', 'partner')),
    institution_id uuid REFERENCES institutions (id),
    key_hash       bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32),
    key_prefix     text NOT NULL,
    expires_at     timestamptz,
    revoked_at     timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    version        bigint NOT NULL DEFAULT 1,
    CHECK ((role = 'partner') = (institution_id IS NOT NULL))
);
CREATE TRIGGER api_keys_touch BEFORE UPDATE ON api_keys FOR EACH ROW EXECUTE FUNCTION rt_touch_row();

ALTER TABLE institutions    ADD FOREIGN KEY (created_by_key_id) REFERENCES api_keys (id);
ALTER TABLE speakers        ADD FOREIGN KEY (created_by_key_id) REFERENCES api_keys (id);
ALTER TABLE events          ADD FOREIGN KEY (created_by_key_id) REFERENCES api_keys (id);
ALTER TABLE recommendations ADD FOREIGN KEY (created_by_key_id) REFERENCES api_keys (id);

CREATE TABLE audit_log (
    id             uuid PRIMARY KEY DEFAULT rt_uuid_v7(),
    key_id         uuid NOT NULL REFERENCES api_keys (id),
    operation      text NOT NULL CHECK (operation IN ('create', 'update', 'delete')),
    resource_type  text NOT NULL,
    resource_id    uuid NOT NULL,
    version_before bigint,
    version_after  bigint,
    occurred_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_resource_idx ON audit_log (resource_type, resource_id);

CREATE FUNCTION rt_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION rt_append_only();
