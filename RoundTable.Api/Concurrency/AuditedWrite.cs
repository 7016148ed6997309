using Dapper;
using Npgsql;

namespace RoundTable.Api.Concurrency;

/// <summary>How a write ended; a <see cref="WriteResult"/> nobody set (default) has none, and is no answer.</summary>
internal enum WriteStatus
{
    Unset,
    Done,
    NotFound,
    Stale,
    Invalid,
    Conflict,
}

/// <summary>
/// What a write did: done (the row's id and its new version); the row is gone (or a relation
/// entry: <see cref="Detail"/>); If-Match was stale; the request is invalid in the light of other rows
/// (<see cref="Field"/>: <see cref="Detail"/>); or other rows forbid it (<see cref="Detail"/>). Nothing is written
/// unless it is done.
/// </summary>
internal readonly record struct WriteResult(WriteStatus Status, long Version = 0, Guid Id = default, string? Field = null, string? Detail = null)
{
    public static WriteResult NotFound => new(WriteStatus.NotFound);

    public static WriteResult Stale => new(WriteStatus.Stale);

    public bool IsDone => Status == WriteStatus.Done;

    public static WriteResult Done(Guid id, long version) => new(WriteStatus.Done, version, id);

    public static WriteResult Missing(string what) => new(WriteStatus.NotFound, Detail: $"There is no such {what} here.");

    public static WriteResult Invalid(string field, string message) => new(WriteStatus.Invalid, Field: field, Detail: message);

    public static WriteResult Conflict(string detail) => new(WriteStatus.Conflict, Detail: detail);
}

/// <summary>A resource's representation that carries its version (the one its ETag names).</summary>
internal interface IVersioned
{
    long Version { get; }
}

/// <summary>
/// One audited write: a transaction, the rows it refers to share-locked, conditional statements, audit entries, and
/// a commit that once begun is not abandoned. Table and type names come from the features' constants, never from input.
/// </summary>
internal sealed class AuditedWrite : IAsyncDisposable
{
    /// <summary>Ends an UPDATE of the live row @Id, conditional on @Expected (null for If-Match: *).</summary>
    public const string Conditional =
        "WHERE id = @Id AND deleted_at IS NULL AND (@Expected::bigint IS NULL OR version = @Expected::bigint) RETURNING version";

    internal const string AuditSql = """
        INSERT INTO audit_log (key_id, operation, resource_type, resource_id, version_before, version_after)
        VALUES (@KeyId, @Operation, @ResourceType, @ResourceId, @VersionBefore, @VersionAfter)
        """;

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly Guid? _keyId;
    private readonly CancellationToken _ct;

    private AuditedWrite(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid? keyId, CancellationToken ct) =>
        (_connection, _transaction, _keyId, _ct) = (connection, transaction, keyId, ct);

    /// <summary>Begins a write by the key <paramref name="keyId"/> (null: by the operator, not audited).</summary>
    public static async Task<AuditedWrite> BeginAsync(NpgsqlDataSource dataSource, Guid? keyId, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            return new AuditedWrite(connection, await connection.BeginTransactionAsync(ct), keyId, ct);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public Task<int> ExecuteAsync(string sql, object? parameters = null) =>
        _connection.ExecuteAsync(Command(sql, parameters));

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? parameters = null) =>
        _connection.QuerySingleOrDefaultAsync<T>(Command(sql, parameters));

