using System.Text.Json.Nodes;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Events;

public sealed class EventReadTests : ApiTest
{
    private const string RoundTable = "/api/v1/events/iitu-snu-round-table-2024";

    [Fact]
    public async Task The_round_table_is_served_with_its_facts_from_the_report()
    {
        var ev = await GetAsync<EventDto>(RoundTable);

        Assert.Equal("iitu-snu-round-table-2024", ev.Slug);
        Assert.Equal("Improving the Efficiency of the Public Service Through Digital Transformation: Development of Digital Policy and Analytical Skills",
            ev.Title);
        Assert.Equal("round_table", ev.Kind);
        Assert.Equal("held", ev.Status);
        Assert.Equal(new DateOnly(2024, 7, 29), ev.StartDate);
        Assert.Equal(new DateOnly(2024, 7, 29), ev.EndDate);
        // The report gives no time, venue or city: they stay null rather than invented.
        Assert.Null(ev.StartsAt);
        Assert.Null(ev.Venue);
        Assert.Null(ev.City);
        Assert.Equal("iitu-snu-round-table-2024-report", ev.Source?.Slug);
        Assert.Equal(1, ev.Version);
        // Raw shape: the instant is written with an explicit offset (a parsed DateTimeOffset would hide a missing one).
        var raw = await GetJsonAsync(RoundTable);
        Assert.Matches(@"[+-]\d\d:\d\d$|Z$", raw["createdAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_round_table_lists_its_organizers_with_roles()
    {
        var ev = await GetAsync<EventDto>(RoundTable);

        Assert.Equal(
            [("iitu", "organizer"), ("snu-graduate-school-of-public-administration", "co_organizer")],
            ev.Organizers.Select(o => (o.Institution.Slug, o.Role)));
    }

    [Fact]
    public async Task The_round_table_lists_every_participant_with_role_and_represented_institutions()
    {
        var ev = await GetAsync<EventDto>(RoundTable);

        var participants = ev.Participants.ToDictionary(
            p => p.Speaker.Slug,
            p => (p.Role, Institutions: p.Institutions.Select(i => i.Slug).Order().ToArray()));

        Assert.Equal(6, participants.Count);
        Assert.Equal("speaker", participants["a-k-khikmetov"].Role);
        Assert.Equal(["iitu"], participants["a-k-khikmetov"].Institutions);
        Assert.Equal("speaker", participants["kilkon-ko"].Role);
        Assert.Equal(["seoul-national-university"], participants["kilkon-ko"].Institutions);
        Assert.Equal(["bureau-of-national-statistics"], participants["maksat-turlubaev"].Institutions);
        Assert.Equal(["aurora-ala-foundation", "european-university"], participants["maria-shklyaruk"].Institutions);
        Assert.Equal(["academy-of-public-administration-kz"], participants["ulan-abdilkailuly-bekish"].Institutions);
        Assert.Equal(["center-for-international-programs"], participants["aliya-kalkamanovna-ospanova"].Institutions);
        Assert.All(new[] { "maksat-turlubaev", "maria-shklyaruk", "ulan-abdilkailuly-bekish", "aliya-kalkamanovna-ospanova" },
            s => Assert.Equal("panelist", participants[s].Role));

        var ko = ev.Participants.Single(p => p.Speaker.Slug == "kilkon-ko");
        Assert.Equal("Kilkon Ko", ko.Speaker.FullName);
        Assert.Equal("Professor", ko.Speaker.Honorific);
    }

    [Fact]
    public async Task The_round_table_carries_the_rectors_quote_the_letter_of_gratitude_and_its_recommendations()
    {
        var ev = await GetAsync<EventDto>(RoundTable);

        var quote = Assert.Single(ev.Quotes);
        Assert.Equal("a-k-khikmetov", quote.Speaker.Slug);
        Assert.StartsWith("Today, the public service requires a review of the competencies", quote.Text);
        Assert.EndsWith("for the effective performance of official duties.", quote.Text);
        Assert.Null(quote.FallbackLanguages);

        var ack = Assert.Single(ev.Acknowledgements);
        Assert.Equal("iitu", ack.From.Slug);
        Assert.Equal("kilkon-ko", ack.To.Slug);
        Assert.Equal("letter_of_gratitude", ack.Kind);

        Assert.Equal(4, ev.Recommendations.Count);
        Assert.All(ev.Recommendations, r => Assert.Equal("proposed", r.Status));
        Assert.All(ev.Recommendations, r => Assert.Equal(ev.Id, r.EventId));
    }

    [Fact]
    public async Task Id_and_slug_lookups_return_the_same_event()
    {
        var bySlug = await GetAsync<EventDto>(RoundTable);
        var byId = await GetAsync<EventDto>($"/api/v1/events/{bySlug.Id}");

        AssertSameJson(bySlug, byId);
    }

    [Fact]
    public async Task The_list_holds_the_round_table_as_a_summary()
    {
        var page = await GetAsync<PageDto<EventSummaryDto>>("/api/v1/events");

        var item = Assert.Single(page.Items);
        Assert.Equal("iitu-snu-round-table-2024", item.Slug);
        Assert.Null(item.Participants);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task Relation_lists_page_the_organizers_participants_and_recommendations()
    {
        var organizers = await WalkAsync<OrganizerDto>($"{RoundTable}/organizers", 1);
        Assert.Equal(["iitu", "snu-graduate-school-of-public-administration"], organizers.Select(o => o.Institution.Slug).Order());

        var participants = await WalkAsync<ParticipantDto>($"{RoundTable}/participants", 4);
        Assert.Equal(6, participants.Count);
        Assert.Equal(6, participants.Select(p => p.Id).Distinct().Count());
        var maria = participants.Single(p => p.Speaker.Slug == "maria-shklyaruk");
        Assert.Equal(2, maria.Institutions.Count);

        var recommendations = await WalkAsync<RecommendationSummaryDto>($"{RoundTable}/recommendations", 3);
        Assert.Equal(4, recommendations.Count);
    }

    [Fact]
    public async Task Included_relations_equal_the_items_own()
    {
        await ExecuteSqlAsync(GeneratedData.Sql);
        var page = await GetAsync<PageDto<EventSummaryDto>>("/api/v1/events?include=participants,organizers,recommendations&limit=100");
        var item = await GetAsync<EventDto>(RoundTable);
        var listed = page.Items.Single(e => e.Slug == "iitu-snu-round-table-2024");
        AssertSameJson(item.Participants, listed.Participants);
        AssertSameJson(item.Organizers, listed.Organizers);
        AssertSameJson(item.Recommendations, listed.Recommendations);
        var generated = page.Items.Single(e => e.Slug == "gen-event-2");
        Assert.Equal("kilkon-ko", Assert.Single(generated.Participants!).Speaker.Slug);
        Assert.Empty(generated.Recommendations!);

        var plain = await GetAsync<PageDto<EventSummaryDto>>("/api/v1/events?limit=1");
        Assert.Null(Assert.Single(plain.Items).Participants);
        var onlyOrganizers = Assert.Single((await GetAsync<PageDto<EventSummaryDto>>("/api/v1/events?include=organizers&limit=1")).Items);
        Assert.NotNull(onlyOrganizers.Organizers);
        Assert.Null(onlyOrganizers.Participants);
        Assert.Null(onlyOrganizers.Recommendations);
    }

    [Fact]
    public async Task The_number_of_queries_for_included_relations_does_not_grow_with_the_page()
    {
        await ExecuteSqlAsync(GeneratedData.Sql);
        const string url = "/api/v1/events?include=participants,organizers,recommendations";
        await GetAsync<PageDto<EventSummaryDto>>($"{url}&limit=1"); // warm-up: the data source loads its type information once
        var small = await CountCommandsAsync(() => GetAsync<PageDto<EventSummaryDto>>($"{url}&limit=2"));
        var large = await CountCommandsAsync(() => GetAsync<PageDto<EventSummaryDto>>($"{url}&limit=50"));
        Assert.Equal(small, large);
    }

    [Theory]
    [InlineData("/api/v1/events/no-such-event")]
    [InlineData("/api/v1/events/0190f3a2-0000-7000-8000-000000000000")]
    [InlineData("/api/v1/events/20240729-round-table")]
    [InlineData("/api/v1/events/no-such-event/participants")]
    [InlineData("/api/v1/events/no-such-event/organizers")]
    [InlineData("/api/v1/events/no-such-event/recommendations")]
    public async Task Unknown_events_answer_404_problems(string url)
    {
        var problem = await GetProblemAsync(url, 404);
        Assert.Contains("event", problem.Detail);
    }

    [Theory]
    [InlineData("/api/v1/events/Not_A_Slug")]
    [InlineData("/api/v1/events/0190f3a2-0000-7000-8000-00000000000g")]
    [InlineData("/api/v1/events/%7B0190f3a2-0000-7000-8000-000000000000%7D")]
    [InlineData("/api/v1/events/zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz")]
    [InlineData("/api/v1/events/double--hyphen")]
    [InlineData("/api/v1/events/%2Fetc%2Fpasswd")]
    [InlineData("/api/v1/events/%C3%A9v%C3%A9nement")]
    public async Task Malformed_ids_answer_400_problems_naming_the_parameter(string url)
    {
        AssertFieldError(await GetProblemAsync(url, 400), "idOrSlug");
    }

    [Fact]
    public async Task An_overlong_slug_is_a_400_problem()
    {
        AssertFieldError(await GetProblemAsync("/api/v1/events/" + new string('a', 101), 400), "idOrSlug");
    }
    // The document is built as JSON in the database in one statement; each relation's own list still reads rows. Both
    // must say the same thing about every relation, in every language and in the response language (fallbacks).
    [Theory]
    [InlineData("?lang=*")]
    [InlineData("?lang=ko")]
    [InlineData("")]
    public async Task An_event_shows_each_relation_exactly_as_its_own_list_does(string lang)
    {
        var ev = await GetJsonAsync(RoundTable + lang);
        foreach (var relation in new[] { "organizers", "participants", "recommendations" })
        {
            var listed = await GetJsonAsync($"{RoundTable}/{relation}{(lang.Length == 0 ? "?" : lang + "&")}limit=100");
            Assert.Equal(ById(listed["items"]!.AsArray()), ById(ev[relation]!.AsArray()));
        }
        Assert.NotEmpty(ev["quotes"]!.AsArray());
        Assert.NotEmpty(ev["acknowledgements"]!.AsArray());
    }

    [Fact]
    public async Task Instants_keep_their_microseconds_and_offset()
    {
        await using var connection = await Npgsql.NpgsqlDataSource.Create(ConnectionString).OpenConnectionAsync();
        await using var command = new Npgsql.NpgsqlCommand("""
            UPDATE events SET time_zone = 'Asia/Almaty', starts_at = '2024-07-29 05:30:00.123456+00', ends_at = '2024-07-29 13:00:00.5+05'
            WHERE slug = 'iitu-snu-round-table-2024' RETURNING version
            """, connection);
        await command.ExecuteScalarAsync();
        var ev = await GetJsonAsync(RoundTable);
        Assert.Equal("2024-07-29T05:30:00.123456+00:00", ev["startsAt"]!.GetValue<string>());
        Assert.Equal("2024-07-29T08:00:00.5+00:00", ev["endsAt"]!.GetValue<string>());
    }

    private static List<string> ById(JsonArray items) =>
        items.Select(i => i!.ToJsonString()).OrderBy(j => JsonNode.Parse(j)!["id"]!.GetValue<string>(), StringComparer.Ordinal).ToList();
}
