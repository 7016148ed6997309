using System.Net;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Http;

public sealed class CorsTests : ApiTest
{
    [Fact]
    public async Task Cors_allows_the_configured_origins_and_exposes_the_headers_frontends_read()
    {
        await using var factory = CreateFactory(ConnectionString, settings: new Dictionary<string, string> { ["Cors:Origins:0"] = "https://events.example.kz" });
        using var client = factory.CreateContractClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1/events/iitu-snu-round-table-2024");
        preflight.Headers.Add("Origin", "https://events.example.kz");
        preflight.Headers.Add("Access-Control-Request-Method", "PATCH");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization, if-match, content-type");
        using var allowed = await client.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal("https://events.example.kz", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("PATCH", allowed.Headers.GetValues("Access-Control-Allow-Methods").Single());

        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events?limit=1");
        get.Headers.Add("Origin", "https://events.example.kz");
        using var read = await client.SendAsync(get);
        var exposed = read.Headers.GetValues("Access-Control-Expose-Headers").Single();
        foreach (var header in new[] { "ETag", "Link", "Location", "RateLimit", "RateLimit-Policy", "Retry-After", "Last-Modified" })
        {
            Assert.Contains(header, exposed, StringComparison.OrdinalIgnoreCase);
        }

        using var other = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events?limit=1");
        other.Headers.Add("Origin", "https://evil.example");
        using var refused = await client.SendAsync(other);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
