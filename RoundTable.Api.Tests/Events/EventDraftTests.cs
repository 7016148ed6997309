using System.Net;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Events;

/// <summary>Unpublished events: seen only by their organizers' keys and admins, until published.</summary>
public sealed class EventDraftTests : WriteApiTest
{
    private async Task<Guid> CreateDraftAsync()
    {
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/events", IituKey, NewDraft("secret-draft", "iitu"));
        var ev = await ReadAsync<EventDto>(created, HttpStatusCode.Created);
        Assert.False(ev.Published);
        using var recommendation = await SendAsync(HttpMethod.Post, "/api/v1/recommendations", IituKey, new
        {
            slug = "draft-idea", @event = "secret-draft", title = new { en = "Draft idea" }, body = new { en = "Not yet public." },
        });
        Assert.Equal(ev.Id, (await ReadAsync<RecommendationDto>(recommendation, HttpStatusCode.Created)).Event.Id);
        return ev.Id;
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
        Assert.DoesNotContain(await WalkAsync<EventSummaryDto>("/api/v1/events", 50), e => e.Slug == "secret-draft");
        Assert.DoesNotContain(await WalkAsync<RecommendationSummaryDto>("/api/v1/recommendations", 50), r => r.Slug == "draft-idea");
        Assert.DoesNotContain(await WalkAsync<InstitutionEventDto>("/api/v1/institutions/iitu/events", 50), e => e.Event.Slug == "secret-draft");
        Assert.False((await GetAsync<EventDto>("/api/v1/events/secret-draft", IituKey)).Published);

        // Existence does not leak through writes either: another partner gets 404, not 403.
        using var other = await SendAsync(HttpMethod.Patch, "/api/v1/events/secret-draft", SnuKey, """{"published":true}""", "*", "application/merge-patch+json");
        await ProblemAsync(other, HttpStatusCode.NotFound);
        using var otherRecommendation = await SendAsync(HttpMethod.Post, "/api/v1/recommendations", SnuKey, new
        {
            slug = "snu-on-draft", @event = "secret-draft", title = new { en = "x" }, body = new { en = "x" },
        });
        AssertFieldError(await ProblemAsync(otherRecommendation, HttpStatusCode.BadRequest), "event");
    }

    [Fact]
    public async Task Publishing_a_draft_shows_it_to_everyone()
    {
        await CreateDraftAsync();
        using var published = await SendAsync(HttpMethod.Patch, "/api/v1/events/secret-draft", IituKey, """{"published":true}""", "\"1\"", "application/merge-patch+json");
        var ev = await ReadAsync<EventDto>(published, HttpStatusCode.OK);
        Assert.True(ev.Published);
        Assert.Equal(2, ev.Version);
        Assert.True((await GetAsync<EventDto>("/api/v1/events/secret-draft")).Published);
        Assert.Equal("draft-idea", (await GetAsync<RecommendationDto>("/api/v1/recommendations/draft-idea")).Slug);
        Assert.Contains(await WalkAsync<EventSummaryDto>("/api/v1/events", 50), e => e.Slug == "secret-draft");
    }

    [Fact]
    public async Task A_put_that_does_not_mention_published_keeps_a_draft_a_draft()
    {
        await CreateDraftAsync();
        using var put = await SendAsync(HttpMethod.Put, "/api/v1/events/secret-draft", IituKey, NewEvent("secret-draft", "iitu"), "\"1\"");
        var ev = await ReadAsync<EventDto>(put, HttpStatusCode.OK);
        Assert.False(ev.Published);
        Assert.Equal(2, ev.Version);
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync("/api/v1/events/secret-draft", null));
    }
}
