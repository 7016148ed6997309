using System.Globalization;
using System.Text;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Primitives;
using NodaTime;
using NodaTime.Extensions;
using RoundTable.Api.Caching;
using RoundTable.Api.Database;
using RoundTable.Api.Errors;
using RoundTable.Api.Http;
using RoundTable.Api.Localization;
using RoundTable.Api.OpenApi;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Events;

/// <summary>
/// Events as an iCalendar feed (RFC 5545, written by Ical.Net): one VEVENT per event with its organizer, participants
/// as attendees, location, URL, status and time zone. Streamed in batches, so a large feed does not sit in memory.
/// </summary>
internal static class EventCalendar
{
    private const int Batch = 500;
    private static readonly string[] s_notForFeeds = ["limit", "cursor", "include", "format"];

    /// <summary>
    /// The events of the resource <paramref name="idOrSlug"/> of <paramref name="subject"/> names, through the list's
    /// <paramref name="filter"/>: those a speaker took part in (participant), or an institution was involved in.
    /// </summary>
    public static async Task<Results<CalendarResult, ProblemHttpResult>> OfAsync(HttpContext context, EventQueries queries,
        KeyResolver resolver, KeyLookup subject, string filter, string idOrSlug, CancellationToken ct)
    {
        if (!ResourceKey.TryParse(idOrSlug, out var key, out var problem))
        {
            return problem!;
        }
        return await resolver.FindAsync(subject, key, ct) is { } id
            ? await OfAsync(context, queries, resolver, new Dictionary<string, string> { [filter] = id.ToString() }, $"{subject.Resource}-{idOrSlug}", ct,
                $"RoundTable API: events of the {subject.Resource} {idOrSlug}")
            : Problems.NotFound(subject.Resource, idOrSlug);
    }

    /// <summary>The events the request's list filters select, plus the <paramref name="fixedFilters"/>.</summary>
    public static async Task<Results<CalendarResult, ProblemHttpResult>> OfAsync(HttpContext context, EventQueries queries,
        KeyResolver resolver, IReadOnlyDictionary<string, string> fixedFilters, string name, CancellationToken ct, string title = "RoundTable API: events")
    {
        var parameters = context.Request.Query.ToDictionary(p => p.Key, p => p.Value);
        var refused = parameters.Keys.Where(k => s_notForFeeds.Contains(k) || fixedFilters.ContainsKey(k)).ToList();
        if (refused.Count > 0)
        {
            return Problems.Validation(refused.ToDictionary(k => k, k => new[] { $"A calendar feed takes the list's filters, not {k}." }));
        }
        foreach (var (key, value) in fixedFilters)
        {
            parameters[key] = value;
        }
        if (!ListQuery.TryParse(new QueryCollection(parameters), StringValues.Empty, EventQueries.List, out var query, out var problem))
        {
            return problem!;
        }
        if (await resolver.UnknownFilterReferencesAsync(query, ct) is { } unknown)
        {
            return unknown;
        }
        return new CalendarResult(name, title, queries.CalendarBatchesAsync(query, Batch, ct));
    }

