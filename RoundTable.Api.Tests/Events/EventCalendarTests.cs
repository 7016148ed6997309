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
        Assert.Equal(6, roundTable.Attendees.Count(a => a.Type != "GROUP"));
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

    /// <summary>
    /// The UTC offset the calendar's own VTIMEZONE gives at <paramref name="local"/>: the observance (STANDARD or
    /// DAYLIGHT) with the latest onset at or before it, its onsets read by Ical.Net from DTSTART and RDATE, and from
    /// RRULE too, so that an invented rule shows up. This reads the time zone the feed carries, not the parser's own
    /// time-zone database.
    /// </summary>
    private static TimeSpan OffsetAt(Ical.Net.CalendarComponents.VTimeZone zone, DateTime local)
    {
        var onsets = new List<(DateTime Onset, TimeSpan Offset)>();
        foreach (var observance in zone.TimeZoneInfos)
        {
            var offset = observance.OffsetTo!.Offset;
            onsets.Add((observance.DtStart!.Value, offset));
            foreach (var date in observance.RecurrenceDates.GetAllDates())
            {
                onsets.Add((date.Value, offset));
            }
            if (observance.RecurrenceRule is { } rule)
            {
                var pattern = new Ical.Net.CalendarComponents.CalendarEvent { DtStart = observance.DtStart, RecurrenceRule = rule };
                foreach (var occurrence in pattern.GetOccurrences().TakeWhile(o => o.Period.StartTime.Value <= local))
                {
                    onsets.Add((occurrence.Period.StartTime.Value, offset));
                }
            }
        }
        return onsets.Where(o => o.Onset <= local).MaxBy(o => o.Onset).Offset;
    }

    [Fact]
    public async Task Time_zones_come_from_the_iana_data_and_cover_every_event_on_either_side_of_a_zone_change()
    {
        // Almaty moved from UTC+6 to UTC+5 on 2024-03-01: 10:00 local is 04:00Z before, 05:00Z after.
        await ExecuteSqlAsync("""
            INSERT INTO events (slug, title, kind, status, start_date, end_date, starts_at, ends_at, time_zone) VALUES
              ('almaty-2023', '{"en": "Almaty 2023"}', 'lecture', 'held', '2023-06-01', '2023-06-01', '2023-06-01T04:00:00Z', '2023-06-01T06:00:00Z', 'Asia/Almaty'),
              ('almaty-2024', '{"en": "Almaty 2024"}', 'lecture', 'held', '2024-06-01', '2024-06-01', '2024-06-01T05:00:00Z', '2024-06-01T07:00:00Z', 'Asia/Almaty'),
              ('berlin-winter', '{"en": "Berlin winter"}', 'lecture', 'held', '2024-01-15', '2024-01-15', '2024-01-15T09:00:00Z', '2024-01-15T10:00:00Z', 'Europe/Berlin'),
              ('berlin-summer', '{"en": "Berlin summer"}', 'lecture', 'held', '2024-07-15', '2024-07-15', '2024-07-15T08:00:00Z', '2024-07-15T09:00:00Z', 'Europe/Berlin');
            """);
        var (ics, _) = await GetTextAsync("/api/v1/events.ics?kind=lecture&from=2023-01-01");
        var calendar = Calendar.Load(ics)!;
        foreach (var (slug, utc) in new[]
        {
            ("almaty-2023", new DateTime(2023, 6, 1, 4, 0, 0)), ("almaty-2024", new DateTime(2024, 6, 1, 5, 0, 0)),
            ("berlin-winter", new DateTime(2024, 1, 15, 9, 0, 0)), ("berlin-summer", new DateTime(2024, 7, 15, 8, 0, 0)),
        })
        {
            var ev = calendar.Events.Single(e => e.Summary!.Equals(slug.Replace('-', ' '), StringComparison.OrdinalIgnoreCase)
                || e.Url!.ToString().EndsWith(slug, StringComparison.Ordinal));
            var zone = calendar.TimeZones.Single(z => z.TzId == ev.DtStart!.TzId);
            var local = ev.DtStart!.Value;
            Assert.True(utc == local - OffsetAt(zone, local), $"{slug}: {local:s} {zone.TzId} is {local - OffsetAt(zone, local):s}Z by the feed's VTIMEZONE, not {utc:s}Z");
        }
        Assert.DoesNotContain("RRULE:FREQ=YEARLY;BYDAY=-1TH;BYMONTH=2", ics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_calendar_feed_has_validators_a_name_every_organizer_and_the_request_scheme()
    {
        using var https = Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        using var response = await https.GetAsync("/api/v1/institutions/iitu/events.ics");
        var ics = await response.Content.ReadAsStringAsync();
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(response.Headers.ETag);
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.NotNull(response.Headers.CacheControl);
        Assert.Contains("X-WR-CALNAME:", ics, StringComparison.Ordinal);
        var roundTable = Calendar.Load(ics)!.Events.Single(e => e.Url!.ToString().EndsWith("/events/iitu-snu-round-table-2024", StringComparison.Ordinal));
        // Read from the text: Ical.Net's parser turns every ATTENDEE value into a mailto: URI.
        var attendees = ics.Replace("\r\n ", "", StringComparison.Ordinal).Split("\r\n").Where(l => l.StartsWith("ATTENDEE", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(attendees);
        Assert.All(attendees, line => Assert.Contains(":https://localhost/api/v1/", line, StringComparison.Ordinal));
        // IITU organized the round table with SNU's school: the organizer, and the co-organizer among the attendees.
        Assert.Equal("International Information Technology University", roundTable.Organizer!.CommonName);
        var organizers = await ScalarAsync<long>("SELECT count(*) FROM event_organizers o JOIN events e ON e.id = o.event_id WHERE e.slug = 'iitu-snu-round-table-2024'");
        Assert.Equal(organizers - 1, roundTable.Attendees.Count(a => a.Type == "GROUP"));

        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/v1/institutions/iitu/events.ics");
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        using var notModified = await https.SendAsync(again);
        Assert.Equal(System.Net.HttpStatusCode.NotModified, notModified.StatusCode);
    }
}
