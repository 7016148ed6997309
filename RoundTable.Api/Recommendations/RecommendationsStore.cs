using Dapper;
using Npgsql;
using RoundTable.Api.Database;
using RoundTable.Api.Events;
using RoundTable.Api.Http;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Recommendations;

internal sealed class RecommendationsStore(NpgsqlDataSource dataSource, Auth.Viewer viewer)
{
    /// <summary>
    /// The slugs of recommendation r's themes, sorted. One key lookup per theme: with a join, the server hashed the
    /// whole themes table for every row (0.25 ms of a 0.5 ms search page).
    /// </summary>
    private const string ThemeSlugs = """
        ARRAY(SELECT (SELECT t.slug FROM themes t WHERE t.id = rt.theme_id) AS slug FROM recommendation_themes rt
              WHERE rt.recommendation_id = r.id ORDER BY 1)
        """;

    /// <summary>Recommendation summaries (alias r); callers add WHERE and ORDER BY.</summary>
    internal const string SummarySelect = $"""
        SELECT r.id, r.slug, r.event_id, r.title, r.status, r.created_at, r.updated_at, r.version,
               {ThemeSlugs} AS themes
        FROM recommendations r
        """;

    // Deleted rows keep a tombstone (deleted_at) and answer 404.
    private const string KeyFilter = $"(r.id = @Id::uuid OR r.slug = @Slug::text) AND r.deleted_at IS NULL AND {EventVisible}";

    // A recommendation is visible with its event: hidden while the event is a draft the viewer may not see.
    // A scalar subquery, looked up per row through the events' primary key: as an EXISTS the planner may turn it into
    // a hash join over every event when it misjudges how few rows a search finds.
    private const string EventVisible = $"coalesce((SELECT {Auth.Viewer.CanSeeEvent} FROM events e WHERE e.id = r.event_id AND e.deleted_at IS NULL), false)";

    /// <summary>Filters, sorts and search of GET /recommendations (and its exports).</summary>
    public static readonly ListSpec List = new("recommendation", "r",
        [
            ListSpec.Id("r"),
            new SortSpec("title", "rt_sort_key(r.title)", "text", "Title (English, else the first language), case-insensitive."),
            ListSpec.UpdatedAt("r"),
            ListSpec.Relevance($"ts_rank(r.search, {ListSpec.SearchQuery})"),
        ],
        [
            new ReferenceFilter("event", "Recommendations of an event (UUID or slug).",
                "r.event_id IN (SELECT fe.id FROM events fe WHERE fe.id = {id} OR fe.slug = {slug})"),
            ValuesFilter.Of<RecommendationStatus>("status", "Statuses (comma-separated).", "r.status"),
            new SlugFilter("theme", "Recommendations on a theme (slug).", """
                EXISTS (SELECT 1 FROM recommendation_themes frt JOIN themes ft ON ft.id = frt.theme_id
                        WHERE frt.recommendation_id = r.id AND ft.slug = {0})
                """, "digital-skills"),
            new ContainsFilter("audience", "Recommendations whose target audience mentions this text (any language, case- and accent-insensitive).",
                "r.target_audience", "civil servants"),
            new ReferenceFilter("proposer", "Recommendations proposed by a person or an institution (UUID or slug).", """
                EXISTS (SELECT 1 FROM recommendation_proposers fp
                        LEFT JOIN speakers fs ON fs.id = fp.speaker_id LEFT JOIN institutions fi ON fi.id = fp.institution_id
                        WHERE fp.recommendation_id = r.id
                          AND (fs.id = {id} OR fs.slug = {slug} OR fi.id = {id} OR fi.slug = {slug}))
                """),
        ],
        $"r.search @@ {ListSpec.SearchQuery}",
        []);

    internal const string ListBase = $"r.deleted_at IS NULL AND {EventVisible}";

    /// <summary><see cref="SummarySelect"/> without its FROM, for the list builder.</summary>
    private static readonly string SummaryColumns = SummarySelect[..SummarySelect.LastIndexOf("FROM recommendations r", StringComparison.Ordinal)].TrimEnd();

    private static readonly KeyedSql s_idSql = new(IdSql);


    private const string IdSql = $"SELECT r.id FROM recommendations r WHERE {KeyFilter}";

