using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Http;

/// <summary>How a top-level list reads the database: a page, a stream of every row, and the includes of a page.</summary>
internal sealed record ListSource<TRow, T>(
    ListSpec Spec,
    string FileName,
    Func<ListQuery, CancellationToken, Task<IReadOnlyList<TRow>>> Page,
    Func<ListQuery, CancellationToken, IAsyncEnumerable<TRow>> Stream,
    Func<TRow, (Guid Id, string? SortKey)> Key,
    Func<TRow, T> Map,
    Func<IReadOnlyList<T>, IReadOnlySet<string>, CancellationToken, Task<IReadOnlyList<T>>>? Include = null);

/// <summary>
/// Every top-level list: filters, search, sort and includes (<see cref="ListQuery"/>), a JSON page with nextCursor and
/// a Link rel="next" header, or the whole list as CSV / NDJSON (format=, or Accept).
/// </summary>
internal static class ListEndpoints
{
    public static async Task<Results<Ok<Page<T>>, ProblemHttpResult, ExportResult<T>>> Handle<TRow, T>(
        HttpContext context, ListSource<TRow, T> source, CancellationToken ct)
    {
        if (!ListQuery.TryParse(context.Request, source.Spec, out var query, out var problem))
        {
            return problem!;
        }
        if (query.Format != ListFormat.Json)
        {
            if (query.Includes.Count > 0)
            {
                return Problems.Validation(new Dictionary<string, string[]>
                {
                    ["include"] = ["Exports carry the list's own fields; include is for JSON pages."],
                });
            }
            return new ExportResult<T>(query.Format, source.FileName, Map(source.Stream(query, ct), source.Map));
        }
        var rows = await source.Page(query, ct);
        var page = query.ToPage(rows, source.Key, source.Map);
        if (source.Include is not null && query.Includes.Count > 0 && page.Items.Count > 0)
        {
            page = page with { Items = await source.Include(page.Items, query.Includes, ct) };
        }
        return TypedResults.Ok(page);
    }

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

    private static async IAsyncEnumerable<T> Map<TRow, T>(IAsyncEnumerable<TRow> rows, Func<TRow, T> map)
    {
        await foreach (var row in rows)
        {
            yield return map(row);
        }
    }
}

/// <summary>Documents a query parameter a handler reads itself (OpenApi.ListParametersFilter).</summary>
internal sealed record QueryParameterDoc(string Name, string Description, bool Integer = false, int? Minimum = null, int? Maximum = null);
