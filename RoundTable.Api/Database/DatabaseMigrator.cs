using System.Reflection;
using DbUp;
using DbUp.Engine.Output;
using Npgsql;

namespace RoundTable.Api.Database;

/// <summary>
/// Applies the ordered SQL scripts of db/ (embedded in the assembly) with DbUp and its journal table.
/// A session-level advisory lock serialises replicas that start together, so no script ever runs twice.
/// </summary>
internal sealed class DatabaseMigrator(NpgsqlDataSource dataSource, IConfiguration configuration, ILogger<DatabaseMigrator> logger)
{
    /// <summary>Advisory lock key: "RTMIGRAT" read as a 64-bit integer.</summary>
    private const long AdvisoryLockKey = 0x52544D4947524154;

    private const string ScriptPrefix = "db/";

    public const string JournalTable = "schemaversions";

    private static readonly Assembly s_assembly = typeof(DatabaseMigrator).Assembly;

    public static IReadOnlyList<string> ScriptNames { get; } = s_assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(ScriptPrefix, StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)
        .ToList();

    public async Task MigrateAsync(CancellationToken ct)
    {
        // A connection outside the pool: the session lock must end with it, never stay on a pooled connection.
        await using var lockConnection = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(DatabaseOptions.GetConnectionString(configuration)) { Pooling = false }.ConnectionString);
        await lockConnection.OpenAsync(ct);
        await using (var acquire = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", lockConnection))
        {
            acquire.Parameters.AddWithValue("key", AdvisoryLockKey);
            await acquire.ExecuteNonQueryAsync(ct);
        }
        try
        {
            var upgrader = DeployChanges.To
                // The data source hides the password; DbUp opens its own connections with the full string.
                .PostgresqlDatabase(DatabaseOptions.GetConnectionString(configuration))
                .WithScriptsEmbeddedInAssembly(s_assembly, name => name.StartsWith(ScriptPrefix, StringComparison.Ordinal))
                .JournalToPostgresqlTable("public", JournalTable)
                .WithTransactionPerScript()
                .WithVariablesDisabled()
                .LogTo(new DbUpLogger(logger))
                .Build();
            var result = upgrader.PerformUpgrade();
            if (!result.Successful)
            {
                throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed.", result.Error);
            }
            logger.LogInformation("Database schema is up to date ({Count} scripts applied now).", result.Scripts.Count());
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", lockConnection);
            release.Parameters.AddWithValue("key", AdvisoryLockKey);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>Scripts in the assembly that the journal does not list yet (all of them when there is no journal).</summary>
    public async Task<IReadOnlyList<string>> PendingScriptsAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(
            $"SELECT scriptname FROM public.{JournalTable} WHERE to_regclass('public.{JournalTable}') IS NOT NULL", connection);
        var applied = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                applied.Add(reader.GetString(0));
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return ScriptNames;
        }
        return ScriptNames.Where(n => !applied.Contains(n)).ToList();
    }

    private sealed class DbUpLogger(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => logger.LogTrace("{Message}", Format(format, args));
        public void LogDebug(string format, params object[] args) => logger.LogDebug("{Message}", Format(format, args));
        public void LogInformation(string format, params object[] args) => logger.LogInformation("{Message}", Format(format, args));
        public void LogWarning(string format, params object[] args) => logger.LogWarning("{Message}", Format(format, args));
        public void LogError(string format, params object[] args) => logger.LogError("{Message}", Format(format, args));
        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, "{Message}", Format(format, args));

        private static string Format(string format, object[] args) =>
            args.Length == 0 ? format : string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args);
    }
}
