using Dapper;
using Npgsql;
using RoundTable.Api.Database;

namespace RoundTable.Api.Concurrency;

/// <summary>A relation entry as the body a PUT would send, with the version of its parent read by the same statement.</summary>
internal readonly record struct CurrentEntry(string Entry, long Version);

internal static class EntryReads
{
    private sealed class Row
    {
        public string? Entry { get; set; }
        public long Version { get; set; }
    }

    /// <summary>
    /// The entry <paramref name="entrySql"/> selects (one jsonb value, by @ParentId and @ItemId) and its live parent's
    /// version in one statement: what a merge patch of the entry applies to and expects to overwrite (null when the
    /// entry or its parent is not there).
    /// </summary>
    public static async Task<CurrentEntry?> ReadAsync(
        NpgsqlDataSource dataSource, string parentTable, string entrySql, Guid parentId, Guid itemId, CancellationToken ct)
    {
        var row = await dataSource.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT ({entrySql}) AS entry, p.version FROM {parentTable} p WHERE p.id = @ParentId AND p.deleted_at IS NULL",
            new { ParentId = parentId, ItemId = itemId }, cancellationToken: ct));
        return row?.Entry is { } entry ? new CurrentEntry(entry, row.Version) : null;
    }
}
