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
/// Fixed-window limits partitioned by API key (authenticated callers) or client address (anonymous ones), from
/// System.Threading.RateLimiting. Windows are aligned to the clock (they start at multiples of their length since the
/// Unix epoch, one limiter per caller and window), so the API knows the seconds left in every window: every limited
/// answer carries the IETF RateLimit-Policy and RateLimit headers (requests and seconds left), and over the limit the
/// answer is a 429 problem whose Retry-After is those seconds, never the middleware's 503.
/// </summary>
internal static class RateLimits
{
    private const string LimitedItem = "rt.rate-limit";

    private sealed record Allowance(string Partition, int Permits, long Window);

    /// <summary>The caller's partition, allowance and window for this request, or null when it is not limited.</summary>
    private static Allowance? AllowanceOf(HttpContext context, RateLimitOptions options)
    {
        if (!options.Enabled || context.Request.Path.StartsWithSegments("/health"))
        {
            return null;
        }
        if (context.Items[LimitedItem] is Allowance known)
        {
            return known;
        }
        var (caller, permits) = context.User.FindFirst(Caller.KeyIdClaim)?.Value is { } keyId
            ? ("key:" + keyId, options.PermitsPerKey)
            : ("address:" + (context.Connection.RemoteIpAddress ?? IPAddress.None), options.PermitsPerAddress);
        var window = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / options.WindowSeconds;
        var allowance = new Allowance($"{caller}@{window}", permits, window);
        context.Items[LimitedItem] = allowance;
        return allowance;
    }

    private static int SecondsLeft(Allowance allowance, RateLimitOptions options) =>
        (int)Math.Max(1, (allowance.Window + 1) * options.WindowSeconds - DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    public static IServiceCollection AddRoundTableRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        var limiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            AllowanceOf(context, options) is not { } allowance
                ? RateLimitPartition.GetNoLimiter("unlimited")
                // One limiter per caller and window: by the time it would replenish (a window after its first request)
                // its window is over and requests go to the next one's limiter; idle, it is disposed of.
                : RateLimitPartition.GetFixedWindowLimiter(allowance.Partition, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = allowance.Permits,
                    Window = TimeSpan.FromSeconds(options.WindowSeconds),
                    QueueLimit = 0,
                }));
        services.AddSingleton(new RateLimitState(limiter, options));
        services.AddRateLimiter(rateLimiter =>
        {
            rateLimiter.GlobalLimiter = limiter;
            rateLimiter.OnRejected = async (rejected, ct) =>
            {
                var context = rejected.HttpContext;
                var allowance = AllowanceOf(context, options)!;
                var left = SecondsLeft(allowance, options);
                var seconds = left.ToString(CultureInfo.InvariantCulture);
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                Observability.RoundTableMetrics.RateLimited();
                context.Response.Headers.RetryAfter = seconds;
                WriteHeaders(context.Response, allowance, 0, options, left);
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests.",
                        Detail = $"At most {allowance.Permits} requests per {options.WindowSeconds} s; try again in {seconds} s.",
                    },
                });
            };
        });
        return services;
    }

    private static void WriteHeaders(HttpResponse response, Allowance allowance, long remaining, RateLimitOptions options, int? secondsLeft = null)
    {
        response.Headers["RateLimit-Policy"] = $"\"default\";q={allowance.Permits};w={options.WindowSeconds}";
        response.Headers["RateLimit"] = $"\"default\";r={remaining};t={secondsLeft ?? SecondsLeft(allowance, options)}";
    }

    /// <summary>The limiter and its options, for the headers of the answers it let through.</summary>
    private sealed record RateLimitState(PartitionedRateLimiter<HttpContext> Limiter, RateLimitOptions Options);

    /// <summary>The rate limiter, then the RateLimit headers on every limited answer it let through.</summary>
    public static IApplicationBuilder UseRoundTableRateLimits(this IApplicationBuilder app)
    {
        var state = app.ApplicationServices.GetRequiredService<RateLimitState>();
        app.UseRateLimiter();
        return app.Use((context, next) =>
        {
            if (AllowanceOf(context, state.Options) is { } allowance)
            {
                var remaining = state.Limiter.GetStatistics(context)?.CurrentAvailablePermits ?? 0;
                context.Response.OnStarting(() =>
                {
                    if (context.Response.StatusCode != StatusCodes.Status429TooManyRequests)
                    {
                        WriteHeaders(context.Response, allowance, remaining, state.Options);
                    }
                    return Task.CompletedTask;
                });
            }
            return next(context);
        });
    }
}
