using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using RoundTable.Api.Auth;

namespace RoundTable.Api.Caching;

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
internal sealed class HttpCaching(RequestDelegate next, DatabaseStates states, IOptions<CachingOptions> options)
{
    private readonly MemoryCache _validators = new(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.Value.ValidatorEntries) });

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }
        // Read before the handler runs: a change committing meanwhile makes the date older than the body, never newer.
        var isRead = HttpMethods.IsGet(context.Request.Method);
        var state = isRead && context.GetEndpoint()?.Metadata.GetMetadata<DatedByChangesMetadata>() is not null ? await states.ReadAsync(context.Request, context.RequestAborted) : null;
        var lastModified = state?.LastModified;
        // Validators are filed only for answers read on the primary: one read on a standby may be older than the
        // snapshot it would be filed under (StandbyReads), and revalidations are answered on the primary anyway.
        var validatorKey = state is not null && options.Value.ValidatorEntries > 0 && !Database.StandbyReads.Routed ? ValidatorKey(context) : null;
        if (validatorKey is not null
            && _validators.TryGetValue(validatorKey, out Validator? known) && known!.Snapshot == state!.Snapshot
            && NotModified(context.Request, known.ETag, state))
        {
            // Handed out at this very snapshot: the handler would answer the same 200 with the same bytes.
            NotModifiedAnswer(context.Response, known.ETag, known.CacheControl, lastModified);
            Observability.RoundTableMetrics.Revalidated(fromCache: true);
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
                Observability.RoundTableMetrics.Revalidated(fromCache: false);
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
            context.User.FindFirst(Caller.KeyIdClaim)?.Value ?? (request.Headers.ContainsKey(HeaderNames.Authorization) ? "?" : ""));
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
            // Any content coding of the representation matches (Compression adds the coding to the tag).
            return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(current, useStrongComparison: false)
                || new EntityTagHeaderValue(Http.Compression.WithoutCoding(t.Tag.ToString()), t.IsWeak).Compare(current, useStrongComparison: false));
        }
        return state is not null
            && HeaderUtilities.TryParseDate(request.Headers.IfModifiedSince.ToString(), out var since)
            && !state.ChangedAfter(since);
    }

    // A validator unused this long goes (any commit makes the older ones useless anyway).
    private static readonly TimeSpan ValidatorLifetime = TimeSpan.FromMinutes(10);

    private sealed record Validator(string Snapshot, string ETag, string CacheControl);
}
