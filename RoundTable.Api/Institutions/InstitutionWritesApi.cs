using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using RoundTable.Api.Auth;
using RoundTable.Api.Http;
using RoundTable.Api.Mapping;

namespace RoundTable.Api.Institutions;

/// <summary>Institution writes: any key may create one; a partner changes only those its institution's keys created.</summary>
internal static class InstitutionWritesApi
{
    private const string Resource = "institution";

    public static IEndpointRouteBuilder MapInstitutionWrites(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/institutions").WithTags("Institutions");
        group.MapPost("/", Create).WithName("createInstitution").WithSummary("Create an institution")
            .Validate<InstitutionWriteRequest>().RequireKey().Idempotent().WithWriteProblems();
        group.MapPut("/{idOrSlug}", Replace).WithName("replaceInstitution").WithSummary("Replace an institution's fields (If-Match required)")
            .Validate<InstitutionWriteRequest>().RequireKey().WithWriteProblems(conditional: true);
        group.MapPatch("/{idOrSlug}", Patch).WithName("patchInstitution")
            .WithSummary("Change some of an institution's fields with a JSON Merge Patch (If-Match required)")
            .Accepts<InstitutionWriteRequest>(MergePatch.MediaType).ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).RequireKey().WithWriteProblems(conditional: true);
        group.MapDelete("/{idOrSlug}", Delete).WithName("deleteInstitution")
            .WithSummary("Delete an institution no live event, person or child institution refers to (If-Match required)")
            .ProducesProblem(StatusCodes.Status400BadRequest).RequireKey().WithWriteProblems(conditional: true);

        group.MapRelation("Institution", services => Target(services.GetRequiredService<InstitutionsStore>()),
            new Relation<RankingRequest>("rankings", "an institution's rankings", (institutionId, expected, request, itemId, caller, services, ct) =>
                services.GetRequiredService<InstitutionsStore>().ChangeRankingAsync(institutionId, expected, itemId,
                    request is null ? null : new { request.Ranking, request.Year, request.Subject, request.Rank }, caller.KeyId, ct),
                (institutionId, itemId, services, ct) => services.GetRequiredService<InstitutionsStore>().GetRankingJsonAsync(institutionId, itemId, ct)),
            async (id, services, ct) => await services.GetRequiredService<InstitutionsStore>().GetAsync(new ResourceKey(id, null), ct) is { } d
                ? InstitutionMappings.ToResponse(d) : null);
        return routes;
    }

    private static WriteTarget Target(InstitutionsStore store) => new(Resource, store.FindIdAsync,
        (id, caller, ct) => store.WasCreatedByAsync(id, caller.InstitutionId!.Value, ct),
        "A partner key changes only the institutions its own institution's keys created.");

    private static async Task<Results<Created<InstitutionResponse>, ProblemHttpResult>> Create(
        InstitutionWriteRequest request, HttpContext context, InstitutionsStore store, CancellationToken ct)
    {
        var row = await ToRowAsync(request, null, store, ct);
        var (id, version) = await store.CreateAsync(row, Caller.From(context.User).KeyId, ct);
        context.SetETag(version);
        var details = await store.GetAsync(new ResourceKey(id, null), ct);
        return TypedResults.Created($"/api/v1/institutions/{id}", InstitutionMappings.ToResponse(details!));
    }

    private static async Task<Results<Ok<InstitutionResponse>, ProblemHttpResult>> Replace(
        string idOrSlug, InstitutionWriteRequest request, HttpContext context, InstitutionsStore store, CancellationToken ct)
    {
        var (id, problem) = await WriteEndpoints.ChangeAsync(Target(store), idOrSlug, context,
            async (id, expected, caller) => await store.UpdateAsync(id, expected, await ToRowAsync(request, id, store, ct), caller.KeyId, ct), ct);
        return problem ?? await ReadBackAsync(id, idOrSlug, store, ct);
    }

    private static async Task<Results<Ok<InstitutionResponse>, ProblemHttpResult>> Patch(
        string idOrSlug, HttpContext context, InstitutionsStore store, IValidator<InstitutionWriteRequest> validator,
        IOptions<JsonOptions> json, CancellationToken ct)
    {
        var (id, problem) = await WriteEndpoints.PatchAsync(Target(store), idOrSlug, context, validator, json.Value.SerializerOptions,
            async id => await store.GetWritableAsync(id, ct) is { } row ? (row.Map<InstitutionWriteRequest>(), row.Version) : null,
            async (id, expected, request, caller) => await store.UpdateAsync(id, expected, await ToRowAsync(request, id, store, ct), caller.KeyId, ct), ct);
        return problem ?? await ReadBackAsync(id, idOrSlug, store, ct);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string idOrSlug, HttpContext context, InstitutionsStore store, CancellationToken ct)
    {
        var (_, problem) = await WriteEndpoints.ChangeAsync(Target(store), idOrSlug, context,
            (id, expected, caller) => store.DeleteAsync(id, expected, caller.KeyId, ct), ct);
        return problem is null ? TypedResults.NoContent() : problem;
    }

    /// <summary>The row to write, with the parent resolved: it must exist and must not make a cycle (400 otherwise).</summary>
    private static async Task<InstitutionRow> ToRowAsync(InstitutionWriteRequest request, Guid? self, InstitutionsStore store, CancellationToken ct)
    {
        var row = request.Map<InstitutionRow>();
        if (request.Parent is null)
        {
            return row;
        }
        ResourceKey.TryParse(request.Parent, out var key, out _);
        var found = await store.ResolveAsync([key], ct);
        if (!found.TryGetValue(key, out var parent))
        {
            throw new RequestValidationException(new() { ["parent"] = [$"There is no institution '{request.Parent}'."] });
        }
        if (self is { } id && (parent == id || await store.WouldCycleAsync(id, parent, ct)))
        {
            throw new RequestValidationException(new() { ["parent"] = ["An institution cannot be its own ancestor."] });
        }
        row.ParentId = parent;
        return row;
    }

    private static async Task<Results<Ok<InstitutionResponse>, ProblemHttpResult>> ReadBackAsync(Guid id, string idOrSlug, InstitutionsStore store, CancellationToken ct)
    {
        var details = await store.GetAsync(new ResourceKey(id, null), ct);
        return details is null ? Problems.NotFound(Resource, idOrSlug) : TypedResults.Ok(InstitutionMappings.ToResponse(details));
    }
}
