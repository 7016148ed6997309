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
using RoundTable.Api.Json;
using RoundTable.Api.LinkedData;
using RoundTable.Api.Mapping;
using RoundTable.Api.OpenApi;
using RoundTable.Api.Paging;
using RoundTable.Api.Validation;

namespace RoundTable.Api.Institutions;

/// <summary>What the institution handlers use.</summary>
internal sealed record InstitutionServices(InstitutionQueries Queries, InstitutionCommands Commands, KeyResolver Resolver, ConditionalWrites Writes)
{
    /// <summary>An institution as a write leaves it, for the answer.</summary>
    public async Task<InstitutionResponse?> ReadAsync(Guid id, CancellationToken ct) =>
        await Queries.GetAsync(new ResourceKey(id, null), ct) is { } details ? InstitutionMappings.ToResponse(details) : null;
}

/// <summary>Institutions: anyone reads them; any key may create one; a partner changes those its institution's keys created.</summary>
internal static class InstitutionsApi
{
    private const string Resource = "institution";

    public static IServiceCollection AddInstitutions(this IServiceCollection services) => services
        .AddSingleton<InstitutionQueries>()
        .AddSingleton<InstitutionCommands>()
        .AddSingleton<IValidator<InstitutionWriteRequest>, InstitutionWriteRequestValidator>()
        .AddSingleton<IValidator<RankingRequest>, RankingRequestValidator>()
        .AddJsonContext(InstitutionJsonContext.Default)
        .AddMappings<InstitutionMappings>();

