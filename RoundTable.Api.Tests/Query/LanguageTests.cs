using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Query;

/// <summary>Response languages: Accept-Language with quality values, ?lang=, fallbacks marked, every translation with lang=*.</summary>
public sealed class LanguageTests : WriteApiTest
{
    private async Task<(JsonObject Body, HttpResponseMessage Response)> GetAsync(string url, string? acceptLanguage = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (acceptLanguage is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        }
        var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return (JsonNode.Parse(text)!.AsObject(), response);
    }

    [Fact]
    public async Task Accept_language_picks_the_translation_and_says_so()
    {
        var (kk, response) = await GetAsync("/api/v1/institutions/iitu", "kk");
        Assert.Equal("Халықаралық ақпараттық технологиялар университеті", kk["name"]!.GetValue<string>());
        Assert.Equal("ХАТУ", kk["shortName"]!.GetValue<string>());
        Assert.Null(kk["fallbackLanguages"]);
        Assert.Equal(["kk"], response.Content.Headers.ContentLanguage);
        Assert.Contains("Accept-Language", response.Headers.Vary);

        var (ru, _) = await GetAsync("/api/v1/institutions/iitu", "ru-KZ");
        Assert.Equal("Международный университет информационных технологий", ru["name"]!.GetValue<string>());

        var (ko, koResponse) = await GetAsync("/api/v1/institutions/seoul-national-university", "ko");
        Assert.Equal("서울대학교", ko["name"]!.GetValue<string>());
        // SNU publishes no Korean acronym in the seed: it falls back to English and says so.
        Assert.Equal("SNU", ko["shortName"]!.GetValue<string>());
        Assert.Equal("en", ko["fallbackLanguages"]!["shortName"]!.GetValue<string>());
        Assert.Equal(["ko"], koResponse.Content.Headers.ContentLanguage);
    }

    [Fact]
    public async Task Quality_values_rank_the_languages_and_unsupported_ones_are_skipped()
    {
        var (body, response) = await GetAsync("/api/v1/institutions/iitu", "de, en;q=0.2, kk;q=0.5, ru;q=0.9");
        Assert.Equal("Международный университет информационных технологий", body["name"]!.GetValue<string>());
        Assert.Equal(["ru"], response.Content.Headers.ContentLanguage);

        var (excluded, _) = await GetAsync("/api/v1/institutions/iitu", "ru;q=0, kk");
        Assert.Equal("Халықаралық ақпараттық технологиялар университеті", excluded["name"]!.GetValue<string>());

        var (german, germanResponse) = await GetAsync("/api/v1/institutions/iitu", "de");
        Assert.Equal("International Information Technology University", german["name"]!.GetValue<string>());
        Assert.Equal(["en"], germanResponse.Content.Headers.ContentLanguage);

        var (garbage, _) = await GetAsync("/api/v1/institutions/iitu", ";;;q=abc,");
        Assert.Equal("International Information Technology University", garbage["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Lang_parameter_wins_over_the_header_and_reaches_nested_references_and_lists()
    {
        var (body, _) = await GetAsync("/api/v1/events/iitu-snu-round-table-2024?lang=kk", "ru");
        var organizer = body["organizers"]!.AsArray().Select(o => o!["institution"]!).First(i => i["slug"]!.GetValue<string>() == "iitu");
        Assert.Equal("Халықаралық ақпараттық технологиялар университеті", organizer["name"]!.GetValue<string>());
        // The title exists in English only: marked as a fallback on the event itself.
        Assert.Equal("en", body["fallbackLanguages"]!["title"]!.GetValue<string>());
        var khikmetov = body["participants"]!.AsArray().First(p => p!["speaker"]!["slug"]!.GetValue<string>() == "a-k-khikmetov")!;
        Assert.Equal("ХАТУ", khikmetov["institutions"]![0]!["shortName"]!.GetValue<string>());

        var (page, _) = await GetAsync("/api/v1/institutions?lang=ru&country=KZ&sort=name");
        Assert.Contains(page["items"]!.AsArray(), i => i!["name"]!.GetValue<string>() == "АО «Центр международных программ»");
    }

    [Fact]
    public async Task Lang_star_returns_every_translation_as_an_object()
    {
        var (body, response) = await GetAsync("/api/v1/institutions/iitu?lang=*", "kk");
        var name = body["name"]!.AsObject();
        Assert.Equal("International Information Technology University", name["en"]!.GetValue<string>());
        Assert.Equal("Международный университет информационных технологий", name["ru"]!.GetValue<string>());
        Assert.Equal("Халықаралық ақпараттық технологиялар университеті", name["kk"]!.GetValue<string>());
        Assert.Null(body["fallbackLanguages"]);
        Assert.Empty(response.Content.Headers.ContentLanguage);
        Assert.Null(body["city"]);
    }

    [Fact]
    public async Task Writes_take_translations_and_reads_serve_each()
    {
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/institutions", AdminKey, new
        {
            slug = "kazakh-national-university",
            name = new Dictionary<string, string> { ["en"] = "Al-Farabi Kazakh National University", ["kk"] = "Әл-Фараби атындағы Қазақ ұлттық университеті", ["ru"] = "Казахский национальный университет имени аль-Фараби" },
            kind = "university",
            country = "KZ",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var (kk, _) = await GetAsync("/api/v1/institutions/kazakh-national-university", "kk");
        Assert.Equal("Әл-Фараби атындағы Қазақ ұлттық университеті", kk["name"]!.GetValue<string>());
        var (all, _) = await GetAsync("/api/v1/institutions/kazakh-national-university?lang=*");
        Assert.Equal(3, all["name"]!.AsObject().Count);
    }

    [Fact]
    public async Task The_fallback_order_is_configurable()
    {
        await using var factory = CreateFactory(ConnectionString, settings: new Dictionary<string, string>
        {
            ["Languages:Supported:0"] = "ko",
            ["Languages:Supported:1"] = "ru",
            ["Languages:Supported:2"] = "en",
            ["Languages:Fallback:0"] = "ru",
            ["Languages:Fallback:1"] = "en",
        });
        using var client = factory.CreateClient();
        // No preference: the first supported language... is asked of the fallback order, whose first is ru.
        using var plain = await client.GetAsync("/api/v1/institutions/iitu");
        Assert.Equal("Международный университет информационных технологий", JsonNode.Parse(await plain.Content.ReadAsStringAsync())!["name"]!.GetValue<string>());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/institutions/iitu");
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("ko"));
        using var korean = await client.SendAsync(request);
        var body = JsonNode.Parse(await korean.Content.ReadAsStringAsync())!;
        // IITU has no Korean name: the configured order gives Russian before English, and marks it.
        Assert.Equal("Международный университет информационных технологий", body["name"]!.GetValue<string>());
        Assert.Equal("ru", body["fallbackLanguages"]!["name"]!.GetValue<string>());
        Assert.Equal(["ko"], korean.Content.Headers.ContentLanguage);
    }
}
