using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RoundTable.Api.Database;
using RoundTable.Api.Json;

namespace RoundTable.Api.Health;

/// <summary>The body of /health/live and /health/ready.</summary>
public sealed record HealthReportResponse(string Status, IReadOnlyDictionary<string, string> Checks);

/// <summary>
/// Ready when the database answers and every migration in the assembly has been applied. With a standby configured,
/// a replica whose primary does not answer (a failover under way) stays ready, degraded, while the standby answers
/// within its lag: it still serves the reads the standby takes, and its writes answer 503 with Retry-After; taking
/// every replica out of the load balancer would turn those reads into errors too.
/// </summary>
internal sealed class DatabaseReadyCheck(DatabaseMigrator migrator, PreparationState preparation, ShutdownState shutdown, StandbyReads standby) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (shutdown.Stopping)
        {
            return HealthCheckResult.Unhealthy("stopping: draining the requests in flight");
        }
        if (!preparation.Prepared)
        {
            return HealthCheckResult.Unhealthy("waiting for the database to migrate and seed it");
        }
        try
        {
            // The probe answers when its deadline (the token) ends, even while the driver is still cancelling a statement
            // on a frozen server (a cancel request and its own timeout on top); that statement ends in the background.
            // With a standby, the primary gets a shorter deadline of its own, so that a frozen primary leaves time to
            // answer "degraded" within the probe's.
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (standby.Configured)
            {
                deadline.CancelAfter(TimeSpan.FromSeconds(1.5));
            }
            var check = migrator.PendingScriptsAsync(deadline.Token);
            _ = check.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
            var pending = await check.WaitAsync(deadline.Token);
            return pending.Count == 0
                ? HealthCheckResult.Healthy("reachable, migrations applied")
                : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) pending");
        }
        catch (Exception e) when ((e is Npgsql.NpgsqlException or TimeoutException or System.Net.Sockets.SocketException
                                   || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested)) && standby.Usable)
        {
            return HealthCheckResult.Degraded("the primary is unreachable: reads come from the standby, writes answer 503 until a primary is back");
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            // The reason goes to the log; the probe answer stays free of driver text.
            return HealthCheckResult.Unhealthy("database unreachable", e);
        }
    }
}

internal static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddRoundTableHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddGracefulShutdown(configuration);
        services.AddJsonContext(HealthJsonContext.Default);
        // The probe's own deadline: a frozen database makes it unhealthy in 2 s, not in the driver's timeouts.
        services.AddHealthChecks().AddCheck<DatabaseReadyCheck>("database", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(2));
        return services;
    }

    public static IEndpointRouteBuilder MapRoundTableHealth(this IEndpointRouteBuilder routes)
    {
        // Probes every few seconds are not requests anyone reads in the log.
        routes.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).WithHttpLogging(Microsoft.AspNetCore.HttpLogging.HttpLoggingFields.None);
        routes.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync }).WithHttpLogging(Microsoft.AspNetCore.HttpLogging.HttpLoggingFields.None);
        return routes;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new HealthReportResponse(
            report.Status.ToString().ToLowerInvariant(),
            // A check that threw carries the exception's message as its description: never send that.
            report.Entries.ToDictionary(
                e => e.Key,
                e => e.Value.Exception is null && e.Value.Description is not null
                    ? e.Value.Description
                    : e.Value.Status.ToString().ToLowerInvariant()));
        return JsonSerializer.SerializeAsync(context.Response.Body, body, HealthJsonContext.Default.HealthReportResponse, context.RequestAborted);
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(HealthReportResponse))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
