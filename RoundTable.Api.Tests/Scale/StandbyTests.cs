using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RoundTable.Api.ApiKeys;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Scale;

/// <summary>
/// A primary and a hot standby by streaming replication (clusters of their own), named in one multi-host connection
/// string: which reads the standby answers, what lag does to them, and a failover (the primary crashes, the standby is
/// promoted) that writes live through as 503s, without restarting the API.
/// </summary>
[Collection(AloneInTheClusterCollection.Name)]
public sealed class StandbyTests
{
    private const string Event = "/api/v1/events/iitu-snu-round-table-2024";

    private sealed class Topology : IAsyncDisposable
    {
        public required LocalPostgresCluster Primary { get; init; }
        public required LocalPostgresCluster Standby { get; init; }
        public required string ConnectionString { get; init; }
        public required WebApplicationFactory<Program> Api { get; init; }
        public required HttpClient Client { get; init; }
        public required string Key { get; init; }

        public string StandbyConnection => $"Host=127.0.0.1;Port={Standby.Port};Username=postgres;Database=roundtable;Pooling=false";

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Api.DisposeAsync();
            await Standby.DisposeAsync();
            await Primary.DisposeAsync();
        }
    }

    private static async Task<Topology> StartAsync(Dictionary<string, string>? settings = null)
    {
        var bin = LocalPostgresCluster.FindBinDirectory() ?? throw new InvalidOperationException("No PostgreSQL server binaries.");
        var primary = await LocalPostgresCluster.StartAsync(bin, durable: true);
        await using (var connection = new NpgsqlConnection(primary.ConnectionString + ";Pooling=false"))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE DATABASE roundtable", connection);
            await create.ExecuteNonQueryAsync();
        }
        var standby = await primary.StartStandbyAsync();
        var connectionString = $"Host=127.0.0.1:{primary.Port},127.0.0.1:{standby.Port};Username=postgres;Database=roundtable";
        var all = new Dictionary<string, string>
        {
            ["RateLimits:Enabled"] = "false",
            ["Database:StandbyCheckMilliseconds"] = "200",
            ["Database:MaxStandbyLagSeconds"] = "2",
        };
        foreach (var (name, value) in settings ?? [])
        {
            all[name] = value;
        }
        var api = ApiTest.CreateFactory(connectionString, prepareDatabase: true, settings: all);
        var client = api.CreateContractClient();
        Assert.True(await ApiTest.WaitUntilReadyAsync(client, seconds: 120), "not ready");
        var key = (await api.Services.GetRequiredService<ApiKeyCommands>().CreateAsync("standby", ApiKeyRole.Admin, null, null, CancellationToken.None)).Secret;
        return new Topology { Primary = primary, Standby = standby, ConnectionString = connectionString, Api = api, Client = client, Key = key };
    }

    private static bool FromStandby(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Read-From", out var values) && values.Single() == "standby";

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, int seconds)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            if (await condition())
            {
                return true;
            }
            await Task.Delay(100);
        }
        return false;
    }

    private static async Task UntilReadsComeFromTheStandbyAsync(HttpClient client) =>
        Assert.True(await EventuallyAsync(async () =>
        {
            using var read = await client.RequestAsync(HttpMethod.Get, Event);
            return FromStandby(read);
        }, 10), "anonymous reads never came from the standby");

    private static async Task StandbySqlAsync(Topology topology, string sql)
    {
        await using var connection = new NpgsqlConnection(topology.StandbyConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Anonymous_unconditional_reads_come_from_the_standby_and_keyed_conditional_and_feed_reads_from_the_primary()
    {
        await using var topology = await StartAsync(new Dictionary<string, string> { ["Database:MaxStandbyLagSeconds"] = "3600" });
        var client = topology.Client;
        await UntilReadsComeFromTheStandbyAsync(client);

        using (var keyed = await client.RequestAsync(HttpMethod.Get, Event, topology.Key))
        {
            Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
            Assert.False(FromStandby(keyed));
        }
        using (var feed = await client.RequestAsync(HttpMethod.Get, "/api/v1/changes?limit=1"))
        {
            Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
            Assert.False(FromStandby(feed));
        }
        using var before = await client.RequestAsync(HttpMethod.Get, Event);
        var staleTag = before.Headers.ETag!.ToString();

        // The standby stops replaying: it is behind from here on.
        await StandbySqlAsync(topology, "SELECT pg_wal_replay_pause()");
        using (var write = await client.RequestAsync(HttpMethod.Patch, Event, topology.Key, """{"status":"postponed"}""", "application/merge-patch+json",
            r => r.Headers.TryAddWithoutValidation("If-Match", staleTag)))
        {
            Assert.Equal(HttpStatusCode.OK, write.StatusCode);
        }
        // The writer reads its write at once (keyed: the primary).
        using (var own = await client.RequestAsync(HttpMethod.Get, Event, topology.Key))
        {
            Assert.Contains("\"postponed\"", await own.Content.ReadAsStringAsync());
        }
        // An anonymous reader may see the standby's older state (within the lag allowed, here an hour)...
        using (var anonymous = await client.RequestAsync(HttpMethod.Get, Event))
        {
            Assert.True(FromStandby(anonymous));
            Assert.DoesNotContain("\"postponed\"", await anonymous.Content.ReadAsStringAsync());
            Assert.Equal(staleTag, anonymous.Headers.ETag!.ToString());
        }
        // ...but revalidating what it holds goes to the primary: a 200 with the write, never a stale 304.
        using (var revalidated = await client.RequestAsync(HttpMethod.Get, Event, headers: r => r.Headers.TryAddWithoutValidation("If-None-Match", staleTag)))
        {
            Assert.Equal(HttpStatusCode.OK, revalidated.StatusCode);
            Assert.False(FromStandby(revalidated));
            Assert.Contains("\"postponed\"", await revalidated.Content.ReadAsStringAsync());
        }
        await StandbySqlAsync(topology, "SELECT pg_wal_replay_resume()");
        Assert.True(await EventuallyAsync(async () =>
        {
            using var read = await client.RequestAsync(HttpMethod.Get, Event);
            return FromStandby(read) && (await read.Content.ReadAsStringAsync()).Contains("\"postponed\"", StringComparison.Ordinal);
        }, 10), "the standby did not catch up");
    }

    [Fact]
    public async Task A_standby_further_behind_than_allowed_is_not_read_from_until_it_catches_up()
    {
        await using var topology = await StartAsync();
        var client = topology.Client;
        await UntilReadsComeFromTheStandbyAsync(client);

        await StandbySqlAsync(topology, "SELECT pg_wal_replay_pause()");
        // Writes keep coming, so the standby's last replayed transaction gets older than the 2 s allowed.
        var lagged = await EventuallyAsync(async () =>
        {
            using var write = await client.RequestAsync(HttpMethod.Post, "/api/v1/institutions", topology.Key,
                $$"""{"slug":"lag-{{Guid.NewGuid():N}}","name":{"en":"Lag"},"kind":"other"}""");
            Assert.Equal(HttpStatusCode.Created, write.StatusCode);
            using var read = await client.RequestAsync(HttpMethod.Get, Event);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            return !FromStandby(read);
        }, 15);
        Assert.True(lagged, "reads kept going to a standby more than 2 s behind");

        await StandbySqlAsync(topology, "SELECT pg_wal_replay_resume()");
        Assert.True(await EventuallyAsync(async () =>
        {
            using var read = await client.RequestAsync(HttpMethod.Get, Event);
            return FromStandby(read);
        }, 10), "reads did not go back to the standby once it caught up");
    }

    [Fact]
    public async Task A_failover_refuses_writes_with_503s_not_500s_and_writes_resume_on_the_promoted_standby_without_a_restart()
    {
        await using var topology = await StartAsync();
        var client = topology.Client;
        var acknowledged = new List<string>();
        var statuses = new List<int>();
        using var stop = new CancellationTokenSource();
        var phase = 0; // 0: before the crash, 1: no primary, 2: promoted
        var firstWriteAfterPromotion = TimeSpan.Zero;
        var promotedAt = Stopwatch.StartNew();
        var writer = Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var slug = $"failover-{n}";
                using var response = await client.RequestAsync(HttpMethod.Post, "/api/v1/institutions", topology.Key,
                    $$"""{"slug":"{{slug}}","name":{"en":"Failover {{n}}"},"kind":"other"}""");
                var status = (int)response.StatusCode;
                lock (statuses)
                {
                    statuses.Add(status);
                    if (status == 201)
                    {
                        acknowledged.Add(slug);
                        if (Volatile.Read(ref phase) == 2 && firstWriteAfterPromotion == TimeSpan.Zero)
                        {
                            firstWriteAfterPromotion = promotedAt.Elapsed;
                        }
                    }
                }
                if (status == 503)
                {
                    Assert.NotNull(response.Headers.RetryAfter?.Delta);
                }
                await Task.Delay(20);
            }
        });
        await Task.Delay(1000);
        await topology.Primary.CrashAsync();
        Volatile.Write(ref phase, 1);
        await Task.Delay(1500);
        // Without a primary: writes are 503s, anonymous reads still come from the standby.
        int refused;
        lock (statuses)
        {
            refused = statuses.Count(s => s == 503);
        }
        using (var read = await client.RequestAsync(HttpMethod.Get, Event))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.True(FromStandby(read));
        }
        // The replica stays in the load balancer (ready, degraded): it still serves those reads.
        using (var ready = await client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Contains("degraded", await ready.Content.ReadAsStringAsync());
        }
        await topology.Standby.PromoteAsync();
        promotedAt.Restart();
        Volatile.Write(ref phase, 2);
        Assert.True(await EventuallyAsync(() =>
        {
            lock (statuses)
            {
                return Task.FromResult(firstWriteAfterPromotion != TimeSpan.Zero);
            }
        }, 20),
            "no write succeeded within 20 s of the promotion");
        stop.Cancel();
        await writer;

        Assert.True(refused > 0, "no write was refused while there was no primary");
        Assert.All(statuses, s => Assert.True(s is 201 or 503, $"a write answered {s}"));
        Assert.True(firstWriteAfterPromotion < TimeSpan.FromSeconds(10), $"writes resumed {firstWriteAfterPromotion} after the promotion");
        // Every acknowledged write is on the new primary: replication is synchronous, so the old primary acknowledged
        // a commit only once the standby had flushed it.
        await using var connection = new NpgsqlConnection(topology.StandbyConnection);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT slug FROM institutions WHERE slug LIKE 'failover-%'", connection);
        var present = new HashSet<string>();
        await using (var reader = await count.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                present.Add(reader.GetString(0));
            }
        }
        Assert.Empty(acknowledged.Except(present));
    }

    [Fact]
    public async Task A_write_the_synchronous_standby_did_not_confirm_is_a_503_not_an_acknowledgement()
    {
        await using var topology = await StartAsync(new Dictionary<string, string> { ["Database:CommandTimeoutSeconds"] = "1" });
        var client = topology.Client;
        using (var before = await client.RequestAsync(HttpMethod.Post, "/api/v1/institutions", topology.Key,
            """{"slug":"confirmed","name":{"en":"Confirmed"},"kind":"other"}"""))
        {
            Assert.Equal(HttpStatusCode.Created, before.StatusCode);
        }
        await topology.Standby.CrashAsync();
        var watch = Stopwatch.StartNew();
        using (var write = await client.RequestAsync(HttpMethod.Post, "/api/v1/institutions", topology.Key,
            """{"slug":"unconfirmed","name":{"en":"Unconfirmed"},"kind":"other"}""", headers: r => r.Headers.Add("Idempotency-Key", "unconfirmed")))
        {
            var body = await write.Content.ReadAsStringAsync();
            Assert.True(write.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)write.StatusCode}: {body}");
            Assert.NotNull(write.Headers.RetryAfter?.Delta);
            Assert.Contains("replication_unconfirmed", body);
            Assert.DoesNotContain("synchronous", body); // no driver text
        }
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"the write took {watch.Elapsed}");
        // Once the standby is back, the retry with the same key answers what the write did.
        await topology.Standby.RestartAsync();
        Assert.True(await EventuallyAsync(async () =>
        {
            using var retry = await client.RequestAsync(HttpMethod.Post, "/api/v1/institutions", topology.Key,
                """{"slug":"unconfirmed","name":{"en":"Unconfirmed"},"kind":"other"}""", headers: r => r.Headers.Add("Idempotency-Key", "unconfirmed"));
            return retry.StatusCode == HttpStatusCode.Created;
        }, 20), "the retry never answered 201");
    }

    [Fact]
    public async Task A_standby_cut_off_from_a_primary_that_answers_is_not_read_from()
    {
        await using var topology = await StartAsync();
        var client = topology.Client;
        await UntilReadsComeFromTheStandbyAsync(client);
        // The standby stops streaming (its replayed WAL is all it received, so it looks current), and the primary
        // stops waiting for it.
        await using (var primary = new NpgsqlConnection($"Host=127.0.0.1;Port={topology.Primary.Port};Username=postgres;Database=postgres;Pooling=false"))
        {
            await primary.OpenAsync();
            foreach (var sql in new[] { "ALTER SYSTEM SET synchronous_standby_names = ''", "SELECT pg_reload_conf()" })
            {
                await using var command = new NpgsqlCommand(sql, primary);
                await command.ExecuteNonQueryAsync();
            }
        }
        await StandbySqlAsync(topology, "ALTER SYSTEM SET primary_conninfo = ''");
        await StandbySqlAsync(topology, "SELECT pg_reload_conf()");
        using (var before = await client.RequestAsync(HttpMethod.Get, Event, topology.Key))
        using (var write = await client.RequestAsync(HttpMethod.Patch, Event, topology.Key, """{"status":"postponed"}""", "application/merge-patch+json",
            r => r.Headers.TryAddWithoutValidation("If-Match", before.Headers.ETag!.ToString())))
        {
            Assert.Equal(HttpStatusCode.OK, write.StatusCode);
        }
        Assert.True(await EventuallyAsync(async () =>
        {
            using var read = await client.RequestAsync(HttpMethod.Get, Event);
            return !FromStandby(read) && (await read.Content.ReadAsStringAsync()).Contains("\"postponed\"", StringComparison.Ordinal);
        }, 10), "anonymous reads kept coming from a standby that no longer streams");
    }

    [Fact]
    public async Task A_frozen_primary_leaves_replicas_ready_degraded_and_reads_served_by_the_standby()
    {
        await using var topology = await StartAsync();
        var client = topology.Client;
        await UntilReadsComeFromTheStandbyAsync(client);
        await topology.Primary.FreezeAsync();
        try
        {
            var watch = Stopwatch.StartNew();
            using (var ready = await client.GetAsync("/health/ready"))
            {
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
                Assert.Contains("degraded", await ready.Content.ReadAsStringAsync());
            }
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"the probe took {watch.Elapsed}");
            using var read = await client.RequestAsync(HttpMethod.Get, Event);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }
        finally
        {
            await topology.Primary.ThawAsync();
        }
    }

    [Fact]
    public void A_read_the_standby_cancelled_for_its_replication_is_a_503_cause()
    {
        var conflict = new PostgresException("canceling statement due to conflict with recovery", "ERROR", "ERROR", PostgresErrorCodes.SerializationFailure);
        Assert.Equal("standby_conflict", RoundTable.Api.Errors.DatabaseFaults.Code(conflict));
        Assert.NotNull(RoundTable.Api.Errors.DatabaseFaults.Cause(conflict));
        var serialization = new PostgresException("could not serialize access due to concurrent update", "ERROR", "ERROR", PostgresErrorCodes.SerializationFailure);
        Assert.Null(RoundTable.Api.Errors.DatabaseFaults.Code(serialization));
    }
}
