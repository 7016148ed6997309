using RoundTable.Api.Database;
using RoundTable.Api.Seeding;

namespace RoundTable.Api;

/// <summary>
/// Commands run instead of the web server: `dotnet RoundTable.Api.dll migrate` and `... seed`
/// (or `./run.sh migrate` / `./run.sh seed` against the local database).
/// </summary>
internal static class Commands
{
    private static readonly string[] s_names = ["migrate", "seed"];

    public static bool IsCommand(string[] args) => args.Length > 0 && s_names.Contains(args[0]);

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        var ct = CancellationToken.None;
        try
        {
            switch (args[0])
            {
                case "migrate":
                    await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(ct);
                    Console.WriteLine("migrate: schema is up to date.");
                    return 0;
                case "seed":
                    // Seeding needs the schema: make sure it is there first, under the same lock as any migration.
                    await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(ct);
                    await app.Services.GetRequiredService<Seeder>().SeedAsync(ct);
                    Console.WriteLine("seed: the seed data set is loaded.");
                    return 0;
                default:
                    return 2;
            }
        }
        catch (Exception e) when (e is FluentValidation.ValidationException or Npgsql.NpgsqlException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"{args[0]} failed: {e.Message}");
            return 1;
        }
    }
}
