using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using RoundTable.Api.Auth;
using RoundTable.Api.Caching;
using RoundTable.Api.Concurrency;
using RoundTable.Api.Database;
using RoundTable.Api.Errors;
using RoundTable.Api.Events;
using RoundTable.Api.Exports;
using RoundTable.Api.Http;
using RoundTable.Api.Idempotency;
using RoundTable.Api.Institutions;
using RoundTable.Api.Json;
using RoundTable.Api.LinkedData;
using RoundTable.Api.Mapping;
using RoundTable.Api.OpenApi;
using RoundTable.Api.Paging;
using RoundTable.Api.Validation;

namespace RoundTable.Api.Speakers;

/// <summary>What the speaker handlers use.</summary>
internal sealed record SpeakerServices(SpeakerQueries Queries, SpeakerCommands Commands, KeyResolver Resolver, ConditionalWrites Writes)
{
    /// <summary>A speaker as a write leaves it, for the answer.</summary>
    public async Task<SpeakerResponse?> ReadAsync(Guid id, CancellationToken ct) =>
        await Queries.GetAsync(new ResourceKey(id, null), ct) is { } details ? SpeakerMappings.ToResponse(details) : null;
}

/// <summary>Speakers: anyone reads them; any key may create one; a partner changes those its institution's keys created.</summary>
internal static class SpeakersApi
{
    private const string Resource = "speaker";

    public static IServiceCollection AddSpeakers(this IServiceCollection services) => services
        .AddSingleton<SpeakerQueries>()
        .AddSingleton<SpeakerCommands>()
        .AddSingleton<IValidator<SpeakerWriteRequest>, SpeakerWriteRequestValidator>()
        .AddSingleton<IValidator<AffiliationRequest>, AffiliationRequestValidator>()
        .AddJsonContext(SpeakerJsonContext.Default)
        .AddMappings<SpeakerMappings>();

