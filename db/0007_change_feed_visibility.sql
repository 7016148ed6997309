-- Change feed: versions, drafts.
-- 1. A deletion of a relation entry carries a new version (the last one + 1), like a soft delete does: a reader
--    applies a change only when its version is at least the one it holds, so a deletion is never undone by an
--    older update that a transaction with a smaller id committed before it.
-- 2. A participant's represented institutions belong to the participant's event, so a draft's are hidden too.
-- 3. Publishing a draft touches everything under it (new versions, published as updated to everyone, who could
--    not see those rows before); unpublishing publishes it all as deleted, to those who can no longer see it only
--    (for_outsiders).

ALTER TABLE changes ADD COLUMN for_outsiders boolean NOT NULL DEFAULT false;
CREATE INDEX changes_resource_idx ON changes (resource_type, resource_id);

CREATE OR REPLACE FUNCTION rt_record_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    row_data  jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
    operation text;
    event_ref text := TG_ARGV[4];
    event     uuid;
    parent    uuid;
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
    ELSIF event_ref LIKE 'participant:%' THEN
        parent := (row_data ->> substr(event_ref, length('participant:') + 1))::uuid;
        SELECT p.event_id INTO event FROM event_participants p WHERE p.id = parent;
        IF event IS NULL THEN
            -- Deleted with its participant (ON DELETE CASCADE): the participant's own changes name the event.
            SELECT c.event_id INTO event FROM changes c
            WHERE c.resource_type = 'event_participant' AND c.resource_id = parent AND c.event_id IS NOT NULL
            LIMIT 1;
        END IF;
    ELSIF event_ref <> '' THEN
        event := (row_data ->> event_ref)::uuid;
    END IF;

    INSERT INTO changes (resource_type, resource_id, operation, version, parent_type, parent_id, event_id)
    VALUES (TG_ARGV[0], (row_data ->> TG_ARGV[1])::uuid, operation,
            (row_data ->> 'version')::bigint + CASE WHEN TG_OP = 'DELETE' THEN 1 ELSE 0 END,
            nullif(TG_ARGV[2], ''), CASE WHEN TG_ARGV[3] = '' THEN NULL ELSE (row_data ->> TG_ARGV[3])::uuid END, event);
    RETURN NULL;
END;
$$;

DROP TRIGGER event_participant_institutions_changes ON event_participant_institutions;
CREATE TRIGGER event_participant_institutions_changes AFTER INSERT OR UPDATE OR DELETE ON event_participant_institutions
    FOR EACH ROW EXECUTE FUNCTION rt_record_change('event_participant_institution', 'participant_id', 'event_participant',
                                                   'participant_id', 'participant:participant_id');

UPDATE changes c SET event_id = p.event_id
FROM event_participants p
WHERE c.resource_type = 'event_participant_institution' AND c.event_id IS NULL AND p.id = c.resource_id;
UPDATE changes c SET event_id = pc.event_id
FROM changes pc
WHERE c.resource_type = 'event_participant_institution' AND c.event_id IS NULL
  AND pc.resource_type = 'event_participant' AND pc.resource_id = c.resource_id AND pc.event_id IS NOT NULL;

-- Everything that hangs off an event, as changes of one operation (at each row's current version).
CREATE FUNCTION rt_record_event_subtree(event uuid, operation text, outsiders boolean) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO changes (resource_type, resource_id, operation, version, parent_type, parent_id, event_id, for_outsiders)
    SELECT t.type, t.id, operation, t.version, t.parent_type, t.parent_id, event, outsiders
    FROM (
        SELECT 1 AS ord, 'event' AS type, e.id, e.version, NULL::text AS parent_type, NULL::uuid AS parent_id FROM events e WHERE e.id = event
        UNION ALL SELECT 2, 'event_organizer', o.id, o.version, 'event', event FROM event_organizers o WHERE o.event_id = event
        UNION ALL SELECT 3, 'event_participant', p.id, p.version, 'event', event FROM event_participants p WHERE p.event_id = event
        UNION ALL SELECT 4, 'event_participant_institution', pi.participant_id, pi.version, 'event_participant', pi.participant_id
                  FROM event_participant_institutions pi JOIN event_participants p ON p.id = pi.participant_id WHERE p.event_id = event
        UNION ALL SELECT 5, 'event_quote', q.id, q.version, 'event', event FROM event_quotes q WHERE q.event_id = event
        UNION ALL SELECT 6, 'event_acknowledgement', a.id, a.version, 'event', event FROM event_acknowledgements a WHERE a.event_id = event
        UNION ALL SELECT 7, 'recommendation', r.id, r.version, 'event', event FROM recommendations r WHERE r.event_id = event AND r.deleted_at IS NULL
        UNION ALL SELECT 8, 'recommendation_proposer', rp.id, rp.version, 'recommendation', r.id
                  FROM recommendation_proposers rp JOIN recommendations r ON r.id = rp.recommendation_id WHERE r.event_id = event AND r.deleted_at IS NULL
        UNION ALL SELECT 9, 'recommendation_theme', rt.theme_id, rt.version, 'recommendation', r.id
                  FROM recommendation_themes rt JOIN recommendations r ON r.id = rt.recommendation_id WHERE r.event_id = event AND r.deleted_at IS NULL
        UNION ALL SELECT 10, 'recommendation_status_change', rs.id, rs.version, 'recommendation', r.id
                  FROM recommendation_status_changes rs JOIN recommendations r ON r.id = rs.recommendation_id WHERE r.event_id = event AND r.deleted_at IS NULL
    ) AS t
    -- Deletions children first, creations parents first.
    ORDER BY CASE WHEN operation = 'deleted' THEN -t.ord ELSE t.ord END, t.id;
$$;

CREATE FUNCTION rt_record_visibility_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.published THEN
        -- New versions for everything under the event: their changes reach everyone now.
        UPDATE event_organizers SET updated_at = now() WHERE event_id = NEW.id;
        UPDATE event_participants SET updated_at = now() WHERE event_id = NEW.id;
        UPDATE event_participant_institutions pi SET updated_at = now() FROM event_participants p WHERE p.id = pi.participant_id AND p.event_id = NEW.id;
        UPDATE event_quotes SET updated_at = now() WHERE event_id = NEW.id;
        UPDATE event_acknowledgements SET updated_at = now() WHERE event_id = NEW.id;
        UPDATE recommendations SET updated_at = now() WHERE event_id = NEW.id AND deleted_at IS NULL;
        UPDATE recommendation_proposers rp SET updated_at = now() FROM recommendations r WHERE r.id = rp.recommendation_id AND r.event_id = NEW.id AND r.deleted_at IS NULL;
        UPDATE recommendation_themes rt SET updated_at = now() FROM recommendations r WHERE r.id = rt.recommendation_id AND r.event_id = NEW.id AND r.deleted_at IS NULL;
        UPDATE recommendation_status_changes rs SET updated_at = now() FROM recommendations r WHERE r.id = rs.recommendation_id AND r.event_id = NEW.id AND r.deleted_at IS NULL;
    ELSE
        PERFORM rt_record_event_subtree(NEW.id, 'deleted', true);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER events_visibility_changes AFTER UPDATE OF published ON events
    FOR EACH ROW WHEN (OLD.published IS DISTINCT FROM NEW.published AND NEW.deleted_at IS NULL)
    EXECUTE FUNCTION rt_record_visibility_change();
