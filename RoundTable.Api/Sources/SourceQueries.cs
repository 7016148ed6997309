using Dapper;
using Npgsql;
using RoundTable.Api.Database;
using RoundTable.Api.Http;
using RoundTable.Api.Localization;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Sources;

/// <summary>The reads of sources: a page in creation order, and one source by id or slug.</summary>
internal sealed class SourceQueries(NpgsqlDataSource dataSource, KeyResolver resolver)
{
    /// <summary>How sources are found by id or slug (sources are never soft-deleted).</summary>
    public static readonly KeyLookup Key = new("source", "sources", "s", SoftDeleted: false);

    private const string Columns = "s.id, s.slug, s.title, s.publisher, s.url, s.published_on, s.citation, s.created_at, s.updated_at, s.version";

    private static readonly string s_pageSql = $"""
        SELECT {Columns} FROM sources s
        WHERE {Sql.After("s")}
        {Sql.PageOrder("s")}
        """;

    public Task<IReadOnlyList<SourceDetailRow>> ListAsync(PageRequest page, CancellationToken ct) =>
        dataSource.QueryListAsync<SourceDetailRow>(new CommandDefinition(s_pageSql, page.Parameters(), cancellationToken: ct));

    private static readonly KeyedSql s_itemSql = Key.Select(Columns);

    public Task<SourceDetailRow?> GetAsync(ResourceKey key, CancellationToken ct) => resolver.FindAsync<SourceDetailRow?>(s_itemSql, key, ct);
}

internal sealed class SourceDetailRow
{
    public Guid Id { get; set; }
    public string Slug { get; set; } = "";
    public LocalizedText Title { get; set; } = [];
    public string? Publisher { get; set; }
    public string? Url { get; set; }
    public DateOnly? PublishedOn { get; set; }
    public string? Citation { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public long Version { get; set; }
}
