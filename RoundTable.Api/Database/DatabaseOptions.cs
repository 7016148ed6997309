namespace RoundTable.Api.Database;

/// <summary>Configuration section "Database".</summary>
internal sealed class DatabaseOptions
{
    public const string Section = "Database";
    public const string ConnectionStringName = "RoundTable";

    /// <summary>Apply pending migrations when the API starts (default on in Development).</summary>
    public bool MigrateOnStartup { get; set; }

    /// <summary>Load the seed data set when the API starts (default on in Development).</summary>
    public bool SeedOnStartup { get; set; }

    /// <summary>Folder holding the seed data files; relative paths are taken from the application's folder.</summary>
    public string SeedDirectory { get; set; } = "seeds";

    /// <summary>
    /// Seconds to open a connection, including the wait for a free one in the pool (Npgsql's Timeout; the driver's
    /// default is 15). When it runs out the request is a 503 with Retry-After: back-pressure, not a pile-up.
    /// </summary>
    public int ConnectTimeoutSeconds { get; set; } = 3;

    /// <summary>Seconds a statement may run (Npgsql's Command Timeout; the driver's default is 30).</summary>
    public int CommandTimeoutSeconds { get; set; } = 5;

    /// <summary>
    /// Connections this process keeps at most (Npgsql's Max Pool Size; the driver's default is 100, PostgreSQL's
    /// max_connections default too). Rule: replicas × MaxPoolSize + what else connects (migrations, psql,
    /// monitoring: keep 10) ≤ the server's max_connections − superuser_reserved_connections (3). The default of 30
    /// fits three replicas on a default server.
    /// </summary>
    public int MaxPoolSize { get; set; } = 30;

    /// <summary>Seconds to wait before a first attempt is retried while the database is missing at start-up (doubling up to 5).</summary>
    public double StartupRetrySeconds { get; set; } = 0.5;

    /// <summary>
    /// With a multi-host connection string (<c>Host=db1,db2</c>), let anonymous, unconditional reads go to a hot standby
    /// (StandbyReads says the rule). Off: every read goes to the primary.
    /// </summary>
    public bool StandbyReads { get; set; } = true;

    /// <summary>Seconds a standby may be behind the primary and still be read from.</summary>
    public double MaxStandbyLagSeconds { get; set; } = 5;

    /// <summary>Milliseconds between checks of the standby's lag.</summary>
    public int StandbyCheckMilliseconds { get; set; } = 1000;

    public static string GetConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"No database configured: set ConnectionStrings__{ConnectionStringName} (or run ./run.sh, which starts a local PostgreSQL).");
}
