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
using RoundTable.Api.OpenApi;
using RoundTable.Api.Mapping;
using RoundTable.Api.Paging;
using RoundTable.Api.Speakers;
using RoundTable.Api.Validation;
using RoundTable.Api.Themes;

namespace RoundTable.Api.Recommendations;

/// <summary>What the recommendation handlers use.</summary>
internal sealed record RecommendationServices(RecommendationQueries Queries, RecommendationCommands Commands, KeyResolver Resolver, ConditionalWrites Writes)
{
    /// <summary>A recommendation as a write leaves it, for the answer.</summary>
    public async Task<RecommendationResponse?> ReadAsync(Guid id, CancellationToken ct) =>
        await Queries.GetAsync(new ResourceKey(id, null), ct) is { } details ? RecommendationMappings.ToResponse(details) : null;
}

/// <summary>Recommendations: anyone reads them; a partner writes those of the events its institution organizes.</summary>
internal static class RecommendationsApi
{
    private const string Resource = "recommendation";

    public static IServiceCollection AddRecommendations(this IServiceCollection services) => services
        .AddSingleton<RecommendationQueries>()
        .AddSingleton<RecommendationCommands>()
        .AddSingleton<IValidator<RecommendationWriteRequest>, RecommendationWriteRequestValidator>()
        .AddSingleton<IValidator<StatusChangeRequest>, StatusChangeRequestValidator>()
        .AddSingleton<IValidator<ProposerRequest>, ProposerRequestValidator>()
        .AddJsonContext(RecommendationJsonContext.Default)
        .AddMappings<RecommendationMappings>();

    public static IEndpointRouteBuilder MapRecommendations(this IEndpointRouteBuilder routes)
    {
        var reads = routes.MapGroup("/api/v1/recommendations").WithTags("Recommendations").WithPageLinks().DatedByChanges()
            .WithPathExample("idOrSlug", RecommendationExamples.Seeded);
        reads.MapGet("/", ListRecommendations).WithName("listRecommendations")
            .WithSummary("List, search or export recommendations")
            .WithDescription("Recommendations one page at a time (by default in creation order), filtered, searched (q: title and body) "
                + "and sorted. The whole list streams from /api/v1/recommendations.csv and .ndjson.")
            .WithList(RecommendationQueries.List);
        routes.MapExports("/api/v1/recommendations", ListRecommendations, "Recommendations", RecommendationQueries.List);
        reads.MapGet("/{idOrSlug}", GetRecommendation).WithName("getRecommendation")
            .WithSummary("Get a recommendation with its themes, proposers and status history").WithReadProblems();
        reads.MapGet("/{idOrSlug}/event", GetEvent).WithName("getRecommendationEvent")
            .WithSummary("Get the event a recommendation came out of").WithReadProblems();
        reads.MapGet("/{idOrSlug}/proposers", ListProposers).WithName("listRecommendationProposers")
            .WithSummary("List who proposed a recommendation").WithReadProblems();

        var writes = routes.MapGroup("/api/v1/recommendations").WithTags("Recommendations").RequireKey().WithValidation().ProducesProblem(StatusCodes.Status400BadRequest)
            .WithPathExample("idOrSlug", RecommendationExamples.Slug);
        writes.MapPost("/", CreateRecommendation).WithName("createRecommendation").WithBodyExample(RecommendationExamples.Create)
            .WithSummary("Create a recommendation of an event (status proposed, dated today)")
            .Idempotent(Resource, (_, id) => $"/api/v1/recommendations/{id}", static (RecommendationServices s, Guid id, CancellationToken ct) => s.ReadAsync(id, ct)).WithWriteProblems();
        writes.MapPut("/{idOrSlug}", ReplaceRecommendation).WithName("replaceRecommendation").WithBodyExample(RecommendationExamples.Replace)
            .WithSummary("Replace a recommendation's fields, themes and proposers (If-Match required)")
            .WithWriteProblems(conditional: true);
        writes.MapPatch("/{idOrSlug}", PatchRecommendation).WithName("patchRecommendation").WithBodyExample(RecommendationExamples.Patch)
            .WithSummary("Change some of a recommendation's fields with a JSON Merge Patch (If-Match required)")
            .Accepts<RecommendationWriteRequest>(MergePatch.MediaType, "application/json").WithWriteProblems(conditional: true);
        writes.MapDelete("/{idOrSlug}", DeleteRecommendation).WithName("deleteRecommendation")
            .WithSummary("Delete a recommendation (If-Match required)")
            .WithWriteProblems(conditional: true);
        writes.MapPost("/{idOrSlug}/status-changes", ChangeStatus).WithName("changeRecommendationStatus").WithBodyExample(RecommendationExamples.ChangeStatus)
            .WithSummary("Move a recommendation to a new status; the change is appended to its history (If-Match required)")
            .WithDescription("Allowed: proposed → accepted, in_progress or rejected; accepted → in_progress, implemented or rejected; in_progress → implemented or rejected. implemented and rejected are final.")
            .Idempotent(Resource, (_, id) => $"/api/v1/recommendations/{id}", static (RecommendationServices s, Guid id, CancellationToken ct) => s.ReadAsync(id, ct)).WithWriteProblems(conditional: true);
        return routes;
    }