    public static IEndpointRouteBuilder MapInstitutions(this IEndpointRouteBuilder routes)
    {
        var reads = routes.MapGroup("/api/v1/institutions").WithTags("Institutions").WithPageLinks().DatedByChanges()
            .WithPathExample("idOrSlug", InstitutionExamples.Seeded);
        reads.MapGet("/", ListInstitutions).WithName("listInstitutions")
            .WithSummary("List, search or export institutions")
            .WithDescription("Institutions one page at a time (by default in creation order), filtered, searched (q: names and acronyms) "
                + "and sorted. The whole list streams from /api/v1/institutions.csv and .ndjson.")
            .WithList(InstitutionQueries.List);
        routes.MapExports("/api/v1/institutions", ListInstitutions, "Institutions", InstitutionQueries.List);
        reads.MapGet("/{idOrSlug}", GetInstitution).WithName("getInstitution")
            .WithSummary("Get an institution with its parent, rankings and stated figures").WithReadProblems();
        reads.MapLinkedData(GetInstitution, "getInstitutionLinkedData", "an institution (schema.org Organization)").WithReadProblems();
        reads.MapGet("/{idOrSlug}/events.ics", GetCalendar).WithName("getInstitutionCalendar")
            .WithSummary("The events an institution organized or was represented at, as an iCalendar feed (RFC 5545)")
            .WithMetadata(EventQueries.List, new CalendarDoc("institution")).WithReadProblems();
        reads.MapGet("/{idOrSlug}/speakers", ListSpeakers).WithName("listInstitutionSpeakers")
            .WithSummary("List the people affiliated with an institution").WithReadProblems();
        reads.MapGet("/{idOrSlug}/events", ListEvents).WithName("listInstitutionEvents")
            .WithSummary("List the events an institution organized or was represented at").WithReadProblems();
        reads.MapGet("/{idOrSlug}/children", ListChildren).WithName("listInstitutionChildren")
            .WithSummary("List the institutions that belong to an institution (e.g. a university's schools)")
            .WithReadProblems();

        var writes = routes.MapGroup("/api/v1/institutions").WithTags("Institutions").RequireKey().WithValidation().ProducesProblem(StatusCodes.Status400BadRequest)
            .WithPathExample("idOrSlug", InstitutionExamples.Slug);
        writes.MapPost("/", CreateInstitution).WithName("createInstitution").WithBodyExample(InstitutionExamples.Create).WithSummary("Create an institution")
            .Idempotent(Resource, (_, id) => $"/api/v1/institutions/{id}", static (InstitutionServices s, Guid id, CancellationToken ct) => s.ReadAsync(id, ct)).WithWriteProblems();
        writes.MapPut("/{idOrSlug}", ReplaceInstitution).WithName("replaceInstitution").WithBodyExample(InstitutionExamples.Replace).WithSummary("Replace an institution's fields (If-Match required)")
            .WithWriteProblems(conditional: true);
        writes.MapPatch("/{idOrSlug}", PatchInstitution).WithName("patchInstitution").WithBodyExample(InstitutionExamples.Patch)
            .WithSummary("Change some of an institution's fields with a JSON Merge Patch (If-Match required)")
            .Accepts<InstitutionWriteRequest>(MergePatch.MediaType, "application/json").WithWriteProblems(conditional: true);
        writes.MapDelete("/{idOrSlug}", DeleteInstitution).WithName("deleteInstitution")
            .WithSummary("Delete an institution no live event, person or child institution refers to (If-Match required)")
            .WithWriteProblems(conditional: true);

        // Rankings are part of their institution: every change is conditional on its ETag and answers its new ETag.
        writes.MapPost("/{idOrSlug}/rankings", AddRanking).WithName("addInstitutionRanking").WithBodyExample(InstitutionExamples.AddRanking)
            .WithSummary("Add to an institution's rankings (If-Match of the parent required)")
            .Idempotent(Resource, IdempotencyExtensions.Parent, static (InstitutionServices s, Guid id, CancellationToken ct) => s.ReadAsync(id, ct)).WithWriteProblems(conditional: true);
        writes.MapPut("/{idOrSlug}/rankings/{itemId:guid}", ReplaceRanking).WithName("replaceInstitutionRanking").WithBodyExample(InstitutionExamples.ReplaceRanking)
            .WithSummary("Replace an entry of an institution's rankings (If-Match of the parent required)")
            .WithWriteProblems(conditional: true);
        writes.MapPatch("/{idOrSlug}/rankings/{itemId:guid}", PatchRanking).WithName("patchInstitutionRanking").WithBodyExample(InstitutionExamples.PatchRanking)
            .WithSummary("Change an entry of an institution's rankings with a JSON Merge Patch (If-Match of the parent required)")
            .Accepts<RankingRequest>(MergePatch.MediaType, "application/json").WithWriteProblems(conditional: true);
        writes.MapDelete("/{idOrSlug}/rankings/{itemId:guid}", RemoveRanking).WithName("removeInstitutionRanking")
            .WithSummary("Remove an entry of an institution's rankings (If-Match of the parent required)")
            .WithWriteProblems(conditional: true);
        return routes;
    }

    // ---- reads

    private static async Task<Results<Ok<Page<InstitutionSummary>>, ProblemHttpResult, ExportResult<InstitutionSummary>>> ListInstitutions(
        HttpContext context, InstitutionQueries queries, KeyResolver resolver, CancellationToken ct)
    {
        if (!ListQuery.TryParse(context.Request, InstitutionQueries.List, out var query, out var problem))
        {
            return problem!;
        }
        if (await resolver.UnknownFilterReferencesAsync(query, ct) is { } unknown)
        {
            return unknown;
        }
        if (query.IsExport)
        {
            return new ExportResult<InstitutionSummary>(query, "institutions", queries.StreamAsync(query, ct).MapEach(r => r.Map<InstitutionSummary>()));
        }
        return TypedResults.Ok(query.ToPage(await queries.ListAsync(query, ct), r => r.Map<InstitutionSummary>()));
    }

    private static async Task<Results<Ok<InstitutionResponse>, ProblemHttpResult, ContentHttpResult>> GetInstitution(
        string idOrSlug, HttpContext context, InstitutionQueries queries, CancellationToken ct)
    {
        if (!ResourceKey.TryParse(idOrSlug, out var key, out var problem))
        {
            return problem!;
        }
        if (await queries.GetAsync(key, ct) is not { } details)
        {
            return Problems.NotFound(Resource, idOrSlug);
        }
        var institution = InstitutionMappings.ToResponse(details);
        context.SetETag(institution.Version);
        return JsonLd.IsWanted(context.Request) ? JsonLd.Of(institution, context.Request) : TypedResults.Ok(institution);
    }

