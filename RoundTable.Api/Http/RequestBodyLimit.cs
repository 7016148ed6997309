using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace RoundTable.Api.Http;

/// <summary>Configuration section "Limits".</summary>
internal sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Largest request body accepted, in bytes (default 64 KiB: an event is a few KiB).</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Fewest thread-pool worker threads kept ready (default 32): see AddRoundTableLimits.</summary>
    public int MinThreads { get; set; } = 32;

    /// <summary>
    /// Seconds a request may take before it is answered 503 with Retry-After and its database work cancelled (default
    /// 10: above a connection's and a statement's deadlines, Database:ConnectTimeoutSeconds + CommandTimeoutSeconds).
    /// Exports, which stream whole lists, have none.
    /// </summary>
    public int RequestTimeoutSeconds { get; set; } = 10;

    /// <summary>Longest request target (path and query) accepted, in characters; longer ones get a 414 problem.</summary>
    public int MaxUrlLength { get; set; } = 8 * 1024;

    /// <summary>Largest total of request header names and values, in bytes; larger ones get a 431 problem.</summary>
    public int MaxHeaderBytes { get; set; } = 32 * 1024;
}

/// <summary>
/// Refuses bodies over the configured size with a 413 problem: at once when Content-Length says so, and through the
/// server's own limit for chunked bodies (Kestrel then fails the read, which becomes the same 413 problem).
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, Microsoft.Extensions.Options.IOptions<LimitsOptions> options)
{
    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        // Kestrel's own limits are set well above these (RequestLimitsSetup), so that what crosses ours is answered
        // here as a problem, not by Kestrel with an empty body.
        var target = (context.Request.Path.Value?.Length ?? 0) + (context.Request.QueryString.Value?.Length ?? 0);
        if (target > options.Value.MaxUrlLength)
        {
            await WriteAsync(context, problems, StatusCodes.Status414UriTooLong, "The request URL is too long.",
                $"Path and query are limited to {options.Value.MaxUrlLength} characters.");
            return;
        }
        var headerBytes = 0L;
        foreach (var (name, values) in context.Request.Headers)
        {
            headerBytes += name.Length + values.Sum(v => v?.Length ?? 0);
        }
        if (headerBytes > options.Value.MaxHeaderBytes)
        {
            await WriteAsync(context, problems, StatusCodes.Status431RequestHeaderFieldsTooLarge, "The request headers are too large.",
                $"Header names and values are limited to {options.Value.MaxHeaderBytes} bytes in all.");
            return;
        }
        var limit = options.Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = "The request body is too large.",
                    Detail = $"Bodies are limited to {limit} bytes.",
                },
            });
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }
        await next(context);
    }

    private static async Task WriteAsync(HttpContext context, IProblemDetailsService problems, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}

internal static class RequestBodyLimitSetup
{
    public const string TimeoutCause = "request_timeout";

    public static IServiceCollection AddRoundTableLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<LimitsOptions>(configuration.GetSection(LimitsOptions.Section));
        var options = configuration.GetSection(LimitsOptions.Section).Get<LimitsOptions>() ?? new LimitsOptions();
        // The driver cancels a statement past its deadline with a cancel request it makes synchronously, on a pool
        // thread (up to its cancellation timeout against a frozen server). On two cores the pool starts with two
        // threads and adds about one a second, so a few such cancels at once delayed other requests' deadlines by
        // over a second; a floor of threads keeps every deadline on time.
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, options.MinThreads), completionPorts);
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel =>
        {
            // Eight times ours: a request between the two is answered by RequestBodyLimitMiddleware with a problem;
            // only one beyond Kestrel's (or with bytes HTTP forbids in a header) gets Kestrel's bare 400/414/431.
            kestrel.Limits.MaxRequestLineSize = Math.Max(options.MaxUrlLength * 8, 16 * 1024);
            kestrel.Limits.MaxRequestHeadersTotalSize = Math.Max(options.MaxHeaderBytes * 8, 64 * 1024);
            kestrel.AddServerHeader = false; // no product name and version for a scanner
        });
        return services.AddRequestTimeouts(timeouts => timeouts.DefaultPolicy = new Microsoft.AspNetCore.Http.Timeouts.RequestTimeoutPolicy
        {
            Timeout = TimeSpan.FromSeconds(options.RequestTimeoutSeconds),
            TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
            WriteTimeoutResponse = context => Errors.DatabaseFaults.WriteAsync(context, Errors.DatabaseFaults.Problem(TimeoutCause,
                $"The request took longer than its deadline ({options.RequestTimeoutSeconds} s) and was stopped")),
        });
    }

    /// <summary>The body limit, then each request's deadline (after routing, so that exports can opt out).</summary>
    public static IApplicationBuilder UseRoundTableLimits(this IApplicationBuilder app) =>
        app.UseMiddleware<RequestBodyLimitMiddleware>().UseRequestTimeouts();
}