    internal sealed class CalendarResult(string name, string title, IAsyncEnumerable<(IReadOnlyList<EventRow> Events, EventIncludes Includes)> batches) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            // Not streamed: the feed is written whole into HttpCaching's buffer, so that it gets an ETag, Last-Modified,
            // Cache-Control and 304s like every other GET, and its time zones can cover every event's dates.
            var ct = context.RequestAborted;
            var baseUrl = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/api/v1";
            var language = LanguagePreference.Current;
            var serializer = new CalendarSerializer();
            var zones = new Dictionary<string, (Instant From, Instant To)>(StringComparer.Ordinal);
            var events = new StringBuilder();
            await foreach (var (rows, includes) in batches.WithCancellation(ct))
            {
                var organizers = includes.Organizers!.ToLookup(o => o.EventId);
                var participants = includes.Participants!.ToLookup(p => p.EventId);
                foreach (var row in rows)
                {
                    if (row.TimeZone is { } zone && row.StartsAt is { } startsAt && TryZone(zone) is not null)
                    {
                        var from = Instant.FromDateTimeUtc(DateTime.SpecifyKind(startsAt, DateTimeKind.Utc));
                        var to = Instant.FromDateTimeUtc(DateTime.SpecifyKind(row.EndsAt ?? startsAt, DateTimeKind.Utc));
                        zones[zone] = zones.TryGetValue(zone, out var span) ? (Instant.Min(span.From, from), Instant.Max(span.To, to)) : (from, to);
                    }
                    events.Append(serializer.SerializeToString(ToEvent(row, organizers[row.Id], participants[row.Id], baseUrl, language)));
                }
            }
            var response = context.Response;
            response.ContentType = $"{CalendarDoc.MediaType}; charset=utf-8";
            response.Headers.ContentDisposition = $"inline; filename=\"{name}.ics\"";
            await using var writer = new StreamWriter(response.Body, new UTF8Encoding(false), 16 * 1024, leaveOpen: true);
            await writer.WriteAsync("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//RoundTable API//Events//EN\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n");
            await writer.WriteAsync($"X-WR-CALNAME:{Escape(title)}\r\n");
            foreach (var (zone, (from, to)) in zones.OrderBy(z => z.Key, StringComparer.Ordinal))
            {
                await writer.WriteAsync(IanaTimeZone(zone, from, to));
            }
            await writer.WriteAsync(events.ToString());
            await writer.WriteAsync("END:VCALENDAR\r\n");
            await writer.FlushAsync(ct);
        }
    }

    /// <summary>TEXT as RFC 5545 writes it: backslash, semicolon, comma and newline escaped.</summary>
    private static string Escape(string text) => text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace(";", @"\;", StringComparison.Ordinal)
        .Replace(",", @"\,", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);

    /// <summary>
    /// The VTIMEZONE of <paramref name="zoneId"/> from the IANA time-zone database (NodaTime's copy): one observance per
    /// period of the zone from the one in force at <paramref name="from"/> to the one in force at <paramref name="to"/>,
    /// each with the onset, the offsets and the abbreviation the database gives, and no recurrence rule it does not
    /// state. (Ical.Net's VTimeZone.FromDateTimeZone turns the latest change into an invented yearly rule and drops
    /// the periods before it.)
    /// </summary>
    internal static string IanaTimeZone(string zoneId, Instant from, Instant to)
    {
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        var text = new StringBuilder($"BEGIN:VTIMEZONE\r\nTZID:{zoneId}\r\n");
        foreach (var period in zone.GetZoneIntervals(from, to + NodaTime.Duration.FromTicks(1)))
        {
            var before = period.HasStart ? zone.GetZoneInterval(period.Start - NodaTime.Duration.Epsilon).WallOffset : period.WallOffset;
            var onset = period.HasStart ? (period.Start + before.ToTimeSpan().ToDuration()).InUtc().LocalDateTime : new LocalDateTime(1601, 1, 1, 0, 0);
            var kind = period.Savings == Offset.Zero ? "STANDARD" : "DAYLIGHT";
            text.Append($"BEGIN:{kind}\r\n")
                .Append(CultureInfo.InvariantCulture, $"DTSTART:{onset.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture)}\r\n")
                .Append(CultureInfo.InvariantCulture, $"TZOFFSETFROM:{Utc(before)}\r\nTZOFFSETTO:{Utc(period.WallOffset)}\r\n")
                .Append(CultureInfo.InvariantCulture, $"TZNAME:{Escape(period.Name)}\r\nEND:{kind}\r\n");
        }
        return text.Append("END:VTIMEZONE\r\n").ToString();

        static string Utc(Offset offset)
        {
            var span = offset.ToTimeSpan();
            return (span < TimeSpan.Zero ? "-" : "+") + span.Duration().ToString("hhmm", CultureInfo.InvariantCulture)
                + (span.Seconds != 0 ? span.Duration().ToString("ss", CultureInfo.InvariantCulture) : "");
        }
    }

    private static CalendarEvent ToEvent(
        EventRow row, IEnumerable<EventOrganizerRow> organizers, IEnumerable<EventParticipantRow> participants,
        string baseUrl, LanguagePreference language)
    {
        string? Text(LocalizedText? text) => text is null ? null : language.IsAll ? text.Resolve() : language.Resolve(text).Text;

        var vevent = new CalendarEvent
        {
            Uid = $"{row.Id}@roundtable-api",
            Summary = Text(row.Title),
            Description = Text(row.Summary),
            Location = string.Join(", ", new[] { Text(row.Venue), Text(row.City), row.Country }.Where(p => !string.IsNullOrEmpty(p))),
            Url = new Uri(row.SourceUrl ?? $"{baseUrl}/events/{row.Slug}"),
            Status = row.Status switch
            {
                "cancelled" => Ical.Net.EventStatus.Cancelled,
                "postponed" => Ical.Net.EventStatus.Tentative,
                _ => Ical.Net.EventStatus.Confirmed,
            },
            Sequence = (int)Math.Min(row.Version, int.MaxValue),
            DtStamp = new CalDateTime(row.UpdatedAt, CalDateTime.UtcTzId, true),
            LastModified = new CalDateTime(row.UpdatedAt, CalDateTime.UtcTzId, true),
            Created = new CalDateTime(row.CreatedAt, CalDateTime.UtcTzId, true),
        };
        if (string.IsNullOrEmpty(vevent.Location))
        {
            vevent.Location = null;
        }
        vevent.Categories.Add(row.Kind);
        if (row.StartsAt is { } startsAt && row.TimeZone is { } zone && TryZone(zone) is { } info)
        {
            // Local times from the same IANA data as the VTIMEZONE the feed carries.
            DateTime Local(DateTime utc) => Instant.FromDateTimeUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).InZone(info).LocalDateTime.ToDateTimeUnspecified();
            vevent.DtStart = new CalDateTime(Local(startsAt), zone, true);
            vevent.DtEnd = new CalDateTime(Local(row.EndsAt ?? startsAt), zone, true);
        }
        else
        {
            // All-day: DTEND is the day after the last day (exclusive).
            vevent.DtStart = new CalDateTime(row.StartDate);
            vevent.DtEnd = new CalDateTime(row.EndDate.AddDays(1));
        }
        // One ORGANIZER per event (RFC 5545): the main organizer; co-organizers and partners follow as attendees of
        // type GROUP (co-organizers chair, partners take no part in the programme).
        var ranked = organizers.OrderBy(o => o.Role == "organizer" ? 0 : o.Role == "co_organizer" ? 1 : 2).ToList();
        if (ranked.FirstOrDefault() is { } main)
        {
            vevent.Organizer = new Organizer { Value = new Uri($"{baseUrl}/institutions/{main.InstitutionSlug}"), CommonName = Text(main.InstitutionName) };
        }
        foreach (var other in ranked.Skip(1))
        {
            vevent.Attendees.Add(new Attendee(new Uri($"{baseUrl}/institutions/{other.InstitutionSlug}"))
            {
                CommonName = Text(other.InstitutionName),
                Type = "GROUP",
                Role = other.Role == "co_organizer" ? ParticipationRole.Chair : ParticipationRole.NonParticipant,
            });
        }
        foreach (var participant in participants)
        {
            vevent.Attendees.Add(new Attendee(new Uri($"{baseUrl}/speakers/{participant.SpeakerSlug}"))
            {
                CommonName = Text(participant.SpeakerFullName),
                Role = participant.Role switch
                {
                    "host" or "moderator" => ParticipationRole.Chair,
                    "guest" => ParticipationRole.OptionalParticipant,
                    _ => ParticipationRole.RequiredParticipant,
                },
                ParticipationStatus = row.Status == "held" ? "ACCEPTED" : "NEEDS-ACTION",
            });
        }
        return vevent;
    }

    private static DateTimeZone? TryZone(string zone) => DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone);
}
