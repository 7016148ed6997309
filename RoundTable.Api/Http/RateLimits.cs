using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using RoundTable.Api.Auth;

namespace RoundTable.Api.Http;

/// <summary>Configuration section "RateLimits": requests per window, per API key, or per client address without one.</summary>
internal sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public bool Enabled { get; set; } = true;
    public int WindowSeconds { get; set; } = 60;
    public int PermitsPerKey { get; set; } = 600;
    public int PermitsPerAddress { get; set; } = 300;
}

/// <summary>
/// Fixed-window limits partitioned by API key (authenticated callers) or client address (anonymous ones). Over the
/// limit: a 429 problem with Retry-After and the IETF RateLimit-Policy / RateLimit headers, never the middleware's 503.
/// </summary>
internal static class RateLimits
{
    public static IServiceCollection AddRoundTableRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (!options.Enabled || context.Request.Path.StartsWithSegments("/health"))
                {
                    return RateLimitPartition.GetNoLimiter("unlimited");
                }
                var (partition, permits) = context.User.FindFirst(Caller.KeyIdClaim)?.Value is { } keyId
                    ? ("key:" + keyId, options.PermitsPerKey)
                    : ("address:" + (context.Connection.RemoteIpAddress ?? IPAddress.None), options.PermitsPerAddress);
                return RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = permits,
                    Window = TimeSpan.FromSeconds(options.WindowSeconds),
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = async (rejected, ct) =>
            {
                var context = rejected.HttpContext;
                var permits = context.User.Identity?.IsAuthenticated == true ? options.PermitsPerKey : options.PermitsPerAddress;
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
                    ? (int)Math.Ceiling(wait.TotalSeconds)
                    : options.WindowSeconds;
                var seconds = retryAfter.ToString(CultureInfo.InvariantCulture);
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = seconds;
                context.Response.Headers["RateLimit-Policy"] = $"\"default\";q={permits};w={options.WindowSeconds}";
                context.Response.Headers["RateLimit"] = $"\"default\";r=0;t={seconds}";
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests.",
                        Detail = $"At most {permits} requests per {options.WindowSeconds} s; try again in {seconds} s.",
                    },
                });
            };
        });
        return services;
    }
}