    private static Task<Results<EventCalendar.CalendarResult, ProblemHttpResult>> GetCalendar(
        string idOrSlug, HttpContext context, EventQueries events, KeyResolver resolver, CancellationToken ct) =>
        EventCalendar.OfAsync(context, events, resolver, InstitutionQueries.Key, "institution", idOrSlug, ct);

    private static async Task<Results<Ok<Page<InstitutionSpeakerResponse>>, ProblemHttpResult>> ListSpeakers(
        string idOrSlug, [AsParameters] PageQuery query, InstitutionQueries queries, KeyResolver resolver, CancellationToken ct)
    {
        var (id, page, problem) = await query.ForParentAsync(idOrSlug, InstitutionQueries.Key, resolver, ct);
        if (problem is not null)
        {
            return problem;
        }
        return TypedResults.Ok(page.ToPage(await queries.ListSpeakersAsync(id, page, ct), r => r.Id, r => r.Map<InstitutionSpeakerResponse>()));
    }

    private static async Task<Results<Ok<Page<InstitutionEventResponse>>, ProblemHttpResult>> ListEvents(
        string idOrSlug, [AsParameters] PageQuery query, InstitutionQueries queries, KeyResolver resolver, CancellationToken ct)
    {
        var (id, page, problem) = await query.ForParentAsync(idOrSlug, InstitutionQueries.Key, resolver, ct);
        if (problem is not null)
        {
            return problem;
        }
        return TypedResults.Ok(page.ToPage(await queries.ListEventsAsync(id, page, ct), r => r.EventId, r => r.Map<InstitutionEventResponse>()));
    }

    private static async Task<Results<Ok<Page<InstitutionSummary>>, ProblemHttpResult>> ListChildren(
        string idOrSlug, [AsParameters] PageQuery query, InstitutionQueries queries, KeyResolver resolver, CancellationToken ct)
    {
        var (id, page, problem) = await query.ForParentAsync(idOrSlug, InstitutionQueries.Key, resolver, ct);
        if (problem is not null)
        {
            return problem;
        }
        return TypedResults.Ok(page.ToPage(await queries.ListChildrenAsync(id, page, ct), r => r.Id, r => r.Map<InstitutionSummary>()));
    }

    // ---- writes: 400, 404, 403, 428 (ConditionalWrites.FindAsync), then the write; 412 when another got there first

