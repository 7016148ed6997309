using Microsoft.AspNetCore.Http.HttpResults;
using RoundTable.Api.Caching;
using RoundTable.Api.Concurrency;
using RoundTable.Api.Errors;
using RoundTable.Api.Http;
using RoundTable.Api.Json;
using RoundTable.Api.OpenApi;
using RoundTable.Api.Mapping;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Sources;

/// <summary>
/// Sources, read-only: the published reports records were taken from (loaded with the seed); every change-feed entry
/// of type source can be re-read here.
/// </summary>
internal static class SourcesApi
{
    private const string Resource = "source";

    public static IServiceCollection AddSources(this IServiceCollection services) => services
        .AddSingleton<SourceQueries>()
        .AddJsonContext(SourceJsonContext.Default)
        .AddMappings<SourceMappings>();

    public static IEndpointRouteBuilder MapSources(this IEndpointRouteBuilder routes)
    {
        var reads = routes.MapGroup("/api/v1/sources").WithTags("Sources").WithPageLinks().DatedByChanges()
            .WithPathExample("idOrSlug", "iitu-snu-round-table-2024-report");
        reads.MapGet("/", ListSources).WithName("listSources")
            .WithSummary("List the sources (published reports) records were taken from, in creation order").WithReadProblems(item: false);
        reads.MapGet("/{idOrSlug}", GetSource).WithName("getSource")
            .WithSummary("Get a source by id or slug").WithReadProblems();
        return routes;
    }

    private static async Task<Results<Ok<Page<SourceDetail>>, ProblemHttpResult>> ListSources(
        [AsParameters] PageQuery query, SourceQueries queries, CancellationToken ct)
    {
        if (!query.TryParse(out var page, out var problem))
        {
            return problem!;
        }
        return TypedResults.Ok(page.ToPage(await queries.ListAsync(page, ct), r => r.Id, r => r.Map<SourceDetail>()));
    }

    private static async Task<Results<Ok<SourceDetail>, ProblemHttpResult>> GetSource(
        string idOrSlug, HttpContext context, SourceQueries queries, CancellationToken ct)
    {
        if (!ResourceKey.TryParse(idOrSlug, out var key, out var problem))
        {
            return problem!;
        }
        if (await queries.GetAsync(key, ct) is not { } row)
        {
            return Problems.NotFound(Resource, idOrSlug);
        }
        context.SetETag(row.Version);
        return TypedResults.Ok(row.Map<SourceDetail>());
    }
}
