using System.Text.Json.Nodes;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using RoundTable.Api.Auth;
using RoundTable.Api.Caching;
using RoundTable.Api.Concurrency;
using RoundTable.Api.Database;
using RoundTable.Api.Errors;
using RoundTable.Api.Exports;
using RoundTable.Api.Http;
using RoundTable.Api.Idempotency;
using RoundTable.Api.Institutions;
using RoundTable.Api.Json;
using RoundTable.Api.LinkedData;
using RoundTable.Api.Mapping;
using RoundTable.Api.OpenApi;
using RoundTable.Api.Paging;
using RoundTable.Api.Recommendations;
using RoundTable.Api.Speakers;
using RoundTable.Api.Validation;

namespace RoundTable.Api.Events;

/// <summary>What the event handlers use.</summary>
internal sealed record EventServices(EventQueries Queries, EventCommands Commands, KeyResolver Resolver, ConditionalWrites Writes)
{
    /// <summary>An event as a write leaves it, for the answer (null when the caller can no longer see it).</summary>
    public async Task<EventResponse?> ReadAsync(Guid id, CancellationToken ct) =>
        await Queries.GetAsync(new ResourceKey(id, null), ct);
}

/// <summary>
/// Events and what happened at them: anyone reads published events; a partner key creates the events its institution
/// organizes and changes them, with their organizers, participants, quotes and acknowledgements (parts of the event).
/// </summary>
internal static class EventsApi
{
    private const string Resource = "event";

