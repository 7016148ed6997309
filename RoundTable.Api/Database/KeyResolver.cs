using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using RoundTable.Api.Auth;
using RoundTable.Api.Errors;
using RoundTable.Api.Http;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Database;

/// <summary>
/// Where the rows of one kind of resource are found by id or slug: its table and alias, and who may see a row
/// (<paramref name="Visible"/>: SQL over the alias, run through <see cref="Viewer"/>). Features declare theirs.
/// </summary>
internal sealed record KeyLookup(string Resource, string Table, string Alias, string Visible = "true", bool SoftDeleted = true)
{
    /// <summary>The live, visible rows of the table (deleted rows keep a tombstone and are not found).</summary>
    public string Where { get; } = (SoftDeleted ? $"{Alias}.deleted_at IS NULL AND " : "") + Visible;

    /// <summary>The live, visible row @Id or @Slug names: the condition of every item query (KeyedSql splits it by kind of key).</summary>
    public string KeyFilter => $"({Alias}.id = @Id::uuid OR {Alias}.slug = @Slug::text) AND {Where}";

    internal KeyedSql IdSql => field ??= Select($"{Alias}.id");

    /// <summary><paramref name="columns"/> of the row a key names, as one statement per kind of key.</summary>
    public KeyedSql Select(string columns) => new($"SELECT {columns} FROM {Table} {Alias} WHERE {KeyFilter}");
}

/// <summary>
/// The one place ids and slugs become row ids: a route's resource (404 when it is not there or hidden), and the
/// references a request body names (each unknown one an error naming its field).
/// </summary>
internal sealed class KeyResolver(NpgsqlDataSource dataSource, Viewer viewer)
{
    public Task<Guid?> FindAsync(KeyLookup lookup, ResourceKey key, CancellationToken ct) => FindAsync<Guid?>(lookup.IdSql, key, ct);

    /// <summary>What <paramref name="sql"/> (a <see cref="KeyLookup.Select"/>) reads of the row <paramref name="key"/> names, as the caller may see it.</summary>
    public async Task<T?> FindAsync<T>(KeyedSql sql, ResourceKey key, CancellationToken ct)
    {
        return await dataSource.RetryingReadAsync(
            (connection, token) => connection.QuerySingleOrDefaultAsync<T>(viewer.Command(sql.For(key), new { key.Id, key.Slug }, token)), ct);
    }

    /// <summary>
    /// The ids of <paramref name="values"/> (UUIDs or slugs the validators accepted; null where the body names none), in
    /// order, and an error under <paramref name="field"/>(index) for each one that is not there. One query.
    /// </summary>
    public async Task<(IReadOnlyList<Guid?> Ids, Dictionary<string, string[]> Errors)> ResolveAsync(
        KeyLookup lookup, IReadOnlyList<string?> values, Func<int, string> field, CancellationToken ct)
    {
        var keys = values.Select(v => v is not null && ResourceKey.TryParse(v, out var k, out _) ? k : (ResourceKey?)null).ToList();
        var found = await FindAllAsync(lookup, keys.OfType<ResourceKey>().Distinct().ToList(), ct);
        var ids = new Guid?[values.Count];
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < values.Count; i++)
        {
            if (keys[i] is { } key && found.TryGetValue(key, out var id))
            {
                ids[i] = id;
            }
            else if (values[i] is not null)
            {
                errors[field(i)] = [$"There is no {lookup.Resource} '{values[i]}'."];
            }
        }
        return (ids, errors);
    }

    /// <summary>
    /// A 400 problem naming each filter of <paramref name="query"/> whose resource is not there (or hidden from the
    /// caller), or null when they all are: "no such institution" is a mistake to report, not an empty page. One query,
    /// and none when no filter names a resource.
    /// </summary>
    public async Task<ProblemHttpResult?> UnknownFilterReferencesAsync(ListQuery query, CancellationToken ct)
    {
        if (query.References.Count == 0)
        {
            return null;
        }
        var parameters = new DynamicParameters();
        var checks = query.References.Select((reference, i) =>
        {
            parameters.Add($"r{i}_id", reference.Key.Id);
            parameters.Add($"r{i}_slug", reference.Key.Slug);
            var found = reference.Targets.Select(t => $"""
                EXISTS (SELECT 1 FROM {t.Table} {t.Alias}
                        WHERE ({t.Alias}.id = @r{i}_id::uuid OR {t.Alias}.slug = @r{i}_slug::text) AND {t.Where})
                """);
            return $"SELECT {i} WHERE NOT ({string.Join(" OR ", found)})";
        });
        var missing = (await dataSource.RetryingReadAsync(
            (connection, token) => connection.QueryAsync<int>(viewer.Command(string.Join("\nUNION ALL\n", checks), parameters, token)), ct)).ToList();
        if (missing.Count == 0)
        {
            return null;
        }
        return Problems.Validation(missing.Select(i => query.References[i]).ToDictionary(r => r.Filter, r => new[]
        {
            $"There is no {string.Join(" or ", r.Targets.Select(t => t.Resource))} '{r.Raw}'.",
        }));
    }

    /// <summary>How the references of a write (@Ids, @Slugs) are found (bench/ runs it in the write ceiling).</summary>
    internal static string FindAllSql(KeyLookup lookup) =>
        $"SELECT {lookup.Alias}.id, {lookup.Alias}.slug FROM {lookup.Table} {lookup.Alias} "
        + $"WHERE ({lookup.Alias}.id = ANY(@Ids) OR {lookup.Alias}.slug = ANY(@Slugs)) AND {lookup.Where}";

    private async Task<IReadOnlyDictionary<ResourceKey, Guid>> FindAllAsync(KeyLookup lookup, IReadOnlyCollection<ResourceKey> keys, CancellationToken ct)
    {
        var found = new Dictionary<ResourceKey, Guid>();
        if (keys.Count == 0)
        {
            return found;
        }
        var rows = await dataSource.RetryingReadAsync((connection, token) => connection.QueryAsync<(Guid Id, string Slug)>(viewer.Command(
            FindAllSql(lookup),
            new
            {
                Ids = keys.Where(k => k.Id is not null).Select(k => k.Id!.Value).ToArray(),
                Slugs = keys.Where(k => k.Slug is not null).Select(k => k.Slug!).ToArray(),
            }, token)), ct);
        foreach (var (id, slug) in rows)
        {
            found[new ResourceKey(id, null)] = id;
            found[new ResourceKey(null, slug)] = id;
        }
        return found;
    }
}
