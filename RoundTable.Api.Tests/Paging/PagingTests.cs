using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Paging;

public sealed class PagingTests : ApiTest
{
    private const int Generated = 57;

    private Task AddInstitutionsAsync() => ExecuteSqlAsync($"""
        INSERT INTO institutions (slug, name, kind)
        SELECT 'generated-' || n, jsonb_build_object('en', 'Generated institution ' || n), 'other'
        FROM generate_series(1, {Generated}) AS n
        """);

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(20)]
    [InlineData(100)]
    public async Task Walking_the_cursor_visits_every_item_once_in_id_order(int limit)
    {
        await AddInstitutionsAsync();
        var expected = await ScalarAsync<long>("SELECT count(*) FROM institutions");

        var items = await WalkAsync<InstitutionSummaryDto>("/api/v1/institutions", limit);

        var ids = items.Select(i => i.Id).ToList();
        Assert.Equal(expected, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids.OrderBy(id => id.ToString("N"), StringComparer.Ordinal), ids);
    }

    [Fact]
    public async Task The_default_page_holds_twenty_items()
    {
        await AddInstitutionsAsync();
        var page = await GetAsync<PageDto<InstitutionSummaryDto>>("/api/v1/institutions");
        Assert.Equal(20, page.Items.Count);
        Assert.NotNull(page.NextCursor);
    }

    [Fact]
    public async Task Rows_added_behind_the_cursor_do_not_shift_the_pages()
    {
        await AddInstitutionsAsync();
        var first = await GetAsync<PageDto<InstitutionSummaryDto>>("/api/v1/institutions?limit=10");
        var cursor = first.NextCursor!;
        var second = await GetAsync<PageDto<InstitutionSummaryDto>>($"/api/v1/institutions?limit=10&cursor={Uri.EscapeDataString(cursor)}");
        // An id that sorts before every other: offset paging would shift page two by one, keyset paging must not.
        await ExecuteSqlAsync("INSERT INTO institutions (id, slug, name, kind) VALUES ('00000000-0000-7000-8000-000000000001', 'early-bird', '{\"en\": \"Early\"}', 'other')");
        var again = await GetAsync<PageDto<InstitutionSummaryDto>>($"/api/v1/institutions?limit=10&cursor={Uri.EscapeDataString(cursor)}");
        Assert.Equal(10, second.Items.Count);
        AssertSameJson(second.Items, again.Items);
        var firstAgain = await GetAsync<PageDto<InstitutionSummaryDto>>("/api/v1/institutions?limit=10");
        Assert.Equal("early-bird", firstAgain.Items[0].Slug);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("limit=1.5", "limit")]
    [InlineData("limit=5&limit=6", "limit")]
    [InlineData("limit=99999999999999999999", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("cursor=djE6eHl6", "cursor")]
    [InlineData("cursor=", "cursor")]
    public async Task Bad_paging_parameters_are_400_problems(string query, string field)
    {
        foreach (var list in new[] { "events", "speakers", "institutions", "recommendations", "events/iitu-snu-round-table-2024/participants" })
        {
            AssertFieldError(await GetProblemAsync($"/api/v1/{list}?{query}", 400), field);
        }
    }
}
