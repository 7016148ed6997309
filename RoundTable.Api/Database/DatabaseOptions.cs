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

    public static string GetConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"No database configured: set ConnectionStrings__{ConnectionStringName} (or run ./run.sh, which starts a local PostgreSQL).");
}
