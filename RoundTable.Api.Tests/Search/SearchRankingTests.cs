using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Search;

/// <summary>
/// The relevance order, pinned on a small fixture: a match in the title or name comes before a match anywhere else,
/// in every language, newest first within each; pages walk it without gaps or repeats; and a word common enough to
/// be walked in id order (rt_common_term) gives exactly the order a rare one gets from the index.
/// </summary>
public sealed class SearchRankingTests : ApiTest
{
    private const string RoundTableId = "(SELECT id FROM events WHERE slug = 'iitu-snu-round-table-2024')";

    /// <summary>A recommendation of the seeded round table; ids in insertion order (the "newest" is the last inserted).</summary>
    private static string Recommendation(int n, string slug, string title, string body) => $"""
        INSERT INTO recommendations (id, slug, event_id, title, body)
        VALUES ('01900000-0000-7000-8000-{n:D12}', '{slug}', {RoundTableId}, '{title}', '{body}');
        """;

    private async Task<List<string>> SlugsAsync(string url, int limit = 100) =>
        (await WalkAsync<SlugOnly>(url, limit)).Select(i => i.Slug).ToList();

    [System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip)]
    private sealed record SlugOnly(string Slug);

    [Theory]
    [InlineData("en", "quantum")]
    [InlineData("ru", "квантовый")]
    [InlineData("kk", "кванттық")]
    [InlineData("ko", "양자")]
    public async Task Title_matches_come_before_body_matches_in_every_language(string lang, string word)
    {
        await ExecuteSqlAsync(
            Recommendation(1, "title-older", $$"""{"{{lang}}": "{{word}} policy"}""", $$"""{"{{lang}}": "Nothing here."}""")
            + Recommendation(2, "body-newer", $$"""{"{{lang}}": "Other policy"}""", $$"""{"{{lang}}": "About {{word}} computing."}""")
            + Recommendation(3, "title-newer", $$"""{"{{lang}}": "{{word}} computing"}""", $$"""{"{{lang}}": "Plain."}""")
            + Recommendation(4, "body-older", $$"""{"{{lang}}": "Another policy"}""", $$"""{"{{lang}}": "{{word}}."}""").Replace("-000000000004'", "-000000000000'"));

        var expected = new[] { "title-newer", "title-older", "body-newer", "body-older" };
        Assert.Equal(expected, await SlugsAsync($"/api/v1/recommendations?q={Uri.EscapeDataString(word)}"));
        // One item a page: the cursor crosses from the title tier to the other without losing or repeating one.
        Assert.Equal(expected, await SlugsAsync($"/api/v1/recommendations?q={Uri.EscapeDataString(word)}", limit: 1));
        var hits = await WalkAsync<SearchHitDto>($"/api/v1/search?q={Uri.EscapeDataString(word)}&type=recommendation", 1);
        Assert.Equal(expected, hits.Select(h => h.Slug));
        Assert.Equal([2f, 2f, 1f, 1f], hits.Select(h => h.Rank));
    }

    [Fact]
    public async Task Names_come_before_other_matches_for_events_speakers_and_institutions_and_across_resources()
    {
        await ExecuteSqlAsync("""
            INSERT INTO events (id, slug, title, kind, status, start_date, end_date, summary) VALUES
              ('01900000-0000-7000-8000-000000000001', 'zephyr-in-title', '{"en": "Zephyr forum"}', 'seminar', 'held', '2024-01-01', '2024-01-01', NULL),
              ('01900000-0000-7000-8000-000000000002', 'zephyr-in-summary', '{"en": "Budget forum"}', 'seminar', 'held', '2024-01-01', '2024-01-01', '{"en": "On zephyr."}');
            INSERT INTO speakers (id, slug, full_name, bio) VALUES
              ('01900000-0000-7000-8000-000000000003', 'zephyr-person', '{"en": "Anna Zephyr"}', NULL),
              ('01900000-0000-7000-8000-000000000004', 'zephyr-fan', '{"en": "Bo Lee"}', '{"en": "Writes about zephyr."}');
            INSERT INTO institutions (id, slug, name, kind, city) VALUES
              ('01900000-0000-7000-8000-000000000005', 'zephyr-institute', '{"en": "Zephyr Institute"}', 'other', NULL),
              ('01900000-0000-7000-8000-000000000006', 'zephyr-city-school', '{"en": "City School"}', 'other', '{"en": "Zephyrville"}');
            """);
        Assert.Equal(["zephyr-in-title", "zephyr-in-summary"], await SlugsAsync("/api/v1/events?q=zephyr"));
        Assert.Equal(["zephyr-person", "zephyr-fan"], await SlugsAsync("/api/v1/speakers?q=zephyr"));
        Assert.Equal(["zephyr-institute", "zephyr-city-school"], await SlugsAsync("/api/v1/institutions?q=zephyr"));
        var hits = await WalkAsync<SearchHitDto>("/api/v1/search?q=zephyr", 2);
        Assert.Equal(["zephyr-institute", "zephyr-person", "zephyr-in-title", "zephyr-city-school", "zephyr-fan", "zephyr-in-summary"],
            hits.Select(h => h.Slug));
    }

    [Fact]
    public async Task A_common_word_walked_in_id_order_and_a_rare_one_from_the_index_give_the_same_order()
    {
        // 60 recommendations with "ubiquitous" (one in five in its title) and 2 with "scarce": after ANALYZE the first
        // is common in both columns (walked), the second rare (looked up), and each is answered in the same order.
        var sql = new System.Text.StringBuilder();
        for (var n = 1; n <= 60; n++)
        {
            sql.Append(n % 5 == 0
                ? Recommendation(n, $"ubiquitous-{n}", """{"en": "Ubiquitous access"}""", """{"en": "Plain."}""")
                : Recommendation(n, $"ubiquitous-{n}", """{"en": "Access"}""", """{"en": "Ubiquitous networks."}"""));
        }
        sql.Append(Recommendation(61, "scarce-body", """{"en": "Water"}""", """{"en": "Scarce water."}"""));
        sql.Append(Recommendation(62, "scarce-title", """{"en": "Scarce water"}""", """{"en": "Water."}"""));
        // What the API's refresher (SearchStatistics) does every few minutes, at once.
        await ExecuteSqlAsync(sql + "ANALYZE recommendations; REFRESH MATERIALIZED VIEW rt_common_lexemes;");
        Assert.True(await ScalarAsync<bool>("SELECT rt_common_term('ubiquitous', 'recommendations', 'search')"));
        Assert.True(await ScalarAsync<bool>("SELECT rt_common_term('ubiquitous', 'recommendations', 'search_title')"));
        Assert.False(await ScalarAsync<bool>("SELECT rt_common_term('scarce', 'recommendations', 'search')"));
        Assert.False(await ScalarAsync<bool>("SELECT rt_common_term('ubiquitous scarce', 'recommendations', 'search')"));

        var titles = Enumerable.Range(1, 60).Where(n => n % 5 == 0).Reverse().Select(n => $"ubiquitous-{n}");
        var bodies = Enumerable.Range(1, 60).Where(n => n % 5 != 0).Reverse().Select(n => $"ubiquitous-{n}");
        var expected = titles.Concat(bodies).ToList();
        Assert.Equal(expected, await SlugsAsync("/api/v1/recommendations?q=ubiquitous", limit: 7));
        Assert.Equal(expected, (await WalkAsync<SearchHitDto>("/api/v1/search?q=ubiquitous", 7)).Select(h => h.Slug));
        Assert.Equal(["scarce-title", "scarce-body"], await SlugsAsync("/api/v1/recommendations?q=scarce", limit: 1));
        // Filters apply inside each tier: only the proposed ones, in the same order.
        await ExecuteSqlAsync("UPDATE recommendations SET status = 'accepted' WHERE slug IN ('ubiquitous-60', 'ubiquitous-59')");
        Assert.Equal(expected.Where(s => s is not "ubiquitous-60" and not "ubiquitous-59"),
            await SlugsAsync("/api/v1/recommendations?q=ubiquitous&status=proposed", limit: 7));
        // The export (one statement, no walks) has the same order.
        var (csv, _) = await GetTextAsync("/api/v1/recommendations.csv?q=ubiquitous");
        var exported = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line.Split(',')[1]).ToList();
        Assert.Equal(expected, exported);
    }

    [Fact]
    public async Task The_api_refreshes_the_statistics_its_search_plans_by()
    {
        await using var factory = CreateFactory(ConnectionString, settings: new Dictionary<string, string> { ["Search:StatisticsRefreshSeconds"] = "1" });
        using var client = factory.CreateClient();
        Assert.True(await WaitUntilReadyAsync(client, 30));
        var sql = new System.Text.StringBuilder();
        for (var n = 1; n <= 40; n++)
        {
            sql.Append(Recommendation(n, $"everywhere-{n}", """{"en": "Everywhere"}""", """{"en": "Plain."}"""));
        }
        await ExecuteSqlAsync(sql + "ANALYZE recommendations;");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await ScalarAsync<bool>("SELECT rt_common_term('everywhere', 'recommendations', 'search_title')"))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), "the statistics were not refreshed");
            await Task.Delay(200);
        }
        // Common in titles only: the other tier does not count it as common (walking for the few body matches would
        // read the whole table), and a page of it is the title matches, in order.
        Assert.True(await ScalarAsync<bool>("SELECT rt_common_term('everywhere', 'recommendations', 'search')"));
        Assert.False(await ScalarAsync<bool>("SELECT rt_common_term('everywhere', 'recommendations', 'search', 'search_title')"));
        Assert.Equal(Enumerable.Range(1, 40).Reverse().Select(n => $"everywhere-{n}"), await SlugsAsync("/api/v1/recommendations?q=everywhere", limit: 20));
    }

    [Fact]
    public async Task A_merged_search_filters_each_list_before_its_page_is_cut()
    {
        // 30 title matches, the oldest updated today and the others long ago: updated_since must find the old one
        // even though a page of the newest matches holds none that qualify.
        var sql = new System.Text.StringBuilder();
        for (var n = 1; n <= 30; n++)
        {
            sql.Append($$"""
                INSERT INTO recommendations (id, slug, event_id, title, body, updated_at)
                VALUES ('01900000-0000-7000-8000-{{n:D12}}', 'kelvin-{{n}}', {{RoundTableId}}, '{"en": "Kelvin scale"}', '{"en": "Plain."}',
                        {{(n == 1 ? "now()" : "'2020-01-01'")}});
                """);
        }
        await ExecuteSqlAsync(sql + "ANALYZE recommendations; REFRESH MATERIALIZED VIEW rt_common_lexemes;");
        var since = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        var hits = await WalkAsync<SearchHitDto>($"/api/v1/search?q=kelvin&updated_since={since}", 5);
        Assert.Equal(["kelvin-1"], hits.Select(h => h.Slug));
        Assert.Equal(["kelvin-1"], await SlugsAsync($"/api/v1/recommendations?q=kelvin&updated_since={since}", limit: 5));
    }
}
