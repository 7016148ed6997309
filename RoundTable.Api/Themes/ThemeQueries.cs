using Dapper;
using Npgsql;
using RoundTable.Api.Database;
using RoundTable.Api.Http;
using RoundTable.Api.Localization;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Themes;

/// <summary>The reads of themes: a page in creation order, and one theme by id or slug.</summary>
internal sealed class ThemeQueries(NpgsqlDataSource dataSource, KeyResolver resolver)
{
    /// <summary>How themes are found by id or slug (themes are never soft-deleted).</summary>
    public static readonly KeyLookup Key = new("theme", "themes", "t", SoftDeleted: false);

    private const string Columns = "t.id, t.slug, t.name, t.created_at, t.updated_at, t.version";

    private static readonly string s_pageSql = $"""
        SELECT {Columns} FROM themes t
        WHERE {Sql.After("t")}
        {Sql.PageOrder("t")}
        """;

    public Task<IReadOnlyList<ThemeDetailRow>> ListAsync(PageRequest page, CancellationToken ct) =>
        dataSource.QueryListAsync<ThemeDetailRow>(new CommandDefinition(s_pageSql, page.Parameters(), cancellationToken: ct));

    private static readonly KeyedSql s_itemSql = Key.Select(Columns);

    public Task<ThemeDetailRow?> GetAsync(ResourceKey key, CancellationToken ct) => resolver.FindAsync<ThemeDetailRow?>(s_itemSql, key, ct);
}

internal sealed class ThemeDetailRow
{
    public Guid Id { get; set; }
    public string Slug { get; set; } = "";
    public LocalizedText Name { get; set; } = [];
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public long Version { get; set; }
}