    public static IEndpointRouteBuilder MapSpeakers(this IEndpointRouteBuilder routes)
    {
        var reads = routes.MapGroup("/api/v1/speakers").WithTags("Speakers").WithPageLinks().DatedByChanges()
            .WithPathExample("idOrSlug", SpeakerExamples.Seeded);
        reads.MapGet("/", ListSpeakers).WithName("listSpeakers")
            .WithSummary("List, search or export speakers")
            .WithDescription("People one page at a time (by default in creation order), filtered, searched (q: names, bio, positions) "
                + "and sorted; include=affiliations embeds their affiliations. The whole list streams from /api/v1/speakers.csv and .ndjson.")
            .WithList(SpeakerQueries.List);
        routes.MapExports("/api/v1/speakers", ListSpeakers, "Speakers", SpeakerQueries.List);
        reads.MapGet("/{idOrSlug}", GetSpeaker).WithName("getSpeaker")
            .WithSummary("Get a speaker with their affiliations").WithReadProblems();
        reads.MapLinkedData(GetSpeaker, "getSpeakerLinkedData", "a speaker (schema.org Person)").WithReadProblems();
        reads.MapGet("/{idOrSlug}/events.ics", GetCalendar).WithName("getSpeakerCalendar")
            .WithSummary("The events a speaker took part in, as an iCalendar feed (RFC 5545)")
            .WithMetadata(EventQueries.List, new CalendarDoc("participant")).WithReadProblems();
        reads.MapGet("/{idOrSlug}/events", ListEvents).WithName("listSpeakerEvents")
            .WithSummary("List the events a speaker took part in, with their role").WithReadProblems();
        reads.MapGet("/{idOrSlug}/affiliations", ListAffiliations).WithName("listSpeakerAffiliations")
            .WithSummary("List a speaker's affiliations").WithReadProblems();

        var writes = routes.MapGroup("/api/v1/speakers").WithTags("Speakers").RequireKey().WithValidation().ProducesProblem(StatusCodes.Status400BadRequest)
            .WithPathExample("idOrSlug", SpeakerExamples.Slug);
        writes.MapPost("/", CreateSpeaker).WithName("createSpeaker").WithBodyExample(SpeakerExamples.Create).WithSummary("Create a speaker")
            .Idempotent(Resource, (_, id) => $"/api/v1/speakers/{id}", static (SpeakerServices s, Guid id, CancellationToken ct) => s.ReadAsync(id, ct)).WithWriteProblems();
        writes.MapPut("/{idOrSlug}", ReplaceSpeaker).WithName("replaceSpeaker").WithBodyExample(SpeakerExamples.Replace).WithSummary("Replace a speaker's fields (If-Match required)")
            .WithWriteProblems(conditional: true);
        writes.MapPatch("/{idOrSlug}", PatchSpeaker).WithName("patchSpeaker").WithBodyExample(SpeakerExamples.Patch)
            .WithSummary("Change some of a speaker's fields with a JSON Merge Patch (If-Match required)")
            .Accepts<SpeakerWriteRequest>(MergePatch.MediaType, "application/json").WithWriteProblems(conditional: true);
        writes.MapDelete("/{idOrSlug}", DeleteSpeaker).WithName("deleteSpeaker")
            .WithSummary("Delete a speaker no live event or recommendation names (If-Match required)")
            .WithWriteProblems(conditional: true);

        // Affiliations are part of their speaker: every change is conditional on its ETag and answers its new ETag.
        writes.MapPost("/{idOrSlug}/affiliations", AddAffiliation).WithName("addSpeakerAffiliation").WithBodyExample(SpeakerExamples.AddAffiliation)
            .WithSummary("Add to a speaker's affiliations (If-Match of the parent required)")
            .Idempotent(Resource, IdempotencyExtensions.Parent, static (SpeakerServices s, Guid id, CancellationToken ct) => s.ReadAsync(id, ct)).WithWriteProblems(conditional: true);
        writes.MapPut("/{idOrSlug}/affiliations/{itemId:guid}", ReplaceAffiliation).WithName("replaceSpeakerAffiliation").WithBodyExample(SpeakerExamples.ReplaceAffiliation)
            .WithSummary("Replace an entry of a speaker's affiliations (If-Match of the parent required)")
            .WithWriteProblems(conditional: true);
        writes.MapPatch("/{idOrSlug}/affiliations/{itemId:guid}", PatchAffiliation).WithName("patchSpeakerAffiliation").WithBodyExample(SpeakerExamples.PatchAffiliation)
            .WithSummary("Change an entry of a speaker's affiliations with a JSON Merge Patch (If-Match of the parent required)")
            .Accepts<AffiliationRequest>(MergePatch.MediaType, "application/json").WithWriteProblems(conditional: true);
        writes.MapDelete("/{idOrSlug}/affiliations/{itemId:guid}", RemoveAffiliation).WithName("removeSpeakerAffiliation")
            .WithSummary("Remove an entry of a speaker's affiliations (If-Match of the parent required)")
            .WithWriteProblems(conditional: true);
        return routes;
    }

    // ---- reads

    private static async Task<Results<Ok<Page<SpeakerSummary>>, ProblemHttpResult, ExportResult<SpeakerSummary>>> ListSpeakers(
        HttpContext context, SpeakerQueries queries, KeyResolver resolver, CancellationToken ct)
    {
        if (!ListQuery.TryParse(context.Request, SpeakerQueries.List, out var query, out var problem))
        {
            return problem!;
        }
        if (await resolver.UnknownFilterReferencesAsync(query, ct) is { } unknown)
        {
            return unknown;
        }
        if (query.IsExport)
        {
            return new ExportResult<SpeakerSummary>(query, "speakers", queries.StreamAsync(query, ct).MapEach(r => r.Map<SpeakerSummary>()));
        }
        var page = query.ToPage(await queries.ListAsync(query, ct), r => r.Map<SpeakerSummary>());
        if (query.Includes.Count == 0 || page.Items.Count == 0)
        {
            return TypedResults.Ok(page);
        }
        // include=affiliations: one query for the whole page.
        var affiliations = (await queries.IncludeAffiliationsAsync(page.Items.Select(i => i.Id).ToList(), ct)).ToLookup(a => a.SpeakerId);
        return TypedResults.Ok(page with
        {
            Items = page.Items.Select(s => s with { Affiliations = affiliations[s.Id].Select(a => a.Map<AffiliationResponse>()).ToList() }).ToList(),
        });
    }

