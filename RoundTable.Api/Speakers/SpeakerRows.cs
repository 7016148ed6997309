using RoundTable.Api.Http;
using RoundTable.Api.Localization;

namespace RoundTable.Api.Speakers;

internal sealed class SpeakerRow : SourcedRow
{
    /// <summary>The list's sort key as text (ListQuery), for the next page's cursor.</summary>
    public string? SortKey { get; set; }

    public Guid Id { get; set; }
    public string Slug { get; set; } = "";
    public LocalizedText FullName { get; set; } = [];
    public LocalizedText? Honorific { get; set; }
    public string? Orcid { get; set; }
    public LocalizedText? Bio { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public long Version { get; set; }
}

/// <summary>An affiliation with both ends, so one row type serves a speaker's and an institution's lists.</summary>
internal sealed class AffiliationRow
{
    public Guid Id { get; set; }
    public LocalizedText? Position { get; set; }
    public DateOnly? StartDate { get; set; }
    public DateOnly? EndDate { get; set; }
    public Guid SpeakerId { get; set; }
    public string SpeakerSlug { get; set; } = "";
    public LocalizedText SpeakerFullName { get; set; } = [];
    public LocalizedText? SpeakerHonorific { get; set; }
    public Guid InstitutionId { get; set; }
    public string InstitutionSlug { get; set; } = "";
    public LocalizedText InstitutionName { get; set; } = [];
    public LocalizedText? InstitutionShortName { get; set; }
}

internal sealed class SpeakerEventRow
{
    public Guid Id { get; set; }
    public string Role { get; set; } = "";
    public Guid EventId { get; set; }
    public string EventSlug { get; set; } = "";
    public LocalizedText EventTitle { get; set; } = [];
    public DateOnly EventStartDate { get; set; }
}

internal sealed record SpeakerDetails(SpeakerRow Speaker, IReadOnlyList<AffiliationRow> Affiliations);
