using System.Net;
using Npgsql;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Paging;

/// <summary>Filters, sort orders with keyset paging and the Link header, on the seed plus generated rows.</summary>
public sealed class ListQueryTests : ApiTest
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await ExecuteSqlAsync(GeneratedData.Sql);
    }

    private async Task<List<string>> IdsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0).ToString());
        }
        return ids;
    }

    private static List<string> Ids(IEnumerable<EventSummaryDto> items) => items.Select(i => i.Id.ToString()).ToList();

    /// <summary>The ids a list walks to, whatever its items (every one has an id).</summary>
    private async Task<List<string>> WalkIdsAsync(string url) =>
        (await WalkAsync<IdOnly>(url, 100)).Select(i => i.Id.ToString()).ToList();

    /// <summary>Any list item, read for its id alone (the lists' own records are tested with their features).</summary>
    [System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip)]
    private sealed record IdOnly(Guid Id);

    [Theory]
    [InlineData("id", "e.id")]
    [InlineData("start", "e.start_date, e.id")]
    [InlineData("-start", "e.start_date DESC, e.id DESC")]
    [InlineData("title", "rt_sort_key(e.title), e.id")]
    [InlineData("-title", "rt_sort_key(e.title) DESC, e.id DESC")]
    [InlineData("updatedAt", "e.updated_at, e.id")]
    [InlineData("-updatedAt", "e.updated_at DESC, e.id DESC")]
    [InlineData("-id", "e.id DESC")]
    public async Task Every_sort_order_walks_the_whole_list_once_in_order_at_any_page_size(string sort, string orderBy)
    {
        var expected = await IdsAsync($"SELECT e.id FROM events e WHERE e.deleted_at IS NULL AND e.published ORDER BY {orderBy}");
        Assert.Equal(GeneratedData.Events + 1, expected.Count);
        foreach (var limit in new[] { 1, 7, 20, 100 })
        {
            var walked = Ids(await WalkAsync<EventSummaryDto>($"/api/v1/events?sort={sort}", limit));
            Assert.Equal(expected, walked);
        }
    }

    [Fact]
    public async Task Sorted_and_filtered_walks_compose_and_a_row_changed_behind_the_cursor_does_not_shift_the_next_page()
    {
        var expected = await IdsAsync("SELECT e.id FROM events e WHERE e.kind IN ('seminar', 'workshop') AND e.country = 'KZ' ORDER BY e.start_date DESC, e.id DESC");
        Assert.Equal(expected, Ids(await WalkAsync<EventSummaryDto>("/api/v1/events?kind=seminar,workshop&country=kz&sort=-start", 3)));

        var first = await GetAsync<PageDto<EventSummaryDto>>("/api/v1/events?sort=title&limit=10");
        var cursor = first.NextCursor!;
        var secondBefore = await GetAsync<PageDto<EventSummaryDto>>($"/api/v1/events?sort=title&limit=10&cursor={Uri.EscapeDataString(cursor)}");
        // A new event sorting first, and a rename of an event already seen, change nothing after the cursor.
        await ExecuteSqlAsync("""
            INSERT INTO events (slug, title, kind, status, start_date, end_date) VALUES ('aaa', '{"en": "AAA first"}', 'seminar', 'held', '2020-01-01', '2020-01-01');
            """);
        var secondAfter = await GetAsync<PageDto<EventSummaryDto>>($"/api/v1/events?sort=title&limit=10&cursor={Uri.EscapeDataString(cursor)}");
        Assert.Equal(10, secondBefore.Items.Count);
        Assert.Equal(Ids(secondBefore.Items), Ids(secondAfter.Items));
        Assert.Equal("aaa", (await GetAsync<PageDto<EventSummaryDto>>("/api/v1/events?sort=title&limit=1")).Items.Single().Slug);
    }

    [Fact]
    public async Task Link_header_points_at_the_next_page_with_the_same_filters()
    {
        using var response = await Client.GetAsync("/api/v1/events?kind=seminar&sort=-start&limit=2");
        var body = await ReadAsync<PageDto<EventSummaryDto>>(response, HttpStatusCode.OK);
        var link = Assert.Single(response.Headers.GetValues("Link"));
        var cursor = body.NextCursor!;
        Assert.Matches("^<(/api/v1/events\\?[^>]+)>; rel=\"next\"$", link);
        var url = link[1..link.IndexOf('>')];
        Assert.Contains("kind=seminar", url);
        Assert.Contains("sort=-start", url);
        Assert.Contains("limit=2", url);
        Assert.Contains("cursor=" + Uri.EscapeDataString(cursor), url);
        var next = await GetAsync<PageDto<EventSummaryDto>>(url);
        Assert.Equal(2, next.Items.Count);
        Assert.All(next.Items, e => Assert.Equal("seminar", e.Kind));
        Assert.Empty(next.Items.Select(e => e.Id).Intersect(body.Items.Select(e => e.Id)));

        using var last = await Client.GetAsync("/api/v1/events?slug=x".Replace("slug=x", "limit=100"));
        Assert.False(last.Headers.Contains("Link"));
    }

    /// <summary>
    /// A filter, the database's answer to it, and rows to add first so that the filter has something to leave out.
    /// "{before}" stands for the database clock just before those rows are written.
    /// </summary>
    public static TheoryData<string, string, string?> Filters => new()
    {
        { "/api/v1/events?from=2023-05-01&to=2023-08-30", "SELECT id FROM events WHERE end_date >= '2023-05-01' AND start_date <= '2023-08-30'", null },
        { "/api/v1/events?kind=lecture", "SELECT id FROM events WHERE kind = 'lecture'", null },
        { "/api/v1/events?status=held,cancelled", "SELECT id FROM events WHERE status IN ('held', 'cancelled')", null },
        { "/api/v1/events?country=KR", "SELECT id FROM events WHERE country = 'KR'", null },
        { "/api/v1/events?organizer=seoul-national-university", "SELECT DISTINCT o.event_id FROM event_organizers o JOIN institutions i ON i.id = o.institution_id WHERE i.slug = 'seoul-national-university'", null },
        { "/api/v1/events?institution=bureau-of-national-statistics", "SELECT id FROM events WHERE slug = 'iitu-snu-round-table-2024'", null },
        { "/api/v1/events?participant=kilkon-ko", "SELECT p.event_id FROM event_participants p JOIN speakers s ON s.id = p.speaker_id WHERE s.slug = 'kilkon-ko'", null },
        { "/api/v1/events?theme=digital-literacy", "SELECT id FROM events WHERE slug = 'iitu-snu-round-table-2024'", null },
        {
            "/api/v1/events?updated_since={before}", "SELECT id FROM events WHERE kind = 'lecture'",
            "UPDATE events SET status = 'held' WHERE kind = 'lecture'"
        },
        { "/api/v1/speakers?institution=iitu", "SELECT s.id FROM speakers s WHERE s.slug = 'a-k-khikmetov'", null },
        {
            "/api/v1/speakers?event=iitu-snu-round-table-2024",
            "SELECT speaker_id FROM event_participants p JOIN events e ON e.id = p.event_id WHERE e.slug = 'iitu-snu-round-table-2024'",
            """INSERT INTO speakers (slug, full_name) VALUES ('not-at-the-round-table', '{"en": "Absent Person"}')"""
        },
        { "/api/v1/institutions?kind=university", "SELECT id FROM institutions WHERE kind = 'university'", null },
        { "/api/v1/institutions?country=KZ", "SELECT id FROM institutions WHERE country = 'KZ'", null },
        { "/api/v1/institutions?parent=seoul-national-university", "SELECT id FROM institutions WHERE slug = 'snu-graduate-school-of-public-administration'", null },
        {
            "/api/v1/recommendations?event=iitu-snu-round-table-2024",
            "SELECT r.id FROM recommendations r JOIN events e ON e.id = r.event_id WHERE e.slug = 'iitu-snu-round-table-2024'",
            """
            INSERT INTO recommendations (slug, event_id, title, body)
            SELECT 'from-another-event', id, '{"en": "From another event"}', '{"en": "Not from the round table."}' FROM events WHERE slug = 'gen-event-1'
            """
        },
        {
            "/api/v1/recommendations?status=proposed", "SELECT id FROM recommendations WHERE status = 'proposed'",
            "UPDATE recommendations SET status = 'accepted' WHERE slug = 'urgently-raise-civil-servants-digital-literacy'"
        },
        { "/api/v1/recommendations?theme=digital-literacy", "SELECT rt.recommendation_id FROM recommendation_themes rt JOIN themes t ON t.id = rt.theme_id WHERE t.slug = 'digital-literacy'", null },
        { "/api/v1/recommendations?audience=CIVIL%20servant", "SELECT id FROM recommendations WHERE target_audience->>'en' ILIKE '%civil servant%'", null },
        { "/api/v1/recommendations?proposer=a-k-khikmetov", "SELECT p.recommendation_id FROM recommendation_proposers p JOIN speakers s ON s.id = p.speaker_id WHERE s.slug = 'a-k-khikmetov'", null },
        { "/api/v1/recommendations?proposer=iitu", "SELECT p.recommendation_id FROM recommendation_proposers p JOIN institutions i ON i.id = p.institution_id WHERE i.slug = 'iitu'", null },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Each_filter_selects_what_the_database_says(string url, string sql, string? arrange)
    {
        var before = await ScalarAsync<string>("""SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')""");
        if (arrange is not null)
        {
            await ExecuteSqlAsync(arrange);
        }
        url = url.Replace("{before}", before, StringComparison.Ordinal);

        var expected = await IdsAsync(sql);
        var unfiltered = await WalkIdsAsync(url[..url.IndexOf('?', StringComparison.Ordinal)]);
        // A filter is only shown to work when it leaves something out.
        Assert.NotEmpty(expected);
        Assert.True(expected.Count < unfiltered.Count, $"{url} should leave out some of the {unfiltered.Count} items, but all of them match.");
        Assert.Subset(unfiltered.ToHashSet(), expected.ToHashSet());
        var walked = await WalkIdsAsync(url);
        Assert.Equal(expected.Order(), walked.Order());
    }

    [Fact]
    public async Task Relation_lists_take_updated_since_and_refuse_unknown_parameters()
    {
        const string participants = "/api/v1/events/iitu-snu-round-table-2024/participants";
        Assert.Equal(6, (await WalkAsync<ParticipantDto>(participants, 100)).Count);
        Assert.Empty((await GetAsync<PageDto<ParticipantDto>>($"{participants}?updated_since=2999-01-01T00:00:00Z")).Items);
        var before = await ScalarAsync<string>("""SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')""");
        await ExecuteSqlAsync("""
            UPDATE event_participants SET role = 'moderator'
            WHERE speaker_id = (SELECT id FROM speakers WHERE slug = 'maksat-turlubaev')
            """);
        var changed = await WalkAsync<ParticipantDto>($"{participants}?updated_since={before}", 100);
        var moderator = Assert.Single(changed);
        Assert.Equal("maksat-turlubaev", moderator.Speaker.Slug);
        Assert.Equal("moderator", moderator.Role);

        using var paged = await Client.GetAsync($"{participants}?limit=2");
        Assert.Matches("^</api/v1/events/iitu-snu-round-table-2024/participants\\?limit=2&cursor=[^>]+>; rel=\"next\"$", Assert.Single(paged.Headers.GetValues("Link")));
        await GetProblemAsync($"{participants}?colour=red", 400);
        await GetProblemAsync($"{participants}?updated_since=yesterday", 400);
        await GetProblemAsync("/api/v1/events/iitu-snu-round-table-2024?limit=5", 400);
        await GetProblemAsync("/api/v1/speakers/kilkon-ko/affiliations?sort=name", 400);
        Assert.Equal("kk", (await Client.GetAsync("/api/v1/events/iitu-snu-round-table-2024?lang=kk")).Content.Headers.ContentLanguage.Single());
    }

    [Fact]
    public async Task A_filter_naming_something_that_exists_but_matches_nothing_is_an_empty_page()
    {
        await ExecuteSqlAsync("""INSERT INTO speakers (slug, full_name) VALUES ('at-no-event', '{"en": "At No Event"}')""");
        var page = await GetAsync<PageDto<EventSummaryDto>>("/api/v1/events?participant=at-no-event");
        Assert.Empty(page.Items);
        Assert.Null(page.NextCursor);
    }

    [Theory]
    [InlineData("/api/v1/events?organizer=no-such-institution", "organizer", "institution")]
    [InlineData("/api/v1/events?institution=00000000-0000-7000-8000-000000000000", "institution", "institution")]
    [InlineData("/api/v1/events?participant=no-such-person", "participant", "speaker")]
    [InlineData("/api/v1/events?theme=no-such-theme", "theme", "theme")]
    [InlineData("/api/v1/events.ics?organizer=no-such-institution", "organizer", "institution")]
    [InlineData("/api/v1/speakers?institution=no-such-institution", "institution", "institution")]
    [InlineData("/api/v1/speakers?event=no-such-event", "event", "event")]
    [InlineData("/api/v1/institutions?parent=no-such-institution", "parent", "institution")]
    [InlineData("/api/v1/recommendations?event=no-such-event", "event", "event")]
    [InlineData("/api/v1/recommendations?theme=no-such-theme", "theme", "theme")]
    [InlineData("/api/v1/recommendations?proposer=nobody", "proposer", "speaker or institution")]
    [InlineData("/api/v1/speakers?event=gen-draft-hidden&institution=no-such-institution", "event", "event")]
    public async Task A_filter_naming_an_unknown_or_hidden_resource_is_a_400_that_says_so(string url, string parameter, string what)
    {
        await ExecuteSqlAsync("""
            INSERT INTO events (slug, title, kind, status, start_date, end_date, published)
            VALUES ('gen-draft-hidden', '{"en": "Hidden draft"}', 'seminar', 'scheduled', '2030-01-01', '2030-01-01', false)
            """);
        var problem = await GetProblemAsync(url, 400);
        var message = Assert.Single(problem.Errors![parameter]);
        Assert.Contains($"There is no {what}", message, StringComparison.Ordinal);
        if (url.Contains("&institution=", StringComparison.Ordinal))
        {
            Assert.Contains("institution", problem.Errors.Keys);
        }
    }

    [Theory]
    [InlineData("/api/v1/events?colour=red", "colour")]
    [InlineData("/api/v1/events?kind=party", "kind")]
    [InlineData("/api/v1/events?kind=", "kind")]
    [InlineData("/api/v1/events?status=done", "status")]
    [InlineData("/api/v1/events?from=29-07-2024", "from")]
    [InlineData("/api/v1/events?to=2024-02-30", "to")]
    [InlineData("/api/v1/events?country=KAZ", "country")]
    [InlineData("/api/v1/events?organizer=Not%20A%20Slug", "organizer")]
    [InlineData("/api/v1/events?theme=UPPER", "theme")]
    [InlineData("/api/v1/events?sort=colour", "sort")]
    [InlineData("/api/v1/events?sort=relevance", "sort")]
    [InlineData("/api/v1/events?updated_since=yesterday", "updated_since")]
    [InlineData("/api/v1/events?include=speakers", "include")]
    [InlineData("/api/v1/events?format=xml", "format")]
    [InlineData("/api/v1/events?kind=seminar&kind=workshop", "kind")]
    [InlineData("/api/v1/events?q=%21%21%21", "q")]
    [InlineData("/api/v1/events?lang=not_a_tag", "lang")]
    [InlineData("/api/v1/speakers?kind=university", "kind")]
    [InlineData("/api/v1/speakers?include=rankings", "include")]
    [InlineData("/api/v1/institutions?parent=", "parent")]
    [InlineData("/api/v1/recommendations?audience=", "audience")]
    [InlineData("/api/v1/recommendations?status=maybe", "status")]
    [InlineData("/api/v1/events.csv?limit=5", "limit")]
    [InlineData("/api/v1/events.csv?include=participants", "include")]
    [InlineData("/api/v1/search?q=digital&sort=title", "sort")]
    [InlineData("/api/v1/search?type=person&q=digital", "type")]
    [InlineData("/api/v1/search", "q")]
    [InlineData("/api/v1/events?q=a%00b", "q")]
    [InlineData("/api/v1/recommendations?audience=%00", "audience")]
    [InlineData("/api/v1/events?updated_since=7/29/2024", "updated_since")]
    [InlineData("/api/v1/events?updated_since=2024-07-29T00:00:00", "updated_since")]
    public async Task Unknown_parameters_and_bad_values_are_400_problems_that_name_the_parameter(string url, string parameter)
    {
        AssertFieldError(await GetProblemAsync(url, 400), parameter);
    }

    [Theory]
    [InlineData("start", "not-a-date")]
    [InlineData("updatedAt", "x")]
    [InlineData("title", null)]
    [InlineData("relevance:000000000000", "x")]
    [InlineData("title", "a\u0000b")]
    [InlineData("updatedAt", "2024-13-40 25:00:00+00")]
    [InlineData("updatedAt", "２０２４-01-01 00:00:00+00")]
    public async Task An_edited_cursor_is_a_400_not_a_500(string sort, string? key)
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new[] { sort, key, Guid.NewGuid().ToString("N") });
        var cursor = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("v2:" + json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var sortParameter = sort.StartsWith("relevance", StringComparison.Ordinal) ? "q=forum" : $"sort={sort}";
        await GetProblemAsync($"/api/v1/events?{sortParameter}&cursor={cursor}", 400);
        await GetProblemAsync($"/api/v1/events.csv?{sortParameter}&cursor={cursor}", 400);
    }

    [Fact]
    public async Task A_relevance_cursor_with_a_rank_postgresql_cannot_read_is_a_400()
    {
        var page = await GetAsync<PageDto<EventSummaryDto>>("/api/v1/events?q=forum&limit=5");
        var decoded = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(page.NextCursor));
        var parts = System.Text.Json.JsonSerializer.Deserialize<string[]>(decoded[3..])!;
        parts[1] = "1e-50";
        var cursor = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes("v2:" + System.Text.Json.JsonSerializer.Serialize(parts)));
        await GetProblemAsync($"/api/v1/events?q=forum&cursor={cursor}", 400);
    }

    [Fact]
    public async Task Parameter_names_are_case_insensitive()
    {
        var seminars = (await GetAsync<PageDto<EventSummaryDto>>("/api/v1/events?Limit=3&KIND=seminar")).Items;
        Assert.Equal(3, seminars.Count);
        Assert.All(seminars, e => Assert.Equal("seminar", e.Kind));
        Assert.Equal(2, (await GetAsync<PageDto<ParticipantDto>>("/api/v1/events/iitu-snu-round-table-2024/participants?Limit=2")).Items.Count);
        Assert.Single((await GetAsync<ChangePageDto>("/api/v1/changes?LIMIT=1")).Items);
    }

    [Fact]
    public async Task A_search_cursor_belongs_to_its_search()
    {
        var page = await GetAsync<PageDto<EventSummaryDto>>("/api/v1/events?q=forum&limit=5");
        var cursor = Uri.EscapeDataString(page.NextCursor!);
        var next = (await GetAsync<PageDto<EventSummaryDto>>($"/api/v1/events?q=forum&limit=5&cursor={cursor}")).Items;
        Assert.Equal(5, next.Count);
        Assert.Empty(next.Select(e => e.Id).Intersect(page.Items.Select(e => e.Id)));
        await GetProblemAsync($"/api/v1/events?q=alpha&cursor={cursor}", 400);
        Assert.NotEmpty((await GetAsync<PageDto<SearchHitDto>>("/api/v1/search?q=forum&updated_since=2000-01-01T00:00:00Z")).Items);
    }

    [Fact]
    public async Task A_cursor_is_bound_to_its_sort_order()
    {
        var page = await GetAsync<PageDto<EventSummaryDto>>("/api/v1/events?sort=start&limit=5");
        var cursor = Uri.EscapeDataString(page.NextCursor!);
        AssertFieldError(await GetProblemAsync($"/api/v1/events?sort=-start&cursor={cursor}", 400), "cursor");
        await GetProblemAsync($"/api/v1/events?cursor={cursor}", 400);
        // A v1 cursor (by id) handed out before sort orders existed still works.
        var byId = await GetAsync<PageDto<EventSummaryDto>>("/api/v1/events?limit=5");
        var afterById = await GetAsync<PageDto<EventSummaryDto>>($"/api/v1/events?cursor={Uri.EscapeDataString(byId.NextCursor!)}");
        Assert.NotEmpty(afterById.Items);
        Assert.All(afterById.Items, e => Assert.True(string.CompareOrdinal(byId.Items[^1].Id.ToString("N"), e.Id.ToString("N")) < 0));
    }
}