    private static async Task<Results<Ok<SpeakerResponse>, ProblemHttpResult, ContentHttpResult>> GetSpeaker(
        string idOrSlug, HttpContext context, SpeakerQueries queries, CancellationToken ct)
    {
        if (!ResourceKey.TryParse(idOrSlug, out var key, out var problem))
        {
            return problem!;
        }
        if (await queries.GetAsync(key, ct) is not { } details)
        {
            return Problems.NotFound(Resource, idOrSlug);
        }
        var speaker = SpeakerMappings.ToResponse(details);
        context.SetETag(speaker.Version);
        return JsonLd.IsWanted(context.Request) ? JsonLd.Of(speaker, context.Request) : TypedResults.Ok(speaker);
    }

    private static Task<Results<EventCalendar.CalendarResult, ProblemHttpResult>> GetCalendar(
        string idOrSlug, HttpContext context, EventQueries events, KeyResolver resolver, CancellationToken ct) =>
        EventCalendar.OfAsync(context, events, resolver, SpeakerQueries.Key, "participant", idOrSlug, ct);

    private static async Task<Results<Ok<Page<SpeakerEventResponse>>, ProblemHttpResult>> ListEvents(
        string idOrSlug, [AsParameters] PageQuery query, SpeakerQueries queries, KeyResolver resolver, CancellationToken ct)
    {
        var (id, page, problem) = await query.ForParentAsync(idOrSlug, SpeakerQueries.Key, resolver, ct);
        if (problem is not null)
        {
            return problem;
        }
        return TypedResults.Ok(page.ToPage(await queries.ListEventsAsync(id, page, ct), r => r.Id, r => r.Map<SpeakerEventResponse>()));
    }

    private static async Task<Results<Ok<Page<AffiliationResponse>>, ProblemHttpResult>> ListAffiliations(
        string idOrSlug, [AsParameters] PageQuery query, SpeakerQueries queries, KeyResolver resolver, CancellationToken ct)
    {
        var (id, page, problem) = await query.ForParentAsync(idOrSlug, SpeakerQueries.Key, resolver, ct);
        if (problem is not null)
        {
            return problem;
        }
        return TypedResults.Ok(page.ToPage(await queries.ListAffiliationsAsync(id, page, ct), r => r.Id, r => r.Map<AffiliationResponse>()));
    }

    // ---- writes: 400, 404, 403, 428 (ConditionalWrites.FindAsync), then the write; 412 when another got there first

