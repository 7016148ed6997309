using Microsoft.AspNetCore.Http.HttpResults;
using RoundTable.Api.Http;
using RoundTable.Api.Mapping;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Institutions;

internal static class InstitutionsApi
{
    private const string Resource = "institution";

    public static IEndpointRouteBuilder MapInstitutions(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/institutions").WithTags("Institutions");

        group.MapGet("/", ListInstitutions).WithName("listInstitutions")
            .WithSummary("List institutions").WithDescription("Institutions in a stable order (by id), one page at a time.")
            .WithReadProblems(item: false);
        group.MapGet("/{idOrSlug}", GetInstitution).WithName("getInstitution")
            .WithSummary("Get an institution with its parent, rankings and stated figures").WithReadProblems();
        group.MapGet("/{idOrSlug}/speakers", ListSpeakers).WithName("listInstitutionSpeakers")
            .WithSummary("List the people affiliated with an institution").WithReadProblems();
        group.MapGet("/{idOrSlug}/events", ListEvents).WithName("listInstitutionEvents")
            .WithSummary("List the events an institution organized or was represented at").WithReadProblems();
        group.MapGet("/{idOrSlug}/children", ListChildren).WithName("listInstitutionChildren")
            .WithSummary("List the institutions that belong to an institution (e.g. a university's schools)")
            .WithReadProblems();
        return routes;
    }

    private static Task<Results<Ok<Page<InstitutionSummary>>, ProblemHttpResult>> ListInstitutions(
        [AsParameters] PageQuery query, InstitutionsStore store, CancellationToken ct) =>
        ReadEndpoints.List(query, store.ListAsync, r => r.Id, r => r.Map<InstitutionSummary>(), ct);

    private static Task<Results<Ok<InstitutionResponse>, ProblemHttpResult>> GetInstitution(
        string idOrSlug, HttpContext context, InstitutionsStore store, CancellationToken ct) =>
        ReadEndpoints.Item(idOrSlug, Resource, context, store.GetAsync, InstitutionMappings.ToResponse, r => r.Version, ct);

    private static Task<Results<Ok<Page<InstitutionSpeakerResponse>>, ProblemHttpResult>> ListSpeakers(
        string idOrSlug, [AsParameters] PageQuery query, InstitutionsStore store, CancellationToken ct) =>
        ReadEndpoints.RelationPage(idOrSlug, query, Resource, store.FindIdAsync, store.ListSpeakersAsync,
            r => r.Id, r => r.Map<InstitutionSpeakerResponse>(), ct);

    private static Task<Results<Ok<Page<InstitutionEventResponse>>, ProblemHttpResult>> ListEvents(
        string idOrSlug, [AsParameters] PageQuery query, InstitutionsStore store, CancellationToken ct) =>
        ReadEndpoints.RelationPage(idOrSlug, query, Resource, store.FindIdAsync, store.ListEventsAsync,
            r => r.EventId, r => r.Map<InstitutionEventResponse>(), ct);

    private static Task<Results<Ok<Page<InstitutionSummary>>, ProblemHttpResult>> ListChildren(
        string idOrSlug, [AsParameters] PageQuery query, InstitutionsStore store, CancellationToken ct) =>
        ReadEndpoints.RelationPage(idOrSlug, query, Resource, store.FindIdAsync, store.ListChildrenAsync,
            r => r.Id, r => r.Map<InstitutionSummary>(), ct);
}
