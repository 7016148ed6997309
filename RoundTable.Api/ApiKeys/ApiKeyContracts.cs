using System.Text.Json;
using System.Text.Json.Serialization;
using RoundTable.Api.Paging;

namespace RoundTable.Api.ApiKeys;

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

/// <summary>Source-generated serialization of the key administration.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(Page<ApiKeyResponse>))]
[JsonSerializable(typeof(Page<AuditEntryResponse>))]
internal sealed partial class ApiKeyJsonContext : JsonSerializerContext;
