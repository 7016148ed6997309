using Dapper;
using Npgsql;
using RoundTable.Api.Database;
using RoundTable.Api.Paging;

namespace RoundTable.Api.ApiKeys;

/// <summary>The reads of the key administration: the keys that exist (never the keys themselves) and the audit log.</summary>
internal sealed class ApiKeyQueries(NpgsqlDataSource dataSource)
{
    internal const string Columns = "k.id, k.name, k.role, k.institution_id, k.key_prefix, k.created_at, k.expires_at, k.revoked_at";

    private static readonly string s_keysSql = $"""
        SELECT {Columns} FROM api_keys k
        WHERE {Sql.After("k")}
        {Sql.PageOrder("k")}
        """;

    public Task<IReadOnlyList<ApiKeyRow>> ListAsync(PageRequest page, CancellationToken ct) =>
        dataSource.QueryListAsync<ApiKeyRow>(new CommandDefinition(s_keysSql, page.Parameters(), cancellationToken: ct));

    private static readonly string s_auditSql = $"""
        SELECT a.id, a.key_id, a.operation, a.resource_type, a.resource_id, a.version_before, a.version_after, a.occurred_at
        FROM audit_log a
        WHERE {Sql.After("a", "occurred_at")}
        {Sql.PageOrder("a")}
        """;

    /// <summary>The audit log of every write, oldest first.</summary>
    public Task<IReadOnlyList<AuditEntryRow>> ListAuditAsync(PageRequest page, CancellationToken ct) =>
        dataSource.QueryListAsync<AuditEntryRow>(new CommandDefinition(s_auditSql, page.Parameters(), cancellationToken: ct));
}

internal sealed class ApiKeyRow
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string Role { get; set; } = "";
    public Guid? InstitutionId { get; set; }
    public string KeyPrefix { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}

internal sealed class AuditEntryRow
{
    public Guid Id { get; set; }
    public Guid KeyId { get; set; }
    public string Operation { get; set; } = "";
    public string ResourceType { get; set; } = "";
    public Guid ResourceId { get; set; }
    public long? VersionBefore { get; set; }
    public long? VersionAfter { get; set; }
    public DateTime OccurredAt { get; set; }
}
