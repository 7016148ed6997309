using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Speakers;

public sealed class SpeakerReadTests : ApiTest
{
    [Fact]
    public async Task Every_person_the_report_names_is_a_speaker_with_their_position()
    {
        var speakers = await WalkAsync<SpeakerSummaryDto>("/api/v1/speakers", 100);
        Assert.Equal(
            ["a-k-khikmetov", "aliya-kalkamanovna-ospanova", "kilkon-ko", "maksat-turlubaev", "maria-shklyaruk", "ulan-abdilkailuly-bekish"],
            speakers.Select(s => s.Slug).Order());

        var bekish = await GetAsync<SpeakerDto>("/api/v1/speakers/ulan-abdilkailuly-bekish");
        Assert.Equal("Ulan Abdilkailuly Bekish", bekish.FullName);
        var affiliation = Assert.Single(bekish.Affiliations);
        Assert.Equal("academy-of-public-administration-kz", affiliation.Institution.Slug);
        Assert.Equal("Vice-rector for corporate and financial activities", affiliation.Position);

        var ospanova = await GetAsync<SpeakerDto>("/api/v1/speakers/aliya-kalkamanovna-ospanova");
        Assert.Equal("Chairman of the board", Assert.Single(ospanova.Affiliations).Position);

        var khikmetov = await GetAsync<SpeakerDto>("/api/v1/speakers/a-k-khikmetov");
        Assert.Equal("Rector", Assert.Single(khikmetov.Affiliations).Position);
        Assert.Null(khikmetov.Orcid);
    }

    [Fact]
    public async Task A_person_can_hold_several_affiliations_at_once()
    {
        var affiliations = await WalkAsync<AffiliationDto>("/api/v1/speakers/maria-shklyaruk/affiliations", 1);
        Assert.Equal(["aurora-ala-foundation", "european-university"], affiliations.Select(a => a.Institution.Slug).Order());
    }

    [Fact]
    public async Task A_speakers_events_carry_their_role()
    {
        var events = await WalkAsync<SpeakerEventDto>("/api/v1/speakers/kilkon-ko/events", 10);
        var item = Assert.Single(events);
        Assert.Equal("iitu-snu-round-table-2024", item.Event.Slug);
        Assert.Equal("speaker", item.Role);
    }

    [Fact]
    public async Task Included_affiliations_equal_the_speakers_own()
    {
        var page = await GetAsync<PageDto<SpeakerSummaryDto>>("/api/v1/speakers?include=affiliations&q=shklyaruk");
        var listed = Assert.Single(page.Items);
        Assert.Equal(2, listed.Affiliations!.Count);
        AssertSameJson((await GetAsync<SpeakerDto>("/api/v1/speakers/maria-shklyaruk")).Affiliations, listed.Affiliations);

        var plain = await GetAsync<PageDto<SpeakerSummaryDto>>("/api/v1/speakers?q=shklyaruk");
        Assert.Null(Assert.Single(plain.Items).Affiliations);
    }

    [Fact]
    public async Task The_number_of_queries_for_included_affiliations_does_not_grow_with_the_page()
    {
        await GetAsync<PageDto<SpeakerSummaryDto>>("/api/v1/speakers?include=affiliations&limit=1"); // warm-up: the data source loads its type information once
        var small = await CountCommandsAsync(() => GetAsync<PageDto<SpeakerSummaryDto>>("/api/v1/speakers?include=affiliations&limit=1"));
        var large = await CountCommandsAsync(() => GetAsync<PageDto<SpeakerSummaryDto>>("/api/v1/speakers?include=affiliations&limit=100"));
        Assert.Equal(small, large);
    }

    [Fact]
    public async Task Id_and_slug_lookups_agree_and_unknown_speakers_are_404()
    {
        var bySlug = await GetAsync<SpeakerDto>("/api/v1/speakers/kilkon-ko");
        var byId = await GetAsync<SpeakerDto>($"/api/v1/speakers/{bySlug.Id}");
        AssertSameJson(bySlug, byId);

        await GetProblemAsync("/api/v1/speakers/nobody", 404);
        await GetProblemAsync("/api/v1/speakers/nobody/events", 404);
        await GetProblemAsync("/api/v1/speakers/nobody/affiliations", 404);
        await GetProblemAsync("/api/v1/speakers/No%20Body", 400);
    }
}
