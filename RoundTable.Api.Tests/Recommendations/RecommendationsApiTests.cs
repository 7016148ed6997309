using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Recommendations;

public sealed class RecommendationsApiTests : ApiTest
{
    [Fact]
    public async Task A_recommendation_has_its_event_themes_proposers_and_status_history()
    {
        var r = await GetJsonAsync("/api/v1/recommendations/review-civil-service-competencies-for-digital-technologies");

        Assert.Equal("iitu-snu-round-table-2024", r["event"]!["slug"]!.GetValue<string>());
        Assert.Equal(["civil-service-competencies", "digital-literacy"], r["themes"]!.AsArray().Select(t => t!["slug"]!.GetValue<string>()));
        Assert.Equal("Civil servants", r["targetAudience"]!.GetValue<string>());
        var proposer = Assert.Single(r["proposedBy"]!.AsArray())!;
        Assert.Equal("a-k-khikmetov", proposer["speaker"]!["slug"]!.GetValue<string>());
        Assert.Equal("iitu", proposer["institution"]!["slug"]!.GetValue<string>());
        var change = Assert.Single(r["statusHistory"]!.AsArray())!;
        Assert.Equal("proposed", change["status"]!.GetValue<string>());
        Assert.Equal("2024-07-29", change["changedOn"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_recommendations_event_and_proposers_are_reachable()
    {
        var ev = await GetJsonAsync("/api/v1/recommendations/urgently-raise-civil-servants-digital-literacy/event");
        Assert.Equal("iitu-snu-round-table-2024", ev["slug"]!.GetValue<string>());

        var proposers = await WalkAsync("/api/v1/recommendations/urgently-raise-civil-servants-digital-literacy/proposers", 1);
        Assert.Single(proposers);

        // The report names no proposer for the closing summary: the list is empty, not invented.
        Assert.Empty(await WalkAsync("/api/v1/recommendations/further-steps-to-implement-digital-solutions-in-public-service/proposers", 5));
    }

    [Fact]
    public async Task The_list_walks_every_recommendation_and_unknown_ones_are_404()
    {
        var all = await WalkAsync("/api/v1/recommendations", 1);
        Assert.Equal(4, all.Select(r => r["id"]!.GetValue<string>()).Distinct().Count());

        await GetProblemAsync("/api/v1/recommendations/none-such", 404);
        await GetProblemAsync("/api/v1/recommendations/none-such/event", 404);
        await GetProblemAsync("/api/v1/recommendations/none-such/proposers", 404);
    }
}
