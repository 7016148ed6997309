using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Recommendations;

public sealed class RecommendationReadTests : ApiTest
{
    [Fact]
    public async Task A_recommendation_has_its_event_themes_proposers_and_status_history()
    {
        var r = await GetAsync<RecommendationDto>("/api/v1/recommendations/review-civil-service-competencies-for-digital-technologies");

        Assert.Equal("iitu-snu-round-table-2024", r.Event.Slug);
        Assert.Equal(["civil-service-competencies", "digital-literacy"], r.Themes.Select(t => t.Slug));
        Assert.Equal("Civil servants", r.TargetAudience);
        var proposer = Assert.Single(r.ProposedBy);
        Assert.Equal("a-k-khikmetov", proposer.Speaker?.Slug);
        Assert.Equal("iitu", proposer.Institution?.Slug);
        var change = Assert.Single(r.StatusHistory);
        Assert.Equal("proposed", change.Status);
        Assert.Equal(new DateOnly(2024, 7, 29), change.ChangedOn);
    }

    [Fact]
    public async Task A_recommendations_event_and_proposers_are_reachable()
    {
        var ev = await GetAsync<EventSummaryDto>("/api/v1/recommendations/urgently-raise-civil-servants-digital-literacy/event");
        Assert.Equal("iitu-snu-round-table-2024", ev.Slug);

        var proposers = await WalkAsync<ProposerDto>("/api/v1/recommendations/urgently-raise-civil-servants-digital-literacy/proposers", 1);
        var proposer = Assert.Single(proposers);
        Assert.Equal("a-k-khikmetov", proposer.Speaker?.Slug);

        // The report names no proposer for the closing summary: the list is empty, not invented.
        Assert.Empty(await WalkAsync<ProposerDto>("/api/v1/recommendations/further-steps-to-implement-digital-solutions-in-public-service/proposers", 5));
    }

    [Fact]
    public async Task The_list_walks_every_recommendation_and_unknown_ones_are_404()
    {
        var all = await WalkAsync<RecommendationSummaryDto>("/api/v1/recommendations", 1);
        Assert.Equal(4, all.Select(r => r.Id).Distinct().Count());

        await GetProblemAsync("/api/v1/recommendations/none-such", 404);
        await GetProblemAsync("/api/v1/recommendations/none-such/event", 404);
        await GetProblemAsync("/api/v1/recommendations/none-such/proposers", 404);
    }
}
