using Microsoft.AspNetCore.Http.HttpResults;
using RoundTable.Api.Auth;

namespace RoundTable.Api.Http;

/// <summary>
/// One relation of a resource, writable at /{parent}/{idOrSlug}/{Name} (POST) and /{Name}/{itemId} (PUT, PATCH, DELETE).
/// Every change is conditional on the parent's ETag and answers with the parent's new ETag (and, for POST and PUT,
/// its new representation). <see cref="Change"/> gets the parent id, the expected parent version, the request (null
/// for DELETE) and the item id (null for POST); <see cref="Current"/> renders an entry as the body a PUT would send,
/// which a PATCH merges into.
/// </summary>
internal sealed record Relation<TRequest>(
    string Name,
    string Summary,
    Func<Guid, long?, TRequest?, Guid?, Caller, IServiceProvider, CancellationToken, Task<WriteResult>> Change,
    Func<Guid, Guid, IServiceProvider, CancellationToken, Task<string?>> Current);

internal static class RelationEndpoints
{
    /// <summary>Maps POST, PUT, PATCH and DELETE of a relation; <paramref name="readBack"/> renders the parent afterwards.</summary>
    public static void MapRelation<TRequest, TParent>(
        this RouteGroupBuilder group, string operationPrefix, Func<IServiceProvider, WriteTarget> target,
        Relation<TRequest> relation, Func<Guid, IServiceProvider, CancellationToken, Task<TParent?>> readBack)
        where TRequest : class
    {
        var name = char.ToUpperInvariant(relation.Name[0]) + relation.Name[1..];
        group.MapPost($"/{{idOrSlug}}/{relation.Name}",
                async Task<Results<Created<TParent>, ProblemHttpResult>> (string idOrSlug, TRequest request, HttpContext context, CancellationToken ct) =>
                {
                    var (id, problem) = await WriteEndpoints.ChangeAsync(target(context.RequestServices), idOrSlug, context,
                        (id, expected, caller) => relation.Change(id, expected, request, null, caller, context.RequestServices, ct), ct);
                    if (problem is not null)
                    {
                        return problem;
                    }
                    // The relation is part of its parent: the parent is what changed, and what is answered. The change
                    // may also have taken the parent out of the caller's sight (a draft it no longer organizes).
                    return await readBack(id, context.RequestServices, ct) is { } parent
                        ? TypedResults.Created(context.Request.Path.Value![..context.Request.Path.Value!.LastIndexOf('/')], parent)
                        : Problems.NotFound("resource", idOrSlug);
                })
            .WithName($"add{operationPrefix}{Singular(name)}").WithSummary($"Add to {relation.Summary} (If-Match of the parent required)")
            .Validate<TRequest>().RequireKey().Idempotent().WithWriteProblems(conditional: true);
        group.MapPut($"/{{idOrSlug}}/{relation.Name}/{{itemId:guid}}",
                async Task<Results<Ok<TParent>, ProblemHttpResult>> (string idOrSlug, Guid itemId, TRequest request, HttpContext context, CancellationToken ct) =>
                {
                    var (id, problem) = await WriteEndpoints.ChangeAsync(target(context.RequestServices), idOrSlug, context,
                        (id, expected, caller) => relation.Change(id, expected, request, itemId, caller, context.RequestServices, ct), ct);
                    if (problem is not null)
                    {
                        return problem;
                    }
                    return await readBack(id, context.RequestServices, ct) is { } parent ? TypedResults.Ok(parent) : Problems.NotFound("resource", idOrSlug);
                })
            .WithName($"replace{operationPrefix}{Singular(name)}").WithSummary($"Replace an entry of {relation.Summary} (If-Match of the parent required)")
            .Validate<TRequest>().RequireKey().WithWriteProblems(conditional: true);
        group.MapPatch($"/{{idOrSlug}}/{relation.Name}/{{itemId:guid}}",
                async Task<Results<Ok<TParent>, ProblemHttpResult>> (string idOrSlug, Guid itemId, HttpContext context,
                    FluentValidation.IValidator<TRequest> validator, Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
                    CancellationToken ct) =>
                {
                    var (patch, readProblem) = await WriteEndpoints.ReadPatchAsync(context, ct);
                    if (patch is null)
                    {
                        return readProblem!;
                    }
                    var (id, problem) = await WriteEndpoints.ChangeAsync(target(context.RequestServices), idOrSlug, context, async (id, expected, caller) =>
                    {
                        var current = await relation.Current(id, itemId, context.RequestServices, ct)
                            ?? throw new Database.NotFoundException(Singular(relation.Name));
                        var request = await WriteEndpoints.ApplyAsync(System.Text.Json.Nodes.JsonNode.Parse(current), patch, validator, json.Value.SerializerOptions, ct);
                        return await relation.Change(id, expected, request, itemId, caller, context.RequestServices, ct);
                    }, ct);
                    if (problem is not null)
                    {
                        return problem;
                    }
                    return await readBack(id, context.RequestServices, ct) is { } parent ? TypedResults.Ok(parent) : Problems.NotFound("resource", idOrSlug);
                })
            .WithName($"patch{operationPrefix}{Singular(name)}").WithSummary($"Change an entry of {relation.Summary} with a JSON Merge Patch (If-Match of the parent required)")
            .Accepts<TRequest>(MergePatch.MediaType).ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).RequireKey().WithWriteProblems(conditional: true);
        group.MapDelete($"/{{idOrSlug}}/{relation.Name}/{{itemId:guid}}",
                async Task<Results<NoContent, ProblemHttpResult>> (string idOrSlug, Guid itemId, HttpContext context, CancellationToken ct) =>
                {
                    var (_, problem) = await WriteEndpoints.ChangeAsync(target(context.RequestServices), idOrSlug, context,
                        (id, expected, caller) => relation.Change(id, expected, null, itemId, caller, context.RequestServices, ct), ct);
                    return problem is null ? TypedResults.NoContent() : problem; // the parent's new ETag is in the headers
                })
            .WithName($"remove{operationPrefix}{Singular(name)}").WithSummary($"Remove an entry of {relation.Summary} (If-Match of the parent required)")
            .ProducesProblem(StatusCodes.Status400BadRequest).RequireKey().WithWriteProblems(conditional: true);
    }

    private static string Singular(string name) => name.EndsWith("ies", StringComparison.Ordinal) ? name[..^3] + "y" : name.TrimEnd('s');
}
