using RoundTable.Api.Http;
using RoundTable.Api.Localization;

namespace RoundTable.Api.Events;

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
