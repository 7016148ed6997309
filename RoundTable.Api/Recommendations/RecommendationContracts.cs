using System.Text.Json;
using System.Text.Json.Serialization;
using RoundTable.Api.Events;
using RoundTable.Api.Institutions;
using RoundTable.Api.Localization;
using RoundTable.Api.Paging;
using RoundTable.Api.Sources;
using RoundTable.Api.Speakers;

namespace RoundTable.Api.Recommendations;

[JsonConverter(typeof(JsonStringEnumConverter<RecommendationStatus>))]
public enum RecommendationStatus
{
    [JsonStringEnumMemberName("proposed")] Proposed,
    [JsonStringEnumMemberName("accepted")] Accepted,
    [JsonStringEnumMemberName("in_progress")] InProgress,
    [JsonStringEnumMemberName("implemented")] Implemented,
    [JsonStringEnumMemberName("rejected")] Rejected,
}

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
    long Version) : Concurrency.IVersioned;

/// <summary>A theme a recommendation addresses.</summary>
public sealed record ThemeResponse(string Slug, LocalizedText Name);

/// <summary>Who proposed a recommendation: a person, an institution, or a person on behalf of an institution.</summary>
public sealed record ProposerResponse(Guid Id, SpeakerRef? Speaker, InstitutionRef? Institution);

/// <summary>A status a recommendation took, and the day it took it.</summary>
public sealed record StatusChangeResponse(RecommendationStatus Status, DateOnly ChangedOn, LocalizedText? Note);

/// <summary>
/// The fields of a recommendation a client sets (POST and PUT; PATCH merges into them). Its status changes through
/// POST .../status-changes, which keeps the history.
/// </summary>
public sealed record RecommendationWriteRequest
{
    public string? Slug { get; init; }
    /// <summary>The UUID or slug of the event it came out of.</summary>
    public string? Event { get; init; }
    public LocalizedText? Title { get; init; }
    public LocalizedText? Body { get; init; }
    public LocalizedText? TargetAudience { get; init; }
    /// <summary>Theme slugs, e.g. digital-literacy.</summary>
    public IReadOnlyList<string>? Themes { get; init; }
    public IReadOnlyList<ProposerRequest>? ProposedBy { get; init; }
}

/// <summary>A proposer: a speaker, an institution, or a speaker on behalf of an institution (UUIDs or slugs).</summary>
public sealed record ProposerRequest(string? Speaker, string? Institution);

/// <summary>A new status for a recommendation, appended to its history.</summary>
/// <param name="ChangedOn">The day it took effect; today (UTC) when omitted.</param>
public sealed record StatusChangeRequest(RecommendationStatus? Status, DateOnly? ChangedOn, LocalizedText? Note);

/// <summary>Source-generated serialization of the recommendation contracts.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(RecommendationResponse))]
[JsonSerializable(typeof(Page<RecommendationSummary>))]
[JsonSerializable(typeof(Page<ProposerResponse>))]
[JsonSerializable(typeof(RecommendationWriteRequest))]
[JsonSerializable(typeof(StatusChangeRequest))]
internal sealed partial class RecommendationJsonContext : JsonSerializerContext;
