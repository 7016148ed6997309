using System.Text.Json.Serialization;

namespace RoundTable.Api.Auth;

[JsonConverter(typeof(JsonStringEnumConverter<ApiKeyRole>))]
public enum ApiKeyRole
{
    [JsonStringEnumMemberName("admin")] Admin,
    [JsonStringEnumMemberName("partner")] Partner,
}

/// <summary>An API key as admins see it: never the key itself, only its first characters.</summary>
/// <param name="Prefix">The key's first characters, to tell keys apart.</param>
/// <param name="InstitutionId">The institution a partner key writes for; null for admin keys.</param>
public sealed record ApiKeyResponse(
    Guid Id,
    string Name,
    ApiKeyRole Role,
    Guid? InstitutionId,
    string Prefix,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt);

/// <summary>One entry of the append-only audit log.</summary>
public sealed record AuditEntryResponse(
    Guid Id,
    Guid KeyId,
    string Operation,
    string ResourceType,
    Guid ResourceId,
    long? VersionBefore,
    long? VersionAfter,
    DateTimeOffset OccurredAt);

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
