using System.Reflection;

namespace RoundTable.Api.Database;

internal static class DatabaseSetup
{
    /// <summary>True when the build-time OpenAPI generator runs the app: nothing may touch the database then.</summary>
    public static bool IsDocumentGenerator =>
        Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";

    public static IServiceCollection AddRoundTableDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        DapperSetup.Configure();
        services.Configure<DatabaseOptions>(configuration.GetSection(DatabaseOptions.Section));
        var connectionString = IsDocumentGenerator ? "Host=localhost" : DatabaseOptions.GetConnectionString(configuration);
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.AddNpgsqlDataSource(connectionString, builder =>
        {
            // Deadlines in seconds, not the driver's 15-30 s, and a pool below the server's limit (DatabaseOptions
            // says the rule); the connection string wins where it names a setting itself.
            var settings = builder.ConnectionStringBuilder;
            if (!HasSetting(connectionString, "Timeout"))
            {
                settings.Timeout = options.ConnectTimeoutSeconds;
            }
            if (!HasSetting(connectionString, "Command Timeout"))
            {
                settings.CommandTimeout = options.CommandTimeoutSeconds;
            }
            if (!HasSetting(connectionString, "Maximum Pool Size") && !HasSetting(connectionString, "Max Pool Size"))
            {
                settings.MaxPoolSize = options.MaxPoolSize;
            }
            // A statement past its deadline is cancelled with a cancel request whose answer Npgsql waits for (2 s by
            // default) before breaking the connection. Half a second is plenty for a server that answers; one that is
            // frozen costs more than that anyway (the cancel request's own connection), which reads do not wait out
            // (DataSourceExtensions).
            if (!HasSetting(connectionString, "Cancellation Timeout"))
            {
                settings.CancellationTimeout = 500;
            }
            // A server that stops answering (frozen, or gone without a FIN) is noticed on idle pooled connections too.
            if (!HasSetting(connectionString, "Keepalive"))
            {
                settings.KeepAlive = 10;
            }
            // Statements the API runs again and again are prepared on each connection after their second use, unless
            // the connection string says otherwise: the server then skips parsing and planning them.
            if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
            {
                builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
                builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
            }
            // Several hosts (a primary and its standbys): connections of this data source go to the primary, whichever
            // host that is after a failover, and a host's role is asked again every 2 s (the driver's default is 10), so
            // that writes find a promoted standby within seconds. StandbyReads sends some reads to a standby.
            if (settings.Host?.Contains(',', StringComparison.Ordinal) == true)
            {
                if (!HasSetting(connectionString, "Target Session Attributes"))
                {
                    settings.TargetSessionAttributes = "primary";
                }
                if (!HasSetting(connectionString, "Host Recheck Seconds"))
                {
                    settings.HostRecheckSeconds = 2;
                }
            }
            // The API leaves no session state on a pooled connection (only transaction-scoped settings and locks; the
            // migrator's session lock has a connection of its own), so a connection handed back to the pool is not
            // reset: the reset is a batch of seven statements before the next command, on every request.
            if (!HasSetting(connectionString, "No Reset On Close"))
            {
                builder.ConnectionStringBuilder.NoResetOnClose = true;
            }
        });
        services.AddSingleton<StandbyReads>();
        services.AddHostedService<StandbyLagMonitor>();
        services.AddSingleton<DatabaseMigrator>();
        services.AddSingleton<KeyResolver>();
        return services;
    }

    /// <summary>True when the connection string itself names the setting (in either spelling Npgsql accepts).</summary>
    private static bool HasSetting(string connectionString, string keyword)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return given.ContainsKey(keyword) || given.ContainsKey(keyword.Replace(" ", "", StringComparison.Ordinal));
    }
}
