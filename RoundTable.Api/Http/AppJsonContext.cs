using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Mvc;
using RoundTable.Api.Auth;
using RoundTable.Api.Events;
using RoundTable.Api.Health;
using RoundTable.Api.Institutions;
using RoundTable.Api.Paging;
using RoundTable.Api.Recommendations;
using RoundTable.Api.Speakers;

namespace RoundTable.Api.Http;

/// <summary>Source-generated serialization for every response type (camelCase, enums as snake_case strings).</summary>
// Metadata only: the contracts are customised at run time (LocalizedJson), which the fast path would bypass.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(EventResponse))]
[JsonSerializable(typeof(EventSummary))]
[JsonSerializable(typeof(Page<EventSummary>))]
[JsonSerializable(typeof(Page<EventOrganizerResponse>))]
[JsonSerializable(typeof(Page<EventParticipantResponse>))]
[JsonSerializable(typeof(SpeakerResponse))]
[JsonSerializable(typeof(Page<SpeakerSummary>))]
[JsonSerializable(typeof(Page<SpeakerEventResponse>))]
[JsonSerializable(typeof(Page<AffiliationResponse>))]
[JsonSerializable(typeof(InstitutionResponse))]
[JsonSerializable(typeof(Page<InstitutionSummary>))]
[JsonSerializable(typeof(Page<InstitutionSpeakerResponse>))]
[JsonSerializable(typeof(Page<InstitutionEventResponse>))]
[JsonSerializable(typeof(RecommendationResponse))]
[JsonSerializable(typeof(Page<RecommendationSummary>))]
[JsonSerializable(typeof(Page<ProposerResponse>))]
[JsonSerializable(typeof(HealthReportResponse))]
[JsonSerializable(typeof(Page<Search.SearchHit>))]
[JsonSerializable(typeof(Changes.ChangePage))]
[JsonSerializable(typeof(CreateEventRequest))]
[JsonSerializable(typeof(EventWriteRequest))]
[JsonSerializable(typeof(InstitutionWriteRequest))]
[JsonSerializable(typeof(SpeakerWriteRequest))]
[JsonSerializable(typeof(RecommendationWriteRequest))]
[JsonSerializable(typeof(StatusChangeRequest))]
[JsonSerializable(typeof(EventOrganizerRequest))]
[JsonSerializable(typeof(EventParticipantRequest))]
[JsonSerializable(typeof(EventQuoteRequest))]
[JsonSerializable(typeof(EventAcknowledgementRequest))]
[JsonSerializable(typeof(AffiliationRequest))]
[JsonSerializable(typeof(RankingRequest))]
[JsonSerializable(typeof(Page<ApiKeyResponse>))]
[JsonSerializable(typeof(Page<AuditEntryResponse>))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
[JsonSerializable(typeof(Dictionary<string, string[]>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class AppJsonContext : JsonSerializerContext;

internal static class AppJson
{
    /// <summary>The contracts' source-generated metadata, with localized text rendered per request.</summary>
    public static void UseRoundTableContracts(this JsonSerializerOptions options) =>
        options.TypeInfoResolver = JsonTypeInfoResolver.Combine(AppJsonContext.Default, options.TypeInfoResolver)
            .WithAddedModifier(Localization.LocalizedJson.Modify);
}
