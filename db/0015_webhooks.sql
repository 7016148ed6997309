-- Webhooks: partners' subscriptions to the change feed, where each one has got to, and every delivery attempt.

-- What a subscriber asked for. Delivery is as the key that created it sees the feed: an admin key's subscription
-- sees drafts, a partner key's sees its institution's drafts; a revoked or expired key's subscription is disabled.
CREATE TABLE webhook_subscriptions (
    id                   uuid PRIMARY KEY DEFAULT rt_uuid_v7(),
    key_id               uuid NOT NULL REFERENCES api_keys (id),
    -- The owner: a partner key's institution (any of its keys manages the subscription); null for an admin key's.
    institution_id       uuid REFERENCES institutions (id),
    url                  text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
    description          text CHECK (length(description) <= 500),
    -- Null: every type, every operation.
    resource_types       text[],
    operations           text[],
    own_events_only      boolean NOT NULL DEFAULT false,
    -- "whsec_" and base64 of 32 random bytes (Standard Webhooks); the previous one is also signed with until it expires.
    secret               text NOT NULL,
    previous_secret      text,
    previous_expires_at  timestamptz,
    status               text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'disabled')),
    disabled_reason      text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    version              bigint NOT NULL DEFAULT 1,
    CHECK ((status = 'disabled') = (disabled_reason IS NOT NULL))
);
CREATE TRIGGER webhook_subscriptions_touch BEFORE UPDATE ON webhook_subscriptions FOR EACH ROW EXECUTE FUNCTION rt_touch_row();
CREATE INDEX webhook_subscriptions_institution_idx ON webhook_subscriptions (institution_id, id);

-- Where each subscription has got to in the change feed, kept apart from the subscription so that a delivery does not
-- change the subscription's version. A sender leases a row (lease_until) while it sends, so replicas never send the
-- same subscription's message at the same time; a crashed sender's lease runs out and another resumes from the cursor.
CREATE TABLE webhook_cursors (
    subscription_id  uuid PRIMARY KEY REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    -- The last change delivered (or skipped: not wanted, or not visible to the subscriber).
    tx               xid8 NOT NULL,
    seq              bigint NOT NULL,
    -- Failed attempts at the next change, and when the first of them failed.
    attempts         integer NOT NULL DEFAULT 0,
    failing_since    timestamptz,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    lease_until      timestamptz,
    lease_token      uuid
);
CREATE INDEX webhook_cursors_due_idx ON webhook_cursors (next_attempt_at);

-- Every attempt to deliver a message: the log a subscriber reads, and what a redelivery sends again.
CREATE TABLE webhook_attempts (
    id               uuid PRIMARY KEY DEFAULT rt_uuid_v7(),
    subscription_id  uuid NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    message_id       text NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('change', 'ping', 'redelivery')),
    payload          text NOT NULL,
    attempted_at     timestamptz NOT NULL DEFAULT now(),
    succeeded        boolean NOT NULL,
    response_status  integer,
    latency_ms       integer NOT NULL,
    response_excerpt text,
    error            text
);
CREATE INDEX webhook_attempts_subscription_idx ON webhook_attempts (subscription_id, id);
