using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace RoundTable.Api.Tests.Infrastructure;

/// <summary>
/// Base of every HTTP test: xunit makes one instance per test, so each test gets its own database copied from the
/// migrated and seeded template, and its own app host.
/// </summary>
public abstract class ApiTest : IAsyncLifetime
{
    private WebApplicationFactory<Program>? _factory;

    protected string ConnectionString { get; private set; } = "";

    protected WebApplicationFactory<Program> Factory => _factory ?? throw new InvalidOperationException("Not initialised.");

    protected HttpClient Client { get; private set; } = null!;

    /// <summary>Whether the test database starts migrated and seeded (true) or empty (false).</summary>
    protected virtual bool FromTemplate => true;

    public virtual async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync(FromTemplate);
        _factory = CreateFactory(ConnectionString);
        Client = _factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        await TestPostgres.DropDatabaseAsync(ConnectionString);
    }

    /// <summary>The app against <paramref name="connectionString"/>; it migrates and seeds at startup only when asked.</summary>
    internal static WebApplicationFactory<Program> CreateFactory(
        string connectionString, bool prepareDatabase = false, IReadOnlyDictionary<string, string>? settings = null) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            foreach (var (name, value) in settings ?? new Dictionary<string, string>())
            {
                b.UseSetting(name, value);
            }
            b.UseEnvironment("Testing");
            b.UseSetting("ConnectionStrings:RoundTable", connectionString);
            b.UseSetting("Database:MigrateOnStartup", prepareDatabase ? "true" : "false");
            b.UseSetting("Database:SeedOnStartup", prepareDatabase ? "true" : "false");
        });

    /// <summary>Database commands the app runs for <paramref name="request"/>, counted from Npgsql's tracing.</summary>
    protected async Task<int> CountCommandsAsync(Func<Task> request)
    {
        var count = 0;
        // Tests run in parallel, each on its own database: count only this one's commands.
        var database = new NpgsqlConnectionStringBuilder(ConnectionString).Database;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.TagObjects.Any(t => Equals(t.Value, database)))
                {
                    Interlocked.Increment(ref count);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await request();
        Assert.True(count > 0, "No database command was traced.");
        return count;
    }

    protected async Task<JsonNode> GetJsonAsync(string url)
    {
        using var response = await Client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(body)!;
    }

    /// <summary>GET that must answer an RFC 9457 problem with the given status; returns the problem body.</summary>
    protected async Task<JsonObject> GetProblemAsync(string url, int status)
    {
        using var response = await Client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"GET {url} answered {(int)response.StatusCode}, expected {status}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(status, problem["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrWhiteSpace(problem["title"]?.GetValue<string>()));
        AssertNoInternals(body);
        return problem;
    }

    protected static void AssertNoInternals(string body)
    {
        foreach (var leak in new[] { "Npgsql", "Exception", "   at ", "SELECT ", "stackTrace", "Dapper", ".cs:line" })
        {
            Assert.DoesNotContain(leak, body, StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>Follows nextCursor from the first page to the last and returns every item.</summary>
    protected async Task<List<JsonObject>> WalkAsync(string url, int limit)
    {
        var items = new List<JsonObject>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var separator = url.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var page = await GetJsonAsync($"{url}{separator}limit={limit}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            var pageItems = page["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
            Assert.True(pageItems.Count <= limit);
            items.AddRange(pageItems);
            cursor = page["nextCursor"]?.GetValue<string>();
            Assert.True(cursor is null || pageItems.Count == limit, "Only the last page may be short.");
            Assert.True(++pages < 10_000);
        }
        while (cursor is not null);
        return items;
    }

    protected async Task<int> ExecuteSqlAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }

    protected async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }
}
