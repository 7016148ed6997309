using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace RoundTable.Api.Concurrency;

/// <summary>
/// Strong ETags from row versions (completed with a digest by Caching.HttpCaching), and the If-Match precondition
/// every PUT, PATCH and DELETE requires.
/// </summary>
internal static class Preconditions
{
    public static string ETag(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    public static void SetETag(this HttpContext context, long version) =>
        context.Response.Headers.ETag = ETag(version);

    /// <summary>
    /// The version the client last saw, from If-Match. Missing: 428. "*": any current version (null).
    /// A value that is not one of our ETags can never match: 412.
    /// </summary>
    public static bool TryGetExpectedVersion(HttpRequest request, out long? expected, out ProblemHttpResult? problem)
    {
        expected = null;
        problem = null;
        // A tag from a compressed answer names the same version (Compression adds the content coding as a suffix).
        var header = Http.Compression.WithoutCoding(request.Headers.IfMatch.ToString().Trim());
        if (header.Length == 0)
        {
            problem = TypedResults.Problem(statusCode: StatusCodes.Status428PreconditionRequired,
                title: "If-Match is required.",
                detail: "Send the ETag of the version you changed as If-Match, so that concurrent edits are never overwritten.");
            return false;
        }
        if (header == "*")
        {
            return true;
        }
        // Our item ETags are "version.digest" (HttpCaching); the version is what a write is conditional on.
        var inner = header.Length > 2 && header[0] == '"' && header[^1] == '"' ? header.AsSpan(1, header.Length - 2) : [];
        if (inner.IndexOf('.') is var dot and > 0)
        {
            inner = inner[..dot];
        }
        if (inner.Length > 0 && long.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            expected = version;
            return true;
        }
        problem = Stale();
        return false;
    }

    public static ProblemHttpResult Stale() =>
        TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed,
            title: "The resource has changed.",
            detail: "If-Match does not match the current ETag: read the resource again and reapply your change.");
}
