using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using RoundTable.Api.Auth;
using RoundTable.Api.Http;
using RoundTable.Api.Institutions;
using RoundTable.Api.Mapping;
using RoundTable.Api.Paging;
using RoundTable.Api.Recommendations;

namespace RoundTable.Api.Events;

internal static class EventsApi
{
    private const string Resource = "event";

    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/events").WithTags("Events");

        group.MapGet("/", ListEvents).WithName("listEvents")
            .WithSummary("List, search or export events")
            .WithDescription("Events one page at a time (by default in creation order), filtered, searched (q) and sorted; "
                + "include= embeds organizers, participants and recommendations. format=csv|ndjson (or Accept) streams the whole list.")
            .WithList(EventsStore.List);
        group.MapGet("/{idOrSlug}", GetEvent).WithName("getEvent")
            .WithSummary("Get an event with its organizers, participants, quotes, acknowledgements and recommendations")
            .WithDescription("The ETag header carries the event's version: send it as If-Match to change the event.")
            .WithLinkedData().WithReadProblems();
        group.MapGet("/{idOrSlug}/organizers", ListOrganizers).WithName("listEventOrganizers")
            .WithSummary("List the institutions that organized an event").WithReadProblems();
        group.MapGet("/{idOrSlug}/participants", ListParticipants).WithName("listEventParticipants")
            .WithSummary("List an event's participants with their roles and the institutions they represented")
            .WithReadProblems();
        group.MapGet("/{idOrSlug}/recommendations", ListRecommendations).WithName("listEventRecommendations")
            .WithSummary("List the recommendations that came out of an event").WithReadProblems();

        routes.MapGet("/api/v1/events.ics", EventsCalendar).WithTags("Events").WithName("getEventsCalendar")
            .WithSummary("Events as an iCalendar feed (RFC 5545)")
            .WithDescription("The events the list's filters select (from, to, kind, status, country, organizer, institution, participant, theme, q), "
                + "each with organizer, participants as attendees, location, URL, status and time zone. Subscribe to it from a calendar.")
            .WithMetadata(EventsStore.List).WithCalendar().WithReadProblems(item: false);