    // ---- reads

    private static async Task<Results<Ok<Page<RecommendationSummary>>, ProblemHttpResult, ExportResult<RecommendationSummary>>> ListRecommendations(
        HttpContext context, RecommendationQueries queries, KeyResolver resolver, CancellationToken ct)
    {
        if (!ListQuery.TryParse(context.Request, RecommendationQueries.List, out var query, out var problem))
        {
            return problem!;
        }
        if (await resolver.UnknownFilterReferencesAsync(query, ct) is { } unknown)
        {
            return unknown;
        }
        if (query.IsExport)
        {
            return new ExportResult<RecommendationSummary>(query, "recommendations", queries.StreamAsync(query, ct).MapEach(r => r.Map<RecommendationSummary>()));
        }
        return TypedResults.Ok(query.ToPage(await queries.ListAsync(query, ct), r => r.Map<RecommendationSummary>()));
    }

    private static async Task<Results<Ok<RecommendationResponse>, ProblemHttpResult>> GetRecommendation(
        string idOrSlug, HttpContext context, RecommendationQueries queries, CancellationToken ct)
    {
        if (!ResourceKey.TryParse(idOrSlug, out var key, out var problem))
        {
            return problem!;
        }
        if (await queries.GetAsync(key, ct) is not { } details)
        {
            return Problems.NotFound(Resource, idOrSlug);
        }
        var recommendation = RecommendationMappings.ToResponse(details);
        context.SetETag(recommendation.Version);
        return TypedResults.Ok(recommendation);
    }

    private static async Task<Results<Ok<EventSummary>, ProblemHttpResult>> GetEvent(
        string idOrSlug, HttpContext context, RecommendationQueries queries, CancellationToken ct)
    {
        if (!ResourceKey.TryParse(idOrSlug, out var key, out var problem))
        {
            return problem!;
        }
        if (await queries.GetEventAsync(key, ct) is not { } row)
        {
            return Problems.NotFound(Resource, idOrSlug);
        }
        context.SetETag(row.Version);
        return TypedResults.Ok(row.Map<EventSummary>());
    }

    private static async Task<Results<Ok<Page<ProposerResponse>>, ProblemHttpResult>> ListProposers(
        string idOrSlug, [AsParameters] PageQuery query, RecommendationQueries queries, KeyResolver resolver, CancellationToken ct)
    {
        var (id, page, problem) = await query.ForParentAsync(idOrSlug, RecommendationQueries.Key, resolver, ct);
        if (problem is not null)
        {
            return problem;
        }
        return TypedResults.Ok(page.ToPage(await queries.ListProposersAsync(id, page, ct), r => r.Id, r => r.Map<ProposerResponse>()));
    }

    // ---- writes: 400, 404, 403, 428 (ConditionalWrites.FindAsync), then the write; 412 when another got there first

