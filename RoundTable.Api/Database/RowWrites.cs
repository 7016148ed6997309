using Dapper;
using Npgsql;
using RoundTable.Api.Auth;
using RoundTable.Api.Http;

namespace RoundTable.Api.Database;

/// <summary>
/// The transaction shape every audited write shares. Table names come from the stores' constants, never from input.
/// Conditional writes put If-Match into the statement itself (<see cref="Conditional"/>), so two writers holding
/// the same version can never both succeed.
/// </summary>
internal static class RowWrites
{
    /// <summary>Appended to an UPDATE of a live row: @Id, and @Expected (null for If-Match: *).</summary>
    public const string Conditional =
        "WHERE id = @Id AND deleted_at IS NULL AND (@Expected::bigint IS NULL OR version = @Expected::bigint) RETURNING version";

    public static async Task<(Guid Id, long Version)> InsertAsync(
        NpgsqlDataSource dataSource, string resourceType, string insertSql, object parameters, Guid keyId, CancellationToken ct,
        Func<NpgsqlConnection, NpgsqlTransaction, Guid, Task>? then = null, References? references = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await LockAsync(connection, transaction, references, ct);
        var created = await connection.QuerySingleAsync<(Guid Id, long Version)>(
            new CommandDefinition(insertSql, parameters, transaction, cancellationToken: ct));
        if (then is not null)
        {
            await then(connection, transaction, created.Id);
        }
        await ApiKeysStore.AuditAsync(connection, transaction, keyId, "create", resourceType, created.Id, null, created.Version, ct);
        await transaction.CommitAsync(CancellationToken.None); // once begun, a commit is not abandoned
        return created;
    }

