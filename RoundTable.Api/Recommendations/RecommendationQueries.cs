using Dapper;
using Npgsql;
using RoundTable.Api.Auth;
using RoundTable.Api.Database;
using RoundTable.Api.Events;
using RoundTable.Api.Http;
using RoundTable.Api.Institutions;
using RoundTable.Api.Localization;
using RoundTable.Api.Paging;
using RoundTable.Api.Sources;
using RoundTable.Api.Speakers;
using RoundTable.Api.Themes;

namespace RoundTable.Api.Recommendations;

/// <summary>The reads of recommendations: each query beside the method that runs it.</summary>
internal sealed class RecommendationQueries(NpgsqlDataSource dataSource, Viewer viewer)
{
    /// <summary>
    /// A recommendation is visible with its event: hidden while the event is a draft the viewer may not see. A scalar
    /// subquery, looked up per row through the events' primary key: as an EXISTS the planner may turn it into a hash
    /// join over every event when it misjudges how few rows a search finds.
    /// </summary>
    private const string EventVisible = $"coalesce((SELECT {EventQueries.Visible} FROM events e WHERE e.id = r.event_id AND e.deleted_at IS NULL), false)";

    /// <summary>How recommendations are found by id or slug (deleted ones, and those of hidden drafts, are not).</summary>
    public static readonly KeyLookup Key = new("recommendation", "recommendations", "r", EventVisible);


    /// <summary>
    /// The slugs of recommendation r's themes, sorted. One key lookup per theme: with a join, the server hashed the
    /// whole themes table for every row (0.25 ms of a 0.5 ms search page).
    /// </summary>
    internal const string ThemeSlugs = """
        ARRAY(SELECT (SELECT t.slug FROM themes t WHERE t.id = rt.theme_id) AS slug FROM recommendation_themes rt
              WHERE rt.recommendation_id = r.id ORDER BY 1)
        """;

    /// <summary>Recommendation summaries (alias r), without FROM: for the lists and every query that embeds them.</summary>
    internal const string SummaryColumns = $"""
        SELECT r.id, r.slug, r.event_id, r.title, r.status, r.created_at, r.updated_at, r.version,
               {ThemeSlugs} AS themes
        """;

    internal const string ListBase = $"r.deleted_at IS NULL AND {EventVisible}";

    /// <summary>Filters, sorts and search of GET /recommendations (and its exports).</summary>
    public static readonly ListSpec List = new("recommendation", "r",
        [
            ListSpec.Id("r"),
            new SortSpec("title", "rt_sort_key(r.title)", "text", "Title (English, else the first language), case-insensitive."),
            ListSpec.UpdatedAt("r"),
            ListSpec.Relevance("r", "recommendations"),
        ],
        [
            new ReferenceFilter("event", "Recommendations of an event (UUID or slug).",
                "r.event_id IN (SELECT fe.id FROM events fe WHERE fe.id = {id} OR fe.slug = {slug})", "iitu-snu-round-table-2024", [EventQueries.Key]),
            ValuesFilter.Of<RecommendationStatus>("status", "Statuses (comma-separated).", "r.status", RecommendationStatus.Proposed),
            new SlugFilter("theme", "Recommendations on a theme (slug).", """
                EXISTS (SELECT 1 FROM recommendation_themes frt JOIN themes ft ON ft.id = frt.theme_id
                        WHERE frt.recommendation_id = r.id AND ft.slug = {0})
                """, "digital-literacy", ThemeQueries.Key),
            new ContainsFilter("audience", "Recommendations whose target audience mentions this text (any language, case- and accent-insensitive).",
                "r.target_audience", "civil servants"),
            new ReferenceFilter("proposer", "Recommendations proposed by a person or an institution (UUID or slug).", """
                EXISTS (SELECT 1 FROM recommendation_proposers fp
                        LEFT JOIN speakers fs ON fs.id = fp.speaker_id LEFT JOIN institutions fi ON fi.id = fp.institution_id
                        WHERE fp.recommendation_id = r.id
                          AND (fs.id = {id} OR fs.slug = {slug} OR fi.id = {id} OR fi.slug = {slug}))
                """, "a-k-khikmetov", [SpeakerQueries.Key, InstitutionQueries.Key]),
        ],
        $"r.search @@ {ListSpec.SearchQuery}",
        []);

    public Task<IReadOnlyList<RecommendationRow>> ListAsync(ListQuery query, CancellationToken ct) =>
        dataSource.QueryListAsync<RecommendationRow>(viewer.Command(ListSql(query), query.Parameters, ct));

    public IAsyncEnumerable<RecommendationRow> StreamAsync(ListQuery query, CancellationToken ct) =>
        dataSource.StreamAsync<RecommendationRow>(viewer.Command(ListSql(query), query.Parameters, ct));

    private static string ListSql(ListQuery query) => query.Sql(SummaryColumns, "recommendations r", ListBase);

    private static readonly string s_keyFilter = Key.KeyFilter;

