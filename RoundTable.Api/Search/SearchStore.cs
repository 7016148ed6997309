using Npgsql;
using RoundTable.Api.Auth;
using RoundTable.Api.Database;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Search;

internal sealed class SearchStore(NpgsqlDataSource dataSource, Viewer viewer)
{
    // Each resource's own search, as in its list (the same GIN indexes), ranked and merged.
    private const string Hits = $"""
        (SELECT 'event' AS type, e.id, e.slug, e.title, e.updated_at, ts_rank(e.search, rt_query(@q)) AS rank
         FROM events e
         WHERE e.search @@ rt_query(@q) AND e.deleted_at IS NULL AND {Viewer.CanSeeEvent}
         UNION ALL
         SELECT 'speaker', sp.id, sp.slug, sp.full_name, sp.updated_at,
                ts_rank(sp.search, rt_query(@q)) + coalesce((SELECT max(ts_rank(ra.search, rt_query(@q)))
                                                             FROM speaker_affiliations ra WHERE ra.speaker_id = sp.id), 0)
         FROM speakers sp
         WHERE sp.id IN (SELECT ms.id FROM speakers ms WHERE ms.search @@ rt_query(@q)
                         UNION SELECT ma.speaker_id FROM speaker_affiliations ma WHERE ma.search @@ rt_query(@q))
           AND sp.deleted_at IS NULL
         UNION ALL
         SELECT 'institution', i.id, i.slug, i.name, i.updated_at, ts_rank(i.search, rt_query(@q))
         FROM institutions i
         WHERE i.search @@ rt_query(@q) AND i.deleted_at IS NULL
         UNION ALL
         SELECT 'recommendation', r.id, r.slug, r.title, r.updated_at, ts_rank(r.search, rt_query(@q))
         FROM recommendations r
         WHERE r.search @@ rt_query(@q) AND r.deleted_at IS NULL
           AND coalesce((SELECT {Viewer.CanSeeEvent} FROM events e WHERE e.id = r.event_id AND e.deleted_at IS NULL), false)) h
        """;

    public static readonly ListSpec List = new("search result", "h",
        [ListSpec.Relevance("h.rank")],
        [new ValuesFilter("type", "Kinds of resource to find (comma-separated).", "h.type", ["event", "institution", "recommendation", "speaker"])],
        "true",
        "h.rank",
        [],
        SearchRequired: true);

    public Task<IReadOnlyList<SearchHitRow>> ListAsync(ListQuery query, CancellationToken ct) =>
        ListReads.PageAsync<SearchHitRow>(dataSource, query.Sql("SELECT h.type, h.id, h.slug, h.title, h.rank", Hits, "true"), viewer.With(query.Parameters), ct);

    public IAsyncEnumerable<SearchHitRow> StreamAsync(ListQuery query, CancellationToken ct) =>
        ListReads.StreamAsync<SearchHitRow>(dataSource, query.Sql("SELECT h.type, h.id, h.slug, h.title, h.rank", Hits, "true"), viewer.With(query.Parameters), ct);
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
