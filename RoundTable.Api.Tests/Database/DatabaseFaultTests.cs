using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Database;

/// <summary>
/// A database that is missing, refusing, out of connections or too slow is a 503 problem with Retry-After and a cause
/// (never a 500 or a hang), and the API that starts before its database listens, reports not ready, and migrates and
/// seeds when the database appears.
/// </summary>
public sealed class DatabaseFaultTests : ApiTest
{
    private static async Task<JsonNode> AssertUnavailableAsync(HttpResponseMessage response, string cause)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: > 0 }, "no Retry-After in seconds");
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        AssertNoInternals(body);
        var problem = JsonNode.Parse(body)!;
        Assert.Equal(cause, (string?)problem["cause"]);
        return problem;
    }

    /// <summary>A transaction holding the events table exclusively until disposed: reads of it wait behind the lock.</summary>
    private sealed record EventsLock(NpgsqlConnection Connection, NpgsqlTransaction Transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }

    private async Task<EventsLock> LockEventsAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var lockEvents = new NpgsqlCommand("LOCK TABLE events IN ACCESS EXCLUSIVE MODE", connection, transaction);
        await lockEvents.ExecuteNonQueryAsync();
        return new EventsLock(connection, transaction);
    }

    [Fact]
    public async Task A_database_that_refuses_connections_is_a_503_with_retry_after_for_reads_writes_and_readiness()
    {
        await using var factory = CreateFactory("Host=127.0.0.1;Port=1;Database=nowhere;Username=nobody;Password=none");
        using var client = factory.CreateContractClient();

        using var read = await client.GetAsync("/api/v1/events/iitu-snu-round-table-2024");
        await AssertUnavailableAsync(read, "unavailable");
        using var list = await client.GetAsync("/api/v1/events?q=digital");
        await AssertUnavailableAsync(list, "unavailable");
        using var write = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        write.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "rt_0123456789abcdef0123456789abcdef");
        await AssertUnavailableAsync(await client.SendAsync(write), "unavailable");
        using var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    [Fact]
    public async Task A_read_on_a_connection_the_database_dropped_is_retried_once_and_served()
    {
        // Every read reads the database state (no reuse), so the first query of the next request meets a dropped connection.
        await using var factory = CreateFactory(ConnectionString, settings: new Dictionary<string, string> { ["Caching:StateReuseMilliseconds"] = "0" });
        using var client = factory.CreateContractClient();
        (await client.GetAsync("/api/v1/events/iitu-snu-round-table-2024")).EnsureSuccessStatusCode();
        // What a database restart leaves in the pool: connections whose server side is gone.
        await using (var admin = new NpgsqlConnection(ConnectionString))
        {
            await admin.OpenAsync();
            await using var terminate = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", admin);
            Assert.True((long)(await terminate.ExecuteScalarAsync())! > 0);
        }
        await Task.Delay(200);
        using var read = await client.GetAsync("/api/v1/events/iitu-snu-round-table-2024");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using var list = await client.GetAsync("/api/v1/events?limit=5");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    [Fact]
    public async Task An_exhausted_pool_is_a_503_after_the_bounded_wait()
    {
        await using var factory = CreateFactory(ConnectionString + ";Maximum Pool Size=1;Timeout=1");
        using var client = factory.CreateContractClient();
        var dataSource = factory.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var held = await dataSource.OpenConnectionAsync())
        {
            using var response = await client.GetAsync("/api/v1/events/iitu-snu-round-table-2024");
            await AssertUnavailableAsync(response, "pool_timeout");
        }
        using var after = await client.GetAsync("/api/v1/events/iitu-snu-round-table-2024");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task A_statement_past_its_deadline_is_a_503_and_the_next_request_is_served()
    {
        await using var factory = CreateFactory(ConnectionString, settings: new Dictionary<string, string> { ["Database:CommandTimeoutSeconds"] = "1" });
        using var client = factory.CreateContractClient();
        (await client.GetAsync("/api/v1/events/iitu-snu-round-table-2024")).EnsureSuccessStatusCode();
        await using (var locker = await LockEventsAsync())
        {
            using var response = await client.GetAsync("/api/v1/events/iitu-snu-round-table-2024");
            await AssertUnavailableAsync(response, "timeout");
        }
        using var after = await client.GetAsync("/api/v1/events/iitu-snu-round-table-2024");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task A_request_past_its_deadline_is_a_503_and_its_database_work_is_cancelled()
    {
        await using var factory = CreateFactory(ConnectionString, settings: new Dictionary<string, string>
        {
            ["Limits:RequestTimeoutSeconds"] = "1",
            ["Database:CommandTimeoutSeconds"] = "30",
        });
        using var client = factory.CreateContractClient();
        (await client.GetAsync("/api/v1/events/iitu-snu-round-table-2024")).EnsureSuccessStatusCode();
        await using (var locker = await LockEventsAsync())
        {
            using var response = await client.GetAsync("/api/v1/events/iitu-snu-round-table-2024");
            await AssertUnavailableAsync(response, "request_timeout");
            // The statement was cancelled, not left waiting behind the lock.
            await using var waiting = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()", locker.Connection, locker.Transaction);
            var waiters = 1L;
            for (var i = 0; i < 50 && waiters > 0; i++)
            {
                waiters = (long)(await waiting.ExecuteScalarAsync())!;
                await Task.Delay(100);
            }
            Assert.Equal(0, waiters);
        }
    }

    [Fact]
    public async Task The_api_started_before_its_database_listens_reports_not_ready_and_prepares_it_when_it_appears()
    {
        var late = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = $"late_{Guid.NewGuid():N}" };
        var server = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        try
        {
            await using (var factory = CreateFactory(late.ConnectionString, prepareDatabase: true,
                settings: new Dictionary<string, string> { ["Database:StartupRetrySeconds"] = "0.1" }))
            {
                using var client = factory.CreateContractClient(); // starts the app: it must not throw
                using (var ready = await client.GetAsync("/health/ready"))
                {
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                }
                using (var read = await client.GetAsync("/api/v1/events/iitu-snu-round-table-2024"))
                {
                    await AssertUnavailableAsync(read, "not_prepared");
                }

                await using (var connection = new NpgsqlConnection(server))
                {
                    await connection.OpenAsync();
                    await using var create = new NpgsqlCommand($"CREATE DATABASE {late.Database}", connection);
                    await create.ExecuteNonQueryAsync();
                }
                Assert.True(await WaitUntilReadyAsync(client, seconds: 60), "not ready a minute after the database appeared");
                using var served = await client.GetAsync("/api/v1/events/iitu-snu-round-table-2024");
                Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {late.Database} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
