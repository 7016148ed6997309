using Dapper;
using Npgsql;
using RoundTable.Api.Auth;
using RoundTable.Api.Concurrency;

namespace RoundTable.Api.ApiKeys;

/// <summary>Keys are made by the operator (the apikey command) and revoked by admins or the operator.</summary>
internal sealed class ApiKeyCommands(NpgsqlDataSource dataSource)
{
    private const string InsertSql = $"""
        INSERT INTO api_keys AS k (name, role, institution_id, key_hash, key_prefix, expires_at)
        VALUES (@Name, @Role, @InstitutionId, @Hash, @Prefix, @ExpiresAt)
        RETURNING {ApiKeyQueries.Columns}
        """;

    /// <summary>A new key, returned once with its secret; the database keeps its SHA-256 hash.</summary>
    public async Task<(ApiKeyRow Key, string Secret)> CreateAsync(string name, ApiKeyRole role, Guid? institutionId, DateTimeOffset? expiresAt, CancellationToken ct)
    {
        var secret = ApiKeySecrets.New();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleAsync<ApiKeyRow>(new CommandDefinition(InsertSql, new
        {
            Name = name,
            Role = role == ApiKeyRole.Admin ? "admin" : "partner",
            InstitutionId = institutionId,
            Hash = ApiKeySecrets.Hash(secret),
            Prefix = secret[..ApiKeySecrets.ShownLength],
            ExpiresAt = expiresAt?.UtcDateTime,
        }, cancellationToken: ct));
        return (row, secret);
    }

    private const string RevokeSql = "UPDATE api_keys SET revoked_at = now() WHERE id = @Id AND revoked_at IS NULL RETURNING id, version";

    private const string ExistsSql = "SELECT EXISTS (SELECT 1 FROM api_keys WHERE id = @Id)";

    /// <summary>Revokes a key, audited when an admin's key <paramref name="byKeyId"/> does it; false when there is no such key.</summary>
    public async Task<bool> RevokeAsync(Guid id, Guid? byKeyId, CancellationToken ct)
    {
        await using var write = await AuditedWrite.BeginAsync(dataSource, byKeyId, ct);
        var revoked = await write.QuerySingleOrDefaultAsync<(Guid Id, long Version)?>(RevokeSql, new { Id = id });
        if (revoked is { } r && byKeyId is not null)
        {
            await write.AuditAsync("update", "api_key", id, r.Version - 1, r.Version);
        }
        var exists = revoked is not null || await write.QuerySingleAsync<bool>(ExistsSql, new { Id = id });
        await write.CommitAsync();
        return exists;
    }
}
