using RoundTable.Api.Localization;
using System.Text.Json.Serialization;
using RoundTable.Api.Http;

namespace RoundTable.Api.Institutions;

/// <summary>An institution as it appears in lists.</summary>
/// <param name="ShortName">Short name or acronym, e.g. "IITU".</param>
/// <param name="Country">ISO 3166-1 alpha-2 country code, when known.</param>
/// <param name="RorId">Research Organization Registry id (e.g. 04h9pn542), when known.</param>
/// <param name="ParentId">The institution this one belongs to (a graduate school's university).</param>
public sealed record InstitutionSummary(
    Guid Id,
    string Slug,
    LocalizedText Name,
    LocalizedText? ShortName,
    InstitutionKind Kind,
    string? Country,
    LocalizedText? City,
    string? Website,
    string? RorId,
    Guid? ParentId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version);

/// <summary>An institution with its rankings and stated figures.</summary>
public sealed record InstitutionResponse(
    Guid Id,
    string Slug,
    LocalizedText Name,
    LocalizedText? ShortName,
    InstitutionKind Kind,
    string? Country,
    LocalizedText? City,
    string? Website,
    string? RorId,
    InstitutionRef? Parent,
    IReadOnlyList<RankingResponse> Rankings,
    IReadOnlyList<FigureResponse> Figures,
    SourceResponse? Source,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version);

/// <summary>A place in a published ranking.</summary>
/// <param name="Ranking">The ranking's name, e.g. "QS World University Rankings".</param>
/// <param name="Year">The ranking's edition, when stated.</param>
/// <param name="Subject">The subject ranked; null for the overall ranking.</param>
public sealed record RankingResponse(Guid Id, string Ranking, int? Year, LocalizedText? Subject, int Rank);

/// <summary>A figure stated about the institution, and the year it holds for.</summary>
/// <param name="Key">Stable machine name of the figure.</param>
/// <param name="Qualifier">How <paramref name="Value"/> was stated: exact, more_than, less_than or about.</param>
public sealed record FigureResponse(Guid Id, string Key, LocalizedText Label, decimal Value, FigureQualifier Qualifier, int? AsOfYear);

/// <summary>A person affiliated with the institution.</summary>
/// <param name="Id">The affiliation's id.</param>
public sealed record InstitutionSpeakerResponse(Guid Id, SpeakerRef Speaker, LocalizedText? Position, DateOnly? StartDate, DateOnly? EndDate);

/// <summary>An event the institution was involved in, and how.</summary>
public sealed record InstitutionEventResponse(EventRef Event, IReadOnlyList<InstitutionInvolvement> Involvement);

/// <summary>How an institution took part in an event: as one of its organizers, or represented by a participant.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InstitutionInvolvement>))]
public enum InstitutionInvolvement
{
    [JsonStringEnumMemberName("organizer")] Organizer,
    [JsonStringEnumMemberName("co_organizer")] CoOrganizer,
    [JsonStringEnumMemberName("partner")] Partner,
    [JsonStringEnumMemberName("represented")] Represented,
}
