using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.Caching.Memory;
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

    /// <summary>
    /// How many validators (ETags of recent 200 answers, no bodies) are kept to answer revalidations without running
    /// the handler while nothing has been committed since; 0 turns this off.
    /// </summary>
    public int ValidatorEntries { get; set; } = 10_000;

    /// <summary>How long, in milliseconds, a plain read (no If-None-Match or If-Modified-Since) may reuse the database
    /// state another request confirmed, instead of reading it again; 0 reads it for every request.</summary>
    public int StateReuseMilliseconds { get; set; } = 1000;
}

/// <summary>
/// Validators and revalidation for every API answer with a body. The body is buffered and hashed, so the ETag
/// changes whenever any byte of the representation does: a renamed participant changes the event's ETag, and each
/// language and format has its own. An item's ETag starts with its row version (<c>"7.…"</c>) so it doubles as the
/// If-Match of a write. GETs of resources also get Last-Modified (from the change feed, read before the handler; see
/// <see cref="DatabaseState"/>), 304 for a matching If-None-Match (or, without one, If-Modified-Since), and
/// Cache-Control: short and public for anonymous reads, private for keyed ones (they may see drafts), with
/// Vary: Authorization. Streams (exports, calendars) opt out.
/// <para>
/// Before the handler, one cheap query reads the database's snapshot (<c>pg_current_snapshot()</c>: which
/// transactions have completed). Two equal snapshots mean that nothing was committed or rolled back in between, so the
/// same request would read the same rows and get the same bytes. The dates are therefore read again only when the
/// snapshot has moved, and a revalidation whose validator was handed out at the current snapshot (same URL, Accept,
/// Accept-Language, host and key) is answered 304 without running the handler at all.
/// </para>
/// </summary>
internal sealed class HttpCaching(RequestDelegate next, NpgsqlDataSource dataSource, IOptions<CachingOptions> options)
{
    // The snapshot (with the server's start time: after a restart, a failover or a restore, transaction ids may be
    // reused) and the clock always; the newest change and the start of the oldest write transaction running in
    // this database only when the caller does not already hold them for this snapshot (the subqueries run lazily,
    // inside the CASEs).
    internal const string StateSql = $"""
        SELECT s.id AS snapshot, statement_timestamp() AS read_at, coalesce(s.id = @Known, false) AS known,
               CASE WHEN s.id = @Known THEN NULL ELSE (SELECT max(changed_at) FROM changes) END AS newest_change,
               CASE WHEN s.id = @Known THEN NULL
                    ELSE (SELECT min(a.xact_start) FROM pg_stat_get_activity(NULL) a
                          WHERE a.backend_xid IS NOT NULL AND a.datid = (SELECT oid FROM pg_database WHERE datname = current_database()))
               END AS oldest_writer
        FROM (SELECT {SnapshotId} AS id) AS s
        """;

    /// <summary>Which transactions have completed, on which server run.</summary>
    internal const string SnapshotId = "pg_current_snapshot()::text || ' ' || extract(epoch FROM pg_postmaster_start_time())::text";

