using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Http;

/// <summary>Behind a proxy, and at the edges of what a request may be: forwarded headers, nosniff, 414 and 431 problems.</summary>
public sealed class ProxyAndLimitTests : ApiTest
{
    private const string EventLd = "/api/v1/events/iitu-snu-round-table-2024.jsonld";

    private static async Task<string> IdOfAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, EventLd);
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "events.example.kz");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["@id"]!;
    }

    /// <summary>The test server gives requests no client address; a real one always has one: 127.0.0.1 here.</summary>
    private sealed class FromLoopback : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress ??= IPAddress.Loopback;
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private WebApplicationFactory<Program> Trusting(string proxy) =>
        CreateFactory(ConnectionString, settings: new Dictionary<string, string> { ["Proxy:TrustedProxies:0"] = proxy })
            .WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IStartupFilter, FromLoopback>()));

    [Fact]
    public async Task Forwarded_scheme_and_host_from_a_trusted_proxy_make_the_urls_and_from_others_are_ignored()
    {
        // The test server's requests come from 127.0.0.1 (as a proxy on the same machine would).
        await using var trusting = Trusting("127.0.0.1");
        using var behindProxy = trusting.CreateContractClient();
        Assert.StartsWith("https://events.example.kz/", await IdOfAsync(behindProxy), StringComparison.Ordinal);

        await using var other = Trusting("10.1.2.3");
        using var direct = other.CreateContractClient();
        Assert.DoesNotContain("events.example.kz", await IdOfAsync(direct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_answer_says_nosniff()
    {
        using var ok = await Client.GetAsync("/api/v1/events?limit=1");
        Assert.Equal("nosniff", ok.Headers.GetValues("X-Content-Type-Options").Single());
        using var problem = await Client.GetAsync("/api/v1/events/no-such-event");
        Assert.Equal("nosniff", problem.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task A_url_or_headers_past_the_limits_are_414_and_431_problems()
    {
        using var longUrl = await Client.GetAsync("/api/v1/events?q=" + new string('a', 9000));
        Assert.Equal(HttpStatusCode.RequestUriTooLong, longUrl.StatusCode);
        Assert.Equal("application/problem+json", longUrl.Content.Headers.ContentType?.MediaType);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events?limit=1");
        for (var i = 0; i < 5; i++)
        {
            request.Headers.Add($"X-Padding-{i}", new string('b', 8000));
        }
        using var bigHeaders = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, bigHeaders.StatusCode);
        Assert.Equal("application/problem+json", bigHeaders.Content.Headers.ContentType?.MediaType);
    }
}
