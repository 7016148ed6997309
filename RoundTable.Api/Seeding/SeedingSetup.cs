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
    IServiceProvider services, PreparationState state, IOptions<DatabaseOptions> options, IHostApplicationLifetime lifetime,
    ILogger<DatabasePreparation> logger) : BackgroundService
{
    private bool NothingToDo => DatabaseSetup.IsDocumentGenerator || (!options.Value.MigrateOnStartup && !options.Value.SeedOnStartup);

    /// <summary>Ready before the server takes its first request when there is nothing to prepare.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (NothingToDo)
        {
            state.MarkPrepared();
        }
        return base.StartAsync(cancellationToken);
    }

    /// <summary>
    /// What start-up waits out: the database missing, refusing, starting, or not created yet. Anything else (a broken
    /// migration, a bad seed file, a wrong password) will not pass by waiting: it stops the process, loudly.
    /// </summary>
    private static bool Passes(Exception e) =>
        DatabaseFaults.Code(e) is not null
        || e is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.InvalidCatalogName or Npgsql.PostgresErrorCodes.CannotConnectNow };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (NothingToDo)
        {
            return;
        }
        var pipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(Passes),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(settings.StartupRetrySeconds),
                MaxDelay = TimeSpan.FromSeconds(5),
                OnRetry = args =>
                {
                    logger.LogWarning("The database is not ready for migrating and seeding ({Cause}: {Error}); attempt {Attempt}, retrying in {Delay}.",
                        DatabaseFaults.Code(args.Outcome.Exception!) ?? "not created yet", args.Outcome.Exception!.Message, args.AttemptNumber + 1, args.RetryDelay);
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
        catch (Exception e)
        {
            logger.LogCritical(e, "Migrating or seeding the database failed in a way that waiting will not fix: stopping.");
            Environment.ExitCode = 1;
            lifetime.StopApplication();
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
            if (state.Prepared || path.StartsWithSegments("/health") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/swagger") || path.StartsWithSegments("/metrics"))
            {
                await next(context);
                return;
            }
            await DatabaseFaults.WriteAsync(context, DatabaseFaults.Problem(DatabaseFaults.NotPrepared, DatabaseFaults.NotPreparedCause));
        });
    }
}
