using Microsoft.AspNetCore.Http.HttpResults;
using RoundTable.Api.Events;
using RoundTable.Api.Http;
using RoundTable.Api.Mapping;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Recommendations;

internal static class RecommendationsApi
{
    private const string Resource = "recommendation";

    public static IEndpointRouteBuilder MapRecommendations(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/recommendations").WithTags("Recommendations");

        group.MapGet("/", ListRecommendations).WithName("listRecommendations")
            .WithSummary("List, search or export recommendations")
            .WithDescription("Recommendations one page at a time (by default in creation order), filtered, searched (q: title and body) "
                + "and sorted. format=csv|ndjson (or Accept) streams the whole list.")
            .WithList(RecommendationsStore.List);
        group.MapGet("/{idOrSlug}", GetRecommendation).WithName("getRecommendation")
            .WithSummary("Get a recommendation with its themes, proposers and status history").WithReadProblems();
        group.MapGet("/{idOrSlug}/event", GetEvent).WithName("getRecommendationEvent")
            .WithSummary("Get the event a recommendation came out of").WithReadProblems();
        group.MapGet("/{idOrSlug}/proposers", ListProposers).WithName("listRecommendationProposers")
            .WithSummary("List who proposed a recommendation").WithReadProblems();
        return routes;
    }

    private static Task<Results<Ok<Page<RecommendationSummary>>, ProblemHttpResult, ExportResult<RecommendationSummary>>> ListRecommendations(
        HttpContext context, RecommendationsStore store, CancellationToken ct) =>
        ListEndpoints.Handle(context, new ListSource<RecommendationRow, RecommendationSummary>(RecommendationsStore.List, "recommendations",
            store.ListAsync, store.StreamAsync, r => (r.Id, r.SortKey), r => r.Map<RecommendationSummary>()), ct);

    private static Task<Results<Ok<RecommendationResponse>, ProblemHttpResult, ContentHttpResult>> GetRecommendation(
        string idOrSlug, HttpContext context, RecommendationsStore store, CancellationToken ct) =>
        ReadEndpoints.Item(idOrSlug, Resource, context, store.GetAsync, RecommendationMappings.ToResponse, r => r.Version, ct);

    private static Task<Results<Ok<EventSummary>, ProblemHttpResult, ContentHttpResult>> GetEvent(
        string idOrSlug, HttpContext context, RecommendationsStore store, CancellationToken ct) =>
        ReadEndpoints.Item(idOrSlug, Resource, context, store.GetEventAsync, r => r.Map<EventSummary>(), r => r.Version, ct);

    private static Task<Results<Ok<Page<ProposerResponse>>, ProblemHttpResult>> ListProposers(
        string idOrSlug, [AsParameters] PageQuery query, RecommendationsStore store, CancellationToken ct) =>
        ReadEndpoints.RelationPage(idOrSlug, query, Resource, store.FindIdAsync, store.ListProposersAsync,
            r => r.Id, r => r.Map<ProposerResponse>(), ct);
}
