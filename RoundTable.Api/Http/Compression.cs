using System.IO.Compression;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Net.Http.Headers;

namespace RoundTable.Api.Http;

/// <summary>
/// Brotli and gzip for the API's text answers (JSON, problem documents, JSON-LD, CSV, NDJSON, iCalendar), when the
/// client asks for them. An ETag is strong, and RFC 9110 (§8.8.3) wants a strong validator to differ between a
/// representation and its compressed form: a compressed answer's ETag carries the coding as a suffix
/// (<c>"3.ab12-br"</c>). Conditional requests accept every coding's tag of the same representation (HttpCaching and
/// If-Match compare without the suffix), and a 304 names the tag of the coding the request would get. API keys' answers, which carry
/// a secret next to what the request sent, are never compressed (BREACH).
/// </summary>
internal static class Compression
{
    private static readonly string[] s_codings = ["br", "gzip"];

    public static IServiceCollection AddRoundTableCompression(this IServiceCollection services) => services
        .AddResponseCompression(options =>
        {
            options.EnableForHttps = true;
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
            options.MimeTypes =
            [
                "application/json", "application/problem+json", "application/ld+json", "application/x-ndjson",
                "text/csv", "text/calendar", "text/plain", "text/html", "application/javascript", "text/css",
            ];
        })
        // Fastest: on a busy API the CPU is worth more than the last few percent of size.
        .Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest)
        .Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);

    public static IApplicationBuilder UseRoundTableCompression(this IApplicationBuilder app)
    {
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/api/v1/api-keys", StringComparison.OrdinalIgnoreCase))
            {
                context.Request.Headers.AcceptEncoding = default;
            }
            var response = context.Response;
            response.OnStarting(() =>
            {
                var etag = response.Headers.ETag.ToString();
                if (etag.Length < 2 || etag[^1] != '"')
                {
                    return Task.CompletedTask;
                }
                // Whether or not this answer is compressed, which coding it has depends on Accept-Encoding.
                if (!response.Headers.Vary.Any(v => v is not null && v.Contains(HeaderNames.AcceptEncoding, StringComparison.OrdinalIgnoreCase)))
                {
                    response.Headers.Append(HeaderNames.Vary, HeaderNames.AcceptEncoding);
                }
                if (response.StatusCode == StatusCodes.Status304NotModified)
                {
                    // A 304 names the tag of the coding this request would get (RFC 9110 §15.4.5: the 200's ETag).
                    var coding = context.RequestServices.GetRequiredService<IResponseCompressionProvider>().GetCompressionProvider(context)?.EncodingName;
                    response.Headers.ETag = coding is not null && s_codings.Contains(coding) ? etag[..^1] + "-" + coding + "\"" : etag;
                }
                else if (response.Headers.ContentEncoding.ToString() is { Length: > 0 } coding && s_codings.Contains(coding))
                {
                    response.Headers.ETag = etag[..^1] + "-" + coding + "\"";
                }
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app.UseResponseCompression();
    }

    /// <summary>The entity tag without a content-coding suffix this API adds (the tag of the uncompressed representation).</summary>
    public static string WithoutCoding(string tag)
    {
        foreach (var coding in s_codings)
        {
            var suffix = "-" + coding + "\"";
            if (tag.EndsWith(suffix, StringComparison.Ordinal))
            {
                return tag[..^suffix.Length] + "\"";
            }
        }
        return tag;
    }
}
