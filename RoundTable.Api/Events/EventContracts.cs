using System.Text.Json;
using System.Text.Json.Serialization;
using RoundTable.Api.Institutions;
using RoundTable.Api.Localization;
using RoundTable.Api.Paging;
using RoundTable.Api.Recommendations;
using RoundTable.Api.Sources;
using RoundTable.Api.Speakers;

namespace RoundTable.Api.Events;

// Wire names are explicit so that renaming a member never changes the contract or the stored value.

[JsonConverter(typeof(JsonStringEnumConverter<EventKind>))]
public enum EventKind
{
    [JsonStringEnumMemberName("round_table")] RoundTable,
    [JsonStringEnumMemberName("conference")] Conference,
    [JsonStringEnumMemberName("seminar")] Seminar,
    [JsonStringEnumMemberName("workshop")] Workshop,
    [JsonStringEnumMemberName("lecture")] Lecture,
}

[JsonConverter(typeof(JsonStringEnumConverter<EventStatus>))]
public enum EventStatus
{
    [JsonStringEnumMemberName("scheduled")] Scheduled,
    [JsonStringEnumMemberName("held")] Held,
    [JsonStringEnumMemberName("cancelled")] Cancelled,
    [JsonStringEnumMemberName("postponed")] Postponed,
}

[JsonConverter(typeof(JsonStringEnumConverter<OrganizerRole>))]
public enum OrganizerRole
{
    [JsonStringEnumMemberName("organizer")] Organizer,
    [JsonStringEnumMemberName("co_organizer")] CoOrganizer,
    [JsonStringEnumMemberName("partner")] Partner,
}

[JsonConverter(typeof(JsonStringEnumConverter<ParticipantRole>))]
public enum ParticipantRole
{
    [JsonStringEnumMemberName("host")] Host,
    [JsonStringEnumMemberName("moderator")] Moderator,
    [JsonStringEnumMemberName("speaker")] Speaker,
    [JsonStringEnumMemberName("panelist")] Panelist,
    [JsonStringEnumMemberName("guest")] Guest,
}

[JsonConverter(typeof(JsonStringEnumConverter<AcknowledgementKind>))]
public enum AcknowledgementKind
{
    [JsonStringEnumMemberName("letter_of_gratitude")] LetterOfGratitude,
    [JsonStringEnumMemberName("certificate")] Certificate,
    [JsonStringEnumMemberName("award")] Award,
    [JsonStringEnumMemberName("diploma")] Diploma,
    [JsonStringEnumMemberName("other")] Other,
}

/// <summary>A short reference to an event.</summary>
public sealed record EventRef(Guid Id, string Slug, LocalizedText Title, DateOnly StartDate);

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
public sealed partial record EventResponse(
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
    long Version) : Concurrency.IVersioned;

/// <summary>An institution that organized the event, and in what role.</summary>
public sealed record EventOrganizerResponse(Guid Id, InstitutionRef Institution, OrganizerRole Role);

/// <summary>A person who took part, in what role, and the institution(s) they represented there.</summary>
public sealed record EventParticipantResponse(Guid Id, SpeakerRef Speaker, ParticipantRole Role, IReadOnlyList<InstitutionRef> Institutions);

/// <summary>Words a participant said at the event.</summary>
public sealed record EventQuoteResponse(Guid Id, SpeakerRef Speaker, LocalizedText Text);

/// <summary>Recognition given at the event by an institution to a person.</summary>
public sealed record EventAcknowledgementResponse(Guid Id, InstitutionRef From, SpeakerRef To, AcknowledgementKind Kind, LocalizedText? Description);

/// <summary>
/// The fields of an event a client sets. PUT replaces them all; PATCH (application/merge-patch+json) merges into
/// them. Server-owned fields (id, createdAt, updatedAt, version) are not part of it: sending them changes nothing.
/// </summary>
public record EventWriteRequest
{
    public string? Slug { get; init; }
    /// <summary>The title by language tag, e.g. {"en": "...", "kk": "..."}.</summary>
    public LocalizedText? Title { get; init; }
    public EventKind? Kind { get; init; }
    public EventStatus? Status { get; init; }
    public DateOnly? StartDate { get; init; }
    public DateOnly? EndDate { get; init; }
    public DateTimeOffset? StartsAt { get; init; }
    public DateTimeOffset? EndsAt { get; init; }
    /// <summary>IANA time zone, required when a time is given.</summary>
    public string? TimeZone { get; init; }
    public LocalizedText? Venue { get; init; }
    public LocalizedText? City { get; init; }
    /// <summary>ISO 3166-1 alpha-2 code, e.g. KZ.</summary>
    public string? Country { get; init; }
    public LocalizedText? Summary { get; init; }
    public string? SourceUrl { get; init; }
    /// <summary>False makes the event a draft, visible only to its organizers' keys and admins. Default true.</summary>
    public bool? Published { get; init; }
}

/// <summary>A new event with its organizers; a partner key must list its own institution among them.</summary>
public sealed record CreateEventRequest : EventWriteRequest
{
    public IReadOnlyList<EventOrganizerRequest>? Organizers { get; init; }
}

/// <summary>An organizing institution (its UUID or slug) and its role.</summary>
public sealed record EventOrganizerRequest(string? Institution, OrganizerRole? Role);

/// <summary>A participant: a speaker (UUID or slug), their role, and the institutions they represented.</summary>
public sealed record EventParticipantRequest(string? Speaker, ParticipantRole? Role, IReadOnlyList<string>? Institutions);

/// <summary>Words a participant said at the event, by language.</summary>
public sealed record EventQuoteRequest(string? Speaker, LocalizedText? Text);

/// <summary>Recognition from an institution to a person (UUIDs or slugs).</summary>
public sealed record EventAcknowledgementRequest(string? From, string? To, AcknowledgementKind? Kind, LocalizedText? Description);

/// <summary>Source-generated serialization of the event contracts.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(EventResponse))]
[JsonSerializable(typeof(EventSummary))]
[JsonSerializable(typeof(Page<EventSummary>))]
[JsonSerializable(typeof(Page<EventOrganizerResponse>))]
[JsonSerializable(typeof(Page<EventParticipantResponse>))]
[JsonSerializable(typeof(Page<RecommendationSummary>))]
[JsonSerializable(typeof(CreateEventRequest))]
[JsonSerializable(typeof(EventWriteRequest))]
[JsonSerializable(typeof(EventOrganizerRequest))]
[JsonSerializable(typeof(EventParticipantRequest))]
[JsonSerializable(typeof(EventQuoteRequest))]
[JsonSerializable(typeof(EventAcknowledgementRequest))]
internal sealed partial class EventJsonContext : JsonSerializerContext;
