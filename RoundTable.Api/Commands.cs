using System.Globalization;
using RoundTable.Api.ApiKeys;
using RoundTable.Api.Database;
using RoundTable.Api.Http;
using RoundTable.Api.Institutions;
using RoundTable.Api.Paging;
using RoundTable.Api.Seeding;

namespace RoundTable.Api;

/// <summary>
/// Commands run instead of the web server: `dotnet RoundTable.Api.dll migrate` and `... seed`
/// (or `./run.sh migrate` / `./run.sh seed` against the local database).
/// </summary>
internal static class Commands
{
    private static readonly string[] s_names = ["migrate", "seed", "apikey"];

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
                case "apikey":
                    return await ApiKeyCommandAsync(app.Services, args[1..], ct);
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

    private const string ApiKeyUsage = """
        usage: apikey create (--admin | --institution <slug>) [--name <name>] [--expires <ISO 8601 date or time>]
               apikey list
               apikey revoke <key id>
        """;

    /// <summary>Key management; `create` prints the new key alone on its last line, and only then.</summary>
    private static async Task<int> ApiKeyCommandAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        var queries = services.GetRequiredService<ApiKeyQueries>();
        var keys = services.GetRequiredService<ApiKeyCommands>();
        string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        switch (args.FirstOrDefault())
        {
            case "create":
            {
                var admin = args.Contains("--admin");
                var slug = Option("--institution");
                if (admin == (slug is not null))
                {
                    await Console.Error.WriteAsync(ApiKeyUsage);
                    return 2;
                }
                Guid? institution = null;
                if (slug is not null && (institution = await services.GetRequiredService<KeyResolver>().FindAsync(InstitutionQueries.Key, new ResourceKey(null, slug), ct)) is null)
                {
                    await Console.Error.WriteLineAsync($"apikey: there is no institution '{slug}'.");
                    return 1;
                }
                DateTimeOffset? expires = null;
                if (Option("--expires") is { } text)
                {
                    if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                    {
                        await Console.Error.WriteLineAsync($"apikey: '{text}' is not a date.");
                        return 2;
                    }
                    expires = parsed;
                }
                var name = Option("--name") ?? (admin ? "admin" : $"partner {slug}");
                var (key, secret) = await keys.CreateAsync(name, admin ? ApiKeyRole.Admin : ApiKeyRole.Partner, institution, expires, ct);
                Console.WriteLine($"Created {key.Role} key {key.Id} ({key.Name}). It is shown this once; keep it secret:");
                Console.WriteLine(secret);
                return 0;
            }
            case "list":
                var page = new PageRequest(PageRequest.MaxLimit, null);
                while (true)
                {
                    var rows = await queries.ListAsync(page, ct);
                    foreach (var k in rows.Take(page.Limit))
                    {
                        var state = k.RevokedAt is not null ? "revoked" : k.ExpiresAt < DateTime.UtcNow ? "expired" : "active";
                        Console.WriteLine($"{k.Id}  {k.Role,-7}  {state,-7}  {k.KeyPrefix}…  {k.Name}");
                    }
                    if (rows.Count <= page.Limit)
                    {
                        return 0;
                    }
                    page = page with { After = rows[page.Limit - 1].Id };
                }
            case "revoke" when args.Length == 2 && Guid.TryParse(args[1], out var id):
                if (!await keys.RevokeAsync(id, null, ct))
                {
                    await Console.Error.WriteLineAsync($"apikey: there is no key {id}.");
                    return 1;
                }
                Console.WriteLine($"Revoked key {id}.");
                return 0;
            default:
                await Console.Error.WriteAsync(ApiKeyUsage);
                return 2;
        }
    }
}
