using Dapper;
using Npgsql;
using RoundTable.Api.Http;
using RoundTable.Api.Paging;
using RoundTable.Api.Speakers;

namespace RoundTable.Api.Institutions;

internal sealed class InstitutionsStore(NpgsqlDataSource dataSource)
{
    // Deleted rows keep a tombstone (deleted_at) and answer 404.
    private const string KeyFilter = "(i.id = @Id::uuid OR i.slug = @Slug::text) AND i.deleted_at IS NULL";

    private const string Columns = """
        i.id, i.slug, i.name, i.short_name, i.kind, i.country, i.city, i.website, i.ror_id, i.parent_id,
        i.created_at, i.updated_at, i.version
        """;

    private const string ListSql = $"""
        SELECT {Columns}
        FROM institutions i
        WHERE i.deleted_at IS NULL AND (@After::uuid IS NULL OR i.id > @After::uuid)
        ORDER BY i.id
        LIMIT @Fetch
        """;

    private const string IdSql = $"SELECT i.id FROM institutions i WHERE {KeyFilter}";

    private const string DetailsSql = $"""
        SELECT {Columns},
               pa.slug AS parent_slug, pa.name AS parent_name, pa.short_name AS parent_short_name, {RefColumns.Source}
        FROM institutions i
             LEFT JOIN institutions pa ON pa.id = i.parent_id
             LEFT JOIN sources s ON s.id = i.source_id
        WHERE {KeyFilter};

        SELECT r.id, r.ranking, r.year, r.subject, r.rank
        FROM institution_rankings r JOIN institutions i ON i.id = r.institution_id
        WHERE {KeyFilter}
        ORDER BY r.year DESC NULLS LAST, r.ranking, r.id;

        SELECT f.id, f.key, f.label, f.value, f.qualifier, f.as_of_year
        FROM institution_figures f JOIN institutions i ON i.id = f.institution_id
        WHERE {KeyFilter}
        ORDER BY f.id;
        """;

    private const string ChildrenPageSql = $"""
        SELECT {Columns}
        FROM institutions i
        WHERE i.parent_id = @InstitutionId AND i.deleted_at IS NULL AND (@After::uuid IS NULL OR i.id > @After::uuid)
        ORDER BY i.id
        LIMIT @Fetch
        """;

    private const string SpeakersPageSql = $"""
        {SpeakersStore.AffiliationsSelect}
        WHERE i.id = @InstitutionId AND (@After::uuid IS NULL OR a.id > @After::uuid)
        ORDER BY a.id
        LIMIT @Fetch
        """;

    // Events the institution organized, or at which a participant represented it; one item per event.
    private const string EventsPageSql = $"""
        WITH involvement AS (
            SELECT o.event_id, o.role AS involvement FROM event_organizers o WHERE o.institution_id = @InstitutionId
            UNION
            SELECT p.event_id, 'represented' FROM event_participant_institutions pi
                JOIN event_participants p ON p.id = pi.participant_id
            WHERE pi.institution_id = @InstitutionId)
        SELECT {RefColumns.Event},
               array_agg(v.involvement ORDER BY array_position(
                   ARRAY['organizer', 'co_organizer', 'partner', 'represented'], v.involvement)) AS involvement
        FROM involvement v JOIN events e ON e.id = v.event_id
        WHERE e.deleted_at IS NULL AND (@After::uuid IS NULL OR e.id > @After::uuid)
        GROUP BY e.id
        ORDER BY e.id
        LIMIT @Fetch
        """;

    public async Task<IReadOnlyList<InstitutionRow>> ListAsync(PageRequest page, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<InstitutionRow>(
            new CommandDefinition(ListSql, new { page.After, Fetch = page.FetchCount }, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<Guid?> FindIdAsync(ResourceKey key, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Guid?>(
            new CommandDefinition(IdSql, new { key.Id, key.Slug }, cancellationToken: ct));
    }

    public async Task<InstitutionDetails?> GetAsync(ResourceKey key, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var grid = await connection.QueryMultipleAsync(
            new CommandDefinition(DetailsSql, new { key.Id, key.Slug }, cancellationToken: ct));
        var row = await grid.ReadSingleOrDefaultAsync<InstitutionRow>();
        if (row is null)
        {
            return null;
        }
        return new InstitutionDetails(row, (await grid.ReadAsync<RankingRow>()).AsList(), (await grid.ReadAsync<FigureRow>()).AsList());
    }

    public Task<IReadOnlyList<InstitutionRow>> ListChildrenAsync(Guid institutionId, PageRequest page, CancellationToken ct) =>
        QueryPageAsync<InstitutionRow>(ChildrenPageSql, institutionId, page, ct);

    public Task<IReadOnlyList<AffiliationRow>> ListSpeakersAsync(Guid institutionId, PageRequest page, CancellationToken ct) =>
        QueryPageAsync<AffiliationRow>(SpeakersPageSql, institutionId, page, ct);

    public Task<IReadOnlyList<InstitutionEventRow>> ListEventsAsync(Guid institutionId, PageRequest page, CancellationToken ct) =>
        QueryPageAsync<InstitutionEventRow>(EventsPageSql, institutionId, page, ct);

    private async Task<IReadOnlyList<T>> QueryPageAsync<T>(string sql, Guid institutionId, PageRequest page, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<T>(new CommandDefinition(
            sql, new { InstitutionId = institutionId, page.After, Fetch = page.FetchCount }, cancellationToken: ct));
        return rows.AsList();
    }

    private const string ResolveSql = """
        SELECT i.id, i.slug FROM institutions i
        WHERE i.deleted_at IS NULL AND (i.id = ANY(@Ids) OR i.slug = ANY(@Slugs))
        """;

    /// <summary>The live institutions among <paramref name="keys"/>, by the id or slug they were asked by.</summary>
    public async Task<IReadOnlyDictionary<ResourceKey, Guid>> ResolveAsync(IReadOnlyCollection<ResourceKey> keys, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(Guid Id, string Slug)>(new CommandDefinition(ResolveSql, new
        {
            Ids = keys.Where(k => k.Id is not null).Select(k => k.Id!.Value).ToArray(),
            Slugs = keys.Where(k => k.Slug is not null).Select(k => k.Slug!).ToArray(),
        }, cancellationToken: ct));
        var found = new Dictionary<ResourceKey, Guid>();
        foreach (var (id, slug) in rows)
        {
            found[new ResourceKey(id, null)] = id;
            found[new ResourceKey(null, slug)] = id;
        }
        return found;
    }
}
