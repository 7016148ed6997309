using Npgsql;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Search;

/// <summary>Full-text search per list and across resources: every script, case and accents, ranking, indexes.</summary>
public sealed class SearchTests : ApiTest
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await ExecuteSqlAsync(GeneratedData.Sql);
    }

    /// <summary>The slugs a list search walks to; every list item has one.</summary>
    private async Task<List<string>> SlugsAsync(string url) =>
        (await WalkAsync<SlugOnly>(url, 100)).Select(i => i.Slug).ToList();

    /// <summary>Any list item, read for its slug alone (the lists' own records are tested elsewhere).</summary>
    [System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip)]
    private sealed record SlugOnly(string Slug);

    [Theory]
    [InlineData("/api/v1/institutions?q=университет", "iitu")] // Cyrillic (ru)
    [InlineData("/api/v1/institutions?q=УНИВЕРСИТЕТІ", "iitu")] // Kazakh, upper case
    [InlineData("/api/v1/institutions?q=서울대", "seoul-national-university")] // Hangul, a prefix of 서울대학교
    [InlineData("/api/v1/institutions?q=gspa", "snu-graduate-school-of-public-administration")] // an acronym
    [InlineData("/api/v1/institutions?q=Informátion%20TECHNOLOGY", "iitu")] // Latin, accents and case
    [InlineData("/api/v1/speakers?q=rector", "a-k-khikmetov")] // a position held
    [InlineData("/api/v1/speakers?q=kilkon", "kilkon-ko")] // a name
    [InlineData("/api/v1/events?q=analytical%20skills", "iitu-snu-round-table-2024")] // the title
    [InlineData("/api/v1/events?q=digitalizing", "iitu-snu-round-table-2024")] // the summary
    [InlineData("/api/v1/events?q=epsilon", "gen-event-4")] // Épsilon, without its accent
    [InlineData("/api/v1/events?q=форум%2014", "gen-event-14")] // the Russian title
    [InlineData("/api/v1/recommendations?q=competencies", "review-civil-service-competencies-for-digital-technologies")]
    public async Task Each_list_finds_by_every_language_case_and_accent_insensitively(string url, string slug)
    {
        Assert.Contains(slug, await SlugsAsync(url));
    }

    [Fact]
    public async Task Results_are_ranked_best_first_and_can_be_sorted_otherwise()
    {
        // "digital" is in the round table's title (weight A) and summary; the new event has it in its summary only.
        await ExecuteSqlAsync("""
            INSERT INTO events (slug, title, kind, status, start_date, end_date, summary)
            VALUES ('summary-only', '{"en": "Budget seminar"}', 'seminar', 'held', '2024-01-01', '2024-01-01', '{"en": "A word on digital policy."}');
            """);
        var ranked = await SlugsAsync("/api/v1/events?q=digital");
        Assert.Equal(["iitu-snu-round-table-2024", "summary-only"], ranked);
        var byStart = await SlugsAsync("/api/v1/events?q=digital&sort=start");
        Assert.Equal(["summary-only", "iitu-snu-round-table-2024"], byStart);

        var many = await WalkAsync<EventSummaryDto>("/api/v1/events?q=forum", 7);
        Assert.Equal(GeneratedData.Events, many.Count);
        Assert.Equal(GeneratedData.Events, many.Select(i => i.Id).Distinct().Count());
    }

    [Fact]
    public async Task The_cross_resource_search_finds_every_kind_ranked_and_paged()
    {
        var hits = await WalkAsync<SearchHitDto>("/api/v1/search?q=digital", 2);
        var types = hits.Select(h => h.Type).ToHashSet();
        Assert.Contains("event", types);
        Assert.Contains("recommendation", types);
        var ranks = hits.Select(h => h.Rank).ToList();
        Assert.Equal(ranks.OrderByDescending(r => r), ranks);
        Assert.Equal(hits.Count, hits.Select(h => h.Id).Distinct().Count());

        var seoul = await WalkAsync<SearchHitDto>("/api/v1/search?q=seoul", 100);
        Assert.Contains(seoul, h => h.Type == "institution" && h.Slug == "seoul-national-university");
        var professors = await WalkAsync<SearchHitDto>("/api/v1/search?q=PROFESSOR", 100);
        Assert.Contains(professors, h => h.Type == "speaker" && h.Slug == "kilkon-ko");

        var korean = await GetAsync<PageDto<SearchHitDto>>("/api/v1/search?q=%ED%96%89%EC%A0%95%EB%8C%80%ED%95%99%EC%9B%90&lang=ko");
        var gspa = Assert.Single(korean.Items);
        Assert.Equal("서울대학교 행정대학원", gspa.Title);
        Assert.Equal("institution", gspa.Type);
    }

    [Fact]
    public async Task The_type_filter_keeps_only_hits_of_that_type()
    {
        // "Professor" is Ko's honorific and his position at SNU; an institution and an event that say it too.
        await ExecuteSqlAsync("""
            INSERT INTO institutions (slug, name, kind) VALUES ('professor-club', '{"en": "Professor Club"}', 'other');
            INSERT INTO events (slug, title, kind, status, start_date, end_date) VALUES ('professor-lecture', '{"en": "A professor lecture"}', 'lecture', 'held', '2024-01-01', '2024-01-01');
            """);
        var all = await WalkAsync<SearchHitDto>("/api/v1/search?q=professor", 100);
        Assert.Contains(all, h => h.Type == "speaker" && h.Slug == "kilkon-ko");
        Assert.Contains(all, h => h.Type == "institution" && h.Slug == "professor-club");
        Assert.Contains(all, h => h.Type == "event" && h.Slug == "professor-lecture");

        var speakers = await WalkAsync<SearchHitDto>("/api/v1/search?q=professor&type=speaker", 100);
        Assert.NotEmpty(speakers);
        Assert.All(speakers, h => Assert.Equal("speaker", h.Type));
        Assert.Equal(all.Where(h => h.Type == "speaker").Select(h => h.Id).Order(), speakers.Select(h => h.Id).Order());
        Assert.True(speakers.Count < all.Count);

        var institutions = await WalkAsync<SearchHitDto>("/api/v1/search?q=professor&type=institution", 100);
        Assert.Equal(["professor-club"], institutions.Select(h => h.Slug));
    }

    [Fact]
    public async Task Drafts_are_not_found_by_those_who_cannot_see_them()
    {
        await ExecuteSqlAsync("UPDATE events SET published = false WHERE slug = 'gen-event-4'");
        Assert.DoesNotContain("gen-event-4", await SlugsAsync("/api/v1/events?q=epsilon"));
        var hits = await WalkAsync<SearchHitDto>("/api/v1/search?q=epsilon", 100);
        Assert.DoesNotContain(hits, h => h.Slug == "gen-event-4");
        Assert.NotEmpty(hits);
    }

    [Theory]
    [InlineData("events", "SELECT e.id FROM events e WHERE e.search @@ rt_query('digital')")]
    [InlineData("speakers", "SELECT s.id FROM speakers s WHERE s.search @@ rt_query('rector')")]
    [InlineData("speaker_affiliations", "SELECT a.id FROM speaker_affiliations a WHERE a.search @@ rt_query('rector')")]
    [InlineData("institutions", "SELECT i.id FROM institutions i WHERE i.search @@ rt_query('서울')")]
    [InlineData("recommendations", "SELECT r.id FROM recommendations r WHERE r.search @@ rt_query('цифровой')")]
    public async Task Search_is_served_by_a_gin_index(string table, string sql)
    {
        // The planner would scan these small tables; the plan shows that the index serves the search when it matters.
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using (var off = new NpgsqlCommand("SET enable_seqscan = off", connection))
        {
            await off.ExecuteNonQueryAsync();
        }
        await using var explain = new NpgsqlCommand("EXPLAIN " + sql, connection);
        await using var reader = await explain.ExecuteReaderAsync();
        var plan = new List<string>();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(0));
        }
        Assert.Contains(plan, line => line.Contains($"Bitmap Index Scan on {table}_search_idx", StringComparison.Ordinal));
    }
}
