using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using RedisRateLimiting;
using RoundTable.Api.Auth;
using StackExchange.Redis;

namespace RoundTable.Api.Http;

/// <summary>Configuration section "RateLimits": requests per window, per API key, or per client address without one.</summary>
internal sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>The connection string (ConnectionStrings:Redis) that makes the limits shared by every replica.</summary>
    public const string RedisConnectionName = "Redis";

    public bool Enabled { get; set; } = true;
    public int WindowSeconds { get; set; } = 60;
    public int PermitsPerKey { get; set; } = 600;
    public int PermitsPerAddress { get; set; } = 300;

    /// <summary>Prefix of the counters' names in Redis, so that several deployments can share one server.</summary>
    public string KeyPrefix { get; set; } = "rt";
}

/// <summary>
/// Fixed-window limits partitioned by API key (authenticated callers) or client address (anonymous ones). Windows are
/// aligned to the clock (they start at multiples of their length since the Unix epoch, one counter per caller and
/// window), so every replica agrees on the window and the API knows the seconds left in it: every limited answer
/// carries the IETF RateLimit-Policy and RateLimit headers (requests and seconds left), and over the limit the answer
/// is a 429 problem whose Retry-After is those seconds.
/// <para>
/// Where the counters live: with <c>ConnectionStrings:Redis</c> set, in Redis, through RedisRateLimiting's fixed-window
/// limiter (one atomic script per request), so N replicas together allow the limit once, not N times. Without it, in
/// this process's memory (System.Threading.RateLimiting), which is right for a single process. When Redis does not
/// answer, requests are let through (fail open, logged): an outage of the limiter must not take the API down with it.
/// </para>
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
        var allowance = new Allowance($"{options.KeyPrefix}:{caller}@{window}", permits, window);
        context.Items[LimitedItem] = allowance;
        return allowance;
    }

    private static int SecondsLeft(Allowance allowance, RateLimitOptions options) =>
        (int)Math.Max(1, (allowance.Window + 1) * options.WindowSeconds - DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    public static IServiceCollection AddRoundTableRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        var window = TimeSpan.FromSeconds(options.WindowSeconds);
        var redis = configuration.GetConnectionString(RateLimitOptions.RedisConnectionName);
        PartitionedRateLimiter<HttpContext> limiter;
        Lazy<IConnectionMultiplexer>? connection = null;
        if (!string.IsNullOrWhiteSpace(redis))
        {
            // One multiplexer for the process, connected on first use and reconnecting by itself.
            connection = new Lazy<IConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(RedisOptions(redis)));
            limiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                AllowanceOf(context, options) is not { } allowance
                    ? RateLimitPartition.GetNoLimiter("unlimited")
                    // The counter's key names the clock-aligned window, and Redis forgets it a window after its first
                    // request: by then the window is over and requests count in the next one's key.
                    : RedisRateLimitPartition.GetFixedWindowRateLimiter(allowance.Partition, _ => new RedisFixedWindowRateLimiterOptions
                    {
                        ConnectionMultiplexerFactory = () => connection!.Value,
                        PermitLimit = allowance.Permits,
                        Window = window,
                    }));
        }
        else
        {
            limiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                AllowanceOf(context, options) is not { } allowance
                    ? RateLimitPartition.GetNoLimiter("unlimited")
                    // One limiter per caller and window: by the time it would replenish (a window after its first
                    // request) its window is over and requests go to the next one's limiter; idle, it is disposed of.
                    : RateLimitPartition.GetFixedWindowLimiter(allowance.Partition, _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = allowance.Permits,
                        Window = window,
                        QueueLimit = 0,
                    }));
        }
        // Made by the container, so that it disposes of the limiter and the Redis connection when the host stops.
        services.AddSingleton(_ => new RateLimitState(limiter, options, connection));
        return services;
    }

    /// <summary>
    /// The Redis client's settings: the connection string's, with deadlines that suit a check made on every request
    /// (a second, not the client's 5 s; none at all while disconnected) and no failure at start-up while Redis is not there yet.
    /// </summary>
    private static ConfigurationOptions RedisOptions(string connectionString)
    {
        var settings = ConfigurationOptions.Parse(connectionString);
        settings.AbortOnConnectFail = false;
        // While disconnected, a check fails at once (and the request goes on unlimited) instead of queueing for 5 s.
        settings.BacklogPolicy = BacklogPolicy.FailFast;
        var named = connectionString.ToLowerInvariant();
        if (!named.Contains("connecttimeout", StringComparison.Ordinal))
        {
            settings.ConnectTimeout = 2000;
        }
        if (!named.Contains("asynctimeout", StringComparison.Ordinal))
        {
            settings.AsyncTimeout = 1000;
        }
        return settings;
    }

    private static void WriteHeaders(HttpResponse response, Allowance allowance, long remaining, RateLimitOptions options, int? secondsLeft = null)
    {
        response.Headers["RateLimit-Policy"] = $"\"default\";q={allowance.Permits};w={options.WindowSeconds}";
        response.Headers["RateLimit"] = $"\"default\";r={remaining};t={secondsLeft ?? SecondsLeft(allowance, options)}";
    }

    /// <summary>The limiter and its options; <paramref name="Redis"/> when its counters are in Redis.</summary>
    private sealed record RateLimitState(PartitionedRateLimiter<HttpContext> Limiter, RateLimitOptions Options, Lazy<IConnectionMultiplexer>? Redis)
        : IDisposable
    {
        private long _lastWarning = long.MinValue / 2;

        private bool Shared => Redis is not null;

        public void Dispose()
        {
            Limiter.Dispose();
            if (Redis is { IsValueCreated: true })
            {
                Redis.Value.Dispose();
            }
        }

        /// <summary>Requests left in the window after this one.</summary>
        public long Remaining(HttpContext context, RateLimitLease lease) =>
            Shared
                ? lease.TryGetMetadata("RATELIMIT_REMAINING", out var left) && left is not null ? Convert.ToInt64(left, CultureInfo.InvariantCulture) : 0
                : Limiter.GetStatistics(context)?.CurrentAvailablePermits ?? 0;

        /// <summary>True at most once a minute: an outage of Redis is logged, not once per request.</summary>
        public bool ShouldWarn()
        {
            var now = Environment.TickCount64;
            var last = Interlocked.Read(ref _lastWarning);
            return now - last > 60_000 && Interlocked.CompareExchange(ref _lastWarning, now, last) == last;
        }
    }

    /// <summary>The limit, then the RateLimit headers on every limited answer it let through.</summary>
    public static IApplicationBuilder UseRoundTableRateLimits(this IApplicationBuilder app)
    {
        var state = app.ApplicationServices.GetRequiredService<RateLimitState>();
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RateLimits));
        return app.Use(async (context, next) =>
        {
            if (AllowanceOf(context, state.Options) is not { } allowance)
            {
                await next(context);
                return;
            }
            long remaining;
            try
            {
                using var lease = await state.Limiter.AcquireAsync(context, 1, context.RequestAborted);
                if (!lease.IsAcquired)
                {
                    await RejectAsync(context, allowance, state.Options);
                    return;
                }
                remaining = state.Remaining(context, lease);
            }
            catch (Exception e) when (e is RedisException or TimeoutException && !context.RequestAborted.IsCancellationRequested)
            {
                // Fail open: the request goes on without the limit's headers.
                Observability.RoundTableMetrics.RateLimitStoreFailed();
                if (state.ShouldWarn())
                {
                    logger.LogWarning(e, "The rate limits' store (Redis) did not answer; requests are let through unlimited until it does.");
                }
                await next(context);
                return;
            }
            context.Response.OnStarting(() =>
            {
                if (context.Response.StatusCode != StatusCodes.Status429TooManyRequests)
                {
                    WriteHeaders(context.Response, allowance, remaining, state.Options);
                }
                return Task.CompletedTask;
            });
            await next(context);
        });
    }

    private static async Task RejectAsync(HttpContext context, Allowance allowance, RateLimitOptions options)
    {
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
    }
}
