using System.Net;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Http;

public sealed class BodyLimitTests : WriteApiTest
{
    [Fact]
    public async Task A_body_over_the_limit_is_a_413_problem_and_changes_nothing()
    {
        var before = await DatabaseFingerprintAsync();
        var huge = "{\"slug\":\"huge\",\"summary\":{\"en\":\"" + new string('x', 70 * 1024) + "\"}}";
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/events", AdminKey, huge);
        var problem = await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("65536", problem.Detail);
        Assert.Equal(before, await DatabaseFingerprintAsync());
    }
}