    private static readonly KeyedSql s_detailsSql = new(DetailsSql);


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
        WHERE r.id = @RecommendationId AND (@After::uuid IS NULL OR p.id > @After::uuid) AND (@UpdatedSince::timestamptz IS NULL OR p.updated_at >= @UpdatedSince::timestamptz)
        ORDER BY p.id
        LIMIT @Fetch
        """;

    private static readonly KeyedSql s_eventSql = new(EventSql);


    private const string EventSql = $"""
        SELECT {EventsStore.SummaryColumns}
        FROM recommendations r JOIN events e ON e.id = r.event_id
        WHERE {KeyFilter} AND e.deleted_at IS NULL
        """;

    public Task<IReadOnlyList<RecommendationRow>> ListAsync(ListQuery query, CancellationToken ct) =>
        ListReads.PageAsync<RecommendationRow>(dataSource, viewer.Command(query.Sql(SummaryColumns, "recommendations r", ListBase), query.Parameters, ct));

    public IAsyncEnumerable<RecommendationRow> StreamAsync(ListQuery query, CancellationToken ct) =>
        ListReads.StreamAsync<RecommendationRow>(dataSource, viewer.Command(query.Sql(SummaryColumns, "recommendations r", ListBase), query.Parameters, ct));

    public async Task<Guid?> FindIdAsync(ResourceKey key, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Guid?>(
            viewer.Command(s_idSql.For(key), new { key.Id, key.Slug }, ct));
    }

    public async Task<RecommendationDetails?> GetAsync(ResourceKey key, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var grid = await connection.QueryMultipleAsync(
            viewer.Command(s_detailsSql.For(key), new { key.Id, key.Slug }, ct));
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
            viewer.Command(s_eventSql.For(key), new { key.Id, key.Slug }, ct));
    }

    public async Task<IReadOnlyList<ProposerRow>> ListProposersAsync(Guid recommendationId, PageRequest page, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<ProposerRow>(new CommandDefinition(
            ProposersPageSql, new { RecommendationId = recommendationId, page.After, page.UpdatedSince, Fetch = page.FetchCount }, cancellationToken: ct));
        return rows.AsList();
    }

    // ---- writes

    private const string InsertSql = """
        INSERT INTO recommendations (slug, event_id, title, body, target_audience, status, created_by_key_id)
        VALUES (@Slug, @EventId, @Title, @Body, @TargetAudience, 'proposed', @KeyId)
        RETURNING id, version
        """;

    private const string FirstStatusSql = """
        INSERT INTO recommendation_status_changes (recommendation_id, status, changed_on)
        VALUES (@Id, 'proposed', (now() AT TIME ZONE 'UTC')::date)
        """;

    private const string ReplaceRelationsSql = """
        DELETE FROM recommendation_themes WHERE recommendation_id = @Id;
        INSERT INTO recommendation_themes (recommendation_id, theme_id) SELECT @Id, t FROM unnest(@ThemeIds) AS t;
        DELETE FROM recommendation_proposers WHERE recommendation_id = @Id;
        INSERT INTO recommendation_proposers (recommendation_id, speaker_id, institution_id)
        SELECT @Id, p.speaker_id, p.institution_id FROM unnest(@Speakers::uuid[], @Institutions::uuid[]) AS p (speaker_id, institution_id);
        """;

    private const string UpdateSql = $"""
        UPDATE recommendations SET slug = @Slug, event_id = @EventId, title = @Title, body = @Body,
            target_audience = @TargetAudience
        {RowWrites.Conditional}
        """;

    private const string StatusSql = $"UPDATE recommendations SET status = @Status {RowWrites.Conditional}";

    private const string AppendStatusSql = """
        INSERT INTO recommendation_status_changes (recommendation_id, status, changed_on, note)
        VALUES (@Id, @Status, @ChangedOn, @Note)
        """;

    private const string WritableSql = $"""
        SELECT r.id, r.slug, r.event_id, r.title, r.body, r.target_audience, r.status, r.version,
               {ThemeSlugs} AS themes,
               (SELECT max(c.changed_on) FROM recommendation_status_changes c WHERE c.recommendation_id = r.id) AS last_changed_on
        FROM recommendations r WHERE r.id = @Id AND r.deleted_at IS NULL;