    private static async Task<Results<Created<InstitutionResponse>, ProblemHttpResult>> CreateInstitution(
        InstitutionWriteRequest request, HttpContext context, [AsParameters] InstitutionServices services, CancellationToken ct)
    {
        var write = await CreateAsync(request, Caller.From(context.User), services, ct);
        return await ConditionalWrites.CreatedAsync(context, write, Resource, request.Slug!, id => $"/api/v1/institutions/{id}", id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<Ok<InstitutionResponse>, ProblemHttpResult>> ReplaceInstitution(
        string idOrSlug, InstitutionWriteRequest request, HttpContext context, [AsParameters] InstitutionServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, InstitutionCommands.Rights, ct);
        WriteAnswer write = problem is null ? await UpdateAsync(target, request, services, ct) : problem;
        return await ConditionalWrites.OkAsync(context, write, Resource, idOrSlug, id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<Ok<InstitutionResponse>, ProblemHttpResult>> PatchInstitution(
        string idOrSlug, HttpContext context, [AsParameters] InstitutionServices services, IValidator<InstitutionWriteRequest> validator, CancellationToken ct)
    {
        var write = await services.Writes.PatchAsync(context, idOrSlug, InstitutionCommands.Rights, validator,
            async id => await services.Commands.GetWritableAsync(id, ct) is { } row ? (row.Map<InstitutionWriteRequest>(), row.Version) : null,
            async (target, request) => await UpdateAsync(target, request, services, ct), ct);
        return await ConditionalWrites.OkAsync(context, write, Resource, idOrSlug, id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteInstitution(
        string idOrSlug, HttpContext context, [AsParameters] InstitutionServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, InstitutionCommands.Rights, ct);
        WriteAnswer write = problem is null ? await services.Commands.DeleteAsync(target, ct) : problem;
        return ConditionalWrites.NoContent(context, write, Resource, idOrSlug);
    }

    // ---- rankings: POST /{idOrSlug}/rankings, and PUT, PATCH, DELETE /{idOrSlug}/rankings/{itemId}

    private static async Task<Results<Created<InstitutionResponse>, ProblemHttpResult>> AddRanking(
        string idOrSlug, RankingRequest request, HttpContext context, [AsParameters] InstitutionServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, InstitutionCommands.Rights, ct);
        WriteAnswer write = problem is null ? await services.Commands.ChangeRankingAsync(target, null, request, ct) : problem;
        return await ConditionalWrites.CreatedAsync(context, write, Resource, idOrSlug, _ => $"/api/v1/institutions/{idOrSlug}", id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<Ok<InstitutionResponse>, ProblemHttpResult>> ReplaceRanking(
        string idOrSlug, Guid itemId, RankingRequest request, HttpContext context, [AsParameters] InstitutionServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, InstitutionCommands.Rights, ct);
        WriteAnswer write = problem is null ? await services.Commands.ChangeRankingAsync(target, itemId, request, ct) : problem;
        return await ConditionalWrites.OkAsync(context, write, Resource, idOrSlug, id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<Ok<InstitutionResponse>, ProblemHttpResult>> PatchRanking(
        string idOrSlug, Guid itemId, HttpContext context, [AsParameters] InstitutionServices services, IValidator<RankingRequest> validator, CancellationToken ct)
    {
        var write = await services.Writes.PatchEntryAsync(context, idOrSlug, InstitutionCommands.Rights, "ranking", validator,
            id => services.Commands.GetRankingAsync(id, itemId, ct),
            async (target, request) => await services.Commands.ChangeRankingAsync(target, itemId, request, ct), ct);
        return await ConditionalWrites.OkAsync(context, write, Resource, idOrSlug, id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveRanking(
        string idOrSlug, Guid itemId, HttpContext context, [AsParameters] InstitutionServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, InstitutionCommands.Rights, ct);
        WriteAnswer write = problem is null ? await services.Commands.RemoveRankingAsync(target, itemId, ct) : problem;
        return ConditionalWrites.NoContent(context, write, Resource, idOrSlug);
    }

    // ---- each write after its target is found: what it refers to resolved (an unknown one is a 400 naming its field), then the change

    private static async Task<WriteAnswer> CreateAsync(
        InstitutionWriteRequest request, Caller caller, InstitutionServices services, CancellationToken ct)
    {
        var (row, problem) = await ToRowAsync(request, services.Resolver, ct);
        return problem is not null ? problem : await services.Commands.CreateAsync(row!, caller.KeyId, ct);
    }

    private static async Task<WriteAnswer> UpdateAsync(
        WriteTarget target, InstitutionWriteRequest request, InstitutionServices services, CancellationToken ct)
    {
        var (row, problem) = await ToRowAsync(request, services.Resolver, ct);
        return problem is not null ? problem : await services.Commands.UpdateAsync(target, row!, ct);
    }

    /// <summary>The row to write, with its parent (UUID or slug) resolved: an unknown one is a 400 naming "parent".</summary>
    private static async Task<(InstitutionRow? Row, ProblemHttpResult? Problem)> ToRowAsync(
        InstitutionWriteRequest request, KeyResolver resolver, CancellationToken ct)
    {
        var row = request.Map<InstitutionRow>();
        var (parent, errors) = await resolver.ResolveAsync(InstitutionQueries.Key, [request.Parent], _ => "parent", ct);
        row.ParentId = parent[0];
        return errors.Count > 0 ? (null, Problems.Validation(errors)) : (row, null);
    }
}
