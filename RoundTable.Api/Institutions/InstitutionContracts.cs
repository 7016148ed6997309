using System.Text.Json;
using System.Text.Json.Serialization;
using RoundTable.Api.Localization;
using RoundTable.Api.Paging;
using RoundTable.Api.Sources;
using RoundTable.Api.Speakers;

namespace RoundTable.Api.Institutions;

// Wire names are explicit so that renaming a member never changes the contract or the stored value.

[JsonConverter(typeof(JsonStringEnumConverter<InstitutionKind>))]
public enum InstitutionKind
{
    [JsonStringEnumMemberName("university")] University,
    [JsonStringEnumMemberName("graduate_school")] GraduateSchool,
    [JsonStringEnumMemberName("government_agency")] GovernmentAgency,
    [JsonStringEnumMemberName("academy")] Academy,
    [JsonStringEnumMemberName("foundation")] Foundation,
    [JsonStringEnumMemberName("company")] Company,
    [JsonStringEnumMemberName("other")] Other,
}

[JsonConverter(typeof(JsonStringEnumConverter<FigureQualifier>))]
public enum FigureQualifier
{
    [JsonStringEnumMemberName("exact")] Exact,
    [JsonStringEnumMemberName("more_than")] MoreThan,
    [JsonStringEnumMemberName("less_than")] LessThan,
    [JsonStringEnumMemberName("about")] About,
}

/// <summary>A short reference to an institution, embedded where another resource points at it.</summary>
public sealed record InstitutionRef(Guid Id, string Slug, LocalizedText Name, LocalizedText? ShortName);

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
public sealed partial record InstitutionResponse(
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
    long Version) : Concurrency.IVersioned;

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
public sealed record InstitutionEventResponse(Events.EventRef Event, IReadOnlyList<InstitutionInvolvement> Involvement);

/// <summary>How an institution took part in an event: as one of its organizers, or represented by a participant.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InstitutionInvolvement>))]
public enum InstitutionInvolvement
{
    [JsonStringEnumMemberName("organizer")] Organizer,
    [JsonStringEnumMemberName("co_organizer")] CoOrganizer,
    [JsonStringEnumMemberName("partner")] Partner,
    [JsonStringEnumMemberName("represented")] Represented,
}

/// <summary>
/// The fields of an institution a client sets (POST and PUT; PATCH merges into them). Server-owned fields are not
/// part of it: sending them changes nothing.
/// </summary>
public sealed record InstitutionWriteRequest
{
    public string? Slug { get; init; }
    public LocalizedText? Name { get; init; }
    /// <summary>Short name or acronym by language, e.g. {"en": "IITU"}.</summary>
    public LocalizedText? ShortName { get; init; }
    public InstitutionKind? Kind { get; init; }
    /// <summary>ISO 3166-1 alpha-2 code, e.g. KR.</summary>
    public string? Country { get; init; }
    public LocalizedText? City { get; init; }
    public string? Website { get; init; }
    /// <summary>Research Organization Registry id, e.g. 04h9pn542.</summary>
    public string? RorId { get; init; }
    /// <summary>The UUID or slug of the institution this one belongs to.</summary>
    public string? Parent { get; init; }
}

/// <summary>A place in a published ranking; no subject means the overall ranking.</summary>
public sealed record RankingRequest(string? Ranking, int? Year, LocalizedText? Subject, int? Rank);

/// <summary>Source-generated serialization of the institution contracts.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(InstitutionResponse))]
[JsonSerializable(typeof(Page<InstitutionSummary>))]
[JsonSerializable(typeof(Page<InstitutionSpeakerResponse>))]
[JsonSerializable(typeof(Page<InstitutionEventResponse>))]
[JsonSerializable(typeof(InstitutionWriteRequest))]
[JsonSerializable(typeof(RankingRequest))]
internal sealed partial class InstitutionJsonContext : JsonSerializerContext;