    private static readonly KeyedSql s_detailsSql = new($"""
        SELECT r.id, r.slug, {Sql.EventRef}, r.title, r.body, r.target_audience, r.status,
               r.created_at, r.updated_at, r.version, {Sql.Source}
        FROM recommendations r JOIN events e ON e.id = r.event_id LEFT JOIN sources s ON s.id = r.source_id
        WHERE {s_keyFilter} AND e.deleted_at IS NULL;

        SELECT t.slug, t.name
        FROM recommendation_themes rt JOIN themes t ON t.id = rt.theme_id JOIN recommendations r ON r.id = rt.recommendation_id
        WHERE {s_keyFilter}
        ORDER BY t.slug;

        {ProposersSelect}
        WHERE {s_keyFilter}
        ORDER BY p.id;

        SELECT c.status, c.changed_on, c.note
        FROM recommendation_status_changes c JOIN recommendations r ON r.id = c.recommendation_id
        WHERE {s_keyFilter}
        ORDER BY c.changed_on, c.id;
        """);

    /// <summary>A recommendation with its themes, proposers and status history, in one round trip.</summary>
    public Task<RecommendationDetails?> GetAsync(ResourceKey key, CancellationToken ct) =>
        dataSource.QueryDetailsAsync<RecommendationDetailRow, RecommendationDetails>(
            viewer.Command(s_detailsSql.For(key), new { key.Id, key.Slug }, ct),
            async (row, grid) => new RecommendationDetails(
                row,
                (await grid.ReadAsync<ThemeRow>()).AsList(),
                (await grid.ReadAsync<ProposerRow>()).AsList(),
                (await grid.ReadAsync<StatusChangeRow>()).AsList()));

    private static readonly KeyedSql s_eventSql = new($"""
        SELECT {EventQueries.SummaryColumns}
        FROM recommendations r JOIN events e ON e.id = r.event_id
        WHERE {s_keyFilter} AND e.deleted_at IS NULL
        """);

    /// <summary>The event a recommendation came out of.</summary>
    public Task<EventRow?> GetEventAsync(ResourceKey key, CancellationToken ct) =>
        dataSource.QuerySingleOrDefaultAsync<EventRow>(viewer.Command(s_eventSql.For(key), new { key.Id, key.Slug }, ct));

    private const string ProposersSelect = $"""
        SELECT p.id, {Sql.SpeakerRef}, {Sql.InstitutionRef}
        FROM recommendation_proposers p
             JOIN recommendations r ON r.id = p.recommendation_id
             LEFT JOIN speakers sp ON sp.id = p.speaker_id
             LEFT JOIN institutions i ON i.id = p.institution_id
        """;

    private static readonly string s_proposersPageSql = $"""
        {ProposersSelect}
        WHERE r.id = @ParentId AND {Sql.After("p")}
        {Sql.PageOrder("p")}
        """;

    public Task<IReadOnlyList<ProposerRow>> ListProposersAsync(Guid recommendationId, PageRequest page, CancellationToken ct) =>
        dataSource.QueryListAsync<ProposerRow>(new CommandDefinition(s_proposersPageSql, page.Parameters(recommendationId), cancellationToken: ct));
}

// Rows as the queries select them; RecommendationMappings turns them into contracts.

internal sealed class RecommendationRow : IListRow
{
    public string? SortKey { get; set; }
    public Guid Id { get; set; }
    public string Slug { get; set; } = "";
    public Guid EventId { get; set; }
    public LocalizedText Title { get; set; } = [];
    public string Status { get; set; } = "";
    public string[] Themes { get; set; } = [];
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public long Version { get; set; }
}

internal sealed class RecommendationDetailRow : SourcedRow
{
    public Guid Id { get; set; }
    public string Slug { get; set; } = "";
    public Guid EventId { get; set; }
    public string EventSlug { get; set; } = "";
    public LocalizedText EventTitle { get; set; } = [];
    public DateOnly EventStartDate { get; set; }
    public LocalizedText Title { get; set; } = [];
    public LocalizedText Body { get; set; } = [];
    public LocalizedText? TargetAudience { get; set; }
    public string Status { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public long Version { get; set; }
}

internal sealed class ThemeRow
{
    public string Slug { get; set; } = "";
    public LocalizedText Name { get; set; } = [];
}

internal sealed class ProposerRow
{
    public Guid Id { get; set; }
    public Guid? SpeakerId { get; set; }
    public string? SpeakerSlug { get; set; }
    public LocalizedText? SpeakerFullName { get; set; }
    public LocalizedText? SpeakerHonorific { get; set; }
    public Guid? InstitutionId { get; set; }
    public string? InstitutionSlug { get; set; }
    public LocalizedText? InstitutionName { get; set; }
    public LocalizedText? InstitutionShortName { get; set; }
}

internal sealed class StatusChangeRow
{
    public string Status { get; set; } = "";
    public DateOnly ChangedOn { get; set; }
    public LocalizedText? Note { get; set; }
}

internal sealed record RecommendationDetails(
    RecommendationDetailRow Recommendation,
    IReadOnlyList<ThemeRow> Themes,
    IReadOnlyList<ProposerRow> Proposers,
    IReadOnlyList<StatusChangeRow> StatusHistory);
