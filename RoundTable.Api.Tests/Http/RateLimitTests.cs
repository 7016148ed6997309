using System.Net;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Http;

public sealed class RateLimitTests : WriteApiTest
{
    [Fact]
    public async Task Over_the_limit_the_answer_is_a_429_problem_with_retry_after_and_ratelimit_headers()
    {
        await using var limited = CreateFactory(ConnectionString, settings: new Dictionary<string, string>
        {
            ["RateLimits:PermitsPerAddress"] = "3",
            ["RateLimits:PermitsPerKey"] = "5",
            ["RateLimits:WindowSeconds"] = "3600",
        });
        using var client = limited.CreateContractClient();

        for (var i = 0; i < 3; i++)
        {
            using var ok = await client.GetAsync("/api/v1/events");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        using var rejected = await client.GetAsync("/api/v1/events");
        var problem = await ProblemAsync(rejected, HttpStatusCode.TooManyRequests);
        Assert.Contains("3 requests", problem.Detail);
        Assert.True(int.Parse(rejected.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal("\"default\";q=3;w=3600", rejected.Headers.GetValues("RateLimit-Policy").Single());
        Assert.StartsWith("\"default\";r=0;t=", rejected.Headers.GetValues("RateLimit").Single());

        // A key has its own, larger allowance; health probes are never limited.
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminKey);
        using var keyed = await client.GetAsync("/api/v1/events");
        Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
        client.DefaultRequestHeaders.Authorization = null;
        using var health = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    /// <summary>Seconds left in the current window: windows start at multiples of their length since the Unix epoch.</summary>
    private static int SecondsLeft(int window) => window - (int)(DateTimeOffset.UtcNow.ToUnixTimeSeconds() % window);

    private static (int Remaining, int Reset) Parse(HttpResponseMessage response)
    {
        var value = response.Headers.GetValues("RateLimit").Single(); // "default";r=2;t=17
        var parts = value.Split(';').Skip(1).ToDictionary(p => p[..p.IndexOf('=')], p => int.Parse(p[(p.IndexOf('=') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        return (parts["r"], parts["t"]);
    }

    [Fact]
    public async Task Every_answer_says_the_requests_and_the_seconds_left_in_the_window_and_a_429_waits_only_those()
    {
        const int window = 7200;
        await using var limited = CreateFactory(ConnectionString, settings: new Dictionary<string, string>
        {
            ["RateLimits:PermitsPerAddress"] = "2",
            ["RateLimits:WindowSeconds"] = window.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        using var client = limited.CreateContractClient();

        using var first = await client.GetAsync("/api/v1/events/iitu-snu-round-table-2024");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("\"default\";q=2;w=7200", first.Headers.GetValues("RateLimit-Policy").Single());
        var (remaining, reset) = Parse(first);
        Assert.Equal(1, remaining);
        Assert.InRange(reset, SecondsLeft(window) - 2, SecondsLeft(window) + 1);

        using var second = await client.GetAsync("/api/v1/events");
        Assert.Equal(0, Parse(second).Remaining);

        using var rejected = await client.GetAsync("/api/v1/events");
        Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
        var retryAfter = int.Parse(rejected.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, SecondsLeft(window) - 2, SecondsLeft(window) + 1);
        Assert.Equal((0, retryAfter), Parse(rejected));
    }
}
