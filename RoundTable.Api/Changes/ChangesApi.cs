using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using RoundTable.Api.Errors;
using RoundTable.Api.Json;
using RoundTable.Api.OpenApi;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Changes;

internal static class ChangesApi
{
    private static readonly string[] s_types = [.. Enum.GetValues<ChangeType>().Select(SnakeCaseEnum<ChangeType>.ToName)];

    private static readonly string[] s_parameters = ["cursor", "limit", "type", Localization.LanguageNegotiation.QueryParameter];

    public static IServiceCollection AddChanges(this IServiceCollection services) => services
        .AddSingleton<ChangeQueries>()
        .AddJsonContext(ChangeJsonContext.Default);

    public static IEndpointRouteBuilder MapChanges(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/changes", ListChanges).WithTags("Changes").WithName("listChanges")
            .WithSummary("Follow every change: created, updated and deleted resources and relation entries")
            .WithDescription("An ordered feed for mirroring. Start without a cursor (the whole history), apply each change "
                + "(re-read the resource, or the parent of a relation entry; drop it on deleted), then poll with nextCursor. "
                + "A change appears once its transaction and every older one have finished, so the feed never skips one, "
                + "whatever order transactions commit in.")
            .WithMetadata(
                new QueryParameterDoc("cursor", "nextCursor of the previous page; omit it to start from the first change.", MaxLength: 200),
                new QueryParameterDoc("limit", "Changes per page (1..1000, default 100).", Integer: true, Minimum: 1, Maximum: 1000),
                new QueryParameterDoc("type", "Only these types (comma-separated), e.g. event,event_participant.", MaxLength: 500,
                    Pattern: FilterSpec.ListPattern(string.Join('|', s_types)), Example: "event"))
            .WithReadProblems(item: false);
        return routes;
    }

    private static async Task<Results<Ok<ChangePage>, ProblemHttpResult>> ListChanges(
        HttpContext context, ChangeQueries queries, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var query = context.Request.Query;
        foreach (var (name, values) in query)
        {
            if (!s_parameters.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                errors[name] = [$"Unknown parameter '{name}'. The feed takes: {string.Join(", ", s_parameters)}."];
            }
            else if (values.Count != 1)
            {
                errors[name] = [$"Give {name} once."];
            }
        }
        var limit = 100;
        if (query.TryGetValue("limit", out var limitText) && limitText.Count == 1
            && (!int.TryParse(limitText[0], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 1000))
        {
            errors["limit"] = ["limit must be an integer from 1 to 1000 (default 100)."];
        }
        (long Tx, long Seq) position = (0, 0);
        if (query.TryGetValue("cursor", out var cursorText) && cursorText.Count == 1 && !TryDecode(cursorText[0]!, out position))
        {
            errors["cursor"] = ["cursor is not a change-feed cursor this API issued; pass nextCursor unchanged."];
        }
        string[]? types = null;
        if (query.TryGetValue("type", out var typeText) && typeText.Count == 1)
        {
            types = typeText[0]!.Split(',').Select(t => t.Trim()).ToArray();
            if (typeText[0]!.Length > 500 || types.Any(t => !s_types.Contains(t)))
            {
                errors["type"] = [$"type takes one or more of: {string.Join(", ", s_types)} (comma-separated)."];
            }
        }
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var rows = await queries.PageAsync(position.Tx, position.Seq, types, limit + 1, ct);
        var items = rows.Take(limit).ToList();
        var last = items.Count > 0 ? (items[^1].Tx, items[^1].Seq) : position;
        var next = Encode(last);
        var hasMore = rows.Count > limit;
        // Pollers must see new changes at once: no shared caching of the feed.
        context.Response.Headers.CacheControl = "no-cache";
        if (hasMore)
        {
            context.Response.Headers.Append("Link", $"<{PageLinks.NextUrl(context.Request, next)}>; rel=\"next\"");
        }
        return TypedResults.Ok(new ChangePage(items.Select(ToResponse).ToList(), next, hasMore));
    }

    private static ChangeResponse ToResponse(ChangeRow row) => new(
        SnakeCaseEnum<ChangeType>.Parse(row.ResourceType), row.ResourceId, SnakeCaseEnum<ChangeOperation>.Parse(row.Operation),
        row.Version, new DateTimeOffset(DateTime.SpecifyKind(row.ChangedAt, DateTimeKind.Utc)),
        row.ParentType is null ? null : SnakeCaseEnum<ChangeType>.Parse(row.ParentType), row.ParentId);

    internal static string Encode((long Tx, long Seq) position) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"c1:{position.Tx}:{position.Seq}")));

    private static bool TryDecode(string value, out (long Tx, long Seq) position)
    {
        position = default;
        if (!Cursor.TryDecodeText(value, 100, out var text))
        {
            return false;
        }
        var parts = text.Split(':');
        if (parts is not ["c1", var tx, var seq]
            || !long.TryParse(tx, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
            || !long.TryParse(seq, NumberStyles.None, CultureInfo.InvariantCulture, out var s))
        {
            return false;
        }
        position = (t, s);
        return true;
    }
}
