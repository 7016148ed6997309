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
}
