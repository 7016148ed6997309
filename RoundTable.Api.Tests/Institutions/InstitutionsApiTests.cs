using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Institutions;

public sealed class InstitutionsApiTests : ApiTest
{
    [Fact]
    public async Task Every_institution_the_report_names_is_listed_with_its_kind()
    {
        var institutions = await WalkAsync("/api/v1/institutions", 3);
        var kinds = institutions.ToDictionary(i => i["slug"]!.GetValue<string>(), i => i["kind"]!.GetValue<string>());
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
        }, kinds);
    }

    [Fact]
    public async Task Snu_carries_its_qs_ranking_and_the_figures_about_its_graduates()
    {
        var snu = await GetJsonAsync("/api/v1/institutions/seoul-national-university");

        var ranking = Assert.Single(snu["rankings"]!.AsArray())!;
        Assert.Equal("QS World University Rankings", ranking["ranking"]!.GetValue<string>());
        Assert.Equal(2024, ranking["year"]!.GetValue<int>());
        Assert.Null(ranking["subject"]);
        Assert.Equal(31, ranking["rank"]!.GetValue<int>());

        var figures = snu["figures"]!.AsArray().ToDictionary(f => f!["key"]!.GetValue<string>(), f => f!);
        Assert.Equal(100m, figures["graduates_in_government"]["value"]!.GetValue<decimal>());
        Assert.Equal("more_than", figures["graduates_in_government"]["qualifier"]!.GetValue<string>());
        Assert.Equal(20m, figures["graduates_ministers"]["value"]!.GetValue<decimal>());
        Assert.Equal(73m, figures["graduates_vice_ministers"]["value"]!.GetValue<decimal>());
        Assert.Equal(1m, figures["graduates_prime_ministers"]["value"]!.GetValue<decimal>());
        Assert.Equal(1m, figures["graduates_deputy_prime_ministers"]["value"]!.GetValue<decimal>());
        Assert.All(figures.Values, f => Assert.Equal(2024, f["asOfYear"]!.GetValue<int>()));
    }

    [Fact]
    public async Task The_graduate_school_belongs_to_its_university_and_has_its_subject_ranking()
    {
        var gspa = await GetJsonAsync("/api/v1/institutions/snu-graduate-school-of-public-administration");
        Assert.Equal("seoul-national-university", gspa["parent"]!["slug"]!.GetValue<string>());
        Assert.Equal("SNU GSPA", gspa["shortName"]!.GetValue<string>());
        var ranking = Assert.Single(gspa["rankings"]!.AsArray())!;
        Assert.Equal("Public Administration", ranking["subject"]!.GetValue<string>());
        Assert.Equal(26, ranking["rank"]!.GetValue<int>());

        var children = await WalkAsync("/api/v1/institutions/seoul-national-university/children", 5);
        Assert.Equal("snu-graduate-school-of-public-administration", Assert.Single(children)["slug"]!.GetValue<string>());
        Assert.Empty(await WalkAsync("/api/v1/institutions/iitu/children", 5));
    }

    [Fact]
    public async Task An_institutions_speakers_and_events_show_how_it_took_part()
    {
        var speakers = await WalkAsync("/api/v1/institutions/iitu/speakers", 5);
        Assert.Equal("a-k-khikmetov", Assert.Single(speakers)["speaker"]!["slug"]!.GetValue<string>());

        var iituEvents = await WalkAsync("/api/v1/institutions/iitu/events", 5);
        Assert.Equal(["organizer", "represented"], Assert.Single(iituEvents)["involvement"]!.AsArray().Select(i => i!.GetValue<string>()));

        var snuEvents = await WalkAsync("/api/v1/institutions/seoul-national-university/events", 5);
        Assert.Equal(["represented"], Assert.Single(snuEvents)["involvement"]!.AsArray().Select(i => i!.GetValue<string>()));

        var gspaEvents = await WalkAsync("/api/v1/institutions/snu-graduate-school-of-public-administration/events", 5);
        Assert.Equal(["co_organizer"], Assert.Single(gspaEvents)["involvement"]!.AsArray().Select(i => i!.GetValue<string>()));
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
