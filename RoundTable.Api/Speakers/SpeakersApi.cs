using Microsoft.AspNetCore.Http.HttpResults;
using RoundTable.Api.Http;
using RoundTable.Api.Mapping;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Speakers;

internal static class SpeakersApi
{
    private const string Resource = "speaker";

    public static IEndpointRouteBuilder MapSpeakers(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/speakers").WithTags("Speakers");

        group.MapGet("/", ListSpeakers).WithName("listSpeakers")
            .WithSummary("List speakers").WithDescription("People in a stable order (by id), one page at a time.")
            .WithReadProblems(item: false);
        group.MapGet("/{idOrSlug}", GetSpeaker).WithName("getSpeaker")
            .WithSummary("Get a speaker with their affiliations").WithReadProblems();
        group.MapGet("/{idOrSlug}/events", ListEvents).WithName("listSpeakerEvents")
            .WithSummary("List the events a speaker took part in, with their role").WithReadProblems();
        group.MapGet("/{idOrSlug}/affiliations", ListAffiliations).WithName("listSpeakerAffiliations")
            .WithSummary("List a speaker's affiliations").WithReadProblems();
        return routes;
    }

    private static Task<Results<Ok<Page<SpeakerSummary>>, ProblemHttpResult>> ListSpeakers(
        [AsParameters] PageQuery query, SpeakersStore store, CancellationToken ct) =>
        ReadEndpoints.List(query, store.ListAsync, r => r.Id, r => r.Map<SpeakerSummary>(), ct);

    private static Task<Results<Ok<SpeakerResponse>, ProblemHttpResult>> GetSpeaker(
        string idOrSlug, HttpContext context, SpeakersStore store, CancellationToken ct) =>
        ReadEndpoints.Item(idOrSlug, Resource, context, store.GetAsync,
            d => SpeakerMappings.ToResponse(d.Speaker, d.Affiliations), r => r.Version, ct);

    private static Task<Results<Ok<Page<SpeakerEventResponse>>, ProblemHttpResult>> ListEvents(
        string idOrSlug, [AsParameters] PageQuery query, SpeakersStore store, CancellationToken ct) =>
        ReadEndpoints.RelationPage(idOrSlug, query, Resource, store.FindIdAsync, store.ListEventsAsync,
            r => r.Id, r => r.Map<SpeakerEventResponse>(), ct);

    private static Task<Results<Ok<Page<AffiliationResponse>>, ProblemHttpResult>> ListAffiliations(
        string idOrSlug, [AsParameters] PageQuery query, SpeakersStore store, CancellationToken ct) =>
        ReadEndpoints.RelationPage(idOrSlug, query, Resource, store.FindIdAsync, store.ListAffiliationsAsync,
            r => r.Id, r => r.Map<AffiliationResponse>(), ct);
}
