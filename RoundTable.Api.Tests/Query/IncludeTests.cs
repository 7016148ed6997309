using System.Diagnostics;
using System.Text.Json.Nodes;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Query;

/// <summary>include= embeds relations, the same as the item shows them, in a fixed number of queries per page.</summary>
public sealed class IncludeTests : ApiTest
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await ExecuteSqlAsync(GeneratedData.Sql);
    }

    [Fact]
    public async Task Included_relations_equal_the_items_own()
    {
        var page = await GetJsonAsync("/api/v1/events?include=participants,organizers,recommendations&limit=100");
        var item = await GetJsonAsync("/api/v1/events/iitu-snu-round-table-2024");
        var listed = page["items"]!.AsArray().Single(e => e!["slug"]!.GetValue<string>() == "iitu-snu-round-table-2024")!;
        foreach (var relation in new[] { "participants", "organizers", "recommendations" })
        {
            Assert.True(JsonNode.DeepEquals(item[relation], listed[relation]), relation);
        }
        var generated = page["items"]!.AsArray().Single(e => e!["slug"]!.GetValue<string>() == "gen-event-2")!;
        Assert.Equal("kilkon-ko", generated["participants"]![0]!["speaker"]!["slug"]!.GetValue<string>());
        Assert.Empty(generated["recommendations"]!.AsArray());

        var plain = await GetJsonAsync("/api/v1/events?limit=1");
        Assert.Null(plain["items"]![0]!["participants"]);
        var onlyOrganizers = await GetJsonAsync("/api/v1/events?include=organizers&limit=1");
        Assert.NotNull(onlyOrganizers["items"]![0]!["organizers"]);
        Assert.Null(onlyOrganizers["items"]![0]!["participants"]);

        var speakers = await GetJsonAsync("/api/v1/speakers?include=affiliations&q=shklyaruk");
        Assert.Equal(2, speakers["items"]![0]!["affiliations"]!.AsArray().Count);
    }

    [Fact]
    public async Task The_number_of_queries_does_not_grow_with_the_page()
    {
        await GetJsonAsync("/api/v1/events?include=participants,organizers,recommendations&limit=1"); // warm-up: the data source loads its type information once
        var small = await CountCommandsAsync("/api/v1/events?include=participants,organizers,recommendations&limit=2");
        var large = await CountCommandsAsync("/api/v1/events?include=participants,organizers,recommendations&limit=50");
        Assert.Equal(small, large);
        var speakersSmall = await CountCommandsAsync("/api/v1/speakers?include=affiliations&limit=1");
        var speakersLarge = await CountCommandsAsync("/api/v1/speakers?include=affiliations&limit=100");
        Assert.Equal(speakersSmall, speakersLarge);
    }

    private Task<int> CountCommandsAsync(string url) => CountCommandsAsync(() => GetJsonAsync(url));
}
