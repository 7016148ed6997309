-- The event-by-id document built as JSON inside PostgreSQL in one statement (every language of each text, the
-- relations in the API's order): the other way the database can produce what GET /api/v1/events/{id} answers.
-- bench/run.sh runs it with pgbench beside the API's own batch, and the faster of the two is the read ceiling.
SELECT json_build_object(
  'id', e.id, 'slug', e.slug, 'title', e.title, 'kind', e.kind, 'status', e.status, 'startDate', e.start_date,
  'endDate', e.end_date, 'startsAt', e.starts_at, 'endsAt', e.ends_at, 'timeZone', e.time_zone, 'city', e.city,
  'country', e.country, 'published', e.published, 'createdAt', e.created_at, 'updatedAt', e.updated_at,
  'version', e.version, 'venue', e.venue, 'summary', e.summary, 'sourceUrl', e.source_url,
  'source', CASE WHEN s.id IS NOT NULL THEN json_build_object('slug', s.slug, 'title', s.title, 'publisher', s.publisher,
                                                             'url', s.url, 'publishedOn', s.published_on, 'citation', s.citation) END,
  'organizers', (SELECT coalesce(json_agg(json_build_object('id', o.id, 'role', o.role,
                          'institution', json_build_object('id', i.id, 'slug', i.slug, 'name', i.name, 'shortName', i.short_name))
                        ORDER BY array_position(ARRAY['organizer', 'co_organizer', 'partner'], o.role), o.id), '[]')
                 FROM event_organizers o JOIN institutions i ON i.id = o.institution_id WHERE o.event_id = e.id),
  'participants', (SELECT coalesce(json_agg(json_build_object('id', p.id, 'role', p.role,
                          'speaker', json_build_object('id', sp.id, 'slug', sp.slug, 'fullName', sp.full_name, 'honorific', sp.honorific),
                          'institutions', (SELECT coalesce(json_agg(json_build_object('id', i.id, 'slug', i.slug, 'name', i.name,
                                                                                      'shortName', i.short_name) ORDER BY pi.created_at, i.id), '[]')
                                           FROM event_participant_institutions pi JOIN institutions i ON i.id = pi.institution_id
                                           WHERE pi.participant_id = p.id)) ORDER BY p.id), '[]')
                   FROM event_participants p JOIN speakers sp ON sp.id = p.speaker_id WHERE p.event_id = e.id),
  'quotes', (SELECT coalesce(json_agg(json_build_object('id', q.id, 'text', q.text,
                      'speaker', json_build_object('id', sp.id, 'slug', sp.slug, 'fullName', sp.full_name, 'honorific', sp.honorific))
                    ORDER BY q.id), '[]')
             FROM event_quotes q JOIN speakers sp ON sp.id = q.speaker_id WHERE q.event_id = e.id),
  'acknowledgements', (SELECT coalesce(json_agg(json_build_object('id', a.id, 'kind', a.kind, 'description', a.description,
                          'from', json_build_object('id', i.id, 'slug', i.slug, 'name', i.name, 'shortName', i.short_name),
                          'to', json_build_object('id', sp.id, 'slug', sp.slug, 'fullName', sp.full_name, 'honorific', sp.honorific))
                        ORDER BY a.id), '[]')
                       FROM event_acknowledgements a JOIN institutions i ON i.id = a.from_institution_id
                            JOIN speakers sp ON sp.id = a.to_speaker_id WHERE a.event_id = e.id),
  'recommendations', (SELECT coalesce(json_agg(json_build_object('id', r.id, 'slug', r.slug, 'eventId', r.event_id,
                          'title', r.title, 'status', r.status, 'createdAt', r.created_at, 'updatedAt', r.updated_at,
                          'version', r.version,
                          'themes', ARRAY(SELECT (SELECT t.slug FROM themes t WHERE t.id = rt.theme_id) FROM recommendation_themes rt
                                          WHERE rt.recommendation_id = r.id ORDER BY 1)) ORDER BY r.id), '[]')
                      FROM recommendations r WHERE r.event_id = e.id AND r.deleted_at IS NULL))
FROM events e LEFT JOIN sources s ON s.id = e.source_id
WHERE e.id = (:id)::uuid AND e.deleted_at IS NULL
  AND (e.published OR false OR EXISTS (SELECT 1 FROM event_organizers vo
                                       WHERE vo.event_id = e.id AND vo.institution_id = NULL::uuid AND vo.role IN ('organizer', 'co_organizer')));
