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
}
