using System.Globalization;
using System.Security.Cryptography;
using Dapper;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Npgsql;

namespace RoundTable.Api.Http;

/// <summary>Cache lifetimes (configuration section "Caching").</summary>
internal sealed class CachingOptions
{
    public const string Section = "Caching";

    /// <summary>max-age, in seconds, of anonymous reads in shared caches.</summary>
    public int PublicMaxAgeSeconds { get; set; } = 30;
}

/// <summary>
/// Validators and revalidation for every API answer with a body. The body is buffered and hashed, so the ETag
/// changes whenever any byte of the representation does: a renamed participant changes the event's ETag, and each
/// language and format has its own. An item's ETag starts with its row version (<c>"7.…"</c>) so it doubles as the
/// If-Match of a write. GETs of resources also get Last-Modified (the newest change in the change feed, read before the
/// handler: conservative), 304 for a matching If-None-Match (or, without one, If-Modified-Since, which has one-second
/// resolution: If-None-Match is the exact validator), and Cache-Control: short and public for anonymous reads, private
/// for keyed ones (they may see drafts), with Vary: Authorization. Streams (exports, calendars) opt out.
/// </summary>
internal sealed class HttpCaching(RequestDelegate next, NpgsqlDataSource dataSource, IOptions<CachingOptions> options)
{
    // The newest change, but never later than the start of a write transaction still running: that transaction may
    // have written (and stamped) its rows earlier than the newest change and commit later.
    internal const string WatermarkSql = """
        SELECT least((SELECT max(changed_at) FROM changes),
                     (SELECT min(xact_start) FROM pg_stat_activity WHERE backend_xid IS NOT NULL))
        """;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }
        // Read before the handler runs: a change committing meanwhile makes the date older than the body, never newer.
        var isRead = HttpMethods.IsGet(context.Request.Method);
        var lastModified = isRead && HasDatedData(context.Request.Path) ? await WatermarkAsync(context.RequestAborted) : null;
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        var streaming = new StreamingResponse(original);
        context.Features.Set(streaming);
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }
        if (streaming.IsStreaming)
        {
            return;
        }
        var response = context.Response;
        if (response.StatusCode is < 200 or > 299)
        {
            // A failed write (e.g. a read-back that found nothing) must not hand out a validator.
            response.Headers.Remove(HeaderNames.ETag);
        }
        else if (buffer.Length > 0)
        {
            var hash = Hash(buffer);
            var version = VersionOf(response.Headers.ETag.ToString());
            if (version is not null)
            {
                response.Headers.ETag = $"\"{version}.{hash}\"";
            }
            else if (isRead)
            {
                response.Headers.ETag = $"\"{hash}\"";
            }
        }
        if (isRead && response.StatusCode == StatusCodes.Status200OK)
        {
            var anonymous = !context.Request.Headers.ContainsKey(HeaderNames.Authorization);
            if (!anonymous)
            {
                response.Headers.CacheControl = "private, no-cache";
            }
            else if (response.Headers.CacheControl.Count == 0)
            {
                response.Headers.CacheControl = $"public, max-age={options.Value.PublicMaxAgeSeconds.ToString(CultureInfo.InvariantCulture)}";
            }
            // Keyed reads may include drafts: shared caches must keep them apart from anonymous ones.
            response.Headers.Append(HeaderNames.Vary, "Authorization");
            if (lastModified is { } modified)
            {
                response.Headers.LastModified = HeaderUtilities.FormatDate(modified);
            }
            if (NotModified(context.Request, response.Headers.ETag.ToString(), lastModified))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                response.ContentType = null;
                response.ContentLength = null;
                return;
            }
        }
        if (buffer.Length > 0)
        {
            response.ContentLength = buffer.Length;
            buffer.Position = 0;
            await buffer.CopyToAsync(original, context.RequestAborted);
        }
    }

    /// <summary>
    /// Resources whose every change is in the change feed, so its newest time dates them. Not the feed itself (it
    /// also depends on which transactions are still running) nor the key administration (not in the feed).
    /// </summary>
    private static bool HasDatedData(PathString path) =>
        s_datedPrefixes.Any(prefix => path.StartsWithSegments(prefix, StringComparison.Ordinal));

    private static readonly string[] s_datedPrefixes =
        ["/api/v1/events", "/api/v1/speakers", "/api/v1/institutions", "/api/v1/recommendations", "/api/v1/search"];

    /// <summary>The version of an ETag set as <c>"N"</c> by a handler; null for any other value.</summary>
    private static long? VersionOf(string etag) =>
        etag.Length > 2 && etag[0] == '"' && etag[^1] == '"'
        && long.TryParse(etag.AsSpan(1, etag.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : null;

    private static string Hash(MemoryStream buffer)
    {
        var digest = SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        return Convert.ToHexStringLower(digest.AsSpan(0, 10));
    }

    /// <summary>RFC 9110 §13.1.2–3: If-None-Match wins; If-Modified-Since counts only without it.</summary>
    private static bool NotModified(HttpRequest request, string etag, DateTimeOffset? lastModified)
    {
        var noneMatch = request.Headers.IfNoneMatch;
        if (noneMatch.Count > 0)
        {
            if (etag.Length == 0 || !EntityTagHeaderValue.TryParseList(noneMatch, out var tags))
            {
                return false;
            }
            var current = new EntityTagHeaderValue(etag);
            return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(current, useStrongComparison: false));
        }
        if (lastModified is { } modified
            && HeaderUtilities.TryParseDate(request.Headers.IfModifiedSince.ToString(), out var since))
        {
            // HTTP dates have whole seconds.
            return modified.ToUnixTimeSeconds() <= since.ToUnixTimeSeconds();
        }
        return false;
    }

    private async Task<DateTimeOffset?> WatermarkAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var value = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(WatermarkSql, cancellationToken: ct));
        if (value is null)
        {
            return null;
        }
        // HTTP dates have whole seconds: a change later in the same second must still move the date, so the date
        // sent is the second before the watermark's.
        var utc = DateTime.SpecifyKind(value.Value, DateTimeKind.Utc);
        return new DateTimeOffset(utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerSecond)).AddSeconds(-1));
    }
}

/// <summary>Lets a streaming answer (an export) bypass the buffering of <see cref="HttpCaching"/>.</summary>
internal sealed class StreamingResponse(Stream original)
{
    public bool IsStreaming { get; private set; }

    public static void Start(HttpContext context)
    {
        if (context.Features.Get<StreamingResponse>() is { IsStreaming: false } streaming)
        {
            streaming.IsStreaming = true;
            context.Response.Body = streaming.Original;
        }
    }

    private Stream Original => original;

    /// <summary>
    /// Starts the stream and runs <paramref name="write"/>. Once the status line is sent a failure cannot become a
    /// problem answer: the connection is cut, so the client cannot take a partial stream for a whole one.
    /// </summary>
    public static async Task WriteAsync(HttpContext context, string what, Func<Task> write)
    {
        Start(context);
        try
        {
            await write();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            context.RequestServices.GetRequiredService<ILogger<StreamingResponse>>().LogError(e, "{What} failed midway", what);
            context.Abort();
        }
    }
}
