using Dapper;
using Npgsql;
using RoundTable.Api.Database;

namespace RoundTable.Api.Search;

/// <summary>Configuration section "Search".</summary>
internal sealed class SearchOptions
{
    public const string Section = "Search";

    /// <summary>How often the common lexemes the search plans by are read again from the statistics (seconds; 0: never).</summary>
    public int StatisticsRefreshSeconds { get; set; } = 600;
}

/// <summary>
/// Keeps <c>rt_common_lexemes</c> (db/0014) in step with the statistics ANALYZE keeps of the search columns: which
/// words are common decides whether a relevance page walks the table or asks the GIN index (ListQuery.RankedSql).
/// Stale or missing statistics cost time only, never a wrong answer, so a failed refresh is a warning.
/// </summary>
internal sealed class SearchStatistics(
    NpgsqlDataSource dataSource, PreparationState preparation, Microsoft.Extensions.Options.IOptions<SearchOptions> options,
    ILogger<SearchStatistics> logger) : BackgroundService
{
    private const string RefreshSql = "REFRESH MATERIALIZED VIEW CONCURRENTLY rt_common_lexemes";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(options.Value.StatisticsRefreshSeconds);
        if (every <= TimeSpan.Zero || DatabaseSetup.IsDocumentGenerator)
        {
            return;
        }
        try
        {
            // Once as soon as the database is prepared (a database migrated before its data was loaded has none),
            // then on the timer.
            while (!preparation.Prepared)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
            using var timer = new PeriodicTimer(every);
            do
            {
                await RefreshAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RefreshAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await connection.ExecuteAsync(new CommandDefinition(RefreshSql, commandTimeout: 60, cancellationToken: ct));
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning("The search statistics were not refreshed ({Error}); searches keep the plans they have.", e.GetType().Name);
        }
    }
}
