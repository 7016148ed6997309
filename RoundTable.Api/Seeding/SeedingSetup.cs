using Microsoft.Extensions.Options;
using RoundTable.Api.Database;

namespace RoundTable.Api.Seeding;

internal static class SeedingSetup
{
    public static IServiceCollection AddSeeding(this IServiceCollection services) => services.AddSingleton<Seeder>();

    /// <summary>Migrates and seeds at startup when configured (default on in Development); never in the document generator.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        if (DatabaseSetup.IsDocumentGenerator)
        {
            return;
        }
        var options = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (options.MigrateOnStartup)
        {
            await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(app.Lifetime.ApplicationStopping);
        }
        if (options.SeedOnStartup)
        {
            await app.Services.GetRequiredService<Seeder>().SeedAsync(app.Lifetime.ApplicationStopping);
        }
    }
}
