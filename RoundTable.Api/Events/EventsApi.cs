using Microsoft.AspNetCore.Http.HttpResults;
using RoundTable.Api.Http;
using RoundTable.Api.Mapping;
using RoundTable.Api.Paging;
using RoundTable.Api.Recommendations;

namespace RoundTable.Api.Events;

internal static class EventsApi
{
    private const string Resource = "event";

    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/events").WithTags("Events");

        group.MapGet("/", ListEvents).WithName("listEvents")
            .WithSummary("List events").WithDescription("Events in a stable order (by id), one page at a time.")
            .WithReadProblems(item: false);
        group.MapGet("/{idOrSlug}", GetEvent).WithName("getEvent")
            .WithSummary("Get an event with its organizers, participants, quotes, acknowledgements and recommendations")
            .WithReadProblems();
        group.MapGet("/{idOrSlug}/organizers", ListOrganizers).WithName("listEventOrganizers")
            .WithSummary("List the institutions that organized an event").WithReadProblems();
        group.MapGet("/{idOrSlug}/participants", ListParticipants).WithName("listEventParticipants")
            .WithSummary("List an event's participants with their roles and the institutions they represented")
            .WithReadProblems();
        group.MapGet("/{idOrSlug}/recommendations", ListRecommendations).WithName("listEventRecommendations")
            .WithSummary("List the recommendations that came out of an event").WithReadProblems();
        return routes;
    }

    private static Task<Results<Ok<Page<EventSummary>>, ProblemHttpResult>> ListEvents(
        [AsParameters] PageQuery query, EventsStore store, CancellationToken ct) =>
        ReadEndpoints.List(query, store.ListAsync, r => r.Id, r => r.Map<EventSummary>(), ct);

    private static Task<Results<Ok<EventResponse>, ProblemHttpResult>> GetEvent(
        string idOrSlug, EventsStore store, CancellationToken ct) =>
        ReadEndpoints.Item(idOrSlug, Resource, store.GetAsync, EventMappings.ToResponse, ct);

    private static Task<Results<Ok<Page<EventOrganizerResponse>>, ProblemHttpResult>> ListOrganizers(
        string idOrSlug, [AsParameters] PageQuery query, EventsStore store, CancellationToken ct) =>
        ReadEndpoints.RelationPage(idOrSlug, query, Resource, store.FindIdAsync, store.ListOrganizersAsync,
            r => r.Id, r => r.Map<EventOrganizerResponse>(), ct);

    private static Task<Results<Ok<Page<EventParticipantResponse>>, ProblemHttpResult>> ListParticipants(
        string idOrSlug, [AsParameters] PageQuery query, EventsStore store, CancellationToken ct) =>
        ReadEndpoints.RelationPage(idOrSlug, query, Resource, store.FindIdAsync, store.ListParticipantsAsync,
            r => r.Participant.Id, r => EventMappings.ToParticipant(r.Participant, r.Institutions), ct);

    private static Task<Results<Ok<Page<RecommendationSummary>>, ProblemHttpResult>> ListRecommendations(
        string idOrSlug, [AsParameters] PageQuery query, EventsStore store, CancellationToken ct) =>
        ReadEndpoints.RelationPage(idOrSlug, query, Resource, store.FindIdAsync, store.ListRecommendationsAsync,
            r => r.Id, r => r.Map<RecommendationSummary>(), ct);
}
