using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Scale;

/// <summary>
/// Rate limits shared by replicas through Redis (ConnectionStrings:Redis): the limit holds for all of them together,
/// with the same headers as on one process, and an outage of Redis lets requests through rather than failing them.
/// </summary>
public sealed class SharedRateLimitTests : WriteApiTest
{
    private const int Window = 3600;

    private async Task<List<WebApplicationFactory<Program>>> ReplicasAsync(int count, int permits, string? redis = null)
    {
        redis ??= await TestRedis.ConnectionStringAsync();
        var prefix = "test-" + Guid.NewGuid().ToString("N")[..12];
        return Enumerable.Range(0, count).Select(_ => CreateFactory(ConnectionString, settings: new Dictionary<string, string>
        {
            ["ConnectionStrings:Redis"] = redis,
            ["RateLimits:KeyPrefix"] = prefix,
            ["RateLimits:PermitsPerAddress"] = permits.ToString(CultureInfo.InvariantCulture),
            ["RateLimits:PermitsPerKey"] = permits.ToString(CultureInfo.InvariantCulture),
            ["RateLimits:WindowSeconds"] = Window.ToString(CultureInfo.InvariantCulture),
        })).ToList();
    }

    /// <summary>Waits out the end of a window, so that a test's requests all fall in one.</summary>
    private static async Task InOneWindowAsync(int seconds)
    {
        var left = Window - (int)(DateTimeOffset.UtcNow.ToUnixTimeSeconds() % Window);
        if (left < seconds)
        {
            await Task.Delay(TimeSpan.FromSeconds(left + 1));
        }
    }

    private static (int Remaining, int Reset) Parse(HttpResponseMessage response)
    {
        var parts = response.Headers.GetValues("RateLimit").Single().Split(';').Skip(1)
            .ToDictionary(p => p[..p.IndexOf('=')], p => int.Parse(p[(p.IndexOf('=') + 1)..], CultureInfo.InvariantCulture));
        return (parts["r"], parts["t"]);
    }

    [Fact]
    public async Task The_limit_plus_ten_requests_spread_over_three_replicas_get_exactly_ten_429s()
    {
        const int limit = 30;
        var factories = await ReplicasAsync(3, limit);
        try
        {
            var clients = factories.Select(f => f.CreateContractClient()).ToList();
            await InOneWindowAsync(60);
            var statuses = new List<HttpStatusCode>();
            var remaining = new List<int>();
            for (var i = 0; i < limit + 10; i++)
            {
                using var response = await clients[i % 3].GetAsync("/api/v1/events?limit=1");
                statuses.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    remaining.Add(Parse(response).Remaining);
                }
                else
                {
                    await ProblemAsync(response, HttpStatusCode.TooManyRequests);
                    Assert.True(int.Parse(response.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture) > 0);
                }
            }
            Assert.Equal(limit, statuses.Count(s => s == HttpStatusCode.OK));
            Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
            Assert.All(statuses.Skip(limit), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
            // The allowance left counts down across the replicas: every answer counts the others' requests.
            Assert.Equal(Enumerable.Range(0, limit).Select(i => limit - 1 - i), remaining);

            // A key has its own allowance, shared too.
            foreach (var client in clients)
            {
                client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminKey);
            }
            using var keyed = await clients[1].GetAsync("/api/v1/events?limit=1");
            Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
            Assert.Equal(limit - 1, Parse(keyed).Remaining);
            using var keyedOther = await clients[2].GetAsync("/api/v1/events?limit=1");
            Assert.Equal(limit - 2, Parse(keyedOther).Remaining);
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
        finally
        {
            foreach (var factory in factories)
            {
                await factory.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task The_window_and_retry_after_are_the_clocks_as_on_one_process()
    {
        var factories = await ReplicasAsync(2, 2);
        try
        {
            var a = factories[0].CreateContractClient();
            var b = factories[1].CreateContractClient();
            await InOneWindowAsync(30);
            using var first = await a.GetAsync("/api/v1/events?limit=1");
            Assert.Equal("\"default\";q=2;w=3600", first.Headers.GetValues("RateLimit-Policy").Single());
            var left = Window - (int)(DateTimeOffset.UtcNow.ToUnixTimeSeconds() % Window);
            var (remaining, reset) = Parse(first);
            Assert.Equal(1, remaining);
            Assert.InRange(reset, left - 2, left + 1);
            using var second = await b.GetAsync("/api/v1/events?limit=1");
            Assert.Equal(0, Parse(second).Remaining);
            using var rejected = await a.GetAsync("/api/v1/events?limit=1");
            Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
            var retryAfter = int.Parse(rejected.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
            Assert.InRange(retryAfter, left - 2, left + 1);
            Assert.Equal((0, retryAfter), Parse(rejected));
            // Health probes are never limited.
            using var health = await b.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            a.Dispose();
            b.Dispose();
        }
        finally
        {
            foreach (var factory in factories)
            {
                await factory.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task When_redis_does_not_answer_requests_go_through_unlimited_not_failed()
    {
        // Nothing listens on port 1.
        var factories = await ReplicasAsync(1, 1, redis: "127.0.0.1:1");
        try
        {
            using var client = factories[0].CreateContractClient();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; i < 3; i++)
            {
                using var response = await client.GetAsync("/api/v1/events?limit=1");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.False(response.Headers.Contains("RateLimit"));
            }
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"3 requests took {watch.Elapsed}");
        }
        finally
        {
            await factories[0].DisposeAsync();
        }
    }
}
