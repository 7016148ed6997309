using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Institutions;

public sealed class InstitutionReadTests : ApiTest
{
    [Fact]
    public async Task Every_institution_the_report_names_is_listed_with_its_kind()
    {
        var institutions = await WalkAsync<InstitutionSummaryDto>("/api/v1/institutions", 3);
        Assert.Equal(new Dictionary<string, string>
        {
            ["iitu"] = "university",
            ["seoul-national-university"] = "university",
            ["snu-graduate-school-of-public-administration"] = "graduate_school",
            ["bureau-of-national-statistics"] = "government_agency",
            ["aurora-ala-foundation"] = "foundation",
            ["european-university"] = "university",
            ["academy-of-public-administration-kz"] = "academy",
            ["center-for-international-programs"] = "company",
        }, institutions.ToDictionary(i => i.Slug, i => i.Kind));
    }

    [Fact]
    public async Task Snu_carries_its_qs_ranking_and_the_figures_about_its_graduates()
    {
        var snu = await GetAsync<InstitutionDto>("/api/v1/institutions/seoul-national-university");

        var ranking = Assert.Single(snu.Rankings);
        Assert.Equal("QS World University Rankings", ranking.Ranking);
        Assert.Equal(2024, ranking.Year);
        Assert.Null(ranking.Subject);
        Assert.Equal(31, ranking.Rank);

        var figures = snu.Figures.ToDictionary(f => f.Key);
        Assert.Equal(100m, figures["graduates_in_government"].Value);
        Assert.Equal("more_than", figures["graduates_in_government"].Qualifier);
        Assert.Equal(20m, figures["graduates_ministers"].Value);
        Assert.Equal(73m, figures["graduates_vice_ministers"].Value);
        Assert.Equal(1m, figures["graduates_prime_ministers"].Value);
        Assert.Equal(1m, figures["graduates_deputy_prime_ministers"].Value);
        Assert.All(figures.Values, f => Assert.Equal(2024, f.AsOfYear));
    }

    [Fact]
    public async Task The_graduate_school_belongs_to_its_university_and_has_its_subject_ranking()
    {
        var gspa = await GetAsync<InstitutionDto>("/api/v1/institutions/snu-graduate-school-of-public-administration");
        Assert.Equal("seoul-national-university", gspa.Parent?.Slug);
        Assert.Equal("SNU GSPA", gspa.ShortName);
        var ranking = Assert.Single(gspa.Rankings);
        Assert.Equal("Public Administration", ranking.Subject);
        Assert.Equal(26, ranking.Rank);

        var children = await WalkAsync<InstitutionSummaryDto>("/api/v1/institutions/seoul-national-university/children", 5);
        var child = Assert.Single(children);
        Assert.Equal("snu-graduate-school-of-public-administration", child.Slug);
        Assert.Equal(gspa.Parent!.Id, child.ParentId);
        Assert.Empty(await WalkAsync<InstitutionSummaryDto>("/api/v1/institutions/iitu/children", 5));
    }

    [Fact]
    public async Task An_institutions_speakers_and_events_show_how_it_took_part()
    {
        var speakers = await WalkAsync<InstitutionSpeakerDto>("/api/v1/institutions/iitu/speakers", 5);
        Assert.Equal("a-k-khikmetov", Assert.Single(speakers).Speaker.Slug);

        var iituEvents = await WalkAsync<InstitutionEventDto>("/api/v1/institutions/iitu/events", 5);
        Assert.Equal(["organizer", "represented"], Assert.Single(iituEvents).Involvement);

        var snuEvents = await WalkAsync<InstitutionEventDto>("/api/v1/institutions/seoul-national-university/events", 5);
        Assert.Equal(["represented"], Assert.Single(snuEvents).Involvement);

        var gspaEvents = await WalkAsync<InstitutionEventDto>("/api/v1/institutions/snu-graduate-school-of-public-administration/events", 5);
        Assert.Equal(["co_organizer"], Assert.Single(gspaEvents).Involvement);
    }

    [Fact]
    public async Task Unknown_institutions_are_404_problems()
    {
        await GetProblemAsync("/api/v1/institutions/nowhere", 404);
        await GetProblemAsync("/api/v1/institutions/nowhere/children", 404);
        await GetProblemAsync("/api/v1/institutions/nowhere/events", 404);
        await GetProblemAsync("/api/v1/institutions/nowhere/speakers", 404);
    }
}
