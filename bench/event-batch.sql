-- The event-by-id document as the API read it until 2026-12 (and as the endpoints of each relation still read their
-- parts): seven statements, the event and each relation as a result set, sent as one batch. bench/run.sh runs it one
-- round trip each and in one round trip (pipeline) beside the API's one statement; the faster way is the read ceiling.
SELECT e.id, e.slug, e.title, e.kind, e.status, e.start_date, e.end_date, e.starts_at, e.ends_at, e.time_zone,
e.city, e.country, e.published, e.created_at, e.updated_at, e.version, e.venue, e.summary, e.source_url, s.slug AS source_slug, s.title AS source_title, s.publisher AS source_publisher, s.url AS source_link, s.published_on AS source_published_on, s.citation AS source_citation
FROM events e LEFT JOIN sources s ON s.id = e.source_id
WHERE e.id = (:id)::uuid AND e.deleted_at IS NULL AND (e.published OR false OR EXISTS (
    SELECT 1 FROM event_organizers vo
    WHERE vo.event_id = e.id AND vo.institution_id = NULL::uuid AND vo.role IN ('organizer', 'co_organizer')));

SELECT o.id, o.event_id, o.role, i.id AS institution_id, i.slug AS institution_slug, i.name AS institution_name, i.short_name AS institution_short_name
FROM event_organizers o JOIN events e ON e.id = o.event_id JOIN institutions i ON i.id = o.institution_id
WHERE e.id = (:id)::uuid AND e.deleted_at IS NULL AND (e.published OR false OR EXISTS (
    SELECT 1 FROM event_organizers vo
    WHERE vo.event_id = e.id AND vo.institution_id = NULL::uuid AND vo.role IN ('organizer', 'co_organizer')))
ORDER BY array_position(ARRAY['organizer', 'co_organizer', 'partner'], o.role), o.id;

SELECT p.id, p.event_id, p.role, sp.id AS speaker_id, sp.slug AS speaker_slug, sp.full_name AS speaker_full_name, sp.honorific AS speaker_honorific
FROM event_participants p JOIN events e ON e.id = p.event_id JOIN speakers sp ON sp.id = p.speaker_id
WHERE e.id = (:id)::uuid AND e.deleted_at IS NULL AND (e.published OR false OR EXISTS (
    SELECT 1 FROM event_organizers vo
    WHERE vo.event_id = e.id AND vo.institution_id = NULL::uuid AND vo.role IN ('organizer', 'co_organizer')))
ORDER BY p.id;

SELECT pi.participant_id, i.id AS institution_id, i.slug AS institution_slug, i.name AS institution_name, i.short_name AS institution_short_name
FROM event_participant_institutions pi
     JOIN event_participants p ON p.id = pi.participant_id
     JOIN events e ON e.id = p.event_id
     JOIN institutions i ON i.id = pi.institution_id
WHERE e.id = (:id)::uuid AND e.deleted_at IS NULL AND (e.published OR false OR EXISTS (
    SELECT 1 FROM event_organizers vo
    WHERE vo.event_id = e.id AND vo.institution_id = NULL::uuid AND vo.role IN ('organizer', 'co_organizer')))
ORDER BY pi.participant_id, pi.created_at, i.id;

SELECT q.id, q.text, sp.id AS speaker_id, sp.slug AS speaker_slug, sp.full_name AS speaker_full_name, sp.honorific AS speaker_honorific
FROM event_quotes q JOIN events e ON e.id = q.event_id JOIN speakers sp ON sp.id = q.speaker_id
WHERE e.id = (:id)::uuid AND e.deleted_at IS NULL AND (e.published OR false OR EXISTS (
    SELECT 1 FROM event_organizers vo
    WHERE vo.event_id = e.id AND vo.institution_id = NULL::uuid AND vo.role IN ('organizer', 'co_organizer')))
ORDER BY q.id;

SELECT a.id, a.kind, a.description, i.id AS institution_id, i.slug AS institution_slug, i.name AS institution_name, i.short_name AS institution_short_name, sp.id AS speaker_id, sp.slug AS speaker_slug, sp.full_name AS speaker_full_name, sp.honorific AS speaker_honorific
FROM event_acknowledgements a JOIN events e ON e.id = a.event_id
     JOIN institutions i ON i.id = a.from_institution_id JOIN speakers sp ON sp.id = a.to_speaker_id
WHERE e.id = (:id)::uuid AND e.deleted_at IS NULL AND (e.published OR false OR EXISTS (
    SELECT 1 FROM event_organizers vo
    WHERE vo.event_id = e.id AND vo.institution_id = NULL::uuid AND vo.role IN ('organizer', 'co_organizer')))
ORDER BY a.id;

SELECT r.id, r.slug, r.event_id, r.title, r.status, r.created_at, r.updated_at, r.version,
       ARRAY(SELECT (SELECT t.slug FROM themes t WHERE t.id = rt.theme_id) AS slug FROM recommendation_themes rt
      WHERE rt.recommendation_id = r.id ORDER BY 1) AS themes
FROM recommendations r
JOIN events e ON e.id = r.event_id
WHERE e.id = (:id)::uuid AND e.deleted_at IS NULL AND (e.published OR false OR EXISTS (
    SELECT 1 FROM event_organizers vo
    WHERE vo.event_id = e.id AND vo.institution_id = NULL::uuid AND vo.role IN ('organizer', 'co_organizer'))) AND r.deleted_at IS NULL
ORDER BY r.id;
