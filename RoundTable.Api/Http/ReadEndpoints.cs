using Microsoft.AspNetCore.Http.HttpResults;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Http;

/// <summary>The shapes every list and item endpoint shares: parse the key and paging, 404 for unknown parents.</summary>
internal static class ReadEndpoints
{
    /// <summary>Link: &lt;…&gt;; rel="next" beside nextCursor, on every paged answer that did not set it itself.</summary>
    private static async ValueTask<object?> AddNextLinkAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var inner = result;
        while (inner is INestedHttpResult nested)
        {
            inner = nested.Result;
        }
        var headers = context.HttpContext.Response.Headers;
        if (inner is IValueHttpResult { Value: Paging.IPage { NextCursor: { } cursor } } && !headers.ContainsKey("Link"))
        {
            headers.Append("Link", $"<{ListEndpoints.NextUrl(context.HttpContext.Request, cursor)}>; rel=\"next\"");
        }
        return result;
    }

    public static async Task<Results<Ok<Page<T>>, ProblemHttpResult>> List<TRow, T>(
        PageQuery query,
        Func<PageRequest, CancellationToken, Task<IReadOnlyList<TRow>>> list,
        Func<TRow, Guid> key,
        Func<TRow, T> map,
        CancellationToken ct)
    {
        if (!query.TryParse(out var page, out var problem))
        {
            return problem!;
        }
        var rows = await list(page, ct);
        return TypedResults.Ok(page.ToPage(rows, key, map));
    }

    /// <summary>A page of a resource's relation; 404 when the resource itself does not exist.</summary>
    public static async Task<Results<Ok<Page<T>>, ProblemHttpResult>> RelationPage<TRow, T>(
        string idOrSlug,
        PageQuery query,
        string resource,
        Func<ResourceKey, CancellationToken, Task<Guid?>> findId,
        Func<Guid, PageRequest, CancellationToken, Task<IReadOnlyList<TRow>>> list,
        Func<TRow, Guid> key,
        Func<TRow, T> map,
        CancellationToken ct)
    {
        if (!ResourceKey.TryParse(idOrSlug, out var resourceKey, out var keyProblem))
        {
            return keyProblem!;
        }
        if (!query.TryParse(out var page, out var pageProblem))
        {
            return pageProblem!;
        }
        var id = await findId(resourceKey, ct);
        if (id is null)
        {
            return Problems.NotFound(resource, idOrSlug);
        }
        var rows = await list(id.Value, page, ct);
        return TypedResults.Ok(page.ToPage(rows, key, map));
    }

    /// <summary>One resource, with its version as a strong ETag; JSON-LD instead when asked for and offered.</summary>
    public static async Task<Results<Ok<T>, ProblemHttpResult, ContentHttpResult>> Item<TDetails, T>(
        string idOrSlug,
        string resource,
        HttpContext context,
        Func<ResourceKey, CancellationToken, Task<TDetails?>> get,
        Func<TDetails, T> map,
        Func<T, long> version,
        CancellationToken ct,
        Func<T, HttpRequest, System.Text.Json.Nodes.JsonObject>? linkedData = null)
    {
        if (!ResourceKey.TryParse(idOrSlug, out var key, out var problem))
        {
            return problem!;
        }
        var details = await get(key, ct);
        if (details is null)
        {
            return Problems.NotFound(resource, idOrSlug);
        }
        var item = map(details);
        context.SetETag(version(item));
        if (linkedData is not null && LinkedData.IsWanted(context.Request))
        {
            return TypedResults.Text(linkedData(item, context.Request).ToJsonString(), LinkedData.MediaType, System.Text.Encoding.UTF8);
        }
        return TypedResults.Ok(item);
    }

    /// <summary>Documents the problem answers every list and item route can give; pages get their Link header.</summary>
    public static RouteHandlerBuilder WithReadProblems(this RouteHandlerBuilder builder, bool item = true)
    {
        builder.AddEndpointFilter(AddNextLinkAsync);
        builder.ProducesProblem(StatusCodes.Status400BadRequest);
        if (item)
        {
            builder.ProducesProblem(StatusCodes.Status404NotFound);
        }
        return builder.ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status500InternalServerError);
    }
}
