using System.Net;
using System.Text.Json.Nodes;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Writes;

public sealed class DraftTests : WriteApiTest
{
    private async Task<string> CreateDraftAsync()
    {
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(NewEvent("secret-draft", "iitu"),
            new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)))!.AsObject();
        body["published"] = false;
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/events", IituKey, body.ToJsonString());
        var ev = await BodyAsync(created, HttpStatusCode.Created);
        Assert.False(ev["published"]!.GetValue<bool>());
        using var recommendation = await SendAsync(HttpMethod.Post, "/api/v1/recommendations", IituKey, new
        {
            slug = "draft-idea", @event = "secret-draft", title = new { en = "Draft idea" }, body = new { en = "Not yet public." },
        });
        Assert.Equal(HttpStatusCode.Created, recommendation.StatusCode);
        return ev["id"]!.GetValue<string>();
    }

    private async Task<HttpStatusCode> StatusAsync(string url, string? key)
    {
        using var response = await SendAsync(HttpMethod.Get, url, key);
        return response.StatusCode;
    }

    [Fact]
    public async Task A_draft_is_visible_only_to_its_organizers_keys_and_admins()
    {
        var id = await CreateDraftAsync();
        foreach (var url in new[] { "/api/v1/events/secret-draft", $"/api/v1/events/{id}", "/api/v1/events/secret-draft/participants",
                     "/api/v1/recommendations/draft-idea", "/api/v1/recommendations/draft-idea/event" })
        {
            Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(url, null));
            Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(url, SnuKey));
            Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(url, "rt_not-a-key"));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(url, IituKey));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(url, AdminKey));
        }
        Assert.DoesNotContain(await WalkAsync("/api/v1/events", 50), e => e["slug"]!.GetValue<string>() == "secret-draft");
        Assert.DoesNotContain(await WalkAsync("/api/v1/recommendations", 50), r => r["slug"]!.GetValue<string>() == "draft-idea");
        Assert.DoesNotContain(await WalkAsync("/api/v1/institutions/iitu/events", 50), e => e["event"]!["slug"]!.GetValue<string>() == "secret-draft");

        // Existence does not leak through writes either: another partner gets 404, not 403.
        using var other = await SendAsync(HttpMethod.Patch, "/api/v1/events/secret-draft", SnuKey, """{"published":true}""", "*", "application/merge-patch+json");
        await ProblemAsync(other, HttpStatusCode.NotFound);
        using var otherRecommendation = await SendAsync(HttpMethod.Post, "/api/v1/recommendations", SnuKey, new
        {
            slug = "snu-on-draft", @event = "secret-draft", title = new { en = "x" }, body = new { en = "x" },
        });
        Assert.NotNull((await ProblemAsync(otherRecommendation, HttpStatusCode.BadRequest))["errors"]!["event"]);
    }

    [Fact]
    public async Task Publishing_a_draft_shows_it_to_everyone()
    {
        await CreateDraftAsync();
        using var published = await SendAsync(HttpMethod.Patch, "/api/v1/events/secret-draft", IituKey, """{"published":true}""", "\"1\"", "application/merge-patch+json");
        Assert.True((await BodyAsync(published, HttpStatusCode.OK))["published"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/api/v1/events/secret-draft", null));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/api/v1/recommendations/draft-idea", null));
        Assert.Contains(await WalkAsync("/api/v1/events", 50), e => e["slug"]!.GetValue<string>() == "secret-draft");
    }

    [Fact]
    public async Task A_put_that_does_not_mention_published_keeps_a_draft_a_draft()
    {
        await CreateDraftAsync();
        var body = System.Text.Json.JsonSerializer.Serialize(NewEvent("secret-draft", "iitu"), new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        using var put = await SendAsync(HttpMethod.Put, "/api/v1/events/secret-draft", IituKey, body, "\"1\"");
        Assert.False((await BodyAsync(put, HttpStatusCode.OK))["published"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync("/api/v1/events/secret-draft", null));
    }
}