    public static IServiceCollection AddEvents(this IServiceCollection services) => services
        .AddSingleton<EventQueries>()
        .AddSingleton<EventCommands>()
        .AddSingleton<IValidator<CreateEventRequest>, CreateEventRequestValidator>()
        .AddSingleton<IValidator<EventWriteRequest>, EventWriteRequestValidator>()
        .AddSingleton<IValidator<EventOrganizerRequest>, EventOrganizerRequestValidator>()
        .AddSingleton<IValidator<EventParticipantRequest>, EventParticipantRequestValidator>()
        .AddSingleton<IValidator<EventQuoteRequest>, EventQuoteRequestValidator>()
        .AddSingleton<IValidator<EventAcknowledgementRequest>, EventAcknowledgementRequestValidator>()
        .AddJsonContext(EventJsonContext.Default)
        .AddMappings<EventMappings>();

    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder routes)
    {
        var reads = routes.MapGroup("/api/v1/events").WithTags("Events").WithPageLinks().DatedByChanges()
            .WithPathExample("idOrSlug", EventExamples.Seeded);
        reads.MapGet("/", ListEvents).WithName("listEvents")
            .WithSummary("List, search or export events")
            .WithDescription("Events one page at a time (by default in creation order), filtered, searched (q) and sorted; "
                + "include= embeds organizers, participants and recommendations. The whole list streams from /api/v1/events.csv and .ndjson.")
            .WithList(EventQueries.List);
        routes.MapExports("/api/v1/events", ListEvents, "Events", EventQueries.List);
        reads.MapGet("/{idOrSlug}", GetEvent).WithName("getEvent")
            .WithSummary("Get an event with its organizers, participants, quotes, acknowledgements and recommendations")
            .WithDescription("The ETag header carries the event's version: send it as If-Match to change the event.")
            .WithReadProblems();
        reads.MapLinkedData(GetEvent, "getEventLinkedData", "an event (schema.org Event)").WithReadProblems();
        reads.MapGet("/{idOrSlug}/organizers", ListOrganizers).WithName("listEventOrganizers")
            .WithSummary("List the institutions that organized an event").WithReadProblems();
        reads.MapGet("/{idOrSlug}/participants", ListParticipants).WithName("listEventParticipants")
            .WithSummary("List an event's participants with their roles and the institutions they represented")
            .WithReadProblems();
        reads.MapGet("/{idOrSlug}/recommendations", ListRecommendations).WithName("listEventRecommendations")
            .WithSummary("List the recommendations that came out of an event").WithReadProblems();
        routes.MapGet("/api/v1/events.ics", GetCalendar).WithTags("Events").WithName("getEventsCalendar").DatedByChanges()
            .WithSummary("Events as an iCalendar feed (RFC 5545)")
            .WithDescription("The events the list's filters select (from, to, kind, status, country, organizer, institution, participant, theme, q), "
                + "each with organizer, participants as attendees, location, URL, status and time zone. Subscribe to it from a calendar.")
            .WithMetadata(EventQueries.List, new CalendarDoc()).WithReadProblems(item: false);

        var writes = routes.MapGroup("/api/v1/events").WithTags("Events").RequireKey().WithValidation().ProducesProblem(StatusCodes.Status400BadRequest)
            .WithPathExample("idOrSlug", EventExamples.Slug);
        writes.MapPost("/", CreateEvent).WithName("createEvent").WithBodyExample(EventExamples.Create)
            .WithSummary("Create an event")
            .WithDescription("A partner key creates events its own institution organizes: list it among the organizers.")
            .Idempotent(Resource, (_, id) => $"/api/v1/events/{id}", static (EventServices s, Guid id, CancellationToken ct) => s.ReadAsync(id, ct)).WithWriteProblems();
        writes.MapPut("/{idOrSlug}", ReplaceEvent).WithName("replaceEvent").WithBodyExample(EventExamples.Replace)
            .WithSummary("Replace an event's fields (If-Match required)")
            .WithWriteProblems(conditional: true);
        writes.MapPatch("/{idOrSlug}", PatchEvent).WithName("patchEvent").WithBodyExample(EventExamples.Patch)
            .WithSummary("Change some of an event's fields with a JSON Merge Patch (If-Match required)")
            .Accepts<EventWriteRequest>(MergePatch.MediaType, "application/json")
            .WithWriteProblems(conditional: true);
        writes.MapDelete("/{idOrSlug}", DeleteEvent).WithName("deleteEvent")
            .WithSummary("Delete an event and its recommendations (If-Match required)")
            .WithWriteProblems(conditional: true);

        // The relations are parts of the event: every change is conditional on its ETag and answers its new ETag.
        writes.MapPost("/{idOrSlug}/organizers", AddOrganizer).WithName("addEventOrganizer").WithBodyExample(EventExamples.AddOrganizer)
            .WithSummary("Add to an event's organizers (If-Match of the parent required)")
            .Idempotent(Resource, IdempotencyExtensions.Parent, static (EventServices s, Guid id, CancellationToken ct) => s.ReadAsync(id, ct)).WithWriteProblems(conditional: true);
        writes.MapPut("/{idOrSlug}/organizers/{itemId:guid}", ReplaceOrganizer).WithName("replaceEventOrganizer").WithBodyExample(EventExamples.ReplaceOrganizer)
            .WithSummary("Replace an entry of an event's organizers (If-Match of the parent required)")
            .WithWriteProblems(conditional: true);
        writes.MapPatch("/{idOrSlug}/organizers/{itemId:guid}", PatchOrganizer).WithName("patchEventOrganizer").WithBodyExample(EventExamples.PatchOrganizer)
            .WithSummary("Change an entry of an event's organizers with a JSON Merge Patch (If-Match of the parent required)")
            .Accepts<EventOrganizerRequest>(MergePatch.MediaType, "application/json").WithWriteProblems(conditional: true);
        writes.MapDelete("/{idOrSlug}/organizers/{itemId:guid}", RemoveOrganizer).WithName("removeEventOrganizer")
            .WithSummary("Remove an entry of an event's organizers (If-Match of the parent required)")
            .WithWriteProblems(conditional: true);
        writes.MapPost("/{idOrSlug}/participants", AddParticipant).WithName("addEventParticipant").WithBodyExample(EventExamples.AddParticipant)
            .WithSummary("Add to an event's participants (If-Match of the parent required)")
            .Idempotent(Resource, IdempotencyExtensions.Parent, static (EventServices s, Guid id, CancellationToken ct) => s.ReadAsync(id, ct)).WithWriteProblems(conditional: true);
        writes.MapPut("/{idOrSlug}/participants/{itemId:guid}", ReplaceParticipant).WithName("replaceEventParticipant").WithBodyExample(EventExamples.ReplaceParticipant)
            .WithSummary("Replace an entry of an event's participants (If-Match of the parent required)")
            .WithWriteProblems(conditional: true);
        writes.MapPatch("/{idOrSlug}/participants/{itemId:guid}", PatchParticipant).WithName("patchEventParticipant").WithBodyExample(EventExamples.PatchParticipant)
            .WithSummary("Change an entry of an event's participants with a JSON Merge Patch (If-Match of the parent required)")
            .Accepts<EventParticipantRequest>(MergePatch.MediaType, "application/json").WithWriteProblems(conditional: true);
        writes.MapDelete("/{idOrSlug}/participants/{itemId:guid}", RemoveParticipant).WithName("removeEventParticipant")
            .WithSummary("Remove an entry of an event's participants (If-Match of the parent required)")
            .WithWriteProblems(conditional: true);
        writes.MapPost("/{idOrSlug}/quotes", AddQuote).WithName("addEventQuote").WithBodyExample(EventExamples.AddQuote)
            .WithSummary("Add to an event's quotes (If-Match of the parent required)")
            .Idempotent(Resource, IdempotencyExtensions.Parent, static (EventServices s, Guid id, CancellationToken ct) => s.ReadAsync(id, ct)).WithWriteProblems(conditional: true);
        writes.MapPut("/{idOrSlug}/quotes/{itemId:guid}", ReplaceQuote).WithName("replaceEventQuote").WithBodyExample(EventExamples.ReplaceQuote)
            .WithSummary("Replace an entry of an event's quotes (If-Match of the parent required)")
            .WithWriteProblems(conditional: true);
        writes.MapPatch("/{idOrSlug}/quotes/{itemId:guid}", PatchQuote).WithName("patchEventQuote").WithBodyExample(EventExamples.PatchQuote)
            .WithSummary("Change an entry of an event's quotes with a JSON Merge Patch (If-Match of the parent required)")
            .Accepts<EventQuoteRequest>(MergePatch.MediaType, "application/json").WithWriteProblems(conditional: true);
        writes.MapDelete("/{idOrSlug}/quotes/{itemId:guid}", RemoveQuote).WithName("removeEventQuote")
            .WithSummary("Remove an entry of an event's quotes (If-Match of the parent required)")
            .WithWriteProblems(conditional: true);
        writes.MapPost("/{idOrSlug}/acknowledgements", AddAcknowledgement).WithName("addEventAcknowledgement").WithBodyExample(EventExamples.AddAcknowledgement)
            .WithSummary("Add to an event's acknowledgements (If-Match of the parent required)")
            .Idempotent(Resource, IdempotencyExtensions.Parent, static (EventServices s, Guid id, CancellationToken ct) => s.ReadAsync(id, ct)).WithWriteProblems(conditional: true);
        writes.MapPut("/{idOrSlug}/acknowledgements/{itemId:guid}", ReplaceAcknowledgement).WithName("replaceEventAcknowledgement").WithBodyExample(EventExamples.ReplaceAcknowledgement)
            .WithSummary("Replace an entry of an event's acknowledgements (If-Match of the parent required)")
            .WithWriteProblems(conditional: true);
        writes.MapPatch("/{idOrSlug}/acknowledgements/{itemId:guid}", PatchAcknowledgement).WithName("patchEventAcknowledgement").WithBodyExample(EventExamples.PatchAcknowledgement)
            .WithSummary("Change an entry of an event's acknowledgements with a JSON Merge Patch (If-Match of the parent required)")
            .Accepts<EventAcknowledgementRequest>(MergePatch.MediaType, "application/json").WithWriteProblems(conditional: true);
        writes.MapDelete("/{idOrSlug}/acknowledgements/{itemId:guid}", RemoveAcknowledgement).WithName("removeEventAcknowledgement")
            .WithSummary("Remove an entry of an event's acknowledgements (If-Match of the parent required)")
            .WithWriteProblems(conditional: true);
        return routes;
    }

    // ---- reads

    private static async Task<Results<Ok<Page<EventSummary>>, ProblemHttpResult, ExportResult<EventSummary>>> ListEvents(
        HttpContext context, EventQueries queries, KeyResolver resolver, CancellationToken ct)
    {
        if (!ListQuery.TryParse(context.Request, EventQueries.List, out var query, out var problem))
        {
            return problem!;
        }
        if (await resolver.UnknownFilterReferencesAsync(query, ct) is { } unknown)
        {
            return unknown;
        }
        if (query.IsExport)
        {
            return new ExportResult<EventSummary>(query, "events", queries.StreamAsync(query, ct).MapEach(r => r.Map<EventSummary>()));
        }
        var page = query.ToPage(await queries.ListAsync(query, ct), r => r.Map<EventSummary>());
        if (query.Includes.Count == 0 || page.Items.Count == 0)
        {
            return TypedResults.Ok(page);
        }
        var found = await queries.IncludeAsync(page.Items.Select(i => i.Id).ToList(), query.Includes, ct);
        return TypedResults.Ok(page with { Items = EventMappings.WithIncludes(page.Items, found) });
    }

    private static async Task<Results<Ok<EventResponse>, ProblemHttpResult, ContentHttpResult>> GetEvent(
        string idOrSlug, HttpContext context, EventQueries queries, CancellationToken ct)
    {
        if (!ResourceKey.TryParse(idOrSlug, out var key, out var problem))
        {
            return problem!;
        }
        if (await queries.GetAsync(key, ct) is not { } ev)
        {
            return Problems.NotFound(Resource, idOrSlug);
        }
        context.SetETag(ev.Version);
        return JsonLd.IsWanted(context.Request) ? JsonLd.Of(ev, context.Request) : TypedResults.Ok(ev);
    }

    private static async Task<Results<Ok<Page<EventOrganizerResponse>>, ProblemHttpResult>> ListOrganizers(
        string idOrSlug, [AsParameters] PageQuery query, EventQueries queries, KeyResolver resolver, CancellationToken ct)
    {
        var (id, page, problem) = await query.ForParentAsync(idOrSlug, EventQueries.Key, resolver, ct);
        if (problem is not null)
        {
            return problem;
        }
        return TypedResults.Ok(page.ToPage(await queries.ListOrganizersAsync(id, page, ct), r => r.Id, r => r.Map<EventOrganizerResponse>()));
    }

    private static async Task<Results<Ok<Page<EventParticipantResponse>>, ProblemHttpResult>> ListParticipants(
        string idOrSlug, [AsParameters] PageQuery query, EventQueries queries, KeyResolver resolver, CancellationToken ct)
    {
        var (id, page, problem) = await query.ForParentAsync(idOrSlug, EventQueries.Key, resolver, ct);
        if (problem is not null)
        {
            return problem;
        }
        return TypedResults.Ok(page.ToPage(await queries.ListParticipantsAsync(id, page, ct), r => r.Participant.Id,
            r => EventMappings.ToParticipant(r.Participant, r.Institutions)));
    }

    private static async Task<Results<Ok<Page<RecommendationSummary>>, ProblemHttpResult>> ListRecommendations(
        string idOrSlug, [AsParameters] PageQuery query, EventQueries queries, KeyResolver resolver, CancellationToken ct)
    {
        var (id, page, problem) = await query.ForParentAsync(idOrSlug, EventQueries.Key, resolver, ct);
        if (problem is not null)
        {
            return problem;
        }
        return TypedResults.Ok(page.ToPage(await queries.ListRecommendationsAsync(id, page, ct), r => r.Id, r => r.Map<RecommendationSummary>()));
    }

    private static Task<Results<EventCalendar.CalendarResult, ProblemHttpResult>> GetCalendar(
        HttpContext context, EventQueries queries, KeyResolver resolver, CancellationToken ct) =>
        EventCalendar.OfAsync(context, queries, resolver, new Dictionary<string, string>(), "events", ct);

    // ---- writes: 400, 404, 403, 428 (ConditionalWrites.FindAsync), then the write; 412 when another got there first

    private static async Task<Results<Created<EventResponse>, ProblemHttpResult>> CreateEvent(
        CreateEventRequest request, HttpContext context, [AsParameters] EventServices services, CancellationToken ct)
    {
        var write = await CreateAsync(request, Caller.From(context.User), services, ct);
        return await ConditionalWrites.CreatedAsync(context, write, Resource, request.Slug!, id => $"/api/v1/events/{id}", id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<Ok<EventResponse>, ProblemHttpResult>> ReplaceEvent(
        string idOrSlug, EventWriteRequest request, HttpContext context, [AsParameters] EventServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, EventCommands.Rights, ct);
        WriteAnswer write = problem is null ? await UpdateAsync(target, request, services, ct) : problem;
        return await ConditionalWrites.OkAsync(context, write, Resource, idOrSlug, id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<Ok<EventResponse>, ProblemHttpResult>> PatchEvent(
        string idOrSlug, HttpContext context, [AsParameters] EventServices services, IValidator<EventWriteRequest> validator, CancellationToken ct)
    {
        var write = await services.Writes.PatchAsync(context, idOrSlug, EventCommands.Rights, validator,
            async id => await services.Commands.GetWritableAsync(id, ct) is { } row ? (row.Map<EventWriteRequest>(), row.Version) : null,
            async (target, request) => await UpdateAsync(target, request, services, ct), ct);
        return await ConditionalWrites.OkAsync(context, write, Resource, idOrSlug, id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteEvent(
        string idOrSlug, HttpContext context, [AsParameters] EventServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, EventCommands.Rights, ct);
        WriteAnswer write = problem is null ? await services.Commands.DeleteAsync(target, ct) : problem;
        return ConditionalWrites.NoContent(context, write, Resource, idOrSlug);
    }

    // ---- relations: POST /{idOrSlug}/{relation}, and PUT, PATCH, DELETE /{idOrSlug}/{relation}/{itemId}

    private static async Task<Results<Created<EventResponse>, ProblemHttpResult>> AddOrganizer(
        string idOrSlug, EventOrganizerRequest request, HttpContext context, [AsParameters] EventServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, EventCommands.Rights, ct);
        WriteAnswer write = problem is null ? await WriteOrganizerAsync(target, null, request, services, ct) : problem;
        return await ConditionalWrites.CreatedAsync(context, write, Resource, idOrSlug, _ => $"/api/v1/events/{idOrSlug}", id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<Ok<EventResponse>, ProblemHttpResult>> ReplaceOrganizer(
        string idOrSlug, Guid itemId, EventOrganizerRequest request, HttpContext context, [AsParameters] EventServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, EventCommands.Rights, ct);
        WriteAnswer write = problem is null ? await WriteOrganizerAsync(target, itemId, request, services, ct) : problem;
        return await ConditionalWrites.OkAsync(context, write, Resource, idOrSlug, id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<Ok<EventResponse>, ProblemHttpResult>> PatchOrganizer(
        string idOrSlug, Guid itemId, HttpContext context, [AsParameters] EventServices services, IValidator<EventOrganizerRequest> validator, CancellationToken ct)
    {
        var write = await services.Writes.PatchEntryAsync(context, idOrSlug, EventCommands.Rights, "organizer", validator,
            id => services.Commands.GetOrganizerAsync(id, itemId, ct),
            async (target, request) => await WriteOrganizerAsync(target, itemId, request, services, ct), ct);
        return await ConditionalWrites.OkAsync(context, write, Resource, idOrSlug, id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveOrganizer(
        string idOrSlug, Guid itemId, HttpContext context, [AsParameters] EventServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, EventCommands.Rights, ct);
        problem ??= await GuardOwnersAsync(target, itemId, null, null, services, ct);
        WriteAnswer write = problem is null ? await services.Commands.RemoveOrganizerAsync(target, itemId, ct) : problem;
        return ConditionalWrites.NoContent(context, write, Resource, idOrSlug);
    }

    private static async Task<Results<Created<EventResponse>, ProblemHttpResult>> AddParticipant(
        string idOrSlug, EventParticipantRequest request, HttpContext context, [AsParameters] EventServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, EventCommands.Rights, ct);
        WriteAnswer write = problem is null ? await WriteParticipantAsync(target, null, request, services, ct) : problem;
        return await ConditionalWrites.CreatedAsync(context, write, Resource, idOrSlug, _ => $"/api/v1/events/{idOrSlug}", id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<Ok<EventResponse>, ProblemHttpResult>> ReplaceParticipant(
        string idOrSlug, Guid itemId, EventParticipantRequest request, HttpContext context, [AsParameters] EventServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, EventCommands.Rights, ct);
        WriteAnswer write = problem is null ? await WriteParticipantAsync(target, itemId, request, services, ct) : problem;
        return await ConditionalWrites.OkAsync(context, write, Resource, idOrSlug, id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<Ok<EventResponse>, ProblemHttpResult>> PatchParticipant(
        string idOrSlug, Guid itemId, HttpContext context, [AsParameters] EventServices services, IValidator<EventParticipantRequest> validator, CancellationToken ct)
    {
        var write = await services.Writes.PatchEntryAsync(context, idOrSlug, EventCommands.Rights, "participant", validator,
            id => services.Commands.GetParticipantAsync(id, itemId, ct),
            async (target, request) => await WriteParticipantAsync(target, itemId, request, services, ct), ct);
        return await ConditionalWrites.OkAsync(context, write, Resource, idOrSlug, id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveParticipant(
        string idOrSlug, Guid itemId, HttpContext context, [AsParameters] EventServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, EventCommands.Rights, ct);
        WriteAnswer write = problem is null ? await services.Commands.RemoveParticipantAsync(target, itemId, ct) : problem;
        return ConditionalWrites.NoContent(context, write, Resource, idOrSlug);
    }

    private static async Task<Results<Created<EventResponse>, ProblemHttpResult>> AddQuote(
        string idOrSlug, EventQuoteRequest request, HttpContext context, [AsParameters] EventServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, EventCommands.Rights, ct);
        WriteAnswer write = problem is null ? await WriteQuoteAsync(target, null, request, services, ct) : problem;
        return await ConditionalWrites.CreatedAsync(context, write, Resource, idOrSlug, _ => $"/api/v1/events/{idOrSlug}", id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<Ok<EventResponse>, ProblemHttpResult>> ReplaceQuote(
        string idOrSlug, Guid itemId, EventQuoteRequest request, HttpContext context, [AsParameters] EventServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, EventCommands.Rights, ct);
        WriteAnswer write = problem is null ? await WriteQuoteAsync(target, itemId, request, services, ct) : problem;
        return await ConditionalWrites.OkAsync(context, write, Resource, idOrSlug, id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<Ok<EventResponse>, ProblemHttpResult>> PatchQuote(
        string idOrSlug, Guid itemId, HttpContext context, [AsParameters] EventServices services, IValidator<EventQuoteRequest> validator, CancellationToken ct)
    {
        var write = await services.Writes.PatchEntryAsync(context, idOrSlug, EventCommands.Rights, "quote", validator,
            id => services.Commands.GetQuoteAsync(id, itemId, ct),
            async (target, request) => await WriteQuoteAsync(target, itemId, request, services, ct), ct);
        return await ConditionalWrites.OkAsync(context, write, Resource, idOrSlug, id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveQuote(
        string idOrSlug, Guid itemId, HttpContext context, [AsParameters] EventServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, EventCommands.Rights, ct);
        WriteAnswer write = problem is null ? await services.Commands.RemoveQuoteAsync(target, itemId, ct) : problem;
        return ConditionalWrites.NoContent(context, write, Resource, idOrSlug);
    }

    private static async Task<Results<Created<EventResponse>, ProblemHttpResult>> AddAcknowledgement(
        string idOrSlug, EventAcknowledgementRequest request, HttpContext context, [AsParameters] EventServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, EventCommands.Rights, ct);
        WriteAnswer write = problem is null ? await WriteAcknowledgementAsync(target, null, request, services, ct) : problem;
        return await ConditionalWrites.CreatedAsync(context, write, Resource, idOrSlug, _ => $"/api/v1/events/{idOrSlug}", id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<Ok<EventResponse>, ProblemHttpResult>> ReplaceAcknowledgement(
        string idOrSlug, Guid itemId, EventAcknowledgementRequest request, HttpContext context, [AsParameters] EventServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, EventCommands.Rights, ct);
        WriteAnswer write = problem is null ? await WriteAcknowledgementAsync(target, itemId, request, services, ct) : problem;
        return await ConditionalWrites.OkAsync(context, write, Resource, idOrSlug, id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<Ok<EventResponse>, ProblemHttpResult>> PatchAcknowledgement(
        string idOrSlug, Guid itemId, HttpContext context, [AsParameters] EventServices services, IValidator<EventAcknowledgementRequest> validator, CancellationToken ct)
    {
        var write = await services.Writes.PatchEntryAsync(context, idOrSlug, EventCommands.Rights, "acknowledgement", validator,
            id => services.Commands.GetAcknowledgementAsync(id, itemId, ct),
            async (target, request) => await WriteAcknowledgementAsync(target, itemId, request, services, ct), ct);
        return await ConditionalWrites.OkAsync(context, write, Resource, idOrSlug, id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAcknowledgement(
        string idOrSlug, Guid itemId, HttpContext context, [AsParameters] EventServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, EventCommands.Rights, ct);
        WriteAnswer write = problem is null ? await services.Commands.RemoveAcknowledgementAsync(target, itemId, ct) : problem;
        return ConditionalWrites.NoContent(context, write, Resource, idOrSlug);
    }

    // ---- each write after its target is found: what it refers to resolved (an unknown one is a 400 naming its field), then the change

    /// <summary>The organizers resolved, listed once, the partner's own institution among the owners; then the event.</summary>
    private static async Task<WriteAnswer> CreateAsync(
        CreateEventRequest request, Caller caller, EventServices services, CancellationToken ct)
    {
        var (institutions, errors) = await services.Resolver.ResolveAsync(InstitutionQueries.Key,
            request.Organizers!.Select(o => o.Institution).ToList(), i => $"organizers[{i}].institution", ct);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }
        var organizers = request.Organizers!.Select((o, i) => (Institution: institutions[i]!.Value, Role: o.Role!.Value)).ToList();
        var repeated = organizers.Select((o, i) => (o.Institution, i)).GroupBy(x => x.Institution).SelectMany(g => g.Skip(1)).ToList();
        if (repeated.Count > 0)
        {
            return Problems.Validation(repeated.ToDictionary(x => $"organizers[{x.i}].institution", _ => new[] { "This institution is already listed (by its id or slug)." }));
        }
        if (!caller.IsAdmin && !organizers.Any(o => o.Institution == caller.InstitutionId && o.Role is OrganizerRole.Organizer or OrganizerRole.CoOrganizer))
        {
            return Problems.Forbidden("A partner key creates events its own institution organizes: list it as organizer or co_organizer.");
        }
        return await services.Commands.CreateAsync(request.Map<EventRow>(), organizers, caller.KeyId, ct);
    }

    /// <summary>A PUT from a client that does not know about drafts must not publish one: no "published" keeps it as it is.</summary>
    private static async Task<WriteAnswer> UpdateAsync(
        WriteTarget target, EventWriteRequest request, EventServices services, CancellationToken ct) =>
        await services.Commands.UpdateAsync(target, request.Map<EventRow>(), request.Published, ct);

    private static async Task<WriteAnswer> WriteOrganizerAsync(
        WriteTarget target, Guid? itemId, EventOrganizerRequest request, EventServices services, CancellationToken ct)
    {
        var (institution, errors) = await services.Resolver.ResolveAsync(InstitutionQueries.Key, [request.Institution], _ => "institution", ct);
        var problem = errors.Count > 0 ? Problems.Validation(errors)
            : itemId is { } item ? await GuardOwnersAsync(target, item, institution[0], request.Role, services, ct) : null;
        return problem is not null ? problem
            : await services.Commands.ChangeOrganizerAsync(target, itemId, institution[0]!.Value, request.Role!.Value, ct);
    }

    /// <summary>
    /// A partner may not touch another owning institution's entry (organizer or co_organizer), nor remove or demote
    /// its own: either would take the event away from an institution that holds it.
    /// </summary>
    private static async Task<ProblemHttpResult?> GuardOwnersAsync(
        WriteTarget target, Guid itemId, Guid? newInstitution, OrganizerRole? newRole, EventServices services, CancellationToken ct)
    {
        if (target.Caller.IsAdmin || await services.Commands.GetOrganizerAsync(target.Id, itemId, ct) is not { } current
            || JsonNode.Parse(current.Entry) is not { } entry || entry["role"]!.GetValue<string>() is not ("organizer" or "co_organizer"))
        {
            return null; // not an owner's entry (or not there: the change answers 404)
        }
        if (entry["institution"]!.GetValue<Guid>() != target.Caller.InstitutionId)
        {
            return Problems.Forbidden("A partner key may not change or remove another organizing institution's entry.");
        }
        return newInstitution != target.Caller.InstitutionId || newRole is not (OrganizerRole.Organizer or OrganizerRole.CoOrganizer)
            ? Problems.Forbidden("A partner key may not remove or demote its own institution's organizer entry: it would lose the event.")
            : null;
    }

    private static async Task<WriteAnswer> WriteParticipantAsync(
        WriteTarget target, Guid? itemId, EventParticipantRequest request, EventServices services, CancellationToken ct)
    {
        var (speaker, speakerErrors) = await services.Resolver.ResolveAsync(SpeakerQueries.Key, [request.Speaker], _ => "speaker", ct);
        var (institutions, errors) = await services.Resolver.ResolveAsync(InstitutionQueries.Key, [.. request.Institutions ?? []], i => $"institutions[{i}]", ct);
        if (speakerErrors.Count + errors.Count > 0)
        {
            return Problems.Validation(speakerErrors.Concat(errors).ToDictionary());
        }
        return await services.Commands.ChangeParticipantAsync(target, itemId, speaker[0]!.Value, request.Role!.Value, [.. institutions.OfType<Guid>()], ct);
    }

    private static async Task<WriteAnswer> WriteQuoteAsync(
        WriteTarget target, Guid? itemId, EventQuoteRequest request, EventServices services, CancellationToken ct)
    {
        var (speaker, errors) = await services.Resolver.ResolveAsync(SpeakerQueries.Key, [request.Speaker], _ => "speaker", ct);
        return errors.Count > 0 ? Problems.Validation(errors)
            : await services.Commands.ChangeQuoteAsync(target, itemId, speaker[0]!.Value, request.Text!, ct);
    }

    private static async Task<WriteAnswer> WriteAcknowledgementAsync(
        WriteTarget target, Guid? itemId, EventAcknowledgementRequest request, EventServices services, CancellationToken ct)
    {
        var (from, fromErrors) = await services.Resolver.ResolveAsync(InstitutionQueries.Key, [request.From], _ => "from", ct);
        var (to, errors) = await services.Resolver.ResolveAsync(SpeakerQueries.Key, [request.To], _ => "to", ct);
        if (fromErrors.Count + errors.Count > 0)
        {
            return Problems.Validation(fromErrors.Concat(errors).ToDictionary());
        }
        return await services.Commands.ChangeAcknowledgementAsync(target, itemId, request, from[0]!.Value, to[0]!.Value, ct);
    }
}
