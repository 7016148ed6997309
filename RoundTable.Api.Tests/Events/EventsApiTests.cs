using System.Text.Json.Nodes;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Events;

public sealed class EventsApiTests : ApiTest
{
    private const string RoundTable = "/api/v1/events/iitu-snu-round-table-2024";

    [Fact]
    public async Task The_round_table_is_served_with_its_facts_from_the_report()
    {
        var ev = await GetJsonAsync(RoundTable);

        Assert.Equal("iitu-snu-round-table-2024", ev["slug"]!.GetValue<string>());
        Assert.Equal("Improving the Efficiency of the Public Service Through Digital Transformation: Development of Digital Policy and Analytical Skills",
            ev["title"]!.GetValue<string>());
        Assert.Equal("round_table", ev["kind"]!.GetValue<string>());
        Assert.Equal("held", ev["status"]!.GetValue<string>());
        Assert.Equal("2024-07-29", ev["startDate"]!.GetValue<string>());
        Assert.Equal("2024-07-29", ev["endDate"]!.GetValue<string>());
        // The report gives no time, venue or city: they stay null rather than invented.
        Assert.Null(ev["startsAt"]);
        Assert.Null(ev["venue"]);
        Assert.Null(ev["city"]);
        Assert.Equal("iitu-snu-round-table-2024-report", ev["source"]!["slug"]!.GetValue<string>());
        Assert.Equal(1, ev["version"]!.GetValue<long>());
        Assert.Matches(@"[+-]\d\d:\d\d$|Z$", ev["createdAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_round_table_lists_its_organizers_with_roles()
    {
        var ev = await GetJsonAsync(RoundTable);

        var organizers = ev["organizers"]!.AsArray()
            .Select(o => (o!["institution"]!["slug"]!.GetValue<string>(), o["role"]!.GetValue<string>()))
            .ToList();
        Assert.Equal(
            [("iitu", "organizer"), ("snu-graduate-school-of-public-administration", "co_organizer")],
            organizers);
    }

    [Fact]
    public async Task The_round_table_lists_every_participant_with_role_and_represented_institutions()
    {
        var ev = await GetJsonAsync(RoundTable);

        var participants = ev["participants"]!.AsArray().ToDictionary(
            p => p!["speaker"]!["slug"]!.GetValue<string>(),
            p => (Role: p!["role"]!.GetValue<string>(),
                  Institutions: p["institutions"]!.AsArray().Select(i => i!["slug"]!.GetValue<string>()).Order().ToArray()));

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

        var ko = ev["participants"]!.AsArray().Single(p => p!["speaker"]!["slug"]!.GetValue<string>() == "kilkon-ko")!;
        Assert.Equal("Kilkon Ko", ko["speaker"]!["fullName"]!.GetValue<string>());
        Assert.Equal("Professor", ko["speaker"]!["honorific"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_round_table_carries_the_rectors_quote_the_letter_of_gratitude_and_its_recommendations()
    {
        var ev = await GetJsonAsync(RoundTable);

        var quote = Assert.Single(ev["quotes"]!.AsArray())!;
        Assert.Equal("a-k-khikmetov", quote["speaker"]!["slug"]!.GetValue<string>());
        Assert.StartsWith("Today, the public service requires a review of the competencies", quote["text"]!.GetValue<string>());
        Assert.EndsWith("for the effective performance of official duties.", quote["text"]!.GetValue<string>());
        Assert.Null(quote["fallbackLanguages"]);

        var ack = Assert.Single(ev["acknowledgements"]!.AsArray())!;
        Assert.Equal("iitu", ack["from"]!["slug"]!.GetValue<string>());
        Assert.Equal("kilkon-ko", ack["to"]!["slug"]!.GetValue<string>());
        Assert.Equal("letter_of_gratitude", ack["kind"]!.GetValue<string>());

        var recommendations = ev["recommendations"]!.AsArray();
        Assert.Equal(4, recommendations.Count);
        Assert.All(recommendations, r => Assert.Equal("proposed", r!["status"]!.GetValue<string>()));
        Assert.All(recommendations, r => Assert.Equal(ev["id"]!.GetValue<string>(), r!["eventId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Id_and_slug_lookups_return_the_same_event()
    {
        var bySlug = await GetJsonAsync(RoundTable);
        var byId = await GetJsonAsync($"/api/v1/events/{bySlug["id"]!.GetValue<string>()}");

        Assert.True(JsonNode.DeepEquals(bySlug, byId));
    }

    [Fact]
    public async Task The_list_holds_the_round_table_as_a_summary()
    {
        var page = await GetJsonAsync("/api/v1/events");

        var item = Assert.Single(page["items"]!.AsArray())!;
        Assert.Equal("iitu-snu-round-table-2024", item["slug"]!.GetValue<string>());
        Assert.Null(item["participants"]);
        Assert.Null(page["nextCursor"]);
    }

    [Fact]
    public async Task Relation_lists_page_the_organizers_participants_and_recommendations()
    {
        var organizers = await WalkAsync($"{RoundTable}/organizers", 1);
        Assert.Equal(["iitu", "snu-graduate-school-of-public-administration"],
            organizers.Select(o => o["institution"]!["slug"]!.GetValue<string>()).Order());

        var participants = await WalkAsync($"{RoundTable}/participants", 4);
        Assert.Equal(6, participants.Count);
        Assert.Equal(6, participants.Select(p => p["id"]!.GetValue<string>()).Distinct().Count());
        var maria = participants.Single(p => p["speaker"]!["slug"]!.GetValue<string>() == "maria-shklyaruk");
        Assert.Equal(2, maria["institutions"]!.AsArray().Count);

        var recommendations = await WalkAsync($"{RoundTable}/recommendations", 3);
        Assert.Equal(4, recommendations.Count);
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
        Assert.Contains("event", problem["detail"]!.GetValue<string>());
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
        var problem = await GetProblemAsync(url, 400);
        Assert.NotNull(problem["errors"]!["idOrSlug"]);
    }

    [Fact]
    public async Task An_overlong_slug_is_a_400_problem()
    {
        var problem = await GetProblemAsync("/api/v1/events/" + new string('a', 101), 400);
        Assert.NotNull(problem["errors"]!["idOrSlug"]);
    }
}
