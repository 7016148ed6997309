using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Localization;

/// <summary>Response languages: Accept-Language with quality values, ?lang=, fallbacks marked, every translation with lang=*.</summary>
public sealed class LanguageTests : WriteApiTest
{
    private async Task<(T Body, HttpResponseMessage Response)> GetInAsync<T>(string url, string? acceptLanguage = null)
    {
        var (text, response) = await GetTextInAsync(url, acceptLanguage);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (WireJson.Deserialize<T>(text), response);
    }

    private async Task<(string Text, HttpResponseMessage Response)> GetTextInAsync(string url, string? acceptLanguage)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (acceptLanguage is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        }
        var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return (text, response);
    }

    [Fact]
    public async Task Accept_language_picks_the_translation_and_says_so()
    {
        var (kk, response) = await GetInAsync<InstitutionDto>("/api/v1/institutions/iitu", "kk");
        Assert.Equal("Халықаралық ақпараттық технологиялар университеті", kk.Name);
        Assert.Equal("ХАТУ", kk.ShortName);
        Assert.Null(kk.FallbackLanguages);
        Assert.Equal(["kk"], response.Content.Headers.ContentLanguage);
        Assert.Contains("Accept-Language", response.Headers.Vary);

        var (ru, _) = await GetInAsync<InstitutionDto>("/api/v1/institutions/iitu", "ru-KZ");
        Assert.Equal("Международный университет информационных технологий", ru.Name);

        var (ko, koResponse) = await GetInAsync<InstitutionDto>("/api/v1/institutions/seoul-national-university", "ko");
        Assert.Equal("서울대학교", ko.Name);
        // SNU publishes no Korean acronym in the seed: it falls back to English and says so.
        Assert.Equal("SNU", ko.ShortName);
        Assert.Equal("en", Assert.Contains("shortName", ko.FallbackLanguages!));
        Assert.DoesNotContain("name", ko.FallbackLanguages!.Keys);
        Assert.Equal(["ko"], koResponse.Content.Headers.ContentLanguage);
    }

    [Fact]
    public async Task Quality_values_rank_the_languages_and_unsupported_ones_are_skipped()
    {
        var (body, response) = await GetInAsync<InstitutionDto>("/api/v1/institutions/iitu", "de, en;q=0.2, kk;q=0.5, ru;q=0.9");
        Assert.Equal("Международный университет информационных технологий", body.Name);
        Assert.Equal(["ru"], response.Content.Headers.ContentLanguage);

        var (excluded, _) = await GetInAsync<InstitutionDto>("/api/v1/institutions/iitu", "ru;q=0, kk");
        Assert.Equal("Халықаралық ақпараттық технологиялар университеті", excluded.Name);

        var (german, germanResponse) = await GetInAsync<InstitutionDto>("/api/v1/institutions/iitu", "de");
        Assert.Equal("International Information Technology University", german.Name);
        Assert.Equal(["en"], germanResponse.Content.Headers.ContentLanguage);

        var (garbage, _) = await GetInAsync<InstitutionDto>("/api/v1/institutions/iitu", ";;;q=abc,");
        Assert.Equal("International Information Technology University", garbage.Name);
    }

    [Fact]
    public async Task Lang_parameter_wins_over_the_header_and_reaches_nested_references_and_lists()
    {
        var (body, response) = await GetInAsync<EventDto>("/api/v1/events/iitu-snu-round-table-2024?lang=kk", "ru");
        Assert.Equal(["kk"], response.Content.Headers.ContentLanguage);
        var organizer = body.Organizers.Select(o => o.Institution).First(i => i.Slug == "iitu");
        Assert.Equal("Халықаралық ақпараттық технологиялар университеті", organizer.Name);
        // The title exists in English only: marked as a fallback on the event itself.
        Assert.Equal("en", Assert.Contains("title", body.FallbackLanguages!));
        var khikmetov = body.Participants.First(p => p.Speaker.Slug == "a-k-khikmetov");
        Assert.Equal("ХАТУ", Assert.Single(khikmetov.Institutions).ShortName);

        var (page, _) = await GetInAsync<PageDto<InstitutionSummaryDto>>("/api/v1/institutions?lang=ru&country=KZ&sort=name");
        Assert.Contains(page.Items, i => i.Name == "АО «Центр международных программ»");
    }

    [Fact]
    public async Task Lang_star_returns_every_translation_as_an_object()
    {
        // Raw JSON: with lang=* every text is an object of translations, not the string the records expect.
        var (text, response) = await GetTextInAsync("/api/v1/institutions/iitu?lang=*", "kk");
        var body = JsonNode.Parse(text)!;
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
        Assert.Equal("Al-Farabi Kazakh National University", (await ReadAsync<InstitutionDto>(created, HttpStatusCode.Created)).Name);
        var (kk, _) = await GetInAsync<InstitutionDto>("/api/v1/institutions/kazakh-national-university", "kk");
        Assert.Equal("Әл-Фараби атындағы Қазақ ұлттық университеті", kk.Name);
        var (ru, _) = await GetInAsync<InstitutionDto>("/api/v1/institutions/kazakh-national-university", "ru");
        Assert.Equal("Казахский национальный университет имени аль-Фараби", ru.Name);
        // Raw JSON: lang=* answers every translation as an object.
        var (all, _) = await GetTextInAsync("/api/v1/institutions/kazakh-national-university?lang=*", null);
        Assert.Equal(3, JsonNode.Parse(all)!["name"]!.AsObject().Count);
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
        using var client = factory.CreateContractClient();
        // No preference: the first supported language... is asked of the fallback order, whose first is ru.
        using var plain = await client.GetAsync("/api/v1/institutions/iitu");
        Assert.Equal("Международный университет информационных технологий", (await ReadAsync<InstitutionDto>(plain, HttpStatusCode.OK)).Name);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/institutions/iitu");
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("ko"));
        using var korean = await client.SendAsync(request);
        var body = await ReadAsync<InstitutionDto>(korean, HttpStatusCode.OK);
        // IITU has no Korean name: the configured order gives Russian before English, and marks it.
        Assert.Equal("Международный университет информационных технологий", body.Name);
        Assert.Equal("ru", Assert.Contains("name", body.FallbackLanguages!));
        Assert.Equal(["ko"], korean.Content.Headers.ContentLanguage);
    }
}
