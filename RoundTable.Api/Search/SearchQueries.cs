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
        (SELECT 'event' AS type, e.id, e.slug, e.title, e.updated_at, {EventQueries.List.SearchRank} AS rank
         FROM events e WHERE {EventQueries.List.SearchCondition} AND {EventQueries.ListBase}
         UNION ALL
         SELECT 'speaker', sp.id, sp.slug, sp.full_name, sp.updated_at, {SpeakerQueries.List.SearchRank}
         FROM speakers sp WHERE {SpeakerQueries.List.SearchCondition} AND {SpeakerQueries.ListBase}
         UNION ALL
         SELECT 'institution', i.id, i.slug, i.name, i.updated_at, {InstitutionQueries.List.SearchRank}
         FROM institutions i WHERE {InstitutionQueries.List.SearchCondition} AND {InstitutionQueries.ListBase}
         UNION ALL
         SELECT 'recommendation', r.id, r.slug, r.title, r.updated_at, {RecommendationQueries.List.SearchRank}
         FROM recommendations r WHERE {RecommendationQueries.List.SearchCondition} AND {RecommendationQueries.ListBase}) h
        """;

    /// <summary>The search's parameters: q (required), type, sort (relevance only), paging.</summary>
    public static readonly ListSpec List = new("search result", "h",
        [ListSpec.Relevance("h.rank")],
        [new ValuesFilter("type", "Kinds of resource to find (comma-separated).", "h.type", ["event", "institution", "recommendation", "speaker"], "event")],
        "true",
        [],
        SearchRequired: true);

    public Task<IReadOnlyList<SearchHitRow>> ListAsync(ListQuery query, CancellationToken ct) =>
        dataSource.QueryListAsync<SearchHitRow>(viewer.Command(ListSql(query), query.Parameters, ct));

    public IAsyncEnumerable<SearchHitRow> StreamAsync(ListQuery query, CancellationToken ct) =>
        dataSource.StreamAsync<SearchHitRow>(viewer.Command(ListSql(query), query.Parameters, ct));

    private static string ListSql(ListQuery query) => query.Sql("SELECT h.type, h.id, h.slug, h.title, h.rank", s_hits, "true");
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
