using Npgsql;
using RoundTable.Api.Auth;
using RoundTable.Api.Database;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Search;

internal sealed class SearchStore(NpgsqlDataSource dataSource, Viewer viewer)
{
    // Each list's own search (the same conditions, ranks and GIN indexes) and visibility, merged.
    private static readonly string Hits = $"""
        (SELECT 'event' AS type, e.id, e.slug, e.title, e.updated_at, {Events.EventsStore.List.SearchRank} AS rank
         FROM events e WHERE {Events.EventsStore.List.SearchCondition} AND {Events.EventsStore.ListBase}
         UNION ALL
         SELECT 'speaker', sp.id, sp.slug, sp.full_name, sp.updated_at, {Speakers.SpeakersStore.List.SearchRank}
         FROM speakers sp WHERE {Speakers.SpeakersStore.List.SearchCondition} AND {Speakers.SpeakersStore.ListBase}
         UNION ALL
         SELECT 'institution', i.id, i.slug, i.name, i.updated_at, {Institutions.InstitutionsStore.List.SearchRank}
         FROM institutions i WHERE {Institutions.InstitutionsStore.List.SearchCondition} AND {Institutions.InstitutionsStore.ListBase}
         UNION ALL
         SELECT 'recommendation', r.id, r.slug, r.title, r.updated_at, {Recommendations.RecommendationsStore.List.SearchRank}
         FROM recommendations r WHERE {Recommendations.RecommendationsStore.List.SearchCondition} AND {Recommendations.RecommendationsStore.ListBase}) h
        """;

    public static readonly ListSpec List = new("search result", "h",
        [ListSpec.Relevance("h.rank")],
        [new ValuesFilter("type", "Kinds of resource to find (comma-separated).", "h.type", ["event", "institution", "recommendation", "speaker"])],
        "true",
        [],
        SearchRequired: true);

    public Task<IReadOnlyList<SearchHitRow>> ListAsync(ListQuery query, CancellationToken ct) =>
        ListReads.PageAsync<SearchHitRow>(dataSource, viewer.Command(query.Sql("SELECT h.type, h.id, h.slug, h.title, h.rank", Hits, "true"), query.Parameters, ct));

    public IAsyncEnumerable<SearchHitRow> StreamAsync(ListQuery query, CancellationToken ct) =>
        ListReads.StreamAsync<SearchHitRow>(dataSource, viewer.Command(query.Sql("SELECT h.type, h.id, h.slug, h.title, h.rank", Hits, "true"), query.Parameters, ct));
}

internal sealed class SearchHitRow
{
    public string Type { get; set; } = "";
    public Guid Id { get; set; }
    public string Slug { get; set; } = "";
    public Localization.LocalizedText Title { get; set; } = [];
    public float Rank { get; set; }
    public string? SortKey { get; set; }
}
