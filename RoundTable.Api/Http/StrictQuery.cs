using System.Reflection;
using RoundTable.Api.Errors;
using RoundTable.Api.Localization;
using RoundTable.Api.OpenApi;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Http;

/// <summary>
/// A read given a query parameter it does not know answers 400, so a misspelt filter never silently returns
/// everything. Top-level lists, calendars and the change feed check their own parameters; items take lang, relation
/// lists also limit, cursor and updated_since.
/// </summary>
internal sealed class StrictQuery(RequestDelegate next)
{
    private static readonly string[] s_item = [LanguageNegotiation.QueryParameter];
    private static readonly string[] s_page = [LanguageNegotiation.QueryParameter, "limit", "cursor", "updated_since"];

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is null || context.Request.Query.Count == 0 || !HttpMethods.IsGet(context.Request.Method)
            || !context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal)
            || endpoint.Metadata.GetMetadata<ListSpec>() is not null
            || endpoint.Metadata.GetMetadata<QueryParameterDoc>() is not null
            || endpoint.Metadata.GetMetadata<MethodInfo>() is not { } method)
        {
            await next(context);
            return;
        }
        var allowed = method.GetParameters().Any(p => p.ParameterType == typeof(PageQuery)) ? s_page : s_item;
        var unknown = context.Request.Query.Keys.Where(k => !allowed.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0)
        {
            await Problems.Validation(unknown.ToDictionary(k => k,
                k => new[] { $"Unknown parameter '{k}'. This resource takes: {string.Join(", ", allowed)}." })).ExecuteAsync(context);
            return;
        }
        await next(context);
    }
}

internal static class StrictQuerySetup
{
    public static IApplicationBuilder UseStrictQuery(this IApplicationBuilder app) => app.UseMiddleware<StrictQuery>();
}
