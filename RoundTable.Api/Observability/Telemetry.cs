using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.HttpLogging;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace RoundTable.Api.Observability;

/// <summary>Configuration section "Telemetry".</summary>
internal sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>An OTLP endpoint (e.g. http://collector:4317) to send traces and metrics to; none: not sent.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Serve the Prometheus scrape endpoint /metrics (default on).</summary>
    public bool Prometheus { get; set; } = true;

    /// <summary>"json" (default): one JSON object per log line, with the trace id; "text": the console's plain lines.</summary>
    public string LogFormat { get; set; } = "json";

    /// <summary>One log line per request (method, path, status, duration), default on.</summary>
    public bool RequestLog { get; set; } = true;
}

/// <summary>
/// The API's own measurements (meter "RoundTable.Api"), beside ASP.NET Core's, Npgsql's (pool waits and usage among
/// them) and the runtime's: what an operator watches (docs/operations.md).
/// </summary>
internal static class RoundTableMetrics
{
    public const string MeterName = "RoundTable.Api";

    private static readonly Meter s_meter = new(MeterName);

    private static readonly Counter<long> s_unavailable = s_meter.CreateCounter<long>(
        "roundtable.unavailable", unit: "{answer}", description: "503 answers, by cause (database faults, deadlines, start-up).");

    private static readonly Counter<long> s_rateLimited = s_meter.CreateCounter<long>(
        "roundtable.rate_limit.rejections", unit: "{answer}", description: "429 answers of the rate limits.");

    private static readonly Counter<long> s_limitStoreFailures = s_meter.CreateCounter<long>(
        "roundtable.rate_limit.store_failures", unit: "{request}", description: "Requests let through unlimited because the rate limits' store (Redis) did not answer.");

    private static readonly Counter<long> s_replays = s_meter.CreateCounter<long>(
        "roundtable.idempotency.replays", unit: "{answer}", description: "Stored answers replayed for a repeated Idempotency-Key.");

    private static readonly Counter<long> s_revalidations = s_meter.CreateCounter<long>(
        "roundtable.revalidations", unit: "{answer}", description: "304 answers, by whether the validator cache answered without running the query.");

    public static void Unavailable(string cause) => s_unavailable.Add(1, new KeyValuePair<string, object?>("cause", cause));

    public static void RateLimited() => s_rateLimited.Add(1);

    public static void RateLimitStoreFailed() => s_limitStoreFailures.Add(1);

    public static void Replayed() => s_replays.Add(1);

    public static void Revalidated(bool fromCache) => s_revalidations.Add(1, new KeyValuePair<string, object?>("from_cache", fromCache));
}

internal static class TelemetrySetup
{
    public static WebApplicationBuilder AddRoundTableTelemetry(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        builder.Services.Configure<TelemetryOptions>(builder.Configuration.GetSection(TelemetryOptions.Section));
        if (string.Equals(options.LogFormat, "json", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(json =>
            {
                json.IncludeScopes = true; // the request's TraceId, SpanId and RequestId
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                json.UseUtcTimestamp = true;
            });
        }
        if (options.RequestLog)
        {
            builder.Services.AddHttpLogging(logging =>
            {
                logging.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath | HttpLoggingFields.RequestQuery
                    | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
                logging.CombineLogs = true; // one line per request
            });
        }
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("roundtable-api"))
            .WithTracing(tracing =>
            {
                tracing.AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/metrics"))
                    .AddNpgsql();
                if (options.OtlpEndpoint is { Length: > 0 } endpoint)
                {
                    tracing.AddOtlpExporter(o => o.Endpoint = new Uri(endpoint));
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation().AddRuntimeInstrumentation().AddNpgsqlInstrumentation().AddMeter(RoundTableMetrics.MeterName);
                if (options.Prometheus)
                {
                    metrics.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0); // every scrape sees the counts of now
                }
                if (options.OtlpEndpoint is { Length: > 0 } endpoint)
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = new Uri(endpoint));
                }
            });
        _ = otel;
        return builder;
    }

    /// <summary>The request log (early, so that it times nearly everything); health probes and scrapes are left out.</summary>
    public static IApplicationBuilder UseRoundTableRequestLog(this WebApplication app) =>
        app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TelemetryOptions>>().Value.RequestLog ? app.UseHttpLogging() : app;

    /// <summary>GET /metrics in the Prometheus text format, when on.</summary>
    public static IEndpointRouteBuilder MapRoundTableMetrics(this WebApplication app)
    {
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TelemetryOptions>>().Value.Prometheus)
        {
            app.MapPrometheusScrapingEndpoint("/metrics").ExcludeFromDescription().WithHttpLogging(Microsoft.AspNetCore.HttpLogging.HttpLoggingFields.None);
        }
        return app;
    }
}
