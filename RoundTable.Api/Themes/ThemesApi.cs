using Microsoft.AspNetCore.Http.HttpResults;
using RoundTable.Api.Caching;
using RoundTable.Api.Concurrency;
using RoundTable.Api.Errors;
using RoundTable.Api.Http;
using RoundTable.Api.Json;
using RoundTable.Api.OpenApi;
using RoundTable.Api.Mapping;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Themes;

/// <summary>
/// Themes, read-only: they are created with the recommendations that name them (seed) and every change-feed entry of
/// type theme can be re-read here.
/// </summary>
internal static class ThemesApi
{
    private const string Resource = "theme";

    public static IServiceCollection AddThemes(this IServiceCollection services) => services
        .AddSingleton<ThemeQueries>()
        .AddJsonContext(ThemeJsonContext.Default)
        .AddMappings<ThemeMappings>();

    public static IEndpointRouteBuilder MapThemes(this IEndpointRouteBuilder routes)
    {
        var reads = routes.MapGroup("/api/v1/themes").WithTags("Themes").WithPageLinks().DatedByChanges()
            .WithPathExample("idOrSlug", "digital-literacy");
        reads.MapGet("/", ListThemes).WithName("listThemes")
            .WithSummary("List the themes recommendations address, in creation order").WithReadProblems(item: false);
        reads.MapGet("/{idOrSlug}", GetTheme).WithName("getTheme")
            .WithSummary("Get a theme by id or slug").WithReadProblems();
        return routes;
    }

    private static async Task<Results<Ok<Page<ThemeDetail>>, ProblemHttpResult>> ListThemes(
        [AsParameters] PageQuery query, ThemeQueries queries, CancellationToken ct)
    {
        if (!query.TryParse(out var page, out var problem))
        {
            return problem!;
        }
        return TypedResults.Ok(page.ToPage(await queries.ListAsync(page, ct), r => r.Id, r => r.Map<ThemeDetail>()));
    }

    private static async Task<Results<Ok<ThemeDetail>, ProblemHttpResult>> GetTheme(
        string idOrSlug, HttpContext context, ThemeQueries queries, CancellationToken ct)
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
        return TypedResults.Ok(row.Map<ThemeDetail>());
    }
}