    private readonly MemoryCache _validators = new(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.Value.ValidatorEntries) });
    private Confirmed? _confirmed;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }
        // Read before the handler runs: a change committing meanwhile makes the date older than the body, never newer.
        var isRead = HttpMethods.IsGet(context.Request.Method);
        var state = isRead && HasDatedData(context.Request.Path) ? await StateAsync(context.Request, context.RequestAborted) : null;
        var lastModified = state?.LastModified;
        var validatorKey = state is not null && options.Value.ValidatorEntries > 0 ? ValidatorKey(context) : null;
        if (validatorKey is not null
            && _validators.TryGetValue(validatorKey, out Validator? known) && known!.Snapshot == state!.Snapshot
            && NotModified(context.Request, known.ETag, state))
        {
            // Handed out at this very snapshot: the handler would answer the same 200 with the same bytes.
            NotModifiedAnswer(context.Response, known.ETag, known.CacheControl, lastModified);
            return;
        }
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
            var etag = response.Headers.ETag.ToString();
            if (validatorKey is not null && etag.Length > 0)
            {
                _validators.Set(validatorKey, new Validator(state!.Snapshot, etag, response.Headers.CacheControl.ToString()),
                    new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = ValidatorLifetime });
            }
            if (NotModified(context.Request, etag, state))
            {
                NotModifiedAnswer(response, etag, response.Headers.CacheControl.ToString(), lastModified);
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

    /// <summary>
    /// Everything a representation depends on besides the database: the URL, the negotiated headers and the key. Kept
    /// as a digest, so an entry is small whatever a client sends (10,000 entries stay under a few megabytes).
    /// </summary>
    private static string ValidatorKey(HttpContext context)
    {
        var request = context.Request;
        var key = string.Join('\n',
            request.Scheme, request.Host.Value, request.PathBase.Value, request.Path.Value, request.QueryString.Value,
            request.Headers.Accept.ToString(), request.Headers.AcceptLanguage.ToString(),
            // The key, or a mark for a key that did not authenticate (read as anonymous, but answered privately).
            context.User.FindFirst(Auth.Caller.KeyIdClaim)?.Value ?? (request.Headers.ContainsKey(HeaderNames.Authorization) ? "?" : ""));
        return Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    private static void NotModifiedAnswer(HttpResponse response, string etag, string cacheControl, DateTimeOffset? lastModified)
    {
        response.StatusCode = StatusCodes.Status304NotModified;
        response.ContentType = null;
        response.ContentLength = null;
        response.Headers.ETag = etag;
        response.Headers.CacheControl = cacheControl;
        if (!response.Headers.Vary.Contains("Authorization"))
        {
            response.Headers.Append(HeaderNames.Vary, "Authorization");
        }
        if (lastModified is { } modified)
        {
            response.Headers.LastModified = HeaderUtilities.FormatDate(modified);
        }
    }

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
    private static bool NotModified(HttpRequest request, string etag, DatabaseState? state)
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
        return state is not null
            && HeaderUtilities.TryParseDate(request.Headers.IfModifiedSince.ToString(), out var since)
            && !state.ChangedAfter(since);
    }

    /// <summary>
    /// The state for a request. A revalidation reads the current snapshot (one cheap query): its answer depends on it.
    /// Any other read may reuse a state confirmed in the last <see cref="CachingOptions.StateReuseMilliseconds"/>: it
    /// only dates the answer (Last-Modified) and files its validator, and for both any state read before the handler
    /// is safe. A validator filed under an older snapshot matches no later snapshot once anything has committed since.
    /// And a change missing from a state's snapshot was either written by a writer that state saw running (Last-Modified
    /// is then before that writer's start) or written after the state was read (after ReadAt), so If-Modified-Since
    /// never matches a date from before it. Most reads thus make one round trip to the database, not two.
    /// </summary>
    private async Task<DatabaseState> StateAsync(HttpRequest request, CancellationToken ct)
    {
        var last = Volatile.Read(ref _confirmed);
        var conditional = request.Headers.IfNoneMatch.Count > 0 || request.Headers.IfModifiedSince.Count > 0;
        if (!conditional && last is not null && Environment.TickCount64 - last.At < options.Value.StateReuseMilliseconds)
        {
            return last.State;
        }
        StateRow row;
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            row = await connection.QuerySingleAsync<StateRow>(new CommandDefinition(StateSql,
                new { Known = last is { State.Settled: true } ? last.State.Snapshot : null }, cancellationToken: ct));
        }
        // The snapshot has not moved and the dates were settled: the state is the same, confirmed now.
        var state = row.Known && last is not null
            ? last.State
            : new DatabaseState(row.Snapshot, Utc(row.NewestChange), Utc(row.OldestWriter), Utc(row.ReadAt)!.Value);
        // A slower request does not put back an older state (safe, but its dates and validators would be older).
        var current = Volatile.Read(ref _confirmed);
        if (current is null || current.State.ReadAt <= state.ReadAt)
        {
            Volatile.Write(ref _confirmed, new Confirmed(state, Environment.TickCount64));
        }
        return state;
    }

    // A validator unused this long goes (any commit makes the older ones useless anyway).
    private static readonly TimeSpan ValidatorLifetime = TimeSpan.FromMinutes(10);

    private sealed record Confirmed(DatabaseState State, long At);

    private static DateTime? Utc(DateTime? value) => value is { } v ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : null;

    private sealed record StateRow(string Snapshot, DateTime? ReadAt, bool Known, DateTime? NewestChange, DateTime? OldestWriter);

    /// <summary>
    /// What dates the data, read at <paramref name="ReadAt"/> in <paramref name="Snapshot"/>: the newest change in the
    /// change feed and the start of the oldest write transaction still running, which may have stamped its changes
    /// earlier and commit later. HTTP dates have whole seconds, and a change stamped later in the same second as the
    /// newest one must not be taken for an old one. So Last-Modified is the newest change's second only when the state
    /// is <see cref="Settled"/> (no writer running, and the newest change in an earlier second than this reading:
    /// any later change then falls in a later second); otherwise it is the second before the oldest of the two, which
    /// no If-Modified-Since can match until the dates settle. If-Modified-Since gets a 304 while the newest change is
    /// in its second or before.
    /// </summary>
    private sealed record DatabaseState(string Snapshot, DateTime? NewestChange, DateTime? OldestWriter, DateTime ReadAt)
    {
        public bool Settled => OldestWriter is null && NewestChange is { } newest && Second(ReadAt) > Second(newest);

        public DateTimeOffset? LastModified => NewestChange switch
        {
            null => null,
            { } newest when Settled => Second(newest),
            { } newest => Second(OldestWriter is { } writer && writer < newest ? writer : newest).AddSeconds(-1),
        };

        public bool ChangedAfter(DateTimeOffset since) =>
            NewestChange is not { } newest || Second(newest).ToUnixTimeSeconds() > since.ToUnixTimeSeconds();

        private static DateTimeOffset Second(DateTime utc) =>
            new(utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerSecond)), TimeSpan.Zero);
    }

    private sealed record Validator(string Snapshot, string ETag, string CacheControl);
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
