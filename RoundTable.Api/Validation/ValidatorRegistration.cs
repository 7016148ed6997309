using FluentValidation;
using RoundTable.Api.Events;
using RoundTable.Api.Institutions;
using RoundTable.Api.Recommendations;
using RoundTable.Api.Speakers;

namespace RoundTable.Api.Validation;

internal static class ValidatorRegistration
{
    /// <summary>
    /// One validator per request type, listed explicitly; a test fails when a request body type has none here.
    /// </summary>
    public static IServiceCollection AddRoundTableValidators(this IServiceCollection services)
    {
        services.AddSingleton<IValidator<CreateEventRequest>, CreateEventRequestValidator>();
        services.AddSingleton<IValidator<EventWriteRequest>, EventWriteRequestValidator>();
        services.AddSingleton<IValidator<InstitutionWriteRequest>, InstitutionWriteRequestValidator>();
        services.AddSingleton<IValidator<SpeakerWriteRequest>, SpeakerWriteRequestValidator>();
        services.AddSingleton<IValidator<RecommendationWriteRequest>, RecommendationWriteRequestValidator>();
        services.AddSingleton<IValidator<StatusChangeRequest>, StatusChangeRequestValidator>();
        services.AddSingleton<IValidator<EventOrganizerRequest>, EventOrganizerRequestValidator>();
        services.AddSingleton<IValidator<EventParticipantRequest>, EventParticipantRequestValidator>();
        services.AddSingleton<IValidator<EventQuoteRequest>, EventQuoteRequestValidator>();
        services.AddSingleton<IValidator<EventAcknowledgementRequest>, EventAcknowledgementRequestValidator>();
        services.AddSingleton<IValidator<AffiliationRequest>, AffiliationRequestValidator>();
        services.AddSingleton<IValidator<RankingRequest>, RankingRequestValidator>();
        return services;
    }
}
