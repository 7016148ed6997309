using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Observability;

/// <summary>What an operator sees: /metrics in the Prometheus format, with each fault counted as it happens; JSON logs.</summary>
public sealed class MetricsTests : ApiTest
{
    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
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
        using var unavailable = await client.GetAsync("/api/v1/events/iitu-snu-round-table-2024");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        var after = await ScrapeAsync(client);
        Assert.Matches("roundtable_unavailable_total\\{[^}]*cause=\"unavailable\"[^}]*\\} [1-9]", after);
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
