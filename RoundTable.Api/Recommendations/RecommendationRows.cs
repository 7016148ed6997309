using RoundTable.Api.Http;
using RoundTable.Api.Localization;

namespace RoundTable.Api.Recommendations;

internal sealed class RecommendationRow
{
    /// <summary>The list's sort key as text (ListQuery), for the next page's cursor.</summary>
    public string? SortKey { get; set; }

    public Guid Id { get; set; }
    public string Slug { get; set; } = "";
    public Guid EventId { get; set; }
    public LocalizedText Title { get; set; } = [];
    public string Status { get; set; } = "";
    public string[] Themes { get; set; } = [];
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public long Version { get; set; }
}

internal sealed class RecommendationDetailRow : SourcedRow
{
    public Guid Id { get; set; }
    public string Slug { get; set; } = "";
    public Guid EventId { get; set; }
    public string EventSlug { get; set; } = "";
    public LocalizedText EventTitle { get; set; } = [];
    public DateOnly EventStartDate { get; set; }
    public LocalizedText Title { get; set; } = [];
    public LocalizedText Body { get; set; } = [];
    public LocalizedText? TargetAudience { get; set; }
    public string Status { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public long Version { get; set; }
}

internal sealed class ThemeRow
{
    public string Slug { get; set; } = "";
    public LocalizedText Name { get; set; } = [];
}

internal sealed class ProposerRow
{
    public Guid Id { get; set; }
    public Guid? SpeakerId { get; set; }
    public string? SpeakerSlug { get; set; }
    public LocalizedText? SpeakerFullName { get; set; }
    public LocalizedText? SpeakerHonorific { get; set; }
    public Guid? InstitutionId { get; set; }
    public string? InstitutionSlug { get; set; }
    public LocalizedText? InstitutionName { get; set; }
    public LocalizedText? InstitutionShortName { get; set; }
}

internal sealed class StatusChangeRow
{
    public string Status { get; set; } = "";
    public DateOnly ChangedOn { get; set; }
    public LocalizedText? Note { get; set; }
}

internal sealed record RecommendationDetails(
    RecommendationDetailRow Recommendation,
    IReadOnlyList<ThemeRow> Themes,
    IReadOnlyList<ProposerRow> Proposers,
    IReadOnlyList<StatusChangeRow> StatusHistory);

/// <summary>A recommendation as the store writes it, with its relations resolved to ids.</summary>
internal sealed class RecommendationWriteRow
{
    public Guid Id { get; set; }
    public string Slug { get; set; } = "";
    public Guid EventId { get; set; }
    public LocalizedText Title { get; set; } = [];
    public LocalizedText Body { get; set; } = [];
    public LocalizedText? TargetAudience { get; set; }
    public string Status { get; set; } = "";
    public long Version { get; set; }
    public string[] Themes { get; set; } = [];
    public DateOnly? LastChangedOn { get; set; }
    public IReadOnlyList<Guid> ThemeIds { get; set; } = [];
    public IReadOnlyList<(Guid? SpeakerId, Guid? InstitutionId)> Proposers { get; set; } = [];
}
