using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using RoundTable.Api.Errors;

namespace RoundTable.Api.Paging;

/// <summary>How paged answers point at their next page, and how a route says it is a list.</summary>
internal static class PageLinks
{
    /// <summary>Link: &lt;…&gt;; rel="next" beside nextCursor, on every paged answer that did not set it itself.</summary>
    public static TBuilder WithPageLinks<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(AddNextLinkAsync);

    /// <summary>Marks a route as a list of <paramref name="spec"/> (its parameters are documented from it) with its problems.</summary>
    public static RouteHandlerBuilder WithList(this RouteHandlerBuilder builder, ListSpec spec) =>
        builder.WithMetadata(spec).WithReadProblems(item: false);

    /// <summary>This request's path and query with the cursor replaced: a relative reference, right behind any proxy.</summary>
    public static string NextUrl(HttpRequest request, string cursor)
    {
        var url = new StringBuilder(request.PathBase).Append(request.Path);
        var query = request.Query.Where(p => p.Key != "cursor")
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)))
            .Append(new KeyValuePair<string, string?>("cursor", cursor));
        return QueryHelpers.AddQueryString(url.ToString(), query);
    }

    private static async ValueTask<object?> AddNextLinkAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var inner = result;
        while (inner is INestedHttpResult nested)
        {
            inner = nested.Result;
        }
        var headers = context.HttpContext.Response.Headers;
        if (inner is IValueHttpResult { Value: IPage { NextCursor: { } cursor } } && !headers.ContainsKey("Link"))
        {
            headers.Append("Link", $"<{NextUrl(context.HttpContext.Request, cursor)}>; rel=\"next\"");
        }
        return result;
    }
}
