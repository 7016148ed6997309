using System.Text;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Primitives;
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
            ? await OfAsync(context, queries, resolver, new Dictionary<string, string> { [filter] = id.ToString() }, $"{subject.Resource}-{idOrSlug}", ct)
            : Problems.NotFound(subject.Resource, idOrSlug);
    }

    /// <summary>The events the request's list filters select, plus the <paramref name="fixedFilters"/>.</summary>
    public static async Task<Results<CalendarResult, ProblemHttpResult>> OfAsync(HttpContext context, EventQueries queries,
        KeyResolver resolver, IReadOnlyDictionary<string, string> fixedFilters, string name, CancellationToken ct)
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
        return new CalendarResult(name, queries.CalendarBatchesAsync(query, Batch, ct));
    }

    internal sealed class CalendarResult(string name, IAsyncEnumerable<(IReadOnlyList<EventRow> Events, EventIncludes Includes)> batches) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            var ct = context.RequestAborted;
            await using var enumerator = batches.GetAsyncEnumerator(ct);
            // The first batch is read before anything is sent: a failure there is still a 500 problem.
            var more = await enumerator.MoveNextAsync();
            var response = context.Response;
            response.ContentType = $"{CalendarDoc.MediaType}; charset=utf-8";
            response.Headers.ContentDisposition = $"inline; filename=\"{name}.ics\"";
            var baseUrl = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/api/v1";
            var language = LanguagePreference.Current;
            var serializer = new CalendarSerializer();
            var zones = new HashSet<string>(StringComparer.Ordinal);
            await StreamingResponse.WriteAsync(context, $"Calendar {name}", async () =>
            {
                await using var writer = new StreamWriter(response.Body, new UTF8Encoding(false), 16 * 1024, leaveOpen: true);
                await writer.WriteAsync("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//RoundTable API//Events//EN\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n");
                for (; more; more = await enumerator.MoveNextAsync())
                {
                    var (events, includes) = enumerator.Current;
                    var organizers = includes.Organizers!.ToLookup(o => o.EventId);
                    var participants = includes.Participants!.ToLookup(p => p.EventId);
                    foreach (var row in events)
                    {
                        if (row.TimeZone is { } zone && row.StartsAt is not null && TryZone(zone) is not null && zones.Add(zone))
                        {
                            await writer.WriteAsync(serializer.SerializeToString(VTimeZone.FromDateTimeZone(zone)));
                        }
                        await writer.WriteAsync(serializer.SerializeToString(ToEvent(row, organizers[row.Id], participants[row.Id], baseUrl, language)));
                    }
                    await writer.FlushAsync(ct);
                }
                await writer.WriteAsync("END:VCALENDAR\r\n");
                await writer.FlushAsync(ct);
            });
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
            vevent.DtStart = new CalDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(startsAt, DateTimeKind.Utc), info), zone, true);
            var endsAt = row.EndsAt ?? startsAt;
            vevent.DtEnd = new CalDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(endsAt, DateTimeKind.Utc), info), zone, true);
        }
        else
        {
            // All-day: DTEND is the day after the last day (exclusive).
            vevent.DtStart = new CalDateTime(row.StartDate);
            vevent.DtEnd = new CalDateTime(row.EndDate.AddDays(1));
        }
        var main = organizers.OrderBy(o => o.Role == "organizer" ? 0 : o.Role == "co_organizer" ? 1 : 2).FirstOrDefault();
        if (main is not null)
        {
            vevent.Organizer = new Organizer { Value = new Uri($"{baseUrl}/institutions/{main.InstitutionSlug}"), CommonName = Text(main.InstitutionName) };
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

    private static TimeZoneInfo? TryZone(string zone) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var info) ? info : null;
}
