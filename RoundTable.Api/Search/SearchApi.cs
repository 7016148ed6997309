using Microsoft.AspNetCore.Http.HttpResults;
using RoundTable.Api.Caching;
using RoundTable.Api.Errors;
using RoundTable.Api.Exports;
using RoundTable.Api.Json;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Search;

/// <summary>One search over events, speakers, institutions and recommendations, best first.</summary>
internal static class SearchApi
{
    public static IServiceCollection AddSearch(this IServiceCollection services, IConfiguration configuration) => services
        .Configure<SearchOptions>(configuration.GetSection(SearchOptions.Section))
        .AddHostedService<SearchStatistics>()
        .AddSingleton<SearchQueries>()
        .AddJsonContext(SearchJsonContext.Default);

    public static IEndpointRouteBuilder MapSearch(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/search", Search).WithTags("Search").WithName("search")
            .WithSummary("Search events, speakers, institutions and recommendations at once")
            .WithDescription("Full-text search over every language of events (title, summary), speakers (name, bio, positions), "
                + "institutions (names, acronyms) and recommendations (title, body), best first. q is required. "
                + "Every hit streams from /api/v1/search.csv and .ndjson.")
            .WithList(SearchQueries.List).WithPageLinks().DatedByChanges();
        routes.MapExports("/api/v1/search", Search, "Search", SearchQueries.List);
        return routes;
    }

    private static async Task<Results<Ok<Page<SearchHit>>, ProblemHttpResult, ExportResult<SearchHit>>> Search(
        HttpContext context, SearchQueries queries, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(context.Request.Query["q"]))
        {
            return Problems.Validation("q", "q is required: the words to search for.");
        }
        if (!ListQuery.TryParse(context.Request, SearchQueries.List, out var query, out var problem))
        {
            return problem!;
        }
        if (query.IsExport)
        {
            return new ExportResult<SearchHit>(query, "search", queries.StreamAsync(query, ct).MapEach(ToHit));
        }
        return TypedResults.Ok(query.ToPage(await queries.ListAsync(query, ct), ToHit));
    }

    private static SearchHit ToHit(SearchHitRow row) => new(SnakeCaseEnum<SearchHitType>.Parse(row.Type), row.Id, row.Slug, row.Title, row.Rank);
}
