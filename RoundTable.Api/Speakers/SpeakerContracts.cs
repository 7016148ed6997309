using RoundTable.Api.Http;

namespace RoundTable.Api.Speakers;

/// <summary>A person as they appear in lists.</summary>
/// <param name="Honorific">Title used before the name, e.g. "Professor".</param>
/// <param name="Orcid">ORCID iD (0000-0000-0000-0000), when known.</param>
public sealed record SpeakerSummary(
    Guid Id,
    string Slug,
    string FullName,
    string? Honorific,
    string? Orcid,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version);

/// <summary>A person with their affiliations.</summary>
public sealed record SpeakerResponse(
    Guid Id,
    string Slug,
    string FullName,
    string? Honorific,
    string? Orcid,
    string? Bio,
    IReadOnlyList<AffiliationResponse> Affiliations,
    SourceResponse? Source,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version);

/// <summary>A position a person holds (or held) at an institution.</summary>
public sealed record AffiliationResponse(Guid Id, InstitutionRef Institution, string? Position, DateOnly? StartDate, DateOnly? EndDate);

/// <summary>An event a person took part in, and their role there.</summary>
/// <param name="Id">The participation's id.</param>
public sealed record SpeakerEventResponse(Guid Id, EventRef Event, ParticipantRole Role);
