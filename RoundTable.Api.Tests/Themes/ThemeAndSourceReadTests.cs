using System.Net;
using System.Text.Json.Nodes;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Themes;

/// <summary>Themes and sources: read, paged and found by id or slug, so that every change-feed entry can be re-read.</summary>
public sealed class ThemeAndSourceReadTests : ApiTest
{
    /// <summary>Where a top-level change of each type is re-read (relation entries are re-read through their parent).</summary>
    private static readonly Dictionary<string, string> s_resources = new()
    {
        ["event"] = "events", ["speaker"] = "speakers", ["institution"] = "institutions",
        ["recommendation"] = "recommendations", ["theme"] = "themes", ["source"] = "sources",
    };

    [Fact]
    public async Task Every_change_in_the_feed_names_a_resource_or_parent_that_can_be_re_read()
    {
        var changes = new List<ChangeDto>();
        string? cursor = null;
        do
        {
            var page = await GetAsync<ChangePageDto>("/api/v1/changes?limit=1000" + (cursor is null ? "" : $"&cursor={cursor}"));
            changes.AddRange(page.Items);
            cursor = page.HasMore ? page.NextCursor : null;
        }
        while (cursor is not null);
        Assert.Contains(changes, c => c.Type == "theme");
        Assert.Contains(changes, c => c.Type == "source");
        foreach (var change in changes.Where(c => c.Operation != "deleted"))
        {
            var (type, id) = change.ParentType is null ? (change.Type, change.Id) : (change.ParentType, change.ParentId!.Value);
            using var response = await Client.GetAsync($"/api/v1/{s_resources[type]}/{id}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{change.Type} {change.Id}: GET /api/v1/{s_resources[type]}/{id} was {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Themes_are_paged_and_read_by_slug_or_id_in_the_asked_language()
    {
        var first = await GetAsync<PageDto<JsonObject>>("/api/v1/themes?limit=2");
        Assert.Equal(2, first.Items.Count);
        Assert.NotNull(first.NextCursor);
        var all = await WalkAsync<JsonObject>("/api/v1/themes", 3);
        Assert.Equal(await ScalarAsync<long>("SELECT count(*) FROM themes"), all.Count);
        Assert.Equal(all.Select(t => t["id"]!.GetValue<Guid>()).Order(), all.Select(t => t["id"]!.GetValue<Guid>()));

        var theme = await GetJsonAsync("/api/v1/themes/digital-literacy?lang=en");
        Assert.Equal("digital-literacy", theme["slug"]!.GetValue<string>());
        Assert.Equal(System.Text.Json.JsonValueKind.String, theme["name"]!.GetValueKind());
        var byId = await GetJsonAsync($"/api/v1/themes/{theme["id"]}?lang=*");
        Assert.Equal(System.Text.Json.JsonValueKind.Object, byId["name"]!.GetValueKind());
        using var response = await Client.GetAsync("/api/v1/themes/digital-literacy");
        Assert.StartsWith($"\"{theme["version"]}.", response.Headers.ETag!.Tag, StringComparison.Ordinal);

        await GetProblemAsync("/api/v1/themes/no-such-theme", 404);
        await GetProblemAsync("/api/v1/themes/Not%20A%20Slug", 400);
        await GetProblemAsync("/api/v1/themes?colour=red", 400);
    }

    [Fact]
    public async Task Sources_are_paged_and_read_with_their_publication_details()
    {
        var sources = await WalkAsync<JsonObject>("/api/v1/sources", 100);
        var report = Assert.Single(sources);
        Assert.Equal("iitu-snu-round-table-2024-report", report["slug"]!.GetValue<string>());
        var bySlug = await GetJsonAsync("/api/v1/sources/iitu-snu-round-table-2024-report?lang=en");
        Assert.Equal(report["id"]!.GetValue<Guid>(), bySlug["id"]!.GetValue<Guid>());
        Assert.False(string.IsNullOrEmpty(bySlug["title"]!.GetValue<string>()));
        await GetProblemAsync("/api/v1/sources/no-such-source", 404);
    }
}
