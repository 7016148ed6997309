namespace RoundTable.Api.Tests.Infrastructure;

/// <summary>
/// Deterministic extra rows beside the seed, for tests of filters, sort orders and search: many ties (11 start
/// dates, 35 titles, 13 update times), several kinds, statuses, countries and languages.
/// </summary>
internal static class GeneratedData
{
    public const int Events = 57;

    public const string Sql = """
        INSERT INTO events (slug, title, kind, status, start_date, end_date, country, summary, published, created_at, updated_at)
        SELECT 'gen-event-' || g,
               jsonb_build_object('en', (ARRAY['Alpha', 'beta', 'Gamma', 'delta', 'Épsilon'])[1 + g % 5] || ' forum ' || (g % 7),
                                  'ru', 'Форум ' || g, 'ko', '포럼 ' || g),
               (ARRAY['conference', 'seminar', 'workshop', 'lecture', 'round_table'])[1 + g % 5],
               (ARRAY['scheduled', 'held', 'cancelled'])[1 + g % 3],
               date '2023-01-01' + (g % 11) * 30,
               date '2023-01-01' + (g % 11) * 30 + (g % 3),
               (ARRAY['KZ', 'KR', 'DE'])[1 + g % 3],
               jsonb_build_object('en', 'Generated summary number ' || g),
               true,
               now() - interval '2 days',
               now() - (g % 13) * interval '1 hour'
        FROM generate_series(1, 57) AS g;

        INSERT INTO event_organizers (event_id, institution_id, role)
        SELECT e.id, i.id, 'organizer'
        FROM events e JOIN institutions i ON i.slug = CASE WHEN right(e.slug, 1) IN ('1', '3', '5') THEN 'seoul-national-university' ELSE 'iitu' END
        WHERE e.slug LIKE 'gen-event-%';

        INSERT INTO event_participants (event_id, speaker_id, role)
        SELECT e.id, s.id, 'speaker'
        FROM events e JOIN speakers s ON s.slug = 'kilkon-ko'
        WHERE e.slug LIKE 'gen-event-%' AND right(e.slug, 1) IN ('2', '4');
        """;
}
