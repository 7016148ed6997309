using Microsoft.AspNetCore.Http.HttpResults;
using RoundTable.Api.Http;
using RoundTable.Api.Mapping;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Institutions;

internal static class InstitutionsApi
{
    private const string Resource = "institution";

    public static IEndpointRouteBuilder MapInstitutions(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/institutions").WithTags("Institutions");

        group.MapGet("/", ListInstitutions).WithName("listInstitutions")
            .WithSummary("List, search or export institutions")
            .WithDescription("Institutions one page at a time (by default in creation order), filtered, searched (q: names and acronyms) "
                + "and sorted. format=csv|ndjson (or Accept) streams the whole list.")
            .WithList(InstitutionsStore.List);
        group.MapGet("/{idOrSlug}", GetInstitution).WithName("getInstitution")
            .WithSummary("Get an institution with its parent, rankings and stated figures").WithLinkedData().WithReadProblems();
        routes.MapGet("/api/v1/institutions/{idOrSlug}/events.ics", Calendar).WithTags("Institutions").WithName("getInstitutionCalendar")
            .WithSummary("The events an institution organized or was represented at, as an iCalendar feed (RFC 5545)")
            .WithMetadata(Events.EventsStore.List).WithMetadata(new Events.EventCalendar.Metadata("institution")).WithReadProblems();
        group.MapGet("/{idOrSlug}/speakers", ListSpeakers).WithName("listInstitutionSpeakers")
            .WithSummary("List the people affiliated with an institution").WithReadProblems();
        group.MapGet("/{idOrSlug}/events", ListEvents).WithName("listInstitutionEvents")
            .WithSummary("List the events an institution organized or was represented at").WithReadProblems();
        group.MapGet("/{idOrSlug}/children", ListChildren).WithName("listInstitutionChildren")
            .WithSummary("List the institutions that belong to an institution (e.g. a university's schools)")
            .WithReadProblems();
        return routes;
    }

    private static Task<Results<Ok<Page<InstitutionSummary>>, ProblemHttpResult, ExportResult<InstitutionSummary>>> ListInstitutions(
        HttpContext context, InstitutionsStore store, CancellationToken ct) =>
        ListEndpoints.Handle(context, new ListSource<InstitutionRow, InstitutionSummary>(InstitutionsStore.List, "institutions",
            store.ListAsync, store.StreamAsync, r => (r.Id, r.SortKey), r => r.Map<InstitutionSummary>()), ct);

    private static Task<Results<Events.EventCalendar.CalendarResult, ProblemHttpResult>> Calendar(
        string idOrSlug, HttpContext context, InstitutionsStore store, Events.EventsStore events, CancellationToken ct) =>
        Events.EventCalendar.ForAsync(context, events, idOrSlug, Resource, "institution", store.FindIdAsync, ct);

    private static Task<Results<Ok<InstitutionResponse>, ProblemHttpResult, ContentHttpResult>> GetInstitution(
        string idOrSlug, HttpContext context, InstitutionsStore store, CancellationToken ct) =>
        ReadEndpoints.Item(idOrSlug, Resource, context, store.GetAsync, InstitutionMappings.ToResponse, r => r.Version, ct, LinkedData.Institution);

    private static Task<Results<Ok<Page<InstitutionSpeakerResponse>>, ProblemHttpResult>> ListSpeakers(
        string idOrSlug, [AsParameters] PageQuery query, InstitutionsStore store, CancellationToken ct) =>
        ReadEndpoints.RelationPage(idOrSlug, query, Resource, store.FindIdAsync, store.ListSpeakersAsync,
            r => r.Id, r => r.Map<InstitutionSpeakerResponse>(), ct);

    private static Task<Results<Ok<Page<InstitutionEventResponse>>, ProblemHttpResult>> ListEvents(
        string idOrSlug, [AsParameters] PageQuery query, InstitutionsStore store, CancellationToken ct) =>
        ReadEndpoints.RelationPage(idOrSlug, query, Resource, store.FindIdAsync, store.ListEventsAsync,
            r => r.EventId, r => r.Map<InstitutionEventResponse>(), ct);

    private static Task<Results<Ok<Page<InstitutionSummary>>, ProblemHttpResult>> ListChildren(
        string idOrSlug, [AsParameters] PageQuery query, InstitutionsStore store, CancellationToken ct) =>
        ReadEndpoints.RelationPage(idOrSlug, query, Resource, store.FindIdAsync, store.ListChildrenAsync,
            r => r.Id, r => r.Map<InstitutionSummary>(), ct);
}
