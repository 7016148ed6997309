using System.Net;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Health;

public sealed class HealthAndErrorTests : ApiTest
{
    [Fact]
    public async Task Live_and_ready_answer_healthy_on_a_migrated_database()
    {
        var live = await GetAsync<HealthDto>("/health/live");
        Assert.Equal("healthy", live.Status);
        Assert.Empty(live.Checks);
        var ready = await GetAsync<HealthDto>("/health/ready");
        Assert.Equal("healthy", ready.Status);
        Assert.Equal("reachable, migrations applied", Assert.Single(ready.Checks, c => c.Key == "database").Value);
    }

    [Fact]
    public async Task Unknown_routes_are_404_problems_and_unknown_methods_405_problems()
    {
        await GetProblemAsync("/api/v1/nothing-here", 404);

        using var response = await Client.PutAsync("/api/v1/events", new StringContent("{}"));
        await ProblemAsync(response, HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task A_database_failure_is_a_500_problem_without_internals_and_not_ready()
    {
        await using var broken = CreateFactory(ConnectionString.Replace(
            new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString).Database!, "database_that_does_not_exist", StringComparison.Ordinal));
        using var client = broken.CreateContractClient();

        using var response = await client.GetAsync("/api/v1/events/iitu-snu-round-table-2024");
        var body = await response.Content.ReadAsStringAsync();
        var problem = await ProblemAsync(response, HttpStatusCode.InternalServerError);
        Assert.Equal(500, problem.Status);
        Assert.DoesNotContain("database_that_does_not_exist", body);

        using var ready = await client.GetAsync("/health/ready");
        AssertNoInternals(await ready.Content.ReadAsStringAsync());
        var health = await ReadAsync<HealthDto>(ready, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("unhealthy", health.Status);
        // The check's reason ("database unreachable") goes to the log only: the probe says unhealthy.
        Assert.Equal("unhealthy", health.Checks["database"]);
    }
}