    /// <summary>Runs <paramref name="updateSql"/> (ending in <see cref="Conditional"/>) and audits it.</summary>
    public static async Task<WriteResult> UpdateAsync(
        NpgsqlDataSource dataSource, string table, string resourceType, string updateSql, Guid id, object parameters,
        Guid keyId, CancellationToken ct, Func<NpgsqlConnection, NpgsqlTransaction, Task>? then = null, References? references = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await LockAsync(connection, transaction, references, ct);
        var version = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(updateSql, parameters, transaction, cancellationToken: ct));
        if (version is null)
        {
            return await MissAsync(connection, transaction, table, id, ct);
        }
        if (then is not null)
        {
            await then(connection, transaction);
        }
        await ApiKeysStore.AuditAsync(connection, transaction, keyId, "update", resourceType, id, version - 1, version, ct);
        await transaction.CommitAsync(CancellationToken.None); // once begun, a commit is not abandoned
        return new WriteResult(WriteStatus.Done, version.Value);
    }

    /// <summary>Sets the tombstone, audits it, then lets <paramref name="then"/> refuse (throw) or cascade.</summary>
    public static async Task<WriteResult> SoftDeleteAsync(
        NpgsqlDataSource dataSource, string table, string resourceType, Guid id, long? expected, Guid keyId, CancellationToken ct,
        Func<NpgsqlConnection, NpgsqlTransaction, Task>? then = null, References? references = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await LockAsync(connection, transaction, references, ct);
        var version = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            $"UPDATE {table} SET deleted_at = now() {Conditional}", new { Id = id, Expected = expected }, transaction, cancellationToken: ct));
        if (version is null)
        {
            return await MissAsync(connection, transaction, table, id, ct);
        }
        await ApiKeysStore.AuditAsync(connection, transaction, keyId, "delete", resourceType, id, version - 1, version, ct);
        if (then is not null)
        {
            await then(connection, transaction);
        }
        await transaction.CommitAsync(CancellationToken.None); // once begun, a commit is not abandoned
        return new WriteResult(WriteStatus.Done, version.Value);
    }

    /// <summary>
    /// A change of one of a resource's relations (an event's organizers, a speaker's affiliations...). The parent is
    /// the unit of concurrency: its version is checked against If-Match and bumped, so its ETag changes with every
    /// relation. The relation row itself is inserted, updated or deleted by <paramref name="change"/>, which returns
    /// its id (null when the item does not exist: 404). Both are audited in the same transaction.
    /// </summary>
    public static async Task<WriteResult> ChangeRelationAsync(
        NpgsqlDataSource dataSource, string parentTable, string parentType, Guid parentId, long? expected,
        string relationType, string operation, Guid keyId, CancellationToken ct,
        Func<NpgsqlConnection, NpgsqlTransaction, Task<Guid?>> change, References? references = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await LockAsync(connection, transaction, references, ct);
        var version = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            $"UPDATE {parentTable} SET updated_at = now() {Conditional}", new { Id = parentId, Expected = expected }, transaction, cancellationToken: ct));
        if (version is null)
        {
            return await MissAsync(connection, transaction, parentTable, parentId, ct);
        }
        var itemId = await change(connection, transaction) ?? throw new NotFoundException(relationType.Replace('_', ' '));
        await ApiKeysStore.AuditAsync(connection, transaction, keyId, "update", parentType, parentId, version - 1, version, ct);
        await ApiKeysStore.AuditAsync(connection, transaction, keyId, operation, relationType, itemId, null, null, ct);
        await transaction.CommitAsync(CancellationToken.None); // once begun, a commit is not abandoned
        return new WriteResult(WriteStatus.Done, version.Value);
    }

    /// <summary>
    /// Adds (no <paramref name="itemId"/>), replaces, or removes (no <paramref name="values"/>) one relation row with
    /// the given SQL, which sees @ParentId, @ItemId and the values, and returns the row's id.
    /// </summary>
    public static Task<WriteResult> RelationAsync(
        NpgsqlDataSource dataSource, string parentTable, string parentType, string relationType,
        Guid parentId, long? expected, Guid? itemId, object? values,
        string insertSql, string updateSql, string deleteSql, Guid keyId, CancellationToken ct, References? references = null)
    {
        var (operation, sql) = values is null ? ("delete", deleteSql) : itemId is null ? ("create", insertSql) : ("update", updateSql);
        var parameters = new DynamicParameters(values);
        parameters.Add("ParentId", parentId);
        parameters.Add("ItemId", itemId);
        return ChangeRelationAsync(dataSource, parentTable, parentType, parentId, expected, relationType, operation, keyId, ct,
            (connection, transaction) => connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(sql, parameters, transaction, cancellationToken: ct)),
            references);
    }

    /// <summary>
    /// Holds a share lock on the rows a write refers to until it commits, and fails (409) if one was deleted after
    /// the request resolved it. A concurrent delete waits for the lock, then sees the new reference and refuses.
    /// </summary>
    private static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, References? references, CancellationToken ct)
    {
        if (references is null)
        {
            return;
        }
        if (references.Serialize is { } key)
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@Key)", new { Key = key }, transaction, cancellationToken: ct));
        }
        foreach (var (table, ids) in new[] { ("events", references.Events), ("speakers", references.Speakers), ("institutions", references.Institutions) })
        {
            var wanted = ids.Distinct().ToArray();
            if (wanted.Length == 0)
            {
                continue;
            }
            var live = await connection.QueryAsync<Guid>(new CommandDefinition(
                $"SELECT id FROM {table} WHERE id = ANY(@Ids) AND deleted_at IS NULL ORDER BY id FOR SHARE",
                new { Ids = wanted }, transaction, cancellationToken: ct));
            if (live.Count() != wanted.Length)
            {
                throw new ConflictException("Something this request refers to was deleted while it ran: read it again and retry.");
            }
        }
    }

    // The conditional statement touched nothing: the row is gone, or its version moved on.
    private static async Task<WriteResult> MissAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string table, Guid id, CancellationToken ct)
    {
        var current = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            $"SELECT version FROM {table} WHERE id = @Id AND deleted_at IS NULL", new { Id = id }, transaction, cancellationToken: ct));
        return current is null ? WriteResult.NotFound : WriteResult.Stale;
    }
}

/// <summary>The rows a write refers to, locked for its duration (see RowWrites.LockAsync).</summary>
/// <param name="Serialize">An advisory lock to take first, for writes that must not run side by side at all.</param>
internal sealed record References(IReadOnlyList<Guid> Events, IReadOnlyList<Guid> Speakers, IReadOnlyList<Guid> Institutions, long? Serialize = null)
{
    public static References Of(IEnumerable<Guid>? events = null, IEnumerable<Guid>? speakers = null, IEnumerable<Guid>? institutions = null) =>
        new((events ?? []).ToList(), (speakers ?? []).ToList(), (institutions ?? []).ToList());
}

/// <summary>A relation item that is not there (or not under that parent): 404.</summary>
internal sealed class NotFoundException(string what) : Exception($"There is no such {what} here.");

/// <summary>A write outside the key's rights, found while resolving what the request refers to: 403.</summary>
internal sealed class ForbiddenException(string detail) : Exception(detail);

/// <summary>A write refused because of other rows (e.g. deleting an institution that live events still name): 409.</summary>
internal sealed class ConflictException(string detail) : Exception(detail);
