using RoundTable.Api.Errors;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Exports;

/// <summary>
/// A list's exports as routes of their own: <c>GET /api/v1/events.csv</c> and <c>.ndjson</c> stream the whole filtered
/// list, answered by the list's own handler. Separate operations in the contract, so that a client generated from it
/// types the JSON page as a page and an export as text.
/// </summary>
internal static class ExportRoutes
{
    /// <summary>Maps <paramref name="list"/>.csv and .ndjson to <paramref name="handler"/>; <paramref name="tag"/> (the list's tag) names the operations.</summary>
    public static IEndpointRouteBuilder MapExports(this IEndpointRouteBuilder routes, string list, Delegate handler, string tag, ListSpec spec)
    {
        routes.MapGet($"{list}.csv", handler).WithTags(tag).WithName($"export{tag}Csv")
            .WithSummary($"Export the whole filtered list as CSV ({ListQuery.CsvMediaType})")
            .WithDescription("RFC 4180 with a header row, UTF-8 (bom=true adds a byte-order mark for spreadsheets); the list's "
                + "filters, search and sort, every row streamed. Lists inside a cell are joined with ';'; with lang=* a text "
                + "cell is a JSON object of its translations.")
            .WithMetadata(spec, new ExportRoute(ListFormat.Csv)).WithReadProblems(item: false).DisableRequestTimeout();
        routes.MapGet($"{list}.ndjson", handler).WithTags(tag).WithName($"export{tag}Ndjson")
            .WithSummary($"Export the whole filtered list as NDJSON ({ListQuery.NdjsonMediaType})")
            .WithDescription("One JSON item per line, as in the JSON pages, UTF-8; the list's filters, search and sort, every row streamed.")
            .WithMetadata(spec, new ExportRoute(ListFormat.Ndjson)).WithReadProblems(item: false).DisableRequestTimeout();
        return routes;
    }
}
