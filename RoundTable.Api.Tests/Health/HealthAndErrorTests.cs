using System.Net;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Health;

public sealed class HealthAndErrorTests : ApiTest
{
    [Fact]
    public async Task Live_and_ready_answer_healthy_on_a_migrated_database()
    {
        var live = await GetJsonAsync("/health/live");
        Assert.Equal("healthy", live["status"]!.GetValue<string>());
        var ready = await GetJsonAsync("/health/ready");
        Assert.Equal("healthy", ready["status"]!.GetValue<string>());
        Assert.Equal("reachable, migrations applied", ready["checks"]!["database"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_routes_are_404_problems_and_unknown_methods_405_problems()
    {
        await GetProblemAsync("/api/v1/nothing-here", 404);

        using var response = await Client.PutAsync("/api/v1/events", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_database_failure_is_a_500_problem_without_internals_and_not_ready()
    {
        await using var broken = CreateFactory(ConnectionString.Replace(
            new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString).Database!, "database_that_does_not_exist", StringComparison.Ordinal));
        using var client = broken.CreateClient();

        using var response = await client.GetAsync("/api/v1/events/iitu-snu-round-table-2024");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"status\":500", body);
        AssertNoInternals(body);
        Assert.DoesNotContain("database_that_does_not_exist", body);

        using var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        AssertNoInternals(await ready.Content.ReadAsStringAsync());
    }
}
