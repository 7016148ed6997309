-- The change feed: one row per created, updated or deleted resource or relation entry, written by triggers in the
-- writing transaction itself, so a change is published exactly when its data commits.
--
-- Order is (tx, seq): the writing transaction's id, then the order within it. Transactions commit out of order, so
-- the reader only publishes changes of transactions older than the oldest one still in flight
-- (tx < pg_snapshot_xmin(pg_current_snapshot())): every later change then has a larger tx than anything published,
-- and a cursor (tx, seq) never skips one.
CREATE TABLE changes (
    seq           bigint GENERATED ALWAYS AS IDENTITY,
    tx            xid8 NOT NULL DEFAULT pg_current_xact_id(),
    resource_type text NOT NULL,
    resource_id   uuid NOT NULL,
    operation     text NOT NULL CHECK (operation IN ('created', 'updated', 'deleted')),
    version       bigint NOT NULL,
    parent_type   text,
    parent_id     uuid,
    -- The event the change belongs to, for hiding drafts' changes from those who cannot see the draft.
    event_id      uuid,
    -- When the row changed (clock time, not transaction start, so a long transaction's changes are not back-dated).
    changed_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tx, seq)
);
CREATE INDEX changes_changed_at_idx ON changes (changed_at);

-- Trigger arguments: resource type; id column; parent type and parent column (or '' for none); how to find the
-- event: 'self', a column holding the event id, 'recommendation:<column>' (through the recommendation), or ''.
CREATE FUNCTION rt_record_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    row_data  jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
    operation text;
    event_ref text := TG_ARGV[4];
    event     uuid;
BEGIN
    IF TG_OP = 'INSERT' THEN
        operation := 'created';
    ELSIF TG_OP = 'DELETE' THEN
        operation := 'deleted';
    ELSIF (row_data ? 'deleted_at') AND (to_jsonb(OLD) ->> 'deleted_at') IS NULL AND (row_data ->> 'deleted_at') IS NOT NULL THEN
        operation := 'deleted';
    ELSE
        operation := 'updated';
    END IF;

    IF event_ref = 'self' THEN
        event := (row_data ->> 'id')::uuid;
    ELSIF event_ref LIKE 'recommendation:%' THEN
        SELECT r.event_id INTO event FROM recommendations r
        WHERE r.id = (row_data ->> substr(event_ref, length('recommendation:') + 1))::uuid;
    ELSIF event_ref <> '' THEN
        event := (row_data ->> event_ref)::uuid;
    END IF;

    INSERT INTO changes (resource_type, resource_id, operation, version, parent_type, parent_id, event_id)
    VALUES (TG_ARGV[0], (row_data ->> TG_ARGV[1])::uuid, operation, (row_data ->> 'version')::bigint,
            nullif(TG_ARGV[2], ''), CASE WHEN TG_ARGV[3] = '' THEN NULL ELSE (row_data ->> TG_ARGV[3])::uuid END, event);
    RETURN NULL;
END;
$$;

DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES
        ('events',                         'event',                        'id',             '',               '',                  'self'),
        ('speakers',                       'speaker',                      'id',             '',               '',                  ''),
        ('institutions',                   'institution',                  'id',             '',               '',                  ''),
        ('recommendations',                'recommendation',               'id',             'event',          'event_id',          'event_id'),
        ('sources',                        'source',                       'id',             '',               '',                  ''),
        ('themes',                         'theme',                        'id',             '',               '',                  ''),
        ('event_organizers',               'event_organizer',              'id',             'event',          'event_id',          'event_id'),
        ('event_participants',             'event_participant',            'id',             'event',          'event_id',          'event_id'),
        ('event_quotes',                   'event_quote',                  'id',             'event',          'event_id',          'event_id'),
        ('event_acknowledgements',         'event_acknowledgement',        'id',             'event',          'event_id',          'event_id'),
        -- A participant's represented institutions are part of the participant entry.
        ('event_participant_institutions', 'event_participant_institution', 'participant_id', 'event_participant', 'participant_id', ''),
        ('speaker_affiliations',           'speaker_affiliation',          'id',             'speaker',        'speaker_id',        ''),
        ('institution_rankings',           'institution_ranking',          'id',             'institution',    'institution_id',    ''),
        ('institution_figures',            'institution_figure',           'id',             'institution',    'institution_id',    ''),
        ('recommendation_proposers',       'recommendation_proposer',      'id',             'recommendation', 'recommendation_id', 'recommendation:recommendation_id'),
        ('recommendation_themes',          'recommendation_theme',         'theme_id',       'recommendation', 'recommendation_id', 'recommendation:recommendation_id'),
        ('recommendation_status_changes',  'recommendation_status_change', 'id',             'recommendation', 'recommendation_id', 'recommendation:recommendation_id')
    ) AS v (tbl, type, id_column, parent_type, parent_column, event_ref)
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW '
                       'EXECUTE FUNCTION rt_record_change(%L, %L, %L, %L, %L)',
                       t.tbl || '_changes', t.tbl, t.type, t.id_column, t.parent_type, t.parent_column, t.event_ref);
        -- Rows that exist before the feed does are published as created (deleted ones as deleted).
        EXECUTE format('INSERT INTO changes (resource_type, resource_id, operation, version, parent_type, parent_id, event_id, changed_at) '
                       'SELECT %L, (j ->> %L)::uuid, CASE WHEN j ->> ''deleted_at'' IS NULL THEN ''created'' ELSE ''deleted'' END, '
                       '(j ->> ''version'')::bigint, nullif(%L, ''''), CASE WHEN %L = '''' THEN NULL ELSE (j ->> %L)::uuid END, '
                       'CASE %L WHEN ''self'' THEN (j ->> ''id'')::uuid WHEN ''event_id'' THEN (j ->> ''event_id'')::uuid END, '
                       '(j ->> ''updated_at'')::timestamptz '
                       'FROM (SELECT to_jsonb(x) AS j FROM %I x) s ORDER BY j ->> %L',
                       t.type, t.id_column, t.parent_type, t.parent_column, t.parent_column, t.event_ref, t.tbl, t.id_column);
    END LOOP;
    UPDATE changes c SET event_id = r.event_id
    FROM recommendations r
    WHERE c.parent_type = 'recommendation' AND c.parent_id = r.id AND c.event_id IS NULL;
END;
$$;
