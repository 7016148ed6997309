using Microsoft.AspNetCore.Http.HttpResults;
using RoundTable.Api.Http;
using RoundTable.Api.Mapping;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Speakers;

internal static class SpeakersApi
{
    private const string Resource = "speaker";

    public static IEndpointRouteBuilder MapSpeakers(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/speakers").WithTags("Speakers");

        group.MapGet("/", ListSpeakers).WithName("listSpeakers")
            .WithSummary("List, search or export speakers")
            .WithDescription("People one page at a time (by default in creation order), filtered, searched (q: names, bio, positions) "
                + "and sorted; include=affiliations embeds their affiliations. format=csv|ndjson (or Accept) streams the whole list.")
            .WithList(SpeakersStore.List);
        group.MapGet("/{idOrSlug}", GetSpeaker).WithName("getSpeaker")
            .WithSummary("Get a speaker with their affiliations").WithLinkedData().WithReadProblems();
        routes.MapGet("/api/v1/speakers/{idOrSlug}/events.ics", Calendar).WithTags("Speakers").WithName("getSpeakerCalendar")
            .WithSummary("The events a speaker took part in, as an iCalendar feed (RFC 5545)")
            .WithMetadata(Events.EventsStore.List).WithMetadata(new Events.EventCalendar.Metadata("participant")).WithReadProblems();
        group.MapGet("/{idOrSlug}/events", ListEvents).WithName("listSpeakerEvents")
            .WithSummary("List the events a speaker took part in, with their role").WithReadProblems();
        group.MapGet("/{idOrSlug}/affiliations", ListAffiliations).WithName("listSpeakerAffiliations")
            .WithSummary("List a speaker's affiliations").WithReadProblems();
        return routes;
    }

    private static Task<Results<Ok<Page<SpeakerSummary>>, ProblemHttpResult, ExportResult<SpeakerSummary>>> ListSpeakers(
        HttpContext context, SpeakersStore store, CancellationToken ct) =>
        ListEndpoints.Handle(context, new ListSource<SpeakerRow, SpeakerSummary>(SpeakersStore.List, "speakers",
            store.ListAsync, store.StreamAsync, r => (r.Id, r.SortKey), r => r.Map<SpeakerSummary>(),
            async (items, _, token) =>
            {
                var affiliations = (await store.IncludeAffiliationsAsync(items.Select(i => i.Id).ToList(), token)).ToLookup(a => a.SpeakerId);
                return items.Select(s => s with { Affiliations = affiliations[s.Id].Select(a => a.Map<AffiliationResponse>()).ToList() }).ToList();
            }), ct);

    private static Task<Results<Events.EventCalendar.CalendarResult, ProblemHttpResult>> Calendar(
        string idOrSlug, HttpContext context, SpeakersStore store, Events.EventsStore events, CancellationToken ct) =>
        Events.EventCalendar.ForAsync(context, events, idOrSlug, Resource, "participant", store.FindIdAsync, ct);

    private static Task<Results<Ok<SpeakerResponse>, ProblemHttpResult, ContentHttpResult>> GetSpeaker(
        string idOrSlug, HttpContext context, SpeakersStore store, CancellationToken ct) =>
        ReadEndpoints.Item(idOrSlug, Resource, context, store.GetAsync,
            d => SpeakerMappings.ToResponse(d.Speaker, d.Affiliations), r => r.Version, ct, LinkedData.Speaker);

    private static Task<Results<Ok<Page<SpeakerEventResponse>>, ProblemHttpResult>> ListEvents(
        string idOrSlug, [AsParameters] PageQuery query, SpeakersStore store, CancellationToken ct) =>
        ReadEndpoints.RelationPage(idOrSlug, query, Resource, store.FindIdAsync, store.ListEventsAsync,
            r => r.Id, r => r.Map<SpeakerEventResponse>(), ct);

    private static Task<Results<Ok<Page<AffiliationResponse>>, ProblemHttpResult>> ListAffiliations(
        string idOrSlug, [AsParameters] PageQuery query, SpeakersStore store, CancellationToken ct) =>
        ReadEndpoints.RelationPage(idOrSlug, query, Resource, store.FindIdAsync, store.ListAffiliationsAsync,
            r => r.Id, r => r.Map<AffiliationResponse>(), ct);
}
