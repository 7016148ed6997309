using Dapper;
using Npgsql;
using RoundTable.Api.Http;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Speakers;

internal sealed class SpeakersStore(NpgsqlDataSource dataSource)
{
    // Deleted rows keep a tombstone (deleted_at) and answer 404.
    private const string KeyFilter = "(sp.id = @Id::uuid OR sp.slug = @Slug::text) AND sp.deleted_at IS NULL";

    private const string Columns = """
        sp.id, sp.slug, sp.full_name, sp.honorific, sp.orcid, sp.bio, sp.created_at, sp.updated_at, sp.version
        """;

    private const string ListSql = $"""
        SELECT {Columns}
        FROM speakers sp
        WHERE sp.deleted_at IS NULL AND (@After::uuid IS NULL OR sp.id > @After::uuid)
        ORDER BY sp.id
        LIMIT @Fetch
        """;

    private const string IdSql = $"SELECT sp.id FROM speakers sp WHERE {KeyFilter}";

    /// <summary>Affiliations with both ends (alias a, sp, i); callers add WHERE and ORDER BY.</summary>
    internal const string AffiliationsSelect = $"""
        SELECT a.id, a.position, a.start_date, a.end_date, {RefColumns.Speaker}, {RefColumns.Institution}
        FROM speaker_affiliations a
             JOIN speakers sp ON sp.id = a.speaker_id
             JOIN institutions i ON i.id = a.institution_id
        """;

    private const string DetailsSql = $"""
        SELECT {Columns}, {RefColumns.Source}
        FROM speakers sp LEFT JOIN sources s ON s.id = sp.source_id
        WHERE {KeyFilter};

        {AffiliationsSelect}
        WHERE {KeyFilter}
        ORDER BY a.id;
        """;

    private const string AffiliationsPageSql = $"""
        {AffiliationsSelect}
        WHERE sp.id = @SpeakerId AND (@After::uuid IS NULL OR a.id > @After::uuid)
        ORDER BY a.id
        LIMIT @Fetch
        """;

    private const string EventsPageSql = $"""
        SELECT p.id, p.role, {RefColumns.Event}
        FROM event_participants p JOIN events e ON e.id = p.event_id
        WHERE p.speaker_id = @SpeakerId AND e.deleted_at IS NULL AND (@After::uuid IS NULL OR p.id > @After::uuid)
        ORDER BY p.id
        LIMIT @Fetch
        """;

    public async Task<IReadOnlyList<SpeakerRow>> ListAsync(PageRequest page, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<SpeakerRow>(
            new CommandDefinition(ListSql, new { page.After, Fetch = page.FetchCount }, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<Guid?> FindIdAsync(ResourceKey key, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Guid?>(
            new CommandDefinition(IdSql, new { key.Id, key.Slug }, cancellationToken: ct));
    }

    public async Task<SpeakerDetails?> GetAsync(ResourceKey key, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var grid = await connection.QueryMultipleAsync(
            new CommandDefinition(DetailsSql, new { key.Id, key.Slug }, cancellationToken: ct));
        var row = await grid.ReadSingleOrDefaultAsync<SpeakerRow>();
        if (row is null)
        {
            return null;
        }
        return new SpeakerDetails(row, (await grid.ReadAsync<AffiliationRow>()).AsList());
    }

    public async Task<IReadOnlyList<AffiliationRow>> ListAffiliationsAsync(Guid speakerId, PageRequest page, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<AffiliationRow>(new CommandDefinition(
            AffiliationsPageSql, new { SpeakerId = speakerId, page.After, Fetch = page.FetchCount }, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<IReadOnlyList<SpeakerEventRow>> ListEventsAsync(Guid speakerId, PageRequest page, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<SpeakerEventRow>(new CommandDefinition(
            EventsPageSql, new { SpeakerId = speakerId, page.After, Fetch = page.FetchCount }, cancellationToken: ct));
        return rows.AsList();
    }
}