    private static async Task<Results<Created<SpeakerResponse>, ProblemHttpResult>> CreateSpeaker(
        SpeakerWriteRequest request, HttpContext context, [AsParameters] SpeakerServices services, CancellationToken ct)
    {
        WriteAnswer write = await services.Commands.CreateAsync(request.Map<SpeakerRow>(), Caller.From(context.User).KeyId, ct);
        return await ConditionalWrites.CreatedAsync(context, write, Resource, request.Slug!, id => $"/api/v1/speakers/{id}", id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<Ok<SpeakerResponse>, ProblemHttpResult>> ReplaceSpeaker(
        string idOrSlug, SpeakerWriteRequest request, HttpContext context, [AsParameters] SpeakerServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, SpeakerCommands.Rights, ct);
        WriteAnswer write = problem is null ? await services.Commands.UpdateAsync(target, request.Map<SpeakerRow>(), ct) : problem;
        return await ConditionalWrites.OkAsync(context, write, Resource, idOrSlug, id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<Ok<SpeakerResponse>, ProblemHttpResult>> PatchSpeaker(
        string idOrSlug, HttpContext context, [AsParameters] SpeakerServices services, IValidator<SpeakerWriteRequest> validator, CancellationToken ct)
    {
        var write = await services.Writes.PatchAsync(context, idOrSlug, SpeakerCommands.Rights, validator,
            async id => await services.Commands.GetWritableAsync(id, ct) is { } row ? (row.Map<SpeakerWriteRequest>(), row.Version) : null,
            async (target, request) => await services.Commands.UpdateAsync(target, request.Map<SpeakerRow>(), ct), ct);
        return await ConditionalWrites.OkAsync(context, write, Resource, idOrSlug, id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteSpeaker(
        string idOrSlug, HttpContext context, [AsParameters] SpeakerServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, SpeakerCommands.Rights, ct);
        WriteAnswer write = problem is null ? await services.Commands.DeleteAsync(target, ct) : problem;
        return ConditionalWrites.NoContent(context, write, Resource, idOrSlug);
    }

    // ---- affiliations: POST /{idOrSlug}/affiliations, and PUT, PATCH, DELETE /{idOrSlug}/affiliations/{itemId}

    private static async Task<Results<Created<SpeakerResponse>, ProblemHttpResult>> AddAffiliation(
        string idOrSlug, AffiliationRequest request, HttpContext context, [AsParameters] SpeakerServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, SpeakerCommands.Rights, ct);
        WriteAnswer write = problem is null ? await WriteAffiliationAsync(target, null, request, services, ct) : problem;
        return await ConditionalWrites.CreatedAsync(context, write, Resource, idOrSlug, _ => $"/api/v1/speakers/{idOrSlug}", id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<Ok<SpeakerResponse>, ProblemHttpResult>> ReplaceAffiliation(
        string idOrSlug, Guid itemId, AffiliationRequest request, HttpContext context, [AsParameters] SpeakerServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, SpeakerCommands.Rights, ct);
        WriteAnswer write = problem is null ? await WriteAffiliationAsync(target, itemId, request, services, ct) : problem;
        return await ConditionalWrites.OkAsync(context, write, Resource, idOrSlug, id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<Ok<SpeakerResponse>, ProblemHttpResult>> PatchAffiliation(
        string idOrSlug, Guid itemId, HttpContext context, [AsParameters] SpeakerServices services, IValidator<AffiliationRequest> validator, CancellationToken ct)
    {
        var write = await services.Writes.PatchEntryAsync(context, idOrSlug, SpeakerCommands.Rights, "affiliation", validator,
            id => services.Commands.GetAffiliationAsync(id, itemId, ct),
            async (target, request) => await WriteAffiliationAsync(target, itemId, request, services, ct), ct);
        return await ConditionalWrites.OkAsync(context, write, Resource, idOrSlug, id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAffiliation(
        string idOrSlug, Guid itemId, HttpContext context, [AsParameters] SpeakerServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, SpeakerCommands.Rights, ct);
        WriteAnswer write = problem is null ? await services.Commands.RemoveAffiliationAsync(target, itemId, ct) : problem;
        return ConditionalWrites.NoContent(context, write, Resource, idOrSlug);
    }

    // ---- each write after its target is found: what it refers to resolved (an unknown one is a 400 naming its field), then the change

    private static async Task<WriteAnswer> WriteAffiliationAsync(
        WriteTarget target, Guid? itemId, AffiliationRequest request, SpeakerServices services, CancellationToken ct)
    {
        var (institution, errors) = await services.Resolver.ResolveAsync(InstitutionQueries.Key, [request.Institution], _ => "institution", ct);
        return errors.Count > 0 ? Problems.Validation(errors)
            : await services.Commands.ChangeAffiliationAsync(target, itemId, request, institution[0]!.Value, ct);
    }
}
