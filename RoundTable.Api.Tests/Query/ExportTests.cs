using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CsvHelper;
using Ical.Net;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Query;

/// <summary>CSV and NDJSON exports of every list, iCalendar feeds, JSON-LD and CORS.</summary>
public sealed class ExportTests : WriteApiTest
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await ExecuteSqlAsync(GeneratedData.Sql);
    }

    private async Task<(string Body, HttpResponseMessage Response)> GetTextAsync(string url, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }
        var response = await Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return (body, response);
    }

    /// <summary>A JSON item's scalar fields as CSV writes them.</summary>
    private static Dictionary<string, string> Flatten(JsonObject item) => item
        .Where(p => p.Value is null or JsonValue || (p.Value is JsonArray array && array.All(a => a is JsonValue)))
        .ToDictionary(p => p.Key, p => p.Value switch
        {
            null => "",
            JsonArray array => string.Join(';', array.Select(a => a!.GetValue<string>())),
            JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String => value.GetValue<string>(),
            _ => p.Value.ToJsonString(),
        });

    [Theory]
    [InlineData("/api/v1/events")]
    [InlineData("/api/v1/events?kind=seminar,lecture&sort=-start")]
    [InlineData("/api/v1/speakers")]
    [InlineData("/api/v1/institutions?lang=ru")]
    [InlineData("/api/v1/recommendations")]
    public async Task A_csv_export_parsed_back_equals_the_json_pages(string url)
    {
        var json = (await WalkAsync(url, 7)).Select(Flatten).ToList();
        var separator = url.Contains('?') ? '&' : '?';
        var (csv, response) = await GetTextAsync($"{url}{separator}format=csv");
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("\r\n", csv);

        await using var reader = CsvReader.FromText(csv);
        reader.ReadHeader();
        var headers = reader.Headers.ToArray();
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read())
        {
            rows.Add(headers.Select((h, i) => (h, v: reader.GetString(i))).ToDictionary(x => x.h, x => x.v));
        }
        Assert.Equal(json.Count, rows.Count);
        for (var i = 0; i < json.Count; i++)
        {
            foreach (var header in headers)
            {
                Assert.Equal(json[i][header], rows[i][header]);
            }
            Assert.Equal(json[i].Keys.Where(k => k != "fallbackLanguages").Order(), headers.Order());
        }
    }

    [Theory]
    [InlineData("/api/v1/events?country=KR")]
    [InlineData("/api/v1/speakers")]
    [InlineData("/api/v1/institutions")]
    [InlineData("/api/v1/recommendations?lang=*")]
    [InlineData("/api/v1/search?q=forum")]
    public async Task An_ndjson_export_parsed_back_equals_the_json_pages(string url)
    {
        var json = await WalkAsync(url, 5);
        var (ndjson, response) = await GetTextAsync(url, "application/x-ndjson");
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType!.MediaType);
        var lines = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(json.Count, lines.Length);
        for (var i = 0; i < json.Count; i++)
        {
            Assert.True(JsonNode.DeepEquals(json[i], JsonNode.Parse(lines[i])), lines[i]);
        }
    }

    [Fact]
    public async Task A_full_export_taken_during_writes_has_each_row_once()
    {
        await ExecuteSqlAsync("""
            INSERT INTO events (slug, title, kind, status, start_date, end_date)
            SELECT 'bulk-' || g, jsonb_build_object('en', 'Bulk ' || g), 'seminar', 'held', date '2020-01-01' + g % 300, date '2020-01-01' + g % 300
            FROM generate_series(1, 20000) g;
            """);
        var before = await ScalarAsync<long>("SELECT count(*) FROM events WHERE deleted_at IS NULL AND published");
        // Sorted by update time: every update during the export would move its row to the end of the order.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events?format=ndjson&sort=updatedAt");
        using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
        var ids = new List<string> { JsonNode.Parse((await reader.ReadLineAsync())!)!["id"]!.GetValue<string>() };
        var writes = ExecuteSqlAsync("""
            UPDATE events SET status = 'cancelled' WHERE slug LIKE 'bulk-%' AND right(slug, 1) = '7';
            INSERT INTO events (slug, title, kind, status, start_date, end_date) VALUES ('late', '{"en": "Late"}', 'seminar', 'held', '2020-01-01', '2020-01-01');
            """);
        while (await reader.ReadLineAsync() is { } line)
        {
            ids.Add(JsonNode.Parse(line)!["id"]!.GetValue<string>());
        }
        Assert.Equal(2001, await writes); // 2000 updated, 1 inserted
        Assert.Equal(before, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task The_events_calendar_parses_back_with_organizer_attendees_and_status()
    {
        var (ics, response) = await GetTextAsync("/api/v1/events.ics?kind=round_table,seminar");
        Assert.Equal("text/calendar", response.Content.Headers.ContentType!.MediaType);
        var calendar = Calendar.Load(ics)!;
        var expected = await ScalarAsync<long>("SELECT count(*) FROM events WHERE kind IN ('round_table', 'seminar')");
        Assert.Equal(expected, calendar.Events.Count);
        var id = (await GetJsonAsync(RoundTable))["id"]!.GetValue<string>();
        var roundTable = calendar.Events.Single(e => e.Uid == $"{id}@roundtable-api");
        Assert.Equal("Improving the Efficiency of the Public Service Through Digital Transformation: Development of Digital Policy and Analytical Skills", roundTable.Summary);
        Assert.Equal(new DateOnly(2024, 7, 29), roundTable.DtStart!.Date);
        Assert.False(roundTable.DtStart.HasTime);
        Assert.Equal(new DateOnly(2024, 7, 30), roundTable.DtEnd!.Date);
        Assert.Equal("CONFIRMED", roundTable.Status);
        Assert.Equal("International Information Technology University", roundTable.Organizer!.CommonName);
        Assert.Equal(6, roundTable.Attendees.Count);
        Assert.Contains(roundTable.Attendees, a => a.CommonName == "Kilkon Ko");
        Assert.EndsWith("/api/v1/events/iitu-snu-round-table-2024", roundTable.Url!.ToString());
    }

    [Fact]
    public async Task Speaker_and_institution_calendars_hold_their_events_in_the_requested_language_and_time_zone()
    {
        var (speakerIcs, _) = await GetTextAsync("/api/v1/speakers/kilkon-ko/events.ics");
        var speakerEvents = Calendar.Load(speakerIcs)!.Events;
        var expected = await ScalarAsync<long>("SELECT count(*) FROM event_participants p JOIN speakers s ON s.id = p.speaker_id WHERE s.slug = 'kilkon-ko'");
        Assert.Equal(expected, speakerEvents.Count);

        await ExecuteSqlAsync("""
            UPDATE events SET starts_at = '2024-07-29T05:00:00Z', ends_at = '2024-07-29T08:00:00Z', time_zone = 'Asia/Almaty',
                              venue = '{"en": "IITU, main hall", "ru": "МУИТ, главный зал"}'
            WHERE slug = 'iitu-snu-round-table-2024';
            """);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/institutions/bureau-of-national-statistics/events.ics");
        request.Headers.AcceptLanguage.ParseAdd("ru");
        using var response = await Client.SendAsync(request);
        var calendar = Calendar.Load(await response.Content.ReadAsStringAsync())!;
        var roundTable = Assert.Single(calendar.Events);
        Assert.Equal("Asia/Almaty", roundTable.DtStart!.TzId);
        Assert.Equal(10, roundTable.DtStart.Hour); // 05:00 UTC is 10:00 in Almaty (UTC+5)
        Assert.Equal(new DateTime(2024, 7, 29, 5, 0, 0, DateTimeKind.Utc), roundTable.DtStart.AsUtc);
        Assert.Single(calendar.TimeZones, z => z.TzId == "Asia/Almaty");
        Assert.StartsWith("МУИТ, главный зал", roundTable.Location);
        Assert.Equal("Международный университет информационных технологий", roundTable.Organizer!.CommonName);

        await GetProblemAsync("/api/v1/speakers/nobody/events.ics", 404);
        await GetProblemAsync("/api/v1/events.ics?limit=5", 400);
        await GetProblemAsync("/api/v1/speakers/kilkon-ko/events.ics?participant=maria-shklyaruk", 400);
    }

    [Fact]
    public async Task Json_ld_describes_an_event_a_person_and_an_organization_with_schema_org_types()
    {
        var (eventLd, response) = await GetTextAsync(RoundTable, "application/ld+json");
        Assert.Equal("application/ld+json", response.Content.Headers.ContentType!.MediaType);
        var node = JsonNode.Parse(eventLd)!;
        Assert.Equal("https://schema.org", node["@context"]!.GetValue<string>());
        Assert.Equal("Event", node["@type"]!.GetValue<string>());
        Assert.Equal("2024-07-29", node["startDate"]!.GetValue<string>());
        Assert.Equal("https://schema.org/EventScheduled", node["eventStatus"]!.GetValue<string>());
        Assert.All(node["organizer"]!.AsArray(), o => Assert.Equal("Organization", o!["@type"]!.GetValue<string>()));
        Assert.Equal(6, node["performer"]!.AsArray().Count);
        Assert.All(node["performer"]!.AsArray(), p => Assert.Equal("Person", p!["@type"]!.GetValue<string>()));

        var person = JsonNode.Parse((await GetTextAsync("/api/v1/speakers/kilkon-ko", "application/ld+json")).Body)!;
        Assert.Equal("Person", person["@type"]!.GetValue<string>());
        Assert.Equal("Professor", person["honorificPrefix"]!.GetValue<string>());
        var organization = JsonNode.Parse((await GetTextAsync("/api/v1/institutions/snu-graduate-school-of-public-administration?lang=*", "application/ld+json")).Body)!;
        Assert.Equal("CollegeOrUniversity", organization["@type"]!.GetValue<string>());
        Assert.Contains(organization["name"]!.AsArray(), n => n!["@language"]!.GetValue<string>() == "ko" && n["@value"]!.GetValue<string>() == "서울대학교 행정대학원");
        Assert.Equal("seoul-national-university", organization["parentOrganization"]!["@id"]!.GetValue<string>().Split('/')[^1]);

        // application/json stays the default, also when both are acceptable with JSON preferred.
        var (plain, _) = await GetTextAsync(RoundTable, "application/json, application/ld+json;q=0.5");
        Assert.Null(JsonNode.Parse(plain)!["@context"]);
    }

    [Fact]
    public async Task Cors_allows_the_configured_origins_and_exposes_the_headers_frontends_read()
    {
        await using var factory = CreateFactory(ConnectionString, settings: new Dictionary<string, string> { ["Cors:Origins:0"] = "https://events.example.kz" });
        using var client = factory.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1/events/iitu-snu-round-table-2024");
        preflight.Headers.Add("Origin", "https://events.example.kz");
        preflight.Headers.Add("Access-Control-Request-Method", "PATCH");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization, if-match, content-type");
        using var allowed = await client.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal("https://events.example.kz", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("PATCH", allowed.Headers.GetValues("Access-Control-Allow-Methods").Single());

        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events?limit=1");
        get.Headers.Add("Origin", "https://events.example.kz");
        using var read = await client.SendAsync(get);
        var exposed = read.Headers.GetValues("Access-Control-Expose-Headers").Single();
        foreach (var header in new[] { "ETag", "Link", "Location", "RateLimit", "RateLimit-Policy", "Retry-After", "Last-Modified" })
        {
            Assert.Contains(header, exposed, StringComparison.OrdinalIgnoreCase);
        }

        using var other = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events?limit=1");
        other.Headers.Add("Origin", "https://evil.example");
        using var refused = await client.SendAsync(other);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