    private static async Task<Results<Created<RecommendationResponse>, ProblemHttpResult>> CreateRecommendation(
        RecommendationWriteRequest request, HttpContext context, [AsParameters] RecommendationServices services, CancellationToken ct)
    {
        var write = await CreateAsync(request, Caller.From(context.User), services, ct);
        return await ConditionalWrites.CreatedAsync(context, write, Resource, request.Slug!, id => $"/api/v1/recommendations/{id}", id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<Ok<RecommendationResponse>, ProblemHttpResult>> ReplaceRecommendation(
        string idOrSlug, RecommendationWriteRequest request, HttpContext context, [AsParameters] RecommendationServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, RecommendationCommands.Rights, ct);
        WriteAnswer write = problem is null ? await UpdateAsync(target, request, services, ct) : problem;
        return await ConditionalWrites.OkAsync(context, write, Resource, idOrSlug, id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<Ok<RecommendationResponse>, ProblemHttpResult>> PatchRecommendation(
        string idOrSlug, HttpContext context, [AsParameters] RecommendationServices services, IValidator<RecommendationWriteRequest> validator, CancellationToken ct)
    {
        var write = await services.Writes.PatchAsync(context, idOrSlug, RecommendationCommands.Rights, validator,
            async id => await services.Commands.GetWritableAsync(id, ct) is { } row ? (row.Map<RecommendationWriteRequest>(), row.Version) : null,
            async (target, request) => await UpdateAsync(target, request, services, ct), ct);
        return await ConditionalWrites.OkAsync(context, write, Resource, idOrSlug, id => services.ReadAsync(id, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteRecommendation(
        string idOrSlug, HttpContext context, [AsParameters] RecommendationServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, RecommendationCommands.Rights, ct);
        WriteAnswer write = problem is null ? await services.Commands.DeleteAsync(target, ct) : problem;
        return ConditionalWrites.NoContent(context, write, Resource, idOrSlug);
    }

    private static async Task<Results<Created<RecommendationResponse>, ProblemHttpResult>> ChangeStatus(
        string idOrSlug, StatusChangeRequest request, HttpContext context, [AsParameters] RecommendationServices services, CancellationToken ct)
    {
        var (target, problem) = await services.Writes.FindAsync(context, idOrSlug, RecommendationCommands.Rights, ct);
        WriteAnswer write = problem is null ? await ChangeStatusAsync(target, request, idOrSlug, services, ct) : problem;
        return await ConditionalWrites.CreatedAsync(context, write, Resource, idOrSlug, id => $"/api/v1/recommendations/{id}", id => services.ReadAsync(id, ct));
    }

    // ---- each write after its target is found: what it refers to resolved (an unknown one is a 400 naming its field), then the change

    private static async Task<WriteAnswer> CreateAsync(
        RecommendationWriteRequest request, Caller caller, RecommendationServices services, CancellationToken ct)
    {
        var (row, problem) = await ToRowAsync(request, caller, services, ct);
        return problem is not null ? problem : await services.Commands.CreateAsync(row!, caller.KeyId, ct);
    }

    private static async Task<WriteAnswer> UpdateAsync(
        WriteTarget target, RecommendationWriteRequest request, RecommendationServices services, CancellationToken ct)
    {
        var (row, problem) = await ToRowAsync(request, target.Caller, services, ct);
        return problem is not null ? problem : await services.Commands.UpdateAsync(target, row!, ct);
    }

    /// <summary>
    /// The move is checked against the recommendation's current status and last date, at the version it was read in:
    /// an outdated view is reported first (412), and a concurrent change makes the write stale.
    /// </summary>
    private static async Task<WriteAnswer> ChangeStatusAsync(
        WriteTarget target, StatusChangeRequest request, string idOrSlug, RecommendationServices services, CancellationToken ct)
    {
        if (await services.Commands.GetWritableAsync(target.Id, ct) is not { } current)
        {
            return Problems.NotFound(Resource, idOrSlug);
        }
        if (target.IsStale(current.Version))
        {
            return Preconditions.Stale();
        }
        var changedOn = request.ChangedOn ?? DateOnly.FromDateTime(DateTime.UtcNow);
        if (StatusTransitions.Refusal(current.Status, current.LastChangedOn, request.Status!.Value, changedOn) is { } errors)
        {
            return Problems.Validation(errors);
        }
        var status = SnakeCaseEnum<RecommendationStatus>.ToName(request.Status.Value);
        return await services.Commands.ChangeStatusAsync(target with { Expected = current.Version }, status, changedOn, request.Note, ct);
    }

    /// <summary>
    /// The row to write, with what the request refers to resolved: an unknown event, theme or proposer is a 400 naming
    /// its field; an event the partner's institution does not organize is a 403.
    /// </summary>
    private static async Task<(RecommendationWriteRow? Row, ProblemHttpResult? Problem)> ToRowAsync(
        RecommendationWriteRequest request, Caller caller, RecommendationServices services, CancellationToken ct)
    {
        var proposers = request.ProposedBy ?? [];
        var (events, eventErrors) = await services.Resolver.ResolveAsync(EventQueries.Key, [request.Event], _ => "event", ct);
        var (themes, themeErrors) = await services.Resolver.ResolveAsync(ThemeQueries.Key, request.Themes ?? [], i => $"themes[{i}]", ct);
        var (speakers, speakerErrors) = await services.Resolver.ResolveAsync(
            SpeakerQueries.Key, proposers.Select(p => p.Speaker).ToList(), i => $"proposedBy[{i}].speaker", ct);
        var (institutions, institutionErrors) = await services.Resolver.ResolveAsync(
            InstitutionQueries.Key, proposers.Select(p => p.Institution).ToList(), i => $"proposedBy[{i}].institution", ct);
        var errors = new[] { eventErrors, themeErrors, speakerErrors, institutionErrors }.SelectMany(e => e).ToDictionary();
        var resolved = speakers.Zip(institutions).ToList();
        if (errors.Count == 0 && resolved.Distinct().Count() != resolved.Count)
        {
            errors["proposedBy"] = ["A proposer is listed once."];
        }
        if (errors.Count > 0)
        {
            return (null, Problems.Validation(errors));
        }
        var eventId = events[0]!.Value;
        if (!caller.IsAdmin && !await services.Commands.OrganizesAsync(eventId, caller.InstitutionId!.Value, ct))
        {
            return (null, Problems.Forbidden("A partner key writes recommendations only for events its institution organizes or co-organizes."));
        }
        var row = request.Map<RecommendationWriteRow>();
        row.EventId = eventId;
        row.ThemeIds = themes.Select(t => t!.Value).ToList();
        row.Proposers = resolved;
        return (row, null);
    }
}
