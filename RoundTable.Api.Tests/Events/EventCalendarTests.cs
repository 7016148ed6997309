using Ical.Net;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Events;

/// <summary>iCalendar feeds of events, and of a speaker's and an institution's events.</summary>
public sealed class EventCalendarTests : ApiTest
{
    private const string RoundTable = "/api/v1/events/iitu-snu-round-table-2024";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await ExecuteSqlAsync(GeneratedData.Sql);
    }

    [Fact]
    public async Task The_events_calendar_parses_back_with_organizer_attendees_and_status()
    {
        var (ics, response) = await GetTextAsync("/api/v1/events.ics?kind=round_table,seminar");
        Assert.Equal("text/calendar", response.Content.Headers.ContentType!.MediaType);
        var calendar = Calendar.Load(ics)!;
        var expected = await ScalarAsync<long>("SELECT count(*) FROM events WHERE kind IN ('round_table', 'seminar')");
        Assert.Equal(expected, calendar.Events.Count);
        var id = (await GetAsync<EventDto>(RoundTable)).Id;
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
}
