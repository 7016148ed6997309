using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RoundTable.Api.Errors;
using RoundTable.Api.Json;
using RoundTable.Api.OpenApi;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Changes;

internal static class ChangesApi
{
    private static readonly string[] s_types = [.. Enum.GetValues<ChangeType>().Select(SnakeCaseEnum<ChangeType>.ToName)];

    private static readonly string[] s_parameters = ["cursor", "limit", "type", Localization.LanguageNegotiation.QueryParameter];

    private static readonly string[] s_streamParameters = ["cursor", "type", Localization.LanguageNegotiation.QueryParameter];

    public static IServiceCollection AddChanges(this IServiceCollection services, IConfiguration configuration) => services
        .Configure<ChangeStreamOptions>(configuration.GetSection(ChangeStreamOptions.Section))
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
        routes.MapGet("/api/v1/changes/stream", StreamChanges).WithTags("Changes").WithName("streamChanges")
            .WithSummary("Follow the change feed live, as server-sent events (resumable with Last-Event-ID)")
            .WithDescription("The entries of GET /changes, as they become visible, one event each: event: change, data: the "
                + "change (JSON), id: the cursor just after it. Reconnect with Last-Event-ID (EventSource does) to resume "
                + "without a gap; without it and without cursor the stream starts at the end of the feed. A comment line "
                + "keeps an idle connection open; the server ends a stream after a while, and the client reconnects.")
            .Produces<string>(StatusCodes.Status200OK, EventStreamDoc.MediaType)
            .WithMetadata(new EventStreamDoc(),
                new QueryParameterDoc("cursor", "Start after this cursor (a nextCursor of /changes, or an event's id); Last-Event-ID wins over it.", MaxLength: 200),
                new QueryParameterDoc("type", "Only these types (comma-separated), e.g. event,event_participant.", MaxLength: 500,
                    Pattern: FilterSpec.ListPattern(string.Join('|', s_types)), Example: "event"))
            .WithReadProblems(item: false)
            .DisableRequestTimeout();
        return routes;
    }

    private static async Task<Results<Ok<ChangePage>, ProblemHttpResult>> ListChanges(
        HttpContext context, ChangeQueries queries, CancellationToken ct)
    {
        if (!TryParse(context, s_parameters, out var position, out var types, out var limit, out var problem))
        {
            return problem!;
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

    /// <summary>The feed's parameters: cursor (null when absent), type, limit; a 400 problem naming each bad one.</summary>
    private static bool TryParse(HttpContext context, string[] allowed, out (long Tx, long Seq) position, out string[]? types, out int limit,
        out ProblemHttpResult? problem)
    {
        var errors = new Dictionary<string, string[]>();
        var query = context.Request.Query;
        foreach (var (name, values) in query)
        {
            if (!allowed.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                errors[name] = [$"Unknown parameter '{name}'. The feed takes: {string.Join(", ", allowed)}."];
            }
            else if (values.Count != 1)
            {
                errors[name] = [$"Give {name} once."];
            }
        }
        limit = 100;
        if (query.TryGetValue("limit", out var limitText) && limitText.Count == 1
            && (!int.TryParse(limitText[0], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 1000))
        {
            errors["limit"] = ["limit must be an integer from 1 to 1000 (default 100)."];
        }
        position = (0, 0);
        if (query.TryGetValue("cursor", out var cursorText) && cursorText.Count == 1 && !TryDecode(cursorText[0]!, out position))
        {
            errors["cursor"] = ["cursor is not a change-feed cursor this API issued; pass nextCursor unchanged."];
        }
        types = null;
        if (query.TryGetValue("type", out var typeText) && typeText.Count == 1)
        {
            types = typeText[0]!.Split(',').Select(t => t.Trim()).ToArray();
            if (typeText[0]!.Length > 500 || types.Any(t => !s_types.Contains(t)))
            {
                errors["type"] = [$"type takes one or more of: {string.Join(", ", s_types)} (comma-separated)."];
            }
        }
        problem = errors.Count > 0 ? Problems.Validation(errors) : null;
        return problem is null;
    }

    // The feed as server-sent events: each change an event whose id is the cursor just after it, so a client that
    // reconnects with Last-Event-ID (as EventSource does) resumes where it stopped. Without a cursor the stream starts
    // at the end of the feed (new changes only). The same entries, in the same order and visibility, as GET /changes.
    // (A comment, not an XML summary: the OpenAPI document would take it for the operation's summary.)
    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> StreamChanges(
        HttpContext context, ChangeQueries queries, IOptions<ChangeStreamOptions> options, IHostApplicationLifetime lifetime, CancellationToken ct)
    {
        if (!TryParse(context, s_streamParameters, out var position, out var types, out _, out var problem))
        {
            return problem!;
        }
        var resumeFrom = context.Request.Headers["Last-Event-ID"].ToString();
        if (resumeFrom.Length > 0 && !TryDecode(resumeFrom, out position))
        {
            return Problems.Validation("Last-Event-ID", "Last-Event-ID is not an event id of this stream; reconnect without it to start at the end.");
        }
        if (resumeFrom.Length == 0 && !context.Request.Query.ContainsKey("cursor"))
        {
            position = await queries.HeadAsync(ct); // read before the stream starts: a failure is still a 503 problem
        }
        var response = context.Response;
        response.ContentType = EventStreamDoc.MediaType;
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx and the like: pass each event on at once
        if (Http.HeadRequests.IsHead(context))
        {
            Caching.StreamingResponse.Start(context); // the GET's headers, not those of a cached answer
            return TypedResults.Empty;
        }
        var settings = options.Value;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, lifetime.ApplicationStopping);
        stop.CancelAfter(settings.MaxDuration); // the client reconnects with Last-Event-ID
        await Caching.StreamingResponse.WriteAsync(context, "The change stream", async () =>
        {
            var writer = new StreamWriter(response.Body, new UTF8Encoding(false)) { NewLine = "\n" };
            // The position goes first (and with every keep-alive): a client that has received no change yet still
            // reconnects with a Last-Event-ID, and misses nothing published meanwhile. (An id with no data updates
            // EventSource's last event id without firing an event.)
            await writer.WriteAsync($"retry: {(int)settings.RetryAfterDisconnect.TotalMilliseconds}\nid: {Encode(position)}\n\n");
            await writer.FlushAsync(ct); // even when the server is already stopping: the client learns where to resume
            var quiet = Stopwatch.StartNew();
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var rows = await queries.PageAsync(position.Tx, position.Seq, types, StreamPage, stop.Token);
                    foreach (var row in rows)
                    {
                        position = (row.Tx, row.Seq);
                        await writer.WriteAsync($"id: {Encode(position)}\nevent: change\ndata: "
                            + JsonSerializer.Serialize(ToResponse(row), ChangeJsonContext.Default.ChangeResponse) + "\n\n");
                    }
                    if (rows.Count > 0 || quiet.Elapsed >= settings.Heartbeat)
                    {
                        if (rows.Count == 0)
                        {
                            await writer.WriteAsync($": keep-alive\nid: {Encode(position)}\n\n"); // proxies close idle connections
                        }
                        await writer.FlushAsync(stop.Token);
                        quiet.Restart();
                    }
                    if (rows.Count < StreamPage)
                    {
                        await Task.Delay(settings.PollInterval, stop.Token);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                // The stream's time is up, or the server is stopping: end it cleanly; the client reconnects.
            }
        });
        return TypedResults.Empty;
    }

    private const int StreamPage = 100;

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

/// <summary>Configuration section "Changes": the live stream.</summary>
internal sealed class ChangeStreamOptions
{
    public const string Section = "Changes";

    /// <summary>How often a stream looks for new changes.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A comment line after this much silence, so that proxies keep the connection.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one stream lasts before the server ends it (the client reconnects with Last-Event-ID).</summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The retry: field: how long EventSource waits before it reconnects.</summary>
    public TimeSpan RetryAfterDisconnect { get; set; } = TimeSpan.FromSeconds(2);
}
