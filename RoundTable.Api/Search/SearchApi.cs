using Microsoft.AspNetCore.Http.HttpResults;
using RoundTable.Api.Http;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Search;

internal static class SearchApi
{
    public static IEndpointRouteBuilder MapSearch(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/search", Search).WithTags("Search").WithName("search")
            .WithSummary("Search events, speakers, institutions and recommendations at once")
            .WithDescription("Full-text search over every language of events (title, summary), speakers (name, bio, positions), "
                + "institutions (names, acronyms) and recommendations (title, body), best first. q is required.")
            .WithList(SearchStore.List);
        return routes;
    }

    private static async Task<Results<Ok<Page<SearchHit>>, ProblemHttpResult, ExportResult<SearchHit>>> Search(
        HttpContext context, SearchStore store, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(context.Request.Query["q"]))
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["q"] = ["q is required: the words to search for."] });
        }
        return await ListEndpoints.Handle(context, new ListSource<SearchHitRow, SearchHit>(SearchStore.List, "search",
            store.ListAsync, store.StreamAsync, r => (r.Id, r.SortKey),
            r => new SearchHit(SnakeCaseEnum<SearchHitType>.Parse(r.Type), r.Id, r.Slug, r.Title, r.Rank)), ct);
    }
}
