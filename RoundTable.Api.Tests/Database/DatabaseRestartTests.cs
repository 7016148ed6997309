using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RoundTable.Api.ApiKeys;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Database;

/// <summary>
/// The fault battery's database restart: PostgreSQL (a durable cluster of its own: fsync and synchronous commit on)
/// crashes and comes back under an API that keeps writing. Every answer is a 201 or a 503 with Retry-After (never a
/// 500), writes resume after the restart without restarting the API, and every write that was acknowledged is there.
/// </summary>
public sealed class DatabaseRestartTests
{
    [Fact]
    public async Task Writes_through_a_database_crash_and_restart_are_201_or_503_and_every_acknowledged_one_survives()
    {
        var bin = LocalPostgresCluster.FindBinDirectory() ?? throw new InvalidOperationException("No PostgreSQL server binaries.");
        await using var cluster = await LocalPostgresCluster.StartAsync(bin, durable: true);
        await using (var connection = new NpgsqlConnection(cluster.ConnectionString + ";Pooling=false"))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE DATABASE roundtable", connection);
            await create.ExecuteNonQueryAsync();
        }
        var connectionString = new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Database = "roundtable" }.ConnectionString;
        await using var factory = ApiTest.CreateFactory(connectionString, prepareDatabase: true,
            settings: new Dictionary<string, string> { ["RateLimits:Enabled"] = "false" });
        using var client = factory.CreateContractClient();
        Assert.True(await ApiTest.WaitUntilReadyAsync(client, seconds: 60), "not ready");
        var key = (await factory.Services.GetRequiredService<ApiKeyCommands>()
            .CreateAsync("battery", ApiKeyRole.Admin, null, null, CancellationToken.None)).Secret;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        var acknowledged = new List<string>();
        var statuses = new List<(int Status, bool AfterRestart)>();
        var restarted = false;
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var slug = $"battery-{n}";
                using var content = new StringContent($$"""{"slug":"{{slug}}","name":{"en":"Battery {{n}}"},"kind":"other"}""", Encoding.UTF8, "application/json");
                using var response = await client.PostAsync("/api/v1/institutions", content);
                var status = (int)response.StatusCode;
                lock (statuses)
                {
                    statuses.Add((status, Volatile.Read(ref restarted)));
                    if (status == 201)
                    {
                        acknowledged.Add(slug);
                    }
                }
                if (status == 503)
                {
                    Assert.True(response.Headers.RetryAfter?.Delta is not null, "a 503 without Retry-After");
                    await Task.Delay(100);
                }
            }
        });

        await Task.Delay(1500);
        await cluster.CrashAsync();
        await Task.Delay(2000);
        await cluster.RestartAsync();
        Volatile.Write(ref restarted, true);
        await Task.Delay(4000);
        await stop.CancelAsync();
        await writer;

        Assert.All(statuses, s => Assert.True(s.Status is 201 or 503, $"answered {s.Status}"));
        Assert.Contains(statuses, s => s.Status == 503);
        Assert.Contains(statuses, s => s.Status == 201 && s.AfterRestart);
        Assert.True(acknowledged.Count > 5, $"only {acknowledged.Count} writes acknowledged");
        await using var check = new NpgsqlConnection(connectionString + ";Pooling=false");
        await check.OpenAsync();
        await using var present = new NpgsqlCommand("SELECT slug FROM institutions WHERE slug LIKE 'battery-%'", check);
        var stored = new HashSet<string>();
        await using (var reader = await present.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored.Add(reader.GetString(0));
            }
        }
        var lost = acknowledged.Where(slug => !stored.Contains(slug)).ToList();
        Assert.True(lost.Count == 0, $"acknowledged but lost: {string.Join(", ", lost)}");
    }

    [Fact]
    public async Task A_frozen_database_is_answered_503_within_the_deadlines_and_the_api_recovers_when_it_thaws()
    {
        var bin = LocalPostgresCluster.FindBinDirectory() ?? throw new InvalidOperationException("No PostgreSQL server binaries.");
        await using var cluster = await LocalPostgresCluster.StartAsync(bin);
        var connectionString = new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Database = "postgres" }.ConnectionString;
        await using var factory = ApiTest.CreateFactory(connectionString, prepareDatabase: true,
            settings: new Dictionary<string, string> { ["RateLimits:Enabled"] = "false" });
        using var client = factory.CreateContractClient();
        Assert.True(await ApiTest.WaitUntilReadyAsync(client, seconds: 60), "not ready");
        var key = (await factory.Services.GetRequiredService<ApiKeyCommands>()
            .CreateAsync("frozen", ApiKeyRole.Admin, null, null, CancellationToken.None)).Secret;
        // Pooled connections open before the freeze: requests on them meet a server that stopped mid-conversation.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.GetAsync("/api/v1/institutions?limit=1")));

        await cluster.FreezeAsync();
        try
        {
            async Task<(int Status, double Seconds, bool RetryAfter, string Body)> TimedAsync(Func<Task<HttpResponseMessage>> send)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                using var response = await send();
                var seconds = clock.Elapsed.TotalSeconds;
                return ((int)response.StatusCode, seconds, response.Headers.RetryAfter?.Delta is not null, await response.Content.ReadAsStringAsync());
            }
            var reads = Enumerable.Range(0, 6).Select(_ => TimedAsync(() => client.GetAsync("/api/v1/events/iitu-snu-round-table-2024")));
            var write = TimedAsync(async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/institutions")
                {
                    Content = new StringContent("""{"slug":"frozen-write","name":{"en":"Frozen"},"kind":"other"}""", Encoding.UTF8, "application/json"),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                return await client.SendAsync(request);
            });
            var ready = TimedAsync(() => client.GetAsync("/health/ready"));
            var answers = await Task.WhenAll(reads.Append(write).Append(ready));

            // Each answer is a 503 with Retry-After within a statement's deadline (5 s) and a little, not the driver's
            // 15-30 s (nor the 11-13 s the driver takes to give up on a frozen server by itself); the probe within its 2 s.
            Assert.All(answers[..^1], a => Assert.True(a.Status == 503 && a.RetryAfter && a.Seconds < 7, $"{a.Status} after {a.Seconds:F1} s: {a.Body}"));
            Assert.Equal(503, answers[^1].Status);
            Assert.True(answers[^1].Seconds < 4, $"/health/ready took {answers[^1].Seconds:F1} s");
        }
        finally
        {
            await cluster.ThawAsync();
        }

        var recovered = System.Diagnostics.Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            using var response = await client.GetAsync("/api/v1/events/iitu-snu-round-table-2024");
            status = response.StatusCode;
        }
        while (status != HttpStatusCode.OK && recovered.Elapsed < TimeSpan.FromSeconds(15) && await Delay());
        Assert.Equal(HttpStatusCode.OK, status);
        static async Task<bool> Delay()
        {
            await Task.Delay(200);
            return true;
        }
    }
}