        SELECT speaker_id, institution_id FROM recommendation_proposers WHERE recommendation_id = @Id ORDER BY id;
        """;

    /// <summary>A partner owns the recommendations of the events its institution organizes or co-organizes.</summary>
    private const string OwnedSql = """
        SELECT EXISTS (SELECT 1 FROM recommendations r JOIN event_organizers o ON o.event_id = r.event_id
                       WHERE r.id = @Id AND o.institution_id = @InstitutionId AND o.role IN ('organizer', 'co_organizer'))
        """;

    private const string ThemesSql = "SELECT slug, id FROM themes WHERE slug = ANY(@Slugs)";

    public async Task<bool> IsOwnedByAsync(Guid id, Guid institutionId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(OwnedSql, new { Id = id, InstitutionId = institutionId }, cancellationToken: ct));
    }

    public async Task<IReadOnlyDictionary<string, Guid>> ResolveThemesAsync(IReadOnlyCollection<string> slugs, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(string Slug, Guid Id)>(new CommandDefinition(ThemesSql, new { Slugs = slugs.ToArray() }, cancellationToken: ct));
        return rows.ToDictionary(r => r.Slug, r => r.Id, StringComparer.Ordinal);
    }

    public async Task<RecommendationWriteRow?> GetWritableAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var grid = await connection.QueryMultipleAsync(new CommandDefinition(WritableSql, new { Id = id }, cancellationToken: ct));
        var row = await grid.ReadSingleOrDefaultAsync<RecommendationWriteRow>();
        if (row is not null)
        {
            row.Proposers = (await grid.ReadAsync<(Guid? SpeakerId, Guid? InstitutionId)>()).ToList();
        }
        return row;
    }

    public Task<(Guid Id, long Version)> CreateAsync(RecommendationWriteRow row, Guid keyId, CancellationToken ct) =>
        RowWrites.InsertAsync(dataSource, "recommendation", InsertSql, new
        {
            row.Slug, row.EventId, row.Title, row.Body, row.TargetAudience, KeyId = keyId,
        }, keyId, ct, async (connection, transaction, id) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(FirstStatusSql, new { Id = id }, transaction, cancellationToken: ct));
            await ReplaceRelationsAsync(connection, transaction, id, row, ct);
        }, ReferencesOf(row));

    public Task<WriteResult> UpdateAsync(Guid id, long? expected, RecommendationWriteRow row, Guid keyId, CancellationToken ct) =>
        RowWrites.UpdateAsync(dataSource, "recommendations", "recommendation", UpdateSql, id, new
        {
            Id = id, Expected = expected, row.Slug, row.EventId, row.Title, row.Body, row.TargetAudience,
        }, keyId, ct, (connection, transaction) => ReplaceRelationsAsync(connection, transaction, id, row, ct), ReferencesOf(row));

    private static References ReferencesOf(RecommendationWriteRow row) => References.Of(
        events: [row.EventId],
        speakers: row.Proposers.Select(p => p.SpeakerId).OfType<Guid>(),
        institutions: row.Proposers.Select(p => p.InstitutionId).OfType<Guid>());

    /// <summary>Sets the status and appends it to the history, conditionally on <paramref name="expected"/>.</summary>
    public Task<WriteResult> ChangeStatusAsync(Guid id, long expected, string status, DateOnly changedOn, Localization.LocalizedText? note, Guid keyId, CancellationToken ct) =>
        RowWrites.UpdateAsync(dataSource, "recommendations", "recommendation", StatusSql, id, new { Id = id, Expected = expected, Status = status },
            keyId, ct, (connection, transaction) => connection.ExecuteAsync(new CommandDefinition(AppendStatusSql,
                new { Id = id, Status = status, ChangedOn = changedOn, Note = note }, transaction, cancellationToken: ct)));

    public Task<WriteResult> DeleteAsync(Guid id, long? expected, Guid keyId, CancellationToken ct) =>
        RowWrites.SoftDeleteAsync(dataSource, "recommendations", "recommendation", id, expected, keyId, ct);

    private static Task ReplaceRelationsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, RecommendationWriteRow row, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(ReplaceRelationsSql, new
        {
            Id = id,
            ThemeIds = row.ThemeIds.ToArray(),
            Speakers = row.Proposers.Select(p => p.SpeakerId).ToArray(),
            Institutions = row.Proposers.Select(p => p.InstitutionId).ToArray(),
        }, transaction, cancellationToken: ct));
}
