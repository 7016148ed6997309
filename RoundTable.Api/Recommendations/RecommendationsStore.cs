using Dapper;
using Npgsql;
using RoundTable.Api.Events;
using RoundTable.Api.Http;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Recommendations;

internal sealed class RecommendationsStore(NpgsqlDataSource dataSource)
{
    /// <summary>Recommendation summaries (alias r); callers add WHERE and ORDER BY.</summary>
    internal const string SummarySelect = """
        SELECT r.id, r.slug, r.event_id, r.title, r.status, r.created_at, r.updated_at, r.version,
               ARRAY(SELECT t.slug FROM recommendation_themes rt JOIN themes t ON t.id = rt.theme_id
                     WHERE rt.recommendation_id = r.id ORDER BY t.slug) AS themes
        FROM recommendations r
        """;

    // Deleted rows keep a tombstone (deleted_at) and answer 404.
    private const string KeyFilter = "(r.id = @Id::uuid OR r.slug = @Slug::text) AND r.deleted_at IS NULL";

    private const string ListSql = $"""
        {SummarySelect}
        WHERE r.deleted_at IS NULL AND (@After::uuid IS NULL OR r.id > @After::uuid)
        ORDER BY r.id
        LIMIT @Fetch
        """;

    private const string IdSql = $"SELECT r.id FROM recommendations r WHERE {KeyFilter}";

    private const string DetailsSql = $"""
        SELECT r.id, r.slug, {RefColumns.Event}, r.title, r.body, r.target_audience, r.status,
               r.created_at, r.updated_at, r.version, {RefColumns.Source}
        FROM recommendations r JOIN events e ON e.id = r.event_id LEFT JOIN sources s ON s.id = r.source_id
        WHERE {KeyFilter} AND e.deleted_at IS NULL;

        SELECT t.slug, t.name
        FROM recommendation_themes rt JOIN themes t ON t.id = rt.theme_id JOIN recommendations r ON r.id = rt.recommendation_id
        WHERE {KeyFilter}
        ORDER BY t.slug;

        {ProposersSelect}
        WHERE {KeyFilter}
        ORDER BY p.id;

        SELECT c.status, c.changed_on, c.note
        FROM recommendation_status_changes c JOIN recommendations r ON r.id = c.recommendation_id
        WHERE {KeyFilter}
        ORDER BY c.changed_on, c.id;
        """;

    private const string ProposersSelect = $"""
        SELECT p.id, {RefColumns.Speaker}, {RefColumns.Institution}
        FROM recommendation_proposers p
             JOIN recommendations r ON r.id = p.recommendation_id
             LEFT JOIN speakers sp ON sp.id = p.speaker_id
             LEFT JOIN institutions i ON i.id = p.institution_id
        """;

    private const string ProposersPageSql = $"""
        {ProposersSelect}
        WHERE r.id = @RecommendationId AND (@After::uuid IS NULL OR p.id > @After::uuid)
        ORDER BY p.id
        LIMIT @Fetch
        """;

    private const string EventSql = $"""
        SELECT {EventsStore.SummaryColumns}
        FROM recommendations r JOIN events e ON e.id = r.event_id
        WHERE {KeyFilter} AND e.deleted_at IS NULL
        """;

    public async Task<IReadOnlyList<RecommendationRow>> ListAsync(PageRequest page, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<RecommendationRow>(
            new CommandDefinition(ListSql, new { page.After, Fetch = page.FetchCount }, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<Guid?> FindIdAsync(ResourceKey key, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Guid?>(
            new CommandDefinition(IdSql, new { key.Id, key.Slug }, cancellationToken: ct));
    }

    public async Task<RecommendationDetails?> GetAsync(ResourceKey key, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var grid = await connection.QueryMultipleAsync(
            new CommandDefinition(DetailsSql, new { key.Id, key.Slug }, cancellationToken: ct));
        var row = await grid.ReadSingleOrDefaultAsync<RecommendationDetailRow>();
        if (row is null)
        {
            return null;
        }
        return new RecommendationDetails(
            row,
            (await grid.ReadAsync<ThemeRow>()).AsList(),
            (await grid.ReadAsync<ProposerRow>()).AsList(),
            (await grid.ReadAsync<StatusChangeRow>()).AsList());
    }

    public async Task<EventRow?> GetEventAsync(ResourceKey key, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<EventRow>(
            new CommandDefinition(EventSql, new { key.Id, key.Slug }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<ProposerRow>> ListProposersAsync(Guid recommendationId, PageRequest page, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<ProposerRow>(new CommandDefinition(
            ProposersPageSql, new { RecommendationId = recommendationId, page.After, Fetch = page.FetchCount }, cancellationToken: ct));
        return rows.AsList();
    }
}
