using Dapper;
using Npgsql;
using RoundTable.Api.Http;
using RoundTable.Api.Paging;
using RoundTable.Api.Recommendations;

namespace RoundTable.Api.Events;

internal sealed class EventsStore(NpgsqlDataSource dataSource)
{
    internal const string SummaryColumns = """
        e.id, e.slug, e.title, e.kind, e.status, e.start_date, e.end_date, e.starts_at, e.ends_at, e.time_zone,
        e.city, e.country, e.created_at, e.updated_at, e.version
        """;

    private const string KeyFilter = "(e.id = @Id::uuid OR e.slug = @Slug::text)";

    private const string ListSql = $"""
        SELECT {SummaryColumns}
        FROM events e
        WHERE @After::uuid IS NULL OR e.id > @After::uuid
        ORDER BY e.id
        LIMIT @Fetch
        """;

    private const string IdSql = $"SELECT e.id FROM events e WHERE {KeyFilter}";

    // One round trip: the event and each of its relations as separate result sets of one batch.
    private const string DetailsSql = $"""
        SELECT {SummaryColumns}, e.venue, e.summary, e.source_url, {RefColumns.Source}
        FROM events e LEFT JOIN sources s ON s.id = e.source_id
        WHERE {KeyFilter};

        {OrganizersSelect}
        WHERE {KeyFilter}
        ORDER BY array_position(ARRAY['organizer', 'co_organizer', 'partner'], o.role), o.id;

        {ParticipantsSelect}
        WHERE {KeyFilter}
        ORDER BY p.id;

        {ParticipantInstitutionsSelect}
        WHERE {KeyFilter}
        ORDER BY pi.participant_id, pi.created_at, i.id;

        SELECT q.id, q.text, {RefColumns.Speaker}
        FROM event_quotes q JOIN events e ON e.id = q.event_id JOIN speakers sp ON sp.id = q.speaker_id
        WHERE {KeyFilter}
        ORDER BY q.id;

        SELECT a.id, a.kind, a.description, {RefColumns.Institution}, {RefColumns.Speaker}
        FROM event_acknowledgements a JOIN events e ON e.id = a.event_id
             JOIN institutions i ON i.id = a.from_institution_id JOIN speakers sp ON sp.id = a.to_speaker_id
        WHERE {KeyFilter}
        ORDER BY a.id;

        {RecommendationsStore.SummarySelect}
        JOIN events e ON e.id = r.event_id
        WHERE {KeyFilter}
        ORDER BY r.id;
        """;

    private const string OrganizersSelect = $"""
        SELECT o.id, o.event_id, o.role, {RefColumns.Institution}
        FROM event_organizers o JOIN events e ON e.id = o.event_id JOIN institutions i ON i.id = o.institution_id
        """;

    private const string ParticipantsSelect = $"""
        SELECT p.id, p.event_id, p.role, {RefColumns.Speaker}
        FROM event_participants p JOIN events e ON e.id = p.event_id JOIN speakers sp ON sp.id = p.speaker_id
        """;

    private const string ParticipantInstitutionsSelect = $"""
        SELECT pi.participant_id, {RefColumns.Institution}
        FROM event_participant_institutions pi
             JOIN event_participants p ON p.id = pi.participant_id
             JOIN events e ON e.id = p.event_id
             JOIN institutions i ON i.id = pi.institution_id
        """;

    private const string OrganizersPageSql = $"""
        {OrganizersSelect}
        WHERE e.id = @EventId AND (@After::uuid IS NULL OR o.id > @After::uuid)
        ORDER BY o.id
        LIMIT @Fetch
        """;

    // The page of participants and the institutions of exactly those participants, in one round trip.
    private const string ParticipantsPageSql = $"""
        {ParticipantsSelect}
        WHERE e.id = @EventId AND (@After::uuid IS NULL OR p.id > @After::uuid)
        ORDER BY p.id
        LIMIT @Fetch;

        {ParticipantInstitutionsSelect}
        WHERE e.id = @EventId AND pi.participant_id IN (
            SELECT p2.id FROM event_participants p2
            WHERE p2.event_id = @EventId AND (@After::uuid IS NULL OR p2.id > @After::uuid)
            ORDER BY p2.id LIMIT @Fetch)
        ORDER BY pi.participant_id, pi.created_at, i.id;
        """;

    private const string RecommendationsPageSql = $"""
        {RecommendationsStore.SummarySelect}
        WHERE r.event_id = @EventId AND (@After::uuid IS NULL OR r.id > @After::uuid)
        ORDER BY r.id
        LIMIT @Fetch
        """;

    public async Task<IReadOnlyList<EventRow>> ListAsync(PageRequest page, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<EventRow>(
            new CommandDefinition(ListSql, new { page.After, Fetch = page.FetchCount }, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<Guid?> FindIdAsync(ResourceKey key, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Guid?>(
            new CommandDefinition(IdSql, new { key.Id, key.Slug }, cancellationToken: ct));
    }

    public async Task<EventDetails?> GetAsync(ResourceKey key, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var grid = await connection.QueryMultipleAsync(
            new CommandDefinition(DetailsSql, new { key.Id, key.Slug }, cancellationToken: ct));
        var row = await grid.ReadSingleOrDefaultAsync<EventRow>();
        if (row is null)
        {
            return null;
        }
        return new EventDetails(
            row,
            (await grid.ReadAsync<EventOrganizerRow>()).AsList(),
            (await grid.ReadAsync<EventParticipantRow>()).AsList(),
            (await grid.ReadAsync<ParticipantInstitutionRow>()).AsList(),
            (await grid.ReadAsync<EventQuoteRow>()).AsList(),
            (await grid.ReadAsync<EventAcknowledgementRow>()).AsList(),
            (await grid.ReadAsync<RecommendationRow>()).AsList());
    }

    public async Task<IReadOnlyList<EventOrganizerRow>> ListOrganizersAsync(Guid eventId, PageRequest page, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<EventOrganizerRow>(new CommandDefinition(
            OrganizersPageSql, new { EventId = eventId, page.After, Fetch = page.FetchCount }, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<IReadOnlyList<ParticipantWithInstitutions>> ListParticipantsAsync(Guid eventId, PageRequest page, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var grid = await connection.QueryMultipleAsync(new CommandDefinition(
            ParticipantsPageSql, new { EventId = eventId, page.After, Fetch = page.FetchCount }, cancellationToken: ct));
        var participants = (await grid.ReadAsync<EventParticipantRow>()).AsList();
        var institutions = (await grid.ReadAsync<ParticipantInstitutionRow>()).ToLookup(i => i.ParticipantId);
        return participants.Select(p => new ParticipantWithInstitutions(p, institutions[p.Id].ToList())).ToList();
    }

    public async Task<IReadOnlyList<RecommendationRow>> ListRecommendationsAsync(Guid eventId, PageRequest page, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<RecommendationRow>(new CommandDefinition(
            RecommendationsPageSql, new { EventId = eventId, page.After, Fetch = page.FetchCount }, cancellationToken: ct));
        return rows.AsList();
    }
}
