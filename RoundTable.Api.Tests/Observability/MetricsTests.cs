using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Observability;

/// <summary>
/// What an operator sees: /metrics in the Prometheus format, with each fault counted as it happens; JSON logs. Alone:
/// the counters are the process's, so no other test may produce 503s while these count them.
/// </summary>
[Collection(AloneInTheClusterCollection.Name)]
public sealed class MetricsTests : ApiTest
{
    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The value of roundtable_unavailable_total{cause="unavailable"} in a scrape (0 before the first).</summary>
    private static long Count(string metrics)
    {
        var match = System.Text.RegularExpressions.Regex.Match(metrics, "roundtable_unavailable_total\\{[^}]*cause=\"unavailable\"[^}]*\\} ([0-9]+)");
        return match.Success ? long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    [Fact]
    public async Task Metrics_count_requests_database_use_and_503s_by_cause()
    {
        using var read = await Client.GetAsync("/api/v1/events/iitu-snu-round-table-2024");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var metrics = await ScrapeAsync(Factory.CreateClient());
        Assert.Contains("http_server_request_duration_seconds", metrics);
        Assert.Contains("db_client_", metrics); // Npgsql's connection and command metrics
        Assert.Contains("dotnet_gc_", metrics); // the runtime's

        await using var down = CreateFactory("Host=127.0.0.1;Port=1;Database=nowhere;Username=nobody;Password=none");
        using var client = down.CreateClient();
        var before = Count(await ScrapeAsync(client));
        for (var i = 0; i < 3; i++)
        {
            using var unavailable = await client.GetAsync("/api/v1/events/iitu-snu-round-table-2024");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        }
        Assert.Equal(before + 3, Count(await ScrapeAsync(client)));
    }

    [Fact]
    public void Logs_are_json_lines_with_the_request_trace_and_one_line_per_request()
    {
        var console = Factory.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;
        Assert.Equal(ConsoleFormatterNames.Json, console.FormatterName);
        var json = Factory.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue;
        Assert.True(json.IncludeScopes, "scopes carry the TraceId and SpanId");
        var httpLogging = Factory.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.HttpLogging.HttpLoggingOptions>>().Value;
        Assert.True(httpLogging.CombineLogs);
    }
}
