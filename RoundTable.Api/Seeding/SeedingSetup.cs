using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using RoundTable.Api.Database;
using RoundTable.Api.Errors;

namespace RoundTable.Api.Seeding;

/// <summary>
/// Migrates and seeds when configured (default on in Development), in the background: the process listens at once,
/// reports not ready (/health/ready 503) and answers 503 + Retry-After until it is done; a database that is missing,
/// refusing or still starting is retried (Polly, backing off to every 5 s) until it appears, so start-up never crashes
/// on it. Never in the build-time document generator.
/// </summary>
internal sealed class DatabasePreparation(
    IServiceProvider services, PreparationState state, IOptions<DatabaseOptions> options, ILogger<DatabasePreparation> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (DatabaseSetup.IsDocumentGenerator || (!settings.MigrateOnStartup && !settings.SeedOnStartup))
        {
            state.MarkPrepared();
            return;
        }
        var pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(settings.StartupRetrySeconds),
                MaxDelay = TimeSpan.FromSeconds(5),
                OnRetry = args =>
                {
                    logger.LogWarning("The database is not ready for migrating and seeding ({Cause}); attempt {Attempt}, retrying in {Delay}.",
                        DatabaseFaults.Code(args.Outcome.Exception!) ?? args.Outcome.Exception!.GetType().Name, args.AttemptNumber + 1, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        try
        {
            await pipeline.ExecuteAsync(async ct =>
            {
                if (settings.MigrateOnStartup)
                {
                    await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(ct);
                }
                if (settings.SeedOnStartup)
                {
                    await services.GetRequiredService<Seeder>().SeedAsync(ct);
                }
            }, stoppingToken);
            state.MarkPrepared();
            logger.LogInformation("The database is migrated and seeded: ready.");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping before the database ever appeared
        }
    }
}

internal static class SeedingSetup
{
    public static IServiceCollection AddSeeding(this IServiceCollection services) => services
        .AddSingleton<Seeder>()
        .AddSingleton<PreparationState>()
        .AddHostedService<DatabasePreparation>();

    /// <summary>
    /// Until start-up has migrated and seeded the database, every request but the health probes, the contract and
    /// Swagger UI is a 503 problem with Retry-After (cause "not_prepared").
    /// </summary>
    public static IApplicationBuilder UseDatabasePreparation(this IApplicationBuilder app)
    {
        var state = app.ApplicationServices.GetRequiredService<PreparationState>();
        return app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (state.Prepared || path.StartsWithSegments("/health") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/swagger"))
            {
                await next(context);
                return;
            }
            Observability.RoundTableMetrics.Unavailable(DatabaseFaults.NotPrepared);
            context.Response.Headers.RetryAfter = DatabaseFaults.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Results.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The service is briefly unavailable.",
                detail: DatabaseFaults.NotPreparedCause + ": retry after the time in Retry-After.",
                extensions: new Dictionary<string, object?> { ["cause"] = DatabaseFaults.NotPrepared }).ExecuteAsync(context);
        });
    }
}
