-- Change feed, continued.
-- 1. Entries without an id of their own (a participant's represented institutions, a recommendation's themes) are
--    rewritten on every edit of their parent and share ids across parents: they leave the feed. Every change to them
--    also changes (and versions) their parent, the participant or the recommendation, which is in the feed.
-- 2. Publishing a draft re-sends everything under it at its current versions (readers apply a change whose version
--    is at least the one they hold), rather than touching every row; both directions lock the recommendations first,
--    so a status change running at the same time is either inside the re-sent subtree or after it.
-- 3. A draft's organizers see it: adding or removing an organizer of a draft changes who sees it, and the feed says so
--    to that institution (for_institution).
-- 4. A recommendation moved to another event follows that event's visibility.
-- 5. changed_at is the clock time of the write (0006 said so for new databases only).

ALTER TABLE changes ALTER COLUMN changed_at SET DEFAULT clock_timestamp();
ALTER TABLE changes ADD COLUMN for_institution uuid;

DROP TRIGGER event_participant_institutions_changes ON event_participant_institutions;
DROP TRIGGER recommendation_themes_changes ON recommendation_themes;
DELETE FROM changes WHERE resource_type IN ('event_participant_institution', 'recommendation_theme');

-- Everything under an event (the event, its relation entries, its recommendations and theirs), as changes of one
-- operation at each row's current version; for_institution narrows them to one institution's keys.
DROP FUNCTION rt_record_event_subtree(uuid, text, boolean);
CREATE FUNCTION rt_record_event_subtree(event uuid, operation text, outsiders boolean, institution uuid) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO changes (resource_type, resource_id, operation, version, parent_type, parent_id, event_id, for_outsiders, for_institution)
    SELECT t.type, t.id, operation, t.version, t.parent_type, t.parent_id, event, outsiders, institution
    FROM (
        SELECT 1 AS ord, 'event' AS type, e.id, e.version, NULL::text AS parent_type, NULL::uuid AS parent_id FROM events e WHERE e.id = event
        UNION ALL SELECT 2, 'event_organizer', o.id, o.version, 'event', event FROM event_organizers o WHERE o.event_id = event
        UNION ALL SELECT 3, 'event_participant', p.id, p.version, 'event', event FROM event_participants p WHERE p.event_id = event
        UNION ALL SELECT 4, 'event_quote', q.id, q.version, 'event', event FROM event_quotes q WHERE q.event_id = event
        UNION ALL SELECT 5, 'event_acknowledgement', a.id, a.version, 'event', event FROM event_acknowledgements a WHERE a.event_id = event
        UNION ALL SELECT 6, 'recommendation', r.id, r.version, 'event', event FROM recommendations r WHERE r.event_id = event AND r.deleted_at IS NULL
        UNION ALL SELECT 7, 'recommendation_proposer', rp.id, rp.version, 'recommendation', r.id
                  FROM recommendation_proposers rp JOIN recommendations r ON r.id = rp.recommendation_id WHERE r.event_id = event AND r.deleted_at IS NULL
        UNION ALL SELECT 8, 'recommendation_status_change', rs.id, rs.version, 'recommendation', r.id
                  FROM recommendation_status_changes rs JOIN recommendations r ON r.id = rs.recommendation_id WHERE r.event_id = event AND r.deleted_at IS NULL
    ) AS t
    -- Deletions children first, the rest parents first.
    ORDER BY CASE WHEN operation = 'deleted' THEN -t.ord ELSE t.ord END, t.id;
$$;

CREATE OR REPLACE FUNCTION rt_record_visibility_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Writes under the event lock the event first; status changes lock only their recommendation: wait for them.
    PERFORM 1 FROM recommendations WHERE event_id = NEW.id AND deleted_at IS NULL FOR SHARE;
    IF NEW.published THEN
        PERFORM rt_record_event_subtree(NEW.id, 'updated', false, NULL);
    ELSE
        PERFORM rt_record_event_subtree(NEW.id, 'deleted', true, NULL);
    END IF;
    RETURN NULL;
END;
$$;

-- A draft's organizer (or co-organizer) institutions see it: tell an institution that gains or loses sight.
CREATE FUNCTION rt_record_organizer_visibility() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    draft boolean;
    event uuid := coalesce(NEW.event_id, OLD.event_id);
BEGIN
    SELECT NOT e.published INTO draft FROM events e WHERE e.id = event AND e.deleted_at IS NULL;
    IF draft IS NOT TRUE THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM recommendations WHERE event_id = event AND deleted_at IS NULL FOR SHARE;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.role IN ('organizer', 'co_organizer')
       AND (TG_OP = 'DELETE' OR NEW.institution_id <> OLD.institution_id OR NEW.role NOT IN ('organizer', 'co_organizer')) THEN
        PERFORM rt_record_event_subtree(event, 'deleted', true, OLD.institution_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.role IN ('organizer', 'co_organizer')
       AND (TG_OP = 'INSERT' OR NEW.institution_id <> OLD.institution_id OR OLD.role NOT IN ('organizer', 'co_organizer')) THEN
        PERFORM rt_record_event_subtree(event, 'updated', false, NEW.institution_id);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER event_organizers_visibility_changes AFTER INSERT OR UPDATE OR DELETE ON event_organizers
    FOR EACH ROW EXECUTE FUNCTION rt_record_organizer_visibility();

-- A recommendation moved to another event: gone for those who cannot see the new event, re-sent with what hangs off
-- it to those who can.
CREATE FUNCTION rt_record_recommendation_move() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO changes (resource_type, resource_id, operation, version, parent_type, parent_id, event_id, for_outsiders)
    SELECT t.type, t.id, 'deleted', t.version, t.parent_type, t.parent_id, NEW.event_id, true
    FROM (SELECT 2 AS ord, 'recommendation_proposer' AS type, rp.id, rp.version, 'recommendation' AS parent_type, NEW.id AS parent_id
          FROM recommendation_proposers rp WHERE rp.recommendation_id = NEW.id
          UNION ALL SELECT 2, 'recommendation_status_change', rs.id, rs.version, 'recommendation', NEW.id
          FROM recommendation_status_changes rs WHERE rs.recommendation_id = NEW.id
          UNION ALL SELECT 1, 'recommendation', NEW.id, NEW.version, 'event', NEW.event_id) AS t
    ORDER BY t.ord DESC, t.id;
    INSERT INTO changes (resource_type, resource_id, operation, version, parent_type, parent_id, event_id)
    SELECT t.type, t.id, 'updated', t.version, 'recommendation', NEW.id, NEW.event_id
    FROM (SELECT 'recommendation_proposer' AS type, rp.id, rp.version FROM recommendation_proposers rp WHERE rp.recommendation_id = NEW.id
          UNION ALL SELECT 'recommendation_status_change', rs.id, rs.version FROM recommendation_status_changes rs WHERE rs.recommendation_id = NEW.id) AS t
    ORDER BY t.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER recommendations_move_changes AFTER UPDATE OF event_id ON recommendations
    FOR EACH ROW WHEN (OLD.event_id IS DISTINCT FROM NEW.event_id AND NEW.deleted_at IS NULL)
    EXECUTE FUNCTION rt_record_recommendation_move();