        group.MapPost("/", CreateEvent).WithName("createEvent")
            .WithSummary("Create an event")
            .WithDescription("A partner key creates events its own institution organizes: list it among the organizers.")
            .Validate<CreateEventRequest>().RequireKey().Idempotent().WithWriteProblems();
        group.MapPut("/{idOrSlug}", ReplaceEvent).WithName("replaceEvent")
            .WithSummary("Replace an event's fields (If-Match required)")
            .Validate<EventWriteRequest>().RequireKey().WithWriteProblems(conditional: true);
        group.MapPatch("/{idOrSlug}", PatchEvent).WithName("patchEvent")
            .WithSummary("Change some of an event's fields with a JSON Merge Patch (If-Match required)")
            .Accepts<EventWriteRequest>(MergePatch.MediaType)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .RequireKey().WithWriteProblems(conditional: true);
        group.MapDelete("/{idOrSlug}", DeleteEvent).WithName("deleteEvent")
            .WithSummary("Delete an event and its recommendations (If-Match required)")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequireKey().WithWriteProblems(conditional: true);
        return routes;
    }

    private static Task<Results<Ok<Page<EventSummary>>, ProblemHttpResult, ExportResult<EventSummary>>> ListEvents(
        HttpContext context, EventsStore store, CancellationToken ct) =>
        ListEndpoints.Handle(context, new ListSource<EventRow, EventSummary>(EventsStore.List, "events",
            store.ListAsync, store.StreamAsync, r => (r.Id, r.SortKey), r => r.Map<EventSummary>(),
            (items, includes, token) => IncludeAsync(store, items, includes, token)), ct);

    private static Task<Results<EventCalendar.CalendarResult, ProblemHttpResult>> EventsCalendar(
        HttpContext context, EventsStore store, CancellationToken ct) =>
        EventCalendar.HandleAsync(context, store, new Dictionary<string, string>(), "events", ct);

    /// <summary>include=organizers,participants,recommendations: one batch for the whole page.</summary>
    private static async Task<IReadOnlyList<EventSummary>> IncludeAsync(
        EventsStore store, IReadOnlyList<EventSummary> items, IReadOnlySet<string> includes, CancellationToken ct)
    {
        var found = await store.IncludeAsync(items.Select(i => i.Id).ToList(), includes, ct);
        var organizers = found.Organizers?.ToLookup(o => o.EventId);
        var participants = found.Participants?.ToLookup(p => p.EventId);
        var recommendations = found.Recommendations?.ToLookup(r => r.EventId);
        return items.Select(e => e with
        {
            Organizers = organizers?[e.Id].Select(o => o.Map<EventOrganizerResponse>()).ToList(),
            Participants = participants is null ? null : EventMappings.ToParticipants(participants[e.Id].ToList(), found.ParticipantInstitutions!),
            Recommendations = recommendations?[e.Id].Select(r => r.Map<RecommendationSummary>()).ToList(),
        }).ToList();
    }

    private static Task<Results<Ok<EventResponse>, ProblemHttpResult, ContentHttpResult>> GetEvent(
        string idOrSlug, HttpContext context, EventsStore store, CancellationToken ct) =>
        ReadEndpoints.Item(idOrSlug, Resource, context, store.GetAsync, EventMappings.ToResponse, r => r.Version, ct, LinkedData.Event);

    private static Task<Results<Ok<Page<EventOrganizerResponse>>, ProblemHttpResult>> ListOrganizers(
        string idOrSlug, [AsParameters] PageQuery query, EventsStore store, CancellationToken ct) =>
        ReadEndpoints.RelationPage(idOrSlug, query, Resource, store.FindIdAsync, store.ListOrganizersAsync,
            r => r.Id, r => r.Map<EventOrganizerResponse>(), ct);

    private static Task<Results<Ok<Page<EventParticipantResponse>>, ProblemHttpResult>> ListParticipants(
        string idOrSlug, [AsParameters] PageQuery query, EventsStore store, CancellationToken ct) =>
        ReadEndpoints.RelationPage(idOrSlug, query, Resource, store.FindIdAsync, store.ListParticipantsAsync,
            r => r.Participant.Id, r => EventMappings.ToParticipant(r.Participant, r.Institutions), ct);

    private static Task<Results<Ok<Page<RecommendationSummary>>, ProblemHttpResult>> ListRecommendations(
        string idOrSlug, [AsParameters] PageQuery query, EventsStore store, CancellationToken ct) =>
        ReadEndpoints.RelationPage(idOrSlug, query, Resource, store.FindIdAsync, store.ListRecommendationsAsync,
            r => r.Id, r => r.Map<RecommendationSummary>(), ct);

    private static async Task<Results<Created<EventResponse>, ProblemHttpResult>> CreateEvent(
        CreateEventRequest request, HttpContext context, EventsStore store, InstitutionsStore institutions, CancellationToken ct)
    {
        var caller = Caller.From(context.User);
        var keys = request.Organizers!.Select(o => ResourceKey.TryParse(o.Institution!, out var k, out _) ? k : default).ToList();
        var found = await institutions.ResolveAsync(keys, ct);
        var missing = keys.Select((k, i) => (k, i)).Where(x => !found.ContainsKey(x.k))
            .ToDictionary(x => $"organizers[{x.i}].institution", x => new[] { $"There is no institution '{x.k}'." });
        if (missing.Count > 0)
        {
            return Problems.Validation(missing);
        }
        var organizers = request.Organizers!.Select((o, i) => (Institution: found[keys[i]], Role: o.Role!.Value)).ToList();
        var repeated = organizers.Select((o, i) => (o.Institution, i)).GroupBy(x => x.Institution).Where(g => g.Count() > 1)
            .SelectMany(g => g.Skip(1))
            .ToDictionary(x => $"organizers[{x.i}].institution", _ => new[] { "This institution is already listed (by its id or slug)." });
        if (repeated.Count > 0)
        {
            return Problems.Validation(repeated);
        }
        if (!caller.IsAdmin && !organizers.Any(o => o.Institution == caller.InstitutionId && o.Role is OrganizerRole.Organizer or OrganizerRole.CoOrganizer))
        {
            return Problems.Forbidden("A partner key creates events its own institution organizes: list it as organizer or co_organizer.");
        }
        var (id, version) = await store.CreateAsync(request.Map<EventRow>(),
            organizers.Select(o => (o.Institution, SnakeCaseEnum<OrganizerRole>.ToName(o.Role))).ToList(), caller.KeyId, ct);
        var details = await store.GetAsync(new ResourceKey(id, null), ct);
        context.SetETag(version);
        return TypedResults.Created($"/api/v1/events/{id}", EventMappings.ToResponse(details!));
    }

    private static WriteTarget Target(EventsStore store) => new(Resource, store.FindIdAsync,
        (id, caller, ct) => store.IsOrganizerAsync(id, caller.InstitutionId!.Value, ct),
        "A partner key changes only events its institution organizes or co-organizes.");

    private static async Task<Results<Ok<EventResponse>, ProblemHttpResult>> ReplaceEvent(
        string idOrSlug, EventWriteRequest request, HttpContext context, EventsStore store, CancellationToken ct)
    {
        var (id, problem) = await WriteEndpoints.ChangeAsync(Target(store), idOrSlug, context,
            // A PUT from a client that does not know about drafts must not publish one.
            (id, expected, caller) => store.UpdateAsync(id, expected, request.Map<EventRow>(), request.Published, caller.KeyId, ct), ct);
        return problem ?? await ReadBackAsync(id, idOrSlug, store, ct);
    }

    private static async Task<Results<Ok<EventResponse>, ProblemHttpResult>> PatchEvent(
        string idOrSlug, HttpContext context, EventsStore store, IValidator<EventWriteRequest> validator,
        IOptions<JsonOptions> json, CancellationToken ct)
    {
        var (id, problem) = await WriteEndpoints.PatchAsync(Target(store), idOrSlug, context, validator, json.Value.SerializerOptions,
            async id => await store.GetWritableAsync(id, ct) is { } row ? (row.Map<EventWriteRequest>(), row.Version) : null,
            (id, expected, request, caller) => store.UpdateAsync(id, expected, request.Map<EventRow>(), request.Published, caller.KeyId, ct), ct);
        return problem ?? await ReadBackAsync(id, idOrSlug, store, ct);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteEvent(
        string idOrSlug, HttpContext context, EventsStore store, CancellationToken ct)
    {
        var (_, problem) = await WriteEndpoints.ChangeAsync(Target(store), idOrSlug, context,
            (id, expected, caller) => store.DeleteAsync(id, expected, caller.KeyId, ct), ct);
        return problem is null ? TypedResults.NoContent() : problem;
    }

    private static async Task<Results<Ok<EventResponse>, ProblemHttpResult>> ReadBackAsync(Guid id, string idOrSlug, EventsStore store, CancellationToken ct)
    {
        var details = await store.GetAsync(new ResourceKey(id, null), ct);
        return details is null ? Problems.NotFound(Resource, idOrSlug) : TypedResults.Ok(EventMappings.ToResponse(details));
    }
}
