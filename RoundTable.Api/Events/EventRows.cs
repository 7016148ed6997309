using RoundTable.Api.Http;
using RoundTable.Api.Localization;

namespace RoundTable.Api.Events;

// Rows as the store selects them; EventMappings turns them into contracts.

internal sealed class EventRow : SourcedRow
{
    /// <summary>The list's sort key as text (ListQuery), for the next page's cursor.</summary>
    public string? SortKey { get; set; }

    public Guid Id { get; set; }
    public string Slug { get; set; } = "";
    public LocalizedText Title { get; set; } = [];
    public string Kind { get; set; } = "";
    public string Status { get; set; } = "";
    public DateOnly StartDate { get; set; }
    public DateOnly EndDate { get; set; }
    public DateTime? StartsAt { get; set; }
    public DateTime? EndsAt { get; set; }
    public string? TimeZone { get; set; }
    public LocalizedText? Venue { get; set; }
    public LocalizedText? City { get; set; }
    public string? Country { get; set; }
    public LocalizedText? Summary { get; set; }
    public string? SourceUrl { get; set; }
    public bool Published { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public long Version { get; set; }
}

internal sealed class EventOrganizerRow
{
    public Guid Id { get; set; }
    public Guid EventId { get; set; }
    public string Role { get; set; } = "";
    public Guid InstitutionId { get; set; }
    public string InstitutionSlug { get; set; } = "";
    public LocalizedText InstitutionName { get; set; } = [];
    public LocalizedText? InstitutionShortName { get; set; }
}

internal sealed class EventParticipantRow
{
    public Guid Id { get; set; }
    public Guid EventId { get; set; }
    public string Role { get; set; } = "";
    public Guid SpeakerId { get; set; }
    public string SpeakerSlug { get; set; } = "";
    public LocalizedText SpeakerFullName { get; set; } = [];
    public LocalizedText? SpeakerHonorific { get; set; }
}

/// <summary>An institution a participant represented (many per participant).</summary>
internal sealed class ParticipantInstitutionRow
{
    public Guid ParticipantId { get; set; }
    public Guid InstitutionId { get; set; }
    public string InstitutionSlug { get; set; } = "";
    public LocalizedText InstitutionName { get; set; } = [];
    public LocalizedText? InstitutionShortName { get; set; }
}

internal sealed class EventQuoteRow
{
    public Guid Id { get; set; }
    public LocalizedText Text { get; set; } = [];
    public Guid SpeakerId { get; set; }
    public string SpeakerSlug { get; set; } = "";
    public LocalizedText SpeakerFullName { get; set; } = [];
    public LocalizedText? SpeakerHonorific { get; set; }
}

internal sealed class EventAcknowledgementRow
{
    public Guid Id { get; set; }
    public string Kind { get; set; } = "";
    public LocalizedText? Description { get; set; }
    public Guid InstitutionId { get; set; }
    public string InstitutionSlug { get; set; } = "";
    public LocalizedText InstitutionName { get; set; } = [];
    public LocalizedText? InstitutionShortName { get; set; }
    public Guid SpeakerId { get; set; }
    public string SpeakerSlug { get; set; } = "";
    public LocalizedText SpeakerFullName { get; set; } = [];
    public LocalizedText? SpeakerHonorific { get; set; }
}

internal sealed record ParticipantWithInstitutions(EventParticipantRow Participant, IReadOnlyList<ParticipantInstitutionRow> Institutions);

/// <summary>An event with its relations, read in one round trip.</summary>
internal sealed record EventDetails(
    EventRow Event,
    IReadOnlyList<EventOrganizerRow> Organizers,
    IReadOnlyList<EventParticipantRow> Participants,
    IReadOnlyList<ParticipantInstitutionRow> ParticipantInstitutions,
    IReadOnlyList<EventQuoteRow> Quotes,
    IReadOnlyList<EventAcknowledgementRow> Acknowledgements,
    IReadOnlyList<Recommendations.RecommendationRow> Recommendations);

/// <summary>The relations of a page of events (null where not included).</summary>
internal sealed record EventIncludes(
    IReadOnlyList<EventOrganizerRow>? Organizers,
    IReadOnlyList<EventParticipantRow>? Participants,
    IReadOnlyList<ParticipantInstitutionRow>? ParticipantInstitutions,
    IReadOnlyList<Recommendations.RecommendationRow>? Recommendations);
