using System.Text.Json;
using System.Text.Json.Serialization;
using RoundTable.Api.Events;
using RoundTable.Api.Institutions;
using RoundTable.Api.Localization;
using RoundTable.Api.Paging;
using RoundTable.Api.Sources;

namespace RoundTable.Api.Speakers;

/// <summary>A short reference to a person.</summary>
public sealed record SpeakerRef(Guid Id, string Slug, LocalizedText FullName, LocalizedText? Honorific);

/// <summary>A person as they appear in lists.</summary>
/// <param name="Honorific">Title used before the name, e.g. "Professor".</param>
/// <param name="Orcid">ORCID iD (0000-0000-0000-0000), when known.</param>
public sealed record SpeakerSummary(
    Guid Id,
    string Slug,
    LocalizedText FullName,
    LocalizedText? Honorific,
    string? Orcid,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    /// <summary>With include=affiliations.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<AffiliationResponse>? Affiliations { get; init; }
}

/// <summary>A person with their affiliations.</summary>
public sealed partial record SpeakerResponse(
    Guid Id,
    string Slug,
    LocalizedText FullName,
    LocalizedText? Honorific,
    string? Orcid,
    LocalizedText? Bio,
    IReadOnlyList<AffiliationResponse> Affiliations,
    SourceResponse? Source,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version) : Concurrency.IVersioned;

/// <summary>A position a person holds (or held) at an institution.</summary>
public sealed record AffiliationResponse(Guid Id, InstitutionRef Institution, LocalizedText? Position, DateOnly? StartDate, DateOnly? EndDate);

/// <summary>An event a person took part in, and their role there.</summary>
/// <param name="Id">The participation's id.</param>
public sealed record SpeakerEventResponse(Guid Id, EventRef Event, ParticipantRole Role);

/// <summary>
/// The fields of a person a client sets (POST and PUT; PATCH merges into them). Affiliations are their own resource.
/// </summary>
public sealed record SpeakerWriteRequest
{
    public string? Slug { get; init; }
    /// <summary>The name by language, e.g. {"en": "Kilkon Ko", "ko": "고길곤"}.</summary>
    public LocalizedText? FullName { get; init; }
    public LocalizedText? Honorific { get; init; }
    /// <summary>ORCID iD (0000-0000-0000-000X) with a valid check digit; it names one person, so a second speaker with it is a 409.</summary>
    public string? Orcid { get; init; }
    public LocalizedText? Bio { get; init; }
}

/// <summary>A position at an institution (UUID or slug), with optional dates.</summary>
public sealed record AffiliationRequest(string? Institution, LocalizedText? Position, DateOnly? StartDate, DateOnly? EndDate);

/// <summary>Source-generated serialization of the speaker contracts.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(SpeakerResponse))]
[JsonSerializable(typeof(Page<SpeakerSummary>))]
[JsonSerializable(typeof(Page<SpeakerEventResponse>))]
[JsonSerializable(typeof(Page<AffiliationResponse>))]
[JsonSerializable(typeof(SpeakerWriteRequest))]
[JsonSerializable(typeof(AffiliationRequest))]
internal sealed partial class SpeakerJsonContext : JsonSerializerContext;
