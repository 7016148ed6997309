using Npgsql;
using RoundTable.Api.Auth;
using RoundTable.Api.Database;
using RoundTable.Api.Events;
using RoundTable.Api.Institutions;
using RoundTable.Api.Localization;
using RoundTable.Api.Paging;
using RoundTable.Api.Recommendations;
using RoundTable.Api.Speakers;

namespace RoundTable.Api.Search;

/// <summary>The cross-resource search: each list's own search condition, rank, GIN indexes and visibility, merged.</summary>
internal sealed class SearchQueries(NpgsqlDataSource dataSource, Viewer viewer)
{
    private static readonly string s_hits = $"""
        (SELECT 'event' AS type, e.id, e.slug, e.title, e.updated_at, ({EventQueries.List.SearchRank})::real AS rank
         FROM events e WHERE {EventQueries.List.SearchCondition} AND {EventQueries.ListBase}
         UNION ALL
         SELECT 'speaker', sp.id, sp.slug, sp.full_name, sp.updated_at, ({SpeakerQueries.List.SearchRank})::real
         FROM speakers sp WHERE {SpeakerQueries.List.SearchCondition} AND {SpeakerQueries.ListBase}
         UNION ALL
         SELECT 'institution', i.id, i.slug, i.name, i.updated_at, ({InstitutionQueries.List.SearchRank})::real
         FROM institutions i WHERE {InstitutionQueries.List.SearchCondition} AND {InstitutionQueries.ListBase}
         UNION ALL
         SELECT 'recommendation', r.id, r.slug, r.title, r.updated_at, ({RecommendationQueries.List.SearchRank})::real
         FROM recommendations r WHERE {RecommendationQueries.List.SearchCondition} AND {RecommendationQueries.ListBase}) h
        """;

    /// <summary>The search's parameters: q (required), type, sort (relevance only), paging.</summary>
    public static readonly ListSpec List = new("search result", "h",
        [new SortSpec("relevance", "h.rank", "integer", ListSpec.RelevanceDescription)],
        [new ValuesFilter("type", "Kinds of resource to find (comma-separated).", "h.type", ["event", "institution", "recommendation", "speaker"], "event")],
        "true",
        [],
        SearchRequired: true);

    public Task<IReadOnlyList<SearchHitRow>> ListAsync(ListQuery query, CancellationToken ct) =>
        dataSource.QueryListAsync<SearchHitRow>(viewer.Command(ListSql(query), query.Parameters, ct));

    public IAsyncEnumerable<SearchHitRow> StreamAsync(ListQuery query, CancellationToken ct) =>
        dataSource.StreamAsync<SearchHitRow>(viewer.Command(ListSql(query), query.Parameters, ct));

    // A JSON page: each list's own tiers, walks and lookups (ListQuery.RankedSql), merged; an export: every hit, ordered.
    private static readonly RankedSource[] s_sources =
    [
        new("SELECT 'event' AS type, e.id, e.slug, e.title, e.updated_at", "events e", EventQueries.ListBase, EventQueries.List),
        new("SELECT 'speaker' AS type, sp.id, sp.slug, sp.full_name AS title, sp.updated_at", "speakers sp", SpeakerQueries.ListBase, SpeakerQueries.List),
        new("SELECT 'institution' AS type, i.id, i.slug, i.name AS title, i.updated_at", "institutions i", InstitutionQueries.ListBase, InstitutionQueries.List),
        new("SELECT 'recommendation' AS type, r.id, r.slug, r.title, r.updated_at", "recommendations r", RecommendationQueries.ListBase, RecommendationQueries.List),
    ];

    private static string ListSql(ListQuery query) => query.IsExport
        ? query.Sql("SELECT h.type, h.id, h.slug, h.title, h.rank", s_hits, "true")
        : query.RankedSql(s_sources, "SELECT h.type, h.id, h.slug, h.title, h.sort_key::real AS rank, h.sort_key", conditionsInSources: false);
}

internal sealed class SearchHitRow : IListRow
{
    public string Type { get; set; } = "";
    public Guid Id { get; set; }
    public string Slug { get; set; } = "";
    public LocalizedText Title { get; set; } = [];
    public float Rank { get; set; }
    public string? SortKey { get; set; }
}
