using Dapper;
using Npgsql;
using RoundTable.Api.Http;

namespace RoundTable.Api.Database;

/// <summary>Resolves the ids and slugs a request refers to, in one query per table.</summary>
internal static class RowLookup
{
    /// <summary>The live rows of <paramref name="table"/> (a store's constant) among <paramref name="keys"/>, by the key they were asked by.</summary>
    public static async Task<IReadOnlyDictionary<ResourceKey, Guid>> ResolveAsync(
        NpgsqlDataSource dataSource, string table, IReadOnlyCollection<ResourceKey> keys, CancellationToken ct)
    {
        var found = new Dictionary<ResourceKey, Guid>();
        if (keys.Count == 0)
        {
            return found;
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(Guid Id, string Slug)>(new CommandDefinition(
            $"SELECT id, slug FROM {table} WHERE deleted_at IS NULL AND (id = ANY(@Ids) OR slug = ANY(@Slugs))",
            new
            {
                Ids = keys.Where(k => k.Id is not null).Select(k => k.Id!.Value).ToArray(),
                Slugs = keys.Where(k => k.Slug is not null).Select(k => k.Slug!).ToArray(),
            }, cancellationToken: ct));
        foreach (var (id, slug) in rows)
        {
            found[new ResourceKey(id, null)] = id;
            found[new ResourceKey(null, slug)] = id;
        }
        return found;
    }

    /// <summary>One relation entry of a parent as JSON (the body a PUT would send), or null when it is not there.</summary>
    public static async Task<string?> RelationJsonAsync(NpgsqlDataSource dataSource, string sql, Guid parentId, Guid itemId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(sql, new { ParentId = parentId, ItemId = itemId }, cancellationToken: ct));
    }
}
