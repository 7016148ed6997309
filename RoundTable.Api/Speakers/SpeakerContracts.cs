using System.Text.Json.Serialization;
using RoundTable.Api.Localization;
using RoundTable.Api.Http;

namespace RoundTable.Api.Speakers;

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
public sealed record SpeakerResponse(
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
    long Version);

/// <summary>A position a person holds (or held) at an institution.</summary>
public sealed record AffiliationResponse(Guid Id, InstitutionRef Institution, LocalizedText? Position, DateOnly? StartDate, DateOnly? EndDate);

/// <summary>An event a person took part in, and their role there.</summary>
/// <param name="Id">The participation's id.</param>
public sealed record SpeakerEventResponse(Guid Id, EventRef Event, ParticipantRole Role);
