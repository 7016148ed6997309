using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Health;

/// <summary>A stop signal turns readiness off at once while requests are still served for the drain delay.</summary>
public sealed class GracefulShutdownTests : ApiTest
{
    [Fact]
    public async Task On_a_stop_signal_readiness_turns_off_while_requests_are_still_served()
    {
        await using var factory = CreateFactory(ConnectionString, settings: new Dictionary<string, string> { ["Shutdown:DrainDelaySeconds"] = "3" });
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        var lifetime = factory.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = Task.Run(lifetime.StopApplication); // its stopping callbacks block for the drain delay
        var ready = HttpStatusCode.OK;
        for (var i = 0; i < 50 && ready == HttpStatusCode.OK; i++)
        {
            await Task.Delay(20);
            using var probe = await client.GetAsync("/health/ready");
            ready = probe.StatusCode;
        }
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready);
        using var served = await client.GetAsync("/api/v1/events/iitu-snu-round-table-2024");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.False(stopping.IsCompleted, "the drain delay ended before the requests above");
        await stopping;
    }
}
