using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using RoundTable.Api.Auth;
using RoundTable.Api.Database;
using RoundTable.Api.Events;
using RoundTable.Api.Http;
using RoundTable.Api.Institutions;
using RoundTable.Api.Mapping;
using RoundTable.Api.Speakers;

namespace RoundTable.Api.Recommendations;

/// <summary>Recommendation writes: a partner writes the recommendations of the events its institution organizes.</summary>
internal static class RecommendationWritesApi
{
    private const string Resource = "recommendation";

    public static IEndpointRouteBuilder MapRecommendationWrites(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/recommendations").WithTags("Recommendations");
        group.MapPost("/", Create).WithName("createRecommendation")
            .WithSummary("Create a recommendation of an event (status proposed, dated today)")
            .Validate<RecommendationWriteRequest>().RequireKey().Idempotent().WithWriteProblems();
        group.MapPut("/{idOrSlug}", Replace).WithName("replaceRecommendation")
            .WithSummary("Replace a recommendation's fields, themes and proposers (If-Match required)")
            .Validate<RecommendationWriteRequest>().RequireKey().WithWriteProblems(conditional: true);
        group.MapPatch("/{idOrSlug}", Patch).WithName("patchRecommendation")
            .WithSummary("Change some of a recommendation's fields with a JSON Merge Patch (If-Match required)")
            .Accepts<RecommendationWriteRequest>(MergePatch.MediaType).ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).RequireKey().WithWriteProblems(conditional: true);
        group.MapDelete("/{idOrSlug}", Delete).WithName("deleteRecommendation")
            .WithSummary("Delete a recommendation (If-Match required)")
            .ProducesProblem(StatusCodes.Status400BadRequest).RequireKey().WithWriteProblems(conditional: true);
        group.MapPost("/{idOrSlug}/status-changes", ChangeStatus).WithName("changeRecommendationStatus")
            .WithSummary("Move a recommendation to a new status; the change is appended to its history (If-Match required)")
            .WithDescription("Allowed: proposed → accepted, in_progress or rejected; accepted → in_progress, implemented or rejected; in_progress → implemented or rejected. implemented and rejected are final.")
            .Validate<StatusChangeRequest>().RequireKey().Idempotent().WithWriteProblems(conditional: true);
        return routes;
    }

    private static WriteTarget Target(RecommendationsStore store) => new(Resource, store.FindIdAsync,
        (id, caller, ct) => store.IsOwnedByAsync(id, caller.InstitutionId!.Value, ct),
        "A partner key changes only the recommendations of events its institution organizes or co-organizes.");

    private static async Task<Results<Created<RecommendationResponse>, ProblemHttpResult>> Create(
        RecommendationWriteRequest request, HttpContext context, RecommendationsStore store, References references, CancellationToken ct)
    {
        var caller = Caller.From(context.User);
        var row = await references.ToRowAsync(request, caller, ct);
        var (id, version) = await store.CreateAsync(row, caller.KeyId, ct);
        context.SetETag(version);
        var details = await store.GetAsync(new ResourceKey(id, null), ct);
        return TypedResults.Created($"/api/v1/recommendations/{id}", RecommendationMappings.ToResponse(details!));
    }

    private static async Task<Results<Ok<RecommendationResponse>, ProblemHttpResult>> Replace(
        string idOrSlug, RecommendationWriteRequest request, HttpContext context, RecommendationsStore store, References references, CancellationToken ct)
    {
        var (id, problem) = await WriteEndpoints.ChangeAsync(Target(store), idOrSlug, context,
            async (id, expected, caller) => await store.UpdateAsync(id, expected, await references.ToRowAsync(request, caller, ct), caller.KeyId, ct), ct);
        return problem ?? await ReadBackAsync(id, idOrSlug, store, ct);
    }

    private static async Task<Results<Ok<RecommendationResponse>, ProblemHttpResult>> Patch(
        string idOrSlug, HttpContext context, RecommendationsStore store, References references,
        IValidator<RecommendationWriteRequest> validator, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var (id, problem) = await WriteEndpoints.PatchAsync(Target(store), idOrSlug, context, validator, json.Value.SerializerOptions,
            async id => await store.GetWritableAsync(id, ct) is { } row ? (row.Map<RecommendationWriteRequest>(), row.Version) : null,
            async (id, expected, request, caller) => await store.UpdateAsync(id, expected, await references.ToRowAsync(request, caller, ct), caller.KeyId, ct), ct);
        return problem ?? await ReadBackAsync(id, idOrSlug, store, ct);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string idOrSlug, HttpContext context, RecommendationsStore store, CancellationToken ct)
    {
        var (_, problem) = await WriteEndpoints.ChangeAsync(Target(store), idOrSlug, context,
            (id, expected, caller) => store.DeleteAsync(id, expected, caller.KeyId, ct), ct);
        return problem is null ? TypedResults.NoContent() : problem;
    }

    private static async Task<Results<Created<RecommendationResponse>, ProblemHttpResult>> ChangeStatus(
        string idOrSlug, StatusChangeRequest request, HttpContext context, RecommendationsStore store, CancellationToken ct)
    {
        var (id, problem) = await WriteEndpoints.ChangeAsync(Target(store), idOrSlug, context, async (id, expected, caller) =>
        {
            if (await store.GetWritableAsync(id, ct) is not { } current)
            {
                return WriteResult.NotFound;
            }
            if (expected is { } seen && seen != current.Version)
            {
                return WriteResult.Stale; // an outdated view is reported before what it asks for
            }
            var changedOn = request.ChangedOn ?? DateOnly.FromDateTime(DateTime.UtcNow);
            if (current.LastChangedOn is { } last && changedOn < last)
            {
                throw new RequestValidationException(new()
                {
                    ["changedOn"] = [$"The previous status change is dated {last:yyyy-MM-dd}; a new one cannot be earlier."],
                });
            }
            var from = SnakeCaseEnum<RecommendationStatus>.Parse(current.Status);
            var to = request.Status!.Value;
            if (!StatusTransitions.Next(from).Contains(to))
            {
                var allowed = StatusTransitions.Next(from).Select(SnakeCaseEnum<RecommendationStatus>.ToName).ToList();
                throw new RequestValidationException(new()
                {
                    ["status"] = [$"A recommendation that is {current.Status} cannot become {SnakeCaseEnum<RecommendationStatus>.ToName(to)}; "
                        + (allowed.Count == 0 ? "its status is final." : "allowed: " + string.Join(", ", allowed) + ".")],
                });
            }
            // The transition was checked against this version: a concurrent change makes it stale (412).
            return await store.ChangeStatusAsync(id, expected ?? current.Version, SnakeCaseEnum<RecommendationStatus>.ToName(to),
                changedOn, request.Note, caller.KeyId, ct);
        }, ct);
        if (problem is not null)
        {
            return problem;
        }
        var details = await store.GetAsync(new ResourceKey(id, null), ct);
        return TypedResults.Created($"/api/v1/recommendations/{id}", RecommendationMappings.ToResponse(details!));
    }

    private static async Task<Results<Ok<RecommendationResponse>, ProblemHttpResult>> ReadBackAsync(Guid id, string idOrSlug, RecommendationsStore store, CancellationToken ct)
    {
        var details = await store.GetAsync(new ResourceKey(id, null), ct);
        return details is null ? Problems.NotFound(Resource, idOrSlug) : TypedResults.Ok(RecommendationMappings.ToResponse(details));
    }

    /// <summary>Resolves what a recommendation request refers to; unknown references are 400, another's event 403.</summary>
    internal sealed class References(EventsStore events, RecommendationsStore recommendations, SpeakersStore speakers, InstitutionsStore institutions)
    {
        public async Task<RecommendationWriteRow> ToRowAsync(RecommendationWriteRequest request, Caller caller, CancellationToken ct)
        {
            var errors = new Dictionary<string, string[]>();
            ResourceKey.TryParse(request.Event!, out var eventKey, out _);
            var eventId = await events.FindIdAsync(eventKey, ct);
            if (eventId is null)
            {
                errors["event"] = [$"There is no event '{request.Event}'."];
            }
            var themes = request.Themes ?? [];
            var themeIds = await recommendations.ResolveThemesAsync(themes, ct);
            foreach (var (slug, i) in themes.Select((t, i) => (t, i)).Where(x => !themeIds.ContainsKey(x.t)))
            {
                errors[$"themes[{i}]"] = [$"There is no theme '{slug}'."];
            }
            var proposers = request.ProposedBy ?? [];
            var speakerKeys = Keys(proposers.Select(p => p.Speaker));
            var institutionKeys = Keys(proposers.Select(p => p.Institution));
            var foundSpeakers = await speakers.ResolveAsync(speakerKeys.Values, ct);
            var foundInstitutions = await institutions.ResolveAsync(institutionKeys.Values, ct);
            var resolved = new List<(Guid? SpeakerId, Guid? InstitutionId)>();
            for (var i = 0; i < proposers.Count; i++)
            {
                var speaker = Lookup(proposers[i].Speaker, speakerKeys, foundSpeakers, $"proposedBy[{i}].speaker", "speaker", errors);
                var institution = Lookup(proposers[i].Institution, institutionKeys, foundInstitutions, $"proposedBy[{i}].institution", "institution", errors);
                resolved.Add((speaker, institution));
            }
            if (errors.Count == 0 && resolved.Distinct().Count() != resolved.Count)
            {
                errors["proposedBy"] = ["A proposer is listed once."];
            }
            if (errors.Count > 0)
            {
                throw new RequestValidationException(errors);
            }
            if (!caller.IsAdmin && !await events.IsOrganizerAsync(eventId!.Value, caller.InstitutionId!.Value, ct))
            {
                throw new ForbiddenException("A partner key writes recommendations only for events its institution organizes or co-organizes.");
            }
            var row = request.Map<RecommendationWriteRow>();
            row.EventId = eventId!.Value;
            row.ThemeIds = themes.Select(t => themeIds[t]).ToList();
            row.Proposers = resolved;
            return row;
        }

        private static Dictionary<string, ResourceKey> Keys(IEnumerable<string?> values) =>
            values.OfType<string>().Distinct().ToDictionary(v => v, v => ResourceKey.TryParse(v, out var k, out _) ? k : default);

        private static Guid? Lookup(string? value, Dictionary<string, ResourceKey> keys, IReadOnlyDictionary<ResourceKey, Guid> found,
            string field, string what, Dictionary<string, string[]> errors)
        {
            if (value is null)
            {
                return null;
            }
            if (found.TryGetValue(keys[value], out var id))
            {
                return id;
            }
            errors[field] = [$"There is no {what} '{value}'."];
            return null;
        }
    }
}
