using System.Text.Json.Serialization;
using RoundTable.Api.Localization;
using RoundTable.Api.Http;
using RoundTable.Api.Recommendations;

namespace RoundTable.Api.Events;

/// <summary>An event as it appears in lists.</summary>
/// <param name="Id">Stable identifier (UUID v7).</param>
/// <param name="Slug">Stable, human-readable identifier, usable in place of the id.</param>
/// <param name="StartDate">First day of the event, in the event's own time zone.</param>
/// <param name="EndDate">Last day of the event, in the event's own time zone.</param>
/// <param name="StartsAt">Start instant, when the published record gives a time; null otherwise.</param>
/// <param name="EndsAt">End instant, when the published record gives a time; null otherwise.</param>
/// <param name="TimeZone">IANA time zone the event is held in, when known.</param>
/// <param name="Country">ISO 3166-1 alpha-2 country code, when known.</param>
/// <param name="Published">False for a draft, which only its organizers' keys and admins can see.</param>
/// <param name="Version">Changes on every update of the event.</param>
public sealed record EventSummary(
    Guid Id,
    string Slug,
    LocalizedText Title,
    EventKind Kind,
    EventStatus Status,
    DateOnly StartDate,
    DateOnly EndDate,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    string? TimeZone,
    LocalizedText? City,
    string? Country,
    bool Published,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    /// <summary>With include=organizers.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<EventOrganizerResponse>? Organizers { get; init; }

    /// <summary>With include=participants.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<EventParticipantResponse>? Participants { get; init; }

    /// <summary>With include=recommendations.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<RecommendationSummary>? Recommendations { get; init; }
}

/// <summary>An event with everything that happened at it.</summary>
public sealed record EventResponse(
    Guid Id,
    string Slug,
    LocalizedText Title,
    EventKind Kind,
    EventStatus Status,
    DateOnly StartDate,
    DateOnly EndDate,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    string? TimeZone,
    LocalizedText? Venue,
    LocalizedText? City,
    string? Country,
    LocalizedText? Summary,
    string? SourceUrl,
    SourceResponse? Source,
    IReadOnlyList<EventOrganizerResponse> Organizers,
    IReadOnlyList<EventParticipantResponse> Participants,
    IReadOnlyList<EventQuoteResponse> Quotes,
    IReadOnlyList<EventAcknowledgementResponse> Acknowledgements,
    IReadOnlyList<RecommendationSummary> Recommendations,
    bool Published,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version);

/// <summary>An institution that organized the event, and in what role.</summary>
public sealed record EventOrganizerResponse(Guid Id, InstitutionRef Institution, OrganizerRole Role);

/// <summary>A person who took part, in what role, and the institution(s) they represented there.</summary>
public sealed record EventParticipantResponse(Guid Id, SpeakerRef Speaker, ParticipantRole Role, IReadOnlyList<InstitutionRef> Institutions);

/// <summary>Words a participant said at the event.</summary>
public sealed record EventQuoteResponse(Guid Id, SpeakerRef Speaker, LocalizedText Text);

/// <summary>Recognition given at the event by an institution to a person.</summary>
public sealed record EventAcknowledgementResponse(Guid Id, InstitutionRef From, SpeakerRef To, AcknowledgementKind Kind, LocalizedText? Description);
