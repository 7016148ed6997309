using System.Text.Json;
using System.Text.Json.Serialization;

namespace RoundTable.Api.Tests.Infrastructure;

// The JSON the API sends in its default language, as the tests read it (components/schemas of openapi/v1.json):
// localized text is a plain string, enumerations are their snake_case strings, dates DateOnly, instants
// DateTimeOffset. Members the API writes even when null are required parameters; members it leaves out (the
// include= relations, fallbackLanguages) default to null. Deserialised strictly (WireJson.Options), so a record
// that stops mirroring the wire fails the test that reads it.

/// <summary>How the tests read the API's JSON: web defaults, strictly.</summary>
public static class WireJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public static T Deserialize<T>(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options) ?? throw new Xunit.Sdk.XunitException($"The body is null, not a {typeof(T).Name}.");
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"The body is not a {typeof(T).Name}: {e.Message}{Environment.NewLine}{json}");
        }
    }

    /// <summary>The record as JSON again, to compare two answers member by member (lists included).</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}

public sealed record PageDto<T>(List<T> Items, string? NextCursor);

/// <summary>An RFC 9457 problem; its other members (type, instance, traceId...) are not read.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record ProblemDto(int Status, string Title, string? Detail = null, Dictionary<string, string[]>? Errors = null);

public sealed record HealthDto(string Status, Dictionary<string, string> Checks);

public sealed record SourceDto(
    string Slug, string Title, string? Publisher, string? Url, DateOnly? PublishedOn, string? Citation,
    Dictionary<string, string>? FallbackLanguages = null);

public sealed record InstitutionRefDto(Guid Id, string Slug, string Name, string? ShortName, Dictionary<string, string>? FallbackLanguages = null);

public sealed record SpeakerRefDto(Guid Id, string Slug, string FullName, string? Honorific, Dictionary<string, string>? FallbackLanguages = null);

public sealed record EventRefDto(Guid Id, string Slug, string Title, DateOnly StartDate, Dictionary<string, string>? FallbackLanguages = null);

public sealed record OrganizerDto(Guid Id, InstitutionRefDto Institution, string Role);

public sealed record ParticipantDto(Guid Id, SpeakerRefDto Speaker, string Role, List<InstitutionRefDto> Institutions);

public sealed record QuoteDto(Guid Id, SpeakerRefDto Speaker, string Text, Dictionary<string, string>? FallbackLanguages = null);

public sealed record AcknowledgementDto(
    Guid Id, InstitutionRefDto From, SpeakerRefDto To, string Kind, string? Description, Dictionary<string, string>? FallbackLanguages = null);

public sealed record EventSummaryDto(
    Guid Id,
    string Slug,
    string Title,
    string Kind,
    string Status,
    DateOnly StartDate,
    DateOnly EndDate,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    string? TimeZone,
    string? City,
    string? Country,
    bool Published,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version,
    List<OrganizerDto>? Organizers = null,
    List<ParticipantDto>? Participants = null,
    List<RecommendationSummaryDto>? Recommendations = null,
    Dictionary<string, string>? FallbackLanguages = null);

public sealed record EventDto(
    Guid Id,
    string Slug,
    string Title,
    string Kind,
    string Status,
    DateOnly StartDate,
    DateOnly EndDate,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    string? TimeZone,
    string? Venue,
    string? City,
    string? Country,
    string? Summary,
    string? SourceUrl,
    SourceDto? Source,
    List<OrganizerDto> Organizers,
    List<ParticipantDto> Participants,
    List<QuoteDto> Quotes,
    List<AcknowledgementDto> Acknowledgements,
    List<RecommendationSummaryDto> Recommendations,
    bool Published,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version,
    Dictionary<string, string>? FallbackLanguages = null);

public sealed record AffiliationDto(
    Guid Id, InstitutionRefDto Institution, string? Position, DateOnly? StartDate, DateOnly? EndDate,
    Dictionary<string, string>? FallbackLanguages = null);

public sealed record SpeakerSummaryDto(
    Guid Id,
    string Slug,
    string FullName,
    string? Honorific,
    string? Orcid,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version,
    List<AffiliationDto>? Affiliations = null,
    Dictionary<string, string>? FallbackLanguages = null);

public sealed record SpeakerDto(
    Guid Id,
    string Slug,
    string FullName,
    string? Honorific,
    string? Orcid,
    string? Bio,
    List<AffiliationDto> Affiliations,
    SourceDto? Source,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version,
    Dictionary<string, string>? FallbackLanguages = null);

public sealed record SpeakerEventDto(Guid Id, EventRefDto Event, string Role);

public sealed record RankingDto(Guid Id, string Ranking, int? Year, string? Subject, int Rank, Dictionary<string, string>? FallbackLanguages = null);

public sealed record FigureDto(
    Guid Id, string Key, string Label, decimal Value, string Qualifier, int? AsOfYear, Dictionary<string, string>? FallbackLanguages = null);

public sealed record InstitutionSummaryDto(
    Guid Id,
    string Slug,
    string Name,
    string? ShortName,
    string Kind,
    string? Country,
    string? City,
    string? Website,
    string? RorId,
    Guid? ParentId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version,
    Dictionary<string, string>? FallbackLanguages = null);

public sealed record InstitutionDto(
    Guid Id,
    string Slug,
    string Name,
    string? ShortName,
    string Kind,
    string? Country,
    string? City,
    string? Website,
    string? RorId,
    InstitutionRefDto? Parent,
    List<RankingDto> Rankings,
    List<FigureDto> Figures,
    SourceDto? Source,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version,
    Dictionary<string, string>? FallbackLanguages = null);

public sealed record InstitutionSpeakerDto(
    Guid Id, SpeakerRefDto Speaker, string? Position, DateOnly? StartDate, DateOnly? EndDate, Dictionary<string, string>? FallbackLanguages = null);

public sealed record InstitutionEventDto(EventRefDto Event, List<string> Involvement);

public sealed record RecommendationSummaryDto(
    Guid Id,
    string Slug,
    Guid EventId,
    string Title,
    string Status,
    List<string> Themes,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version,
    Dictionary<string, string>? FallbackLanguages = null);

public sealed record ThemeDto(string Slug, string Name, Dictionary<string, string>? FallbackLanguages = null);

public sealed record ProposerDto(Guid Id, SpeakerRefDto? Speaker, InstitutionRefDto? Institution);

public sealed record StatusChangeDto(string Status, DateOnly ChangedOn, string? Note, Dictionary<string, string>? FallbackLanguages = null);

public sealed record RecommendationDto(
    Guid Id,
    string Slug,
    EventRefDto Event,
    string Title,
    string Body,
    string? TargetAudience,
    string Status,
    List<ThemeDto> Themes,
    List<ProposerDto> ProposedBy,
    List<StatusChangeDto> StatusHistory,
    SourceDto? Source,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version,
    Dictionary<string, string>? FallbackLanguages = null);

public sealed record SearchHitDto(string Type, Guid Id, string Slug, string Title, float Rank, Dictionary<string, string>? FallbackLanguages = null);

public sealed record ChangeDto(string Type, Guid Id, string Operation, long Version, DateTimeOffset ChangedAt, string? ParentType, Guid? ParentId);

public sealed record ChangePageDto(List<ChangeDto> Items, string NextCursor, bool HasMore);

public sealed record ApiKeyDto(
    Guid Id, string Name, string Role, Guid? InstitutionId, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt);

public sealed record AuditEntryDto(
    Guid Id, Guid KeyId, string Operation, string ResourceType, Guid ResourceId, long? VersionBefore, long? VersionAfter, DateTimeOffset OccurredAt);
