using System.Diagnostics;
using System.Net;
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

    /// <summary>Settings of this test class's app (over the ones every test app gets).</summary>
    protected virtual IReadOnlyDictionary<string, string>? Settings => null;

    public virtual async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync(FromTemplate);
        _factory = CreateFactory(ConnectionString, settings: Settings);
        Client = _factory.CreateContractClient();
    }

    public virtual async Task DisposeAsync()
    {
        Client.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        await TestPostgres.DropDatabaseAsync(ConnectionString);
    }

    /// <summary>Polls /health/ready every 100 ms until it answers 200 (true) or <paramref name="seconds"/> pass (false).</summary>
    internal static async Task<bool> WaitUntilReadyAsync(HttpClient client, int seconds)
    {
        for (var i = 0; i < seconds * 10; i++)
        {
            using var response = await client.GetAsync("/health/ready");
            if (response.IsSuccessStatusCode)
            {
                return true;
            }
            await Task.Delay(100);
        }
        return false;
    }

    /// <summary>The app against <paramref name="connectionString"/>; it migrates and seeds at startup only when asked.</summary>
    internal static WebApplicationFactory<Program> CreateFactory(
        string connectionString, bool prepareDatabase = false, IReadOnlyDictionary<string, string>? settings = null) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Shutdown:DrainDelaySeconds", "0"); // tests stop hosts all the time; GracefulShutdownTests sets its own
            // The search statistics refresh is a query of its own at start-up, which tests that count a request's
            // queries would see; tests refresh the view themselves, SearchRankingTests tries the refresher.
            b.UseSetting("Search:StatisticsRefreshSeconds", "0");
            // The webhook sender polls the database; WebhookTests turn it on.
            b.UseSetting("Webhooks:SenderEnabled", "false");
            // A change stream does not end by itself: one a test leaves open ends soon.
            b.UseSetting("Changes:MaxDuration", "00:00:30");
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

    /// <summary>GET that must answer 200 with JSON; returns the body as <typeparamref name="T"/> (see Wire.cs).</summary>
    protected async Task<T> GetAsync<T>(string url)
    {
        using var response = await Client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} answered {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return WireJson.Deserialize<T>(body);
    }

    /// <summary>The body of a JSON answer that must have the <paramref name="expected"/> status.</summary>
    protected static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return WireJson.Deserialize<T>(body);
    }

    /// <summary>GET that must answer 200 with JSON, for the tests about the raw shape (lang=*, fallbackLanguages, documents).</summary>
    protected async Task<JsonNode> GetJsonAsync(string url)
    {
        using var response = await Client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(body)!;
    }

    /// <summary>GET that must answer 200 (optionally asking for a media type); returns the body as text and the response.</summary>
    protected async Task<(string Body, HttpResponseMessage Response)> GetTextAsync(string url, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }
        var response = await Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} answered {(int)response.StatusCode}: {body}");
        return (body, response);
    }

    /// <summary>GET that must answer an RFC 9457 problem with the given status; returns the problem body.</summary>
    protected async Task<ProblemDto> GetProblemAsync(string url, int status)
    {
        using var response = await Client.GetAsync(url);
        return await ProblemAsync(response, (HttpStatusCode)status);
    }

    /// <summary>An RFC 9457 problem with the given status, a title, and nothing of the server's internals.</summary>
    protected static async Task<ProblemDto> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        var request = response.RequestMessage is { } r ? $"{r.Method} {r.RequestUri?.PathAndQuery} " : "";
        Assert.True(response.StatusCode == status, $"{request}answered {(int)response.StatusCode}, expected {(int)status}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        AssertNoInternals(body);
        var problem = WireJson.Deserialize<ProblemDto>(body);
        Assert.Equal((int)status, problem.Status);
        Assert.False(string.IsNullOrWhiteSpace(problem.Title), body);
        return problem;
    }

    /// <summary>Asserts the problem names <paramref name="field"/> among its errors.</summary>
    protected static void AssertFieldError(ProblemDto problem, string field) =>
        Assert.True(problem.Errors?.ContainsKey(field) == true,
            $"No error for {field}: {string.Join(", ", problem.Errors?.Keys ?? Enumerable.Empty<string>())} ({problem.Detail})");

    protected static void AssertNoInternals(string body)
    {
        foreach (var leak in new[] { "Npgsql", "Exception", "   at ", "SELECT ", "stackTrace", "Dapper", ".cs:line" })
        {
            Assert.DoesNotContain(leak, body, StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>Two answers member by member, lists included.</summary>
    protected static void AssertSameJson<T>(T expected, T actual) =>
        Assert.Equal(WireJson.Serialize(expected), WireJson.Serialize(actual));

    /// <summary>Follows nextCursor from the first page to the last and returns every item.</summary>
    protected async Task<List<T>> WalkAsync<T>(string url, int limit)
    {
        var items = new List<T>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await GetAsync<PageDto<T>>(PageUrl(url, limit, cursor));
            Assert.True(page.Items.Count <= limit);
            items.AddRange(page.Items);
            cursor = page.NextCursor;
            Assert.True(cursor is null || page.Items.Count == limit, "Only the last page may be short.");
            Assert.True(++pages < 10_000);
        }
        while (cursor is not null);
        return items;
    }

    /// <summary><see cref="WalkAsync{T}"/> for the tests that compare items with another rendering of them (CSV, NDJSON).</summary>
    protected async Task<List<JsonObject>> WalkJsonAsync(string url, int limit)
    {
        var items = new List<JsonObject>();
        string? cursor = null;
        do
        {
            var page = await GetJsonAsync(PageUrl(url, limit, cursor));
            var pageItems = page["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
            Assert.True(pageItems.Count <= limit);
            items.AddRange(pageItems);
            cursor = page["nextCursor"]?.GetValue<string>();
            Assert.True(cursor is null || pageItems.Count == limit, "Only the last page may be short.");
        }
        while (cursor is not null);
        return items;
    }

    private static string PageUrl(string url, int limit, string? cursor)
    {
        var separator = url.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return $"{url}{separator}limit={limit}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
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
