using RoundTable.Api.Localization;
using RoundTable.Api.Http;

namespace RoundTable.Api.Recommendations;

/// <summary>A recommendation as it appears in lists.</summary>
/// <param name="EventId">The event the recommendation came out of.</param>
/// <param name="Themes">Slugs of the recommendation's themes.</param>
public sealed record RecommendationSummary(
    Guid Id,
    string Slug,
    Guid EventId,
    LocalizedText Title,
    RecommendationStatus Status,
    IReadOnlyList<string> Themes,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version);

/// <summary>A recommendation with its proposers, themes and status history.</summary>
/// <param name="TargetAudience">Who the recommendation is addressed to.</param>
/// <param name="StatusHistory">Every status the recommendation has had, oldest first.</param>
public sealed record RecommendationResponse(
    Guid Id,
    string Slug,
    EventRef Event,
    LocalizedText Title,
    LocalizedText Body,
    LocalizedText? TargetAudience,
    RecommendationStatus Status,
    IReadOnlyList<ThemeResponse> Themes,
    IReadOnlyList<ProposerResponse> ProposedBy,
    IReadOnlyList<StatusChangeResponse> StatusHistory,
    SourceResponse? Source,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version);

/// <summary>A theme a recommendation addresses.</summary>
public sealed record ThemeResponse(string Slug, LocalizedText Name);

/// <summary>Who proposed a recommendation: a person, an institution, or a person on behalf of an institution.</summary>
public sealed record ProposerResponse(Guid Id, SpeakerRef? Speaker, InstitutionRef? Institution);

/// <summary>A status a recommendation took, and the day it took it.</summary>
public sealed record StatusChangeResponse(RecommendationStatus Status, DateOnly ChangedOn, LocalizedText? Note);
