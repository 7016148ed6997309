using System.Net;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Recommendations;

public sealed class RecommendationWriteTests : WriteApiTest
{
    private static object Recommendation(string slug, string @event = "iitu-snu-round-table-2024", string[]? themes = null, object[]? proposers = null) => new
    {
        slug,
        @event,
        title = new Dictionary<string, string> { ["en"] = "Train civil servants in data analysis", ["ru"] = "Обучать госслужащих анализу данных" },
        body = new { en = "Analytical skills for every civil servant." },
        targetAudience = new { en = "Civil servants" },
        themes = themes ?? ["analytical-skills", "civil-service-competencies"],
        proposedBy = proposers ?? [new { speaker = "kilkon-ko", institution = "seoul-national-university" }],
    };

    private static string Proposer(ProposerDto p) => $"{p.Speaker?.Slug}/{p.Institution?.Slug}";

    private Task<HttpResponseMessage> ChangeStatusAsync(string slug, string status, string ifMatch, string key, string? changedOn = null) =>
        SendAsync(HttpMethod.Post, $"/api/v1/recommendations/{slug}/status-changes", key, new { status, changedOn }, ifMatch);

    [Fact]
    public async Task A_partner_writes_a_recommendation_of_its_event_and_moves_it_through_its_statuses()
    {
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/recommendations", IituKey, Recommendation("data-analysis-training"));
        var body = await ReadAsync<RecommendationDto>(created, HttpStatusCode.Created);
        Assert.Equal("proposed", body.Status);
        Assert.Equal("Train civil servants in data analysis", body.Title);
        Assert.Equal(["analytical-skills", "civil-service-competencies"], body.Themes.Select(t => t.Slug));
        var proposer = Assert.Single(body.ProposedBy);
        Assert.Equal("kilkon-ko", proposer.Speaker?.Slug);
        Assert.Equal("seoul-national-university", proposer.Institution?.Slug);
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow), Assert.Single(body.StatusHistory).ChangedOn);
        Assert.Equal(1, body.Version);
        AssertSameJson(body, await GetAsync<RecommendationDto>("/api/v1/recommendations/data-analysis-training"));
        Assert.Contains(await WalkAsync<RecommendationSummaryDto>("/api/v1/events/iitu-snu-round-table-2024/recommendations", 10), r => r.Slug == "data-analysis-training");

        using var patched = await SendAsync(HttpMethod.Patch, "/api/v1/recommendations/data-analysis-training", IituKey,
            """{"themes":["digital-literacy"],"proposedBy":[{"institution":"iitu"}]}""", "\"1\"", "application/merge-patch+json");
        var after = await ReadAsync<RecommendationDto>(patched, HttpStatusCode.OK);
        Assert.Equal(["digital-literacy"], after.Themes.Select(t => t.Slug));
        var institutionOnly = Assert.Single(after.ProposedBy);
        Assert.Equal("iitu", institutionOnly.Institution?.Slug);
        Assert.Null(institutionOnly.Speaker);
        Assert.Equal("Train civil servants in data analysis", after.Title);
        Assert.Equal(2, after.Version);

        var version = 2;
        foreach (var status in new[] { "accepted", "in_progress", "implemented" })
        {
            using var change = await ChangeStatusAsync("data-analysis-training", status, $"\"{version}\"", IituKey);
            var changed = await ReadAsync<RecommendationDto>(change, HttpStatusCode.Created);
            Assert.Equal(status, changed.Status);
            version++;
            Assert.Equal(version, VersionOf(change));
            Assert.Equal(version, changed.Version);
        }
        var history = (await GetAsync<RecommendationDto>("/api/v1/recommendations/data-analysis-training")).StatusHistory;
        Assert.Equal(["proposed", "accepted", "in_progress", "implemented"], history.Select(h => h.Status));

        var before = await DatabaseFingerprintAsync();
        using var final = await ChangeStatusAsync("data-analysis-training", "rejected", "*", IituKey);
        var finalProblem = await ProblemAsync(final, HttpStatusCode.BadRequest);
        AssertFieldError(finalProblem, "status");
        Assert.Contains("final", finalProblem.Errors!["status"][0]);
        using var early = await ChangeStatusAsync("urgently-raise-civil-servants-digital-literacy", "accepted", "*", IituKey, "2024-07-28");
        AssertFieldError(await ProblemAsync(early, HttpStatusCode.BadRequest), "changedOn");
        using var stale = await ChangeStatusAsync("data-analysis-training", "rejected", "\"2\"", IituKey);
        await ProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        using var noMatch = await ChangeStatusAsync("data-analysis-training", "rejected", null!, IituKey);
        await ProblemAsync(noMatch, HttpStatusCode.PreconditionRequired);
        Assert.Equal(before, await DatabaseFingerprintAsync());

        using var deleted = await SendAsync(HttpMethod.Delete, "/api/v1/recommendations/data-analysis-training", IituKey, ifMatch: $"\"{version}\"");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await GetProblemAsync("/api/v1/recommendations/data-analysis-training", 404);
    }

    [Fact]
    public async Task Skipping_backwards_is_refused_and_the_history_keeps_only_real_changes()
    {
        using var accepted = await ChangeStatusAsync("urgently-raise-civil-servants-digital-literacy", "accepted", "\"1\"", AdminKey);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        var read = await GetAsync<RecommendationDto>("/api/v1/recommendations/urgently-raise-civil-servants-digital-literacy");
        Assert.Equal("accepted", read.Status);
        Assert.Equal(["proposed", "accepted"], read.StatusHistory.Select(h => h.Status));
        Assert.Equal(2, read.Version);
        using var back = await ChangeStatusAsync("urgently-raise-civil-servants-digital-literacy", "proposed", "\"2\"", AdminKey);
        var problem = await ProblemAsync(back, HttpStatusCode.BadRequest);
        AssertFieldError(problem, "status");
        Assert.Contains("allowed: in_progress, implemented, rejected", problem.Errors!["status"][0]);
        Assert.Equal(2L, await ScalarAsync<long>("SELECT count(*) FROM recommendation_status_changes c JOIN recommendations r ON r.id = c.recommendation_id WHERE r.slug = 'urgently-raise-civil-servants-digital-literacy'"));
    }

    [Fact]
    public async Task Another_partner_cannot_write_recommendations_of_an_event_it_does_not_organize()
    {
        var before = await DatabaseFingerprintAsync();
        using var create = await SendAsync(HttpMethod.Post, "/api/v1/recommendations", SnuKey, Recommendation("snu-idea"));
        await ProblemAsync(create, HttpStatusCode.Forbidden);
        using var patch = await SendAsync(HttpMethod.Patch, "/api/v1/recommendations/urgently-raise-civil-servants-digital-literacy", SnuKey,
            """{"title":{"en":"Taken over"}}""", "*", "application/merge-patch+json");
        await ProblemAsync(patch, HttpStatusCode.Forbidden);
        using var status = await ChangeStatusAsync("urgently-raise-civil-servants-digital-literacy", "rejected", "*", SnuKey);
        await ProblemAsync(status, HttpStatusCode.Forbidden);
        using var delete = await SendAsync(HttpMethod.Delete, "/api/v1/recommendations/urgently-raise-civil-servants-digital-literacy", SnuKey, ifMatch: "*");
        await ProblemAsync(delete, HttpStatusCode.Forbidden);
        Assert.Equal(before, await DatabaseFingerprintAsync());
    }

    [Fact]
    public async Task Unknown_references_are_400_field_errors_and_change_nothing()
    {
        var before = await DatabaseFingerprintAsync();
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/recommendations", AdminKey, Recommendation("dangling",
            "no-such-event", ["no-such-theme"], [new { speaker = "nobody" }, new { institution = "nowhere" }, new { speaker = (string?)null, institution = (string?)null }]));
        var errors = (await ProblemAsync(response, HttpStatusCode.BadRequest)).Errors;
        Assert.NotNull(errors);
        Assert.True(errors.ContainsKey("proposedBy[2].proposer") || errors.ContainsKey("proposedBy[2]"), string.Join(", ", errors.Keys));

        using var resolved = await SendAsync(HttpMethod.Post, "/api/v1/recommendations", AdminKey, Recommendation("dangling",
            "no-such-event", ["no-such-theme"], [new { speaker = "nobody" }, new { institution = "nowhere" }]));
        var refs = (await ProblemAsync(resolved, HttpStatusCode.BadRequest)).Errors;
        Assert.NotNull(refs);
        Assert.Equal(["event", "proposedBy[0].speaker", "proposedBy[1].institution", "themes[0]"], refs.Keys.Order());
        Assert.Equal(before, await DatabaseFingerprintAsync());
    }

    [Fact]
    public async Task A_recommendation_proposed_by_an_institution_alone_takes_a_merge_patch()
    {
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/recommendations", IituKey,
            Recommendation("institution-only", proposers: [new { institution = "iitu" }, new { speaker = "kilkon-ko" }]));
        var proposers = (await ReadAsync<RecommendationDto>(created, HttpStatusCode.Created)).ProposedBy;
        Assert.Equal(2, proposers.Count);
        using var patched = await SendAsync(HttpMethod.Patch, "/api/v1/recommendations/institution-only", IituKey,
            """{"title":{"en":"Renamed"}}""", "\"1\"", "application/merge-patch+json");
        var body = await ReadAsync<RecommendationDto>(patched, HttpStatusCode.OK);
        Assert.Equal("Renamed", body.Title);
        Assert.Equal(2, body.Version);
        // The same proposers (their entries are written anew on every write, so their ids change).
        Assert.Equal(proposers.Select(Proposer).Order(), body.ProposedBy.Select(Proposer).Order());
        AssertSameJson(body, await GetAsync<RecommendationDto>("/api/v1/recommendations/institution-only"));
    }
}
