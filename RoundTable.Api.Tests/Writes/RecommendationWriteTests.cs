using System.Net;
using System.Text.Json.Nodes;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Writes;

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

    private Task<HttpResponseMessage> ChangeStatusAsync(string slug, string status, string ifMatch, string key, string? changedOn = null) =>
        SendAsync(HttpMethod.Post, $"/api/v1/recommendations/{slug}/status-changes", key, new { status, changedOn }, ifMatch);

    [Fact]
    public async Task A_partner_writes_a_recommendation_of_its_event_and_moves_it_through_its_statuses()
    {
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/recommendations", IituKey, Recommendation("data-analysis-training"));
        var body = await BodyAsync(created, HttpStatusCode.Created);
        Assert.Equal("proposed", body["status"]!.GetValue<string>());
        Assert.Equal(["analytical-skills", "civil-service-competencies"], body["themes"]!.AsArray().Select(t => t!["slug"]!.GetValue<string>()));
        Assert.Equal("kilkon-ko", body["proposedBy"]![0]!["speaker"]!["slug"]!.GetValue<string>());
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            body["statusHistory"]![0]!["changedOn"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(body, await GetJsonAsync("/api/v1/recommendations/data-analysis-training")));
        Assert.Contains(await WalkAsync("/api/v1/events/iitu-snu-round-table-2024/recommendations", 10), r => r["slug"]!.GetValue<string>() == "data-analysis-training");

        using var patched = await SendAsync(HttpMethod.Patch, "/api/v1/recommendations/data-analysis-training", IituKey,
            """{"themes":["digital-literacy"],"proposedBy":[{"institution":"iitu"}]}""", "\"1\"", "application/merge-patch+json");
        var after = await BodyAsync(patched, HttpStatusCode.OK);
        Assert.Equal(["digital-literacy"], after["themes"]!.AsArray().Select(t => t!["slug"]!.GetValue<string>()));
        Assert.Equal("iitu", after["proposedBy"]![0]!["institution"]!["slug"]!.GetValue<string>());
        Assert.Null(after["proposedBy"]![0]!["speaker"]);

        var version = 2;
        foreach (var status in new[] { "accepted", "in_progress", "implemented" })
        {
            using var change = await ChangeStatusAsync("data-analysis-training", status, $"\"{version}\"", IituKey);
            var changed = await BodyAsync(change, HttpStatusCode.Created);
            Assert.Equal(status, changed["status"]!.GetValue<string>());
            version++;
            Assert.Equal(version, VersionOf(change));
        }
        var history = (await GetJsonAsync("/api/v1/recommendations/data-analysis-training"))["statusHistory"]!.AsArray();
        Assert.Equal(["proposed", "accepted", "in_progress", "implemented"], history.Select(h => h!["status"]!.GetValue<string>()));

        var before = await DatabaseFingerprintAsync();
        using var final = await ChangeStatusAsync("data-analysis-training", "rejected", "*", IituKey);
        Assert.Contains("final", (await ProblemAsync(final, HttpStatusCode.BadRequest))["errors"]!["status"]![0]!.GetValue<string>());
        using var early = await ChangeStatusAsync("urgently-raise-civil-servants-digital-literacy", "accepted", "*", IituKey, "2024-07-28");
        Assert.NotNull((await ProblemAsync(early, HttpStatusCode.BadRequest))["errors"]!["changedOn"]);
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
        using var back = await ChangeStatusAsync("urgently-raise-civil-servants-digital-literacy", "proposed", "\"2\"", AdminKey);
        var problem = await ProblemAsync(back, HttpStatusCode.BadRequest);
        Assert.Contains("allowed: in_progress, implemented, rejected", problem["errors"]!["status"]![0]!.GetValue<string>());
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
        var errors = (await ProblemAsync(response, HttpStatusCode.BadRequest))["errors"]!.AsObject();
        Assert.NotNull(errors["proposedBy[2].proposer"] ?? errors["proposedBy[2]"]);

        using var resolved = await SendAsync(HttpMethod.Post, "/api/v1/recommendations", AdminKey, Recommendation("dangling",
            "no-such-event", ["no-such-theme"], [new { speaker = "nobody" }, new { institution = "nowhere" }]));
        var refs = (await ProblemAsync(resolved, HttpStatusCode.BadRequest))["errors"]!.AsObject();
        Assert.Equal(["event", "proposedBy[0].speaker", "proposedBy[1].institution", "themes[0]"], refs.Select(e => e.Key).Order());
        Assert.Equal(before, await DatabaseFingerprintAsync());
    }

    [Fact]
    public async Task A_recommendation_proposed_by_an_institution_alone_takes_a_merge_patch()
    {
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/recommendations", IituKey,
            Recommendation("institution-only", proposers: [new { institution = "iitu" }, new { speaker = "kilkon-ko" }]));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var patched = await SendAsync(HttpMethod.Patch, "/api/v1/recommendations/institution-only", IituKey,
            """{"title":{"en":"Renamed"}}""", "\"1\"", "application/merge-patch+json");
        var body = await BodyAsync(patched, HttpStatusCode.OK);
        Assert.Equal("Renamed", body["title"]!.GetValue<string>());
        Assert.Equal(2, body["proposedBy"]!.AsArray().Count);
    }
}
