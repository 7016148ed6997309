using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Speakers;

public sealed class SpeakersApiTests : ApiTest
{
    [Fact]
    public async Task Every_person_the_report_names_is_a_speaker_with_their_position()
    {
        var speakers = await WalkAsync("/api/v1/speakers", 100);
        Assert.Equal(
            ["a-k-khikmetov", "aliya-kalkamanovna-ospanova", "kilkon-ko", "maksat-turlubaev", "maria-shklyaruk", "ulan-abdilkailuly-bekish"],
            speakers.Select(s => s["slug"]!.GetValue<string>()).Order());

        var bekish = await GetJsonAsync("/api/v1/speakers/ulan-abdilkailuly-bekish");
        Assert.Equal("Ulan Abdilkailuly Bekish", bekish["fullName"]!.GetValue<string>());
        var affiliation = Assert.Single(bekish["affiliations"]!.AsArray())!;
        Assert.Equal("academy-of-public-administration-kz", affiliation["institution"]!["slug"]!.GetValue<string>());
        Assert.Equal("Vice-rector for corporate and financial activities", affiliation["position"]!.GetValue<string>());

        var ospanova = await GetJsonAsync("/api/v1/speakers/aliya-kalkamanovna-ospanova");
        Assert.Equal("Chairman of the board", ospanova["affiliations"]![0]!["position"]!.GetValue<string>());

        var khikmetov = await GetJsonAsync("/api/v1/speakers/a-k-khikmetov");
        Assert.Equal("Rector", khikmetov["affiliations"]![0]!["position"]!.GetValue<string>());
        Assert.Null(khikmetov["orcid"]);
    }

    [Fact]
    public async Task A_person_can_hold_several_affiliations_at_once()
    {
        var affiliations = await WalkAsync("/api/v1/speakers/maria-shklyaruk/affiliations", 1);
        Assert.Equal(["aurora-ala-foundation", "european-university"],
            affiliations.Select(a => a["institution"]!["slug"]!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task A_speakers_events_carry_their_role()
    {
        var events = await WalkAsync("/api/v1/speakers/kilkon-ko/events", 10);
        var item = Assert.Single(events);
        Assert.Equal("iitu-snu-round-table-2024", item["event"]!["slug"]!.GetValue<string>());
        Assert.Equal("speaker", item["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task Id_and_slug_lookups_agree_and_unknown_speakers_are_404()
    {
        var bySlug = await GetJsonAsync("/api/v1/speakers/kilkon-ko");
        var byId = await GetJsonAsync($"/api/v1/speakers/{bySlug["id"]!.GetValue<string>()}");
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(bySlug, byId));

        await GetProblemAsync("/api/v1/speakers/nobody", 404);
        await GetProblemAsync("/api/v1/speakers/nobody/events", 404);
        await GetProblemAsync("/api/v1/speakers/nobody/affiliations", 404);
        await GetProblemAsync("/api/v1/speakers/No%20Body", 400);
    }
}
