using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RoundTable.Api.Changes;

/// <summary>What happened to a resource or relation entry.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChangeOperation>))]
public enum ChangeOperation
{
    [JsonStringEnumMemberName("created")] Created,
    [JsonStringEnumMemberName("updated")] Updated,
    [JsonStringEnumMemberName("deleted")] Deleted,
}

/// <summary>
/// What changed: a resource (event, speaker, institution, recommendation, source, theme) or a relation entry.
/// (A participant's represented institutions and a recommendation's themes are part of the participant and of the
/// recommendation: a change to them is a change of those.)
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChangeType>))]
public enum ChangeType
{
    [JsonStringEnumMemberName("event")] Event,
    [JsonStringEnumMemberName("speaker")] Speaker,
    [JsonStringEnumMemberName("institution")] Institution,
    [JsonStringEnumMemberName("recommendation")] Recommendation,
    [JsonStringEnumMemberName("source")] Source,
    [JsonStringEnumMemberName("theme")] Theme,
    [JsonStringEnumMemberName("event_organizer")] EventOrganizer,
    [JsonStringEnumMemberName("event_participant")] EventParticipant,
    [JsonStringEnumMemberName("event_quote")] EventQuote,
    [JsonStringEnumMemberName("event_acknowledgement")] EventAcknowledgement,
    [JsonStringEnumMemberName("speaker_affiliation")] SpeakerAffiliation,
    [JsonStringEnumMemberName("institution_ranking")] InstitutionRanking,
    [JsonStringEnumMemberName("institution_figure")] InstitutionFigure,
    [JsonStringEnumMemberName("recommendation_proposer")] RecommendationProposer,
    [JsonStringEnumMemberName("recommendation_status_change")] RecommendationStatusChange,
}

/// <summary>One change, in commit-safe order.</summary>
/// <param name="Type">What changed: a resource or a relation entry.</param>
/// <param name="Id">The resource's or entry's id.</param>
/// <param name="Version">The version the change produced; a deletion has one too. Apply a change only when its version
/// is at least the one you hold for the entry: transactions that touch the same entry may appear out of version order.</param>
/// <param name="ParentType">For a relation entry: the resource it belongs to (re-read that resource to mirror it).</param>
public sealed record ChangeResponse(
    ChangeType Type,
    Guid Id,
    ChangeOperation Operation,
    long Version,
    DateTimeOffset ChangedAt,
    ChangeType? ParentType,
    Guid? ParentId);

/// <summary>A page of the change feed. Keep nextCursor and poll with it: it never skips a change.</summary>
public sealed record ChangePage(
    IReadOnlyList<ChangeResponse> Items,
    [property: Description("Where to continue: after the last change of this page (or unchanged when there was none). Never null.")] string NextCursor,
    [property: Description("True when more changes are available right now; false means you are up to date: poll later.")] bool HasMore);

/// <summary>Source-generated serialization of the change feed.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(ChangePage))]
[JsonSerializable(typeof(ChangeResponse))]
internal sealed partial class ChangeJsonContext : JsonSerializerContext;