    public Task<T> QuerySingleAsync<T>(string sql, object? parameters = null) =>
        _connection.QuerySingleAsync<T>(Command(sql, parameters));

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null) =>
        (await _connection.QueryAsync<T>(Command(sql, parameters))).AsList();

    /// <summary>Runs the rest of this write one at a time with every other write that takes <paramref name="key"/>.</summary>
    public Task SerializeAsync(long key) => ExecuteAsync("SELECT pg_advisory_xact_lock(@Key)", new { Key = key });

    /// <summary>
    /// Holds a share lock on the rows of <paramref name="table"/> a write refers to until it commits; false when one was
    /// deleted after the request resolved it (a concurrent delete waits for the lock, then sees the new reference).
    /// </summary>
    public async Task<bool> LockLiveAsync(string table, IEnumerable<Guid> ids)
    {
        var wanted = ids.Distinct().ToArray();
        if (wanted.Length == 0)
        {
            return true;
        }
        var live = await QueryAsync<Guid>(LockLiveSql(table), new { Ids = wanted });
        return live.Count == wanted.Length;
    }

    internal static string LockLiveSql(string table) =>
        $"SELECT id FROM {table} WHERE id = ANY(@Ids) AND deleted_at IS NULL ORDER BY id FOR SHARE";

    /// <summary>What a write answers when <see cref="LockLiveAsync"/> found a reference gone.</summary>
    public static WriteResult ReferenceGone => WriteResult.Conflict("Something this request refers to was deleted while it ran: read it again and retry.");

    /// <summary>Inserts a row (<paramref name="sql"/> returns its id and version) and audits its creation.</summary>
    public async Task<WriteResult> InsertAsync(string type, string sql, object parameters)
    {
        var (id, version) = await QuerySingleAsync<(Guid Id, long Version)>(sql, parameters);
        await AuditAsync("create", type, id, null, version);
        return WriteResult.Done(id, version);
    }

    /// <summary>Runs the conditional UPDATE <paramref name="sql"/> (ending in <see cref="Conditional"/>) of the target, audited.</summary>
    public async Task<WriteResult> UpdateAsync(string table, string type, WriteTarget target, string sql, object? values = null)
    {
        var result = await ConditionalAsync(table, target, sql, values);
        if (result.IsDone)
        {
            await AuditAsync("update", type, target.Id, result.Version - 1, result.Version);
        }
        return result;
    }

    /// <summary>Sets the target's tombstone (it answers 404 from now on, and its slug stays taken), audited.</summary>
    public async Task<WriteResult> DeleteAsync(string table, string type, WriteTarget target)
    {
        var result = await ConditionalAsync(table, target, $"UPDATE {table} SET deleted_at = now() {Conditional}");
        if (result.IsDone)
        {
            await AuditAsync("delete", type, target.Id, result.Version - 1, result.Version);
        }
        return result;
    }

    /// <summary>
    /// Adds (no <paramref name="itemId"/>), replaces, or removes (no <paramref name="values"/>) one entry of the target's
    /// relation with <paramref name="sql"/>, which sees @ParentId, @ItemId and the values and returns the entry's id.
    /// The parent is the unit of concurrency: its version is checked against If-Match and bumped, so its ETag changes
    /// with every entry. Both changes are audited.
    /// </summary>
    public async Task<WriteResult> ChangeEntryAsync(
        string table, string type, WriteTarget target, string entryType, Guid? itemId, string sql, object? values)
    {
        var parent = await ConditionalAsync(table, target, $"UPDATE {table} SET updated_at = now() {Conditional}");
        if (!parent.IsDone)
        {
            return parent;
        }
        var parameters = new DynamicParameters(values);
        parameters.Add("ParentId", target.Id);
        parameters.Add("ItemId", itemId);
        if (await QuerySingleOrDefaultAsync<Guid?>(sql, parameters) is not { } entryId)
        {
            return WriteResult.Missing(entryType.Replace('_', ' '));
        }
        await AuditAsync("update", type, target.Id, parent.Version - 1, parent.Version);
        await AuditAsync(values is null ? "delete" : itemId is null ? "create" : "update", entryType, entryId, null, null);
        return parent;
    }

    public Task AuditAsync(string operation, string type, Guid id, long? before, long? after) =>
        ExecuteAsync(AuditSql, new
        {
            KeyId = _keyId ?? throw new InvalidOperationException("An operator's write is not audited."),
            Operation = operation,
            ResourceType = type,
            ResourceId = id,
            VersionBefore = before,
            VersionAfter = after,
        });

    /// <summary>
    /// Commits when <paramref name="result"/> is done (else the transaction rolls back on dispose), with the request's
    /// Idempotency-Key claim (if any) recording the written resource in the same transaction.
    /// </summary>
    public async Task<WriteResult> CommitAsync(WriteResult result)
    {
        if (result.IsDone)
        {
            // A request with an Idempotency-Key records what it wrote in this transaction: both commit, or neither.
            if (Idempotency.IdempotencyClaim.Current is { } claim)
            {
                await claim.RecordAsync(_connection, _transaction, result.Id, _ct);
            }
            await CommitAsync();
        }
        return result;
    }

    public async Task CommitAsync()
    {
        // With synchronous replication, a COMMIT waits for the standby to confirm it. When that wait is cancelled (the
        // statement's deadline while the standby is away), PostgreSQL keeps the commit on the primary and says so only
        // in a warning: the write must not be acknowledged then, as a failover could lose it. The client hears a 503
        // (outcome unknown) and retries with its Idempotency-Key.
        var unconfirmed = false;
        NoticeEventHandler watch = (_, e) => unconfirmed |= Database.ReplicationUnconfirmedException.IsNotice(e.Notice);
        _connection.Notice += watch;
        try
        {
            await _transaction.CommitAsync(CancellationToken.None); // once begun, a commit is not abandoned
        }
        finally
        {
            _connection.Notice -= watch;
        }
        Database.CommitSignal.Committed();
        if (unconfirmed)
        {
            throw new Database.ReplicationUnconfirmedException();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _transaction.DisposeAsync();
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }

    private CommandDefinition Command(string sql, object? parameters) => new(sql, parameters, _transaction, cancellationToken: _ct);

    private async Task<WriteResult> ConditionalAsync(string table, WriteTarget target, string sql, object? values = null)
    {
        var parameters = new DynamicParameters(values);
        parameters.Add("Id", target.Id);
        parameters.Add("Expected", target.Expected);
        if (await QuerySingleOrDefaultAsync<long?>(sql, parameters) is { } version)
        {
            return WriteResult.Done(target.Id, version);
        }
        // The statement touched nothing: the row is gone, or its version moved on.
        return await QuerySingleOrDefaultAsync<long?>($"SELECT version FROM {table} WHERE id = @Id AND deleted_at IS NULL", new { target.Id }) is null
            ? WriteResult.NotFound
            : WriteResult.Stale;
    }
}
