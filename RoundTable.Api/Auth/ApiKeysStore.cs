using System.Buffers.Text;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Auth;

internal sealed class ApiKeysStore(NpgsqlDataSource dataSource)
{
    private const string KeyPrefix = "rt_";

    private const string Columns = "k.id, k.name, k.role, k.institution_id, k.key_prefix, k.created_at, k.expires_at, k.revoked_at";

    private const string InsertSql = $"""
        INSERT INTO api_keys AS k (name, role, institution_id, key_hash, key_prefix, expires_at)
        VALUES (@Name, @Role, @InstitutionId, @Hash, @Prefix, @ExpiresAt)
        RETURNING {Columns}
        """;

    private const string ActiveSql = $"""
        SELECT {Columns} FROM api_keys k LEFT JOIN institutions i ON i.id = k.institution_id
        WHERE k.key_hash = @Hash AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())
          AND i.deleted_at IS NULL
        """;

    private const string ListSql = $"""
        SELECT {Columns} FROM api_keys k
        WHERE (@After::uuid IS NULL OR k.id > @After::uuid) AND (@UpdatedSince::timestamptz IS NULL OR k.updated_at >= @UpdatedSince::timestamptz)
        ORDER BY k.id
        LIMIT @Fetch
        """;

    private const string ExistsSql = "SELECT EXISTS (SELECT 1 FROM api_keys WHERE id = @Id)";

    private const string InstitutionSql = "SELECT id FROM institutions WHERE slug = @Slug AND deleted_at IS NULL";

    private const string AuditSql = """
        SELECT id, key_id, operation, resource_type, resource_id, version_before, version_after, occurred_at
        FROM audit_log
        WHERE (@After::uuid IS NULL OR id > @After::uuid) AND (@UpdatedSince::timestamptz IS NULL OR occurred_at >= @UpdatedSince::timestamptz)
        ORDER BY id
        LIMIT @Fetch
        """;

    /// <summary>Creates a key: 256 random bits, returned once; the database keeps its SHA-256 hash.</summary>
    public async Task<(ApiKeyRow Key, string Secret)> CreateAsync(string name, ApiKeyRole role, Guid? institutionId, DateTimeOffset? expiresAt, CancellationToken ct)
    {
        var secret = KeyPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleAsync<ApiKeyRow>(new CommandDefinition(InsertSql, new
        {
            Name = name,
            Role = role == ApiKeyRole.Admin ? "admin" : "partner",
            InstitutionId = institutionId,
            Hash = Hash(secret),
            Prefix = secret[..(KeyPrefix.Length + 6)],
            ExpiresAt = expiresAt?.UtcDateTime,
        }, cancellationToken: ct));
        return (row, secret);
    }

    public async Task<ApiKeyRow?> FindActiveAsync(string secret, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ApiKeyRow>(
            new CommandDefinition(ActiveSql, new { Hash = Hash(secret) }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<ApiKeyRow>> ListAsync(PageRequest page, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<ApiKeyRow>(
            new CommandDefinition(ListSql, new { page.After, page.UpdatedSince, Fetch = page.FetchCount }, cancellationToken: ct))).AsList();
    }

    /// <summary>Revokes a key (audited when <paramref name="byKeyId"/> is given); false when there is no such key.</summary>
    public async Task<bool> RevokeAsync(Guid id, Guid? byKeyId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var revoked = await connection.QuerySingleOrDefaultAsync<(Guid Id, long Version)?>(new CommandDefinition(
            "UPDATE api_keys SET revoked_at = now() WHERE id = @Id AND revoked_at IS NULL RETURNING id, version",
            new { Id = id }, transaction, cancellationToken: ct));
        if (revoked is { } r && byKeyId is { } by)
        {
            await AuditAsync(connection, transaction, by, "update", "api_key", id, r.Version - 1, r.Version, ct);
        }
        var exists = revoked is not null || await connection.ExecuteScalarAsync<bool>(
            new CommandDefinition(ExistsSql, new { Id = id }, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        return exists;
    }

    public async Task<Guid?> FindInstitutionAsync(string slug, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(InstitutionSql, new { Slug = slug }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<AuditEntryRow>> ListAuditAsync(PageRequest page, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<AuditEntryRow>(
            new CommandDefinition(AuditSql, new { page.After, page.UpdatedSince, Fetch = page.FetchCount }, cancellationToken: ct))).AsList();
    }

    /// <summary>Appends to the audit log inside the caller's transaction.</summary>
    public static Task AuditAsync(DbConnection connection, DbTransaction transaction, Guid keyId, string operation,
        string resourceType, Guid resourceId, long? versionBefore, long? versionAfter, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO audit_log (key_id, operation, resource_type, resource_id, version_before, version_after)
            VALUES (@KeyId, @Operation, @ResourceType, @ResourceId, @VersionBefore, @VersionAfter)
            """, new { KeyId = keyId, Operation = operation, ResourceType = resourceType, ResourceId = resourceId, VersionBefore = versionBefore, VersionAfter = versionAfter },
            transaction, cancellationToken: ct));

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
