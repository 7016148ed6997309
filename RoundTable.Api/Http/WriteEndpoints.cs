using System.Text.Json;
using System.Text.Json.Nodes;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using RoundTable.Api.Auth;

namespace RoundTable.Api.Http;

/// <summary>How the shared write steps find one kind of resource and decide who may change it.</summary>
internal sealed record WriteTarget(
    string Resource,
    Func<ResourceKey, CancellationToken, Task<Guid?>> FindId,
    Func<Guid, Caller, CancellationToken, Task<bool>> PartnerMayChange,
    string ForbiddenDetail);

/// <summary>The steps every PUT, PATCH and DELETE of an existing resource takes.</summary>
internal static class WriteEndpoints
{
    /// <summary>
    /// In this order: 400 bad id, 404 unknown, 403 outside the key's rights, 428 no If-Match, then the conditional
    /// write (412 when another change got there first). On success the response carries the new ETag.
    /// </summary>
    public static async Task<(Guid Id, ProblemHttpResult? Problem)> ChangeAsync(
        WriteTarget target, string idOrSlug, HttpContext context, Func<Guid, long?, Caller, Task<WriteResult>> write, CancellationToken ct)
    {
        if (!ResourceKey.TryParse(idOrSlug, out var key, out var keyProblem))
        {
            return (default, keyProblem);
        }
        var id = await target.FindId(key, ct);
        if (id is null)
        {
            return (default, Problems.NotFound(target.Resource, idOrSlug));
        }
        var caller = Caller.From(context.User);
        if (!caller.IsAdmin && !await target.PartnerMayChange(id.Value, caller, ct))
        {
            return (id.Value, Problems.Forbidden(target.ForbiddenDetail));
        }
        if (!Preconditions.TryGetExpectedVersion(context.Request, out var expected, out var precondition))
        {
            return (id.Value, precondition);
        }
        // A RequestValidationException thrown by the write becomes a 400 problem in ProblemExceptionHandler.
        var result = await write(id.Value, expected, caller);
        switch (result.Status)
        {
            case WriteStatus.NotFound:
                return (id.Value, Problems.NotFound(target.Resource, idOrSlug));
            case WriteStatus.Stale:
                return (id.Value, Preconditions.Stale());
            default:
                context.SetETag(result.Version);
                return (id.Value, null);
        }
    }

    /// <summary>
    /// PATCH with a JSON Merge Patch: the patch is applied to the current resource (as its write request), the result
    /// is validated like a PUT, and written conditionally on the version it was applied to, even for If-Match: *.
    /// </summary>
    public static async Task<(Guid Id, ProblemHttpResult? Problem)> PatchAsync<TRequest>(
        WriteTarget target, string idOrSlug, HttpContext context, IValidator<TRequest> validator, JsonSerializerOptions json,
        Func<Guid, Task<(TRequest Request, long Version)?>> current,
        Func<Guid, long, TRequest, Caller, Task<WriteResult>> update,
        CancellationToken ct)
    {
        var (patch, problem) = await ReadPatchAsync(context, ct);
        if (patch is null)
        {
            return (default, problem);
        }
        return await ChangeAsync(target, idOrSlug, context, async (id, expected, caller) =>
        {
            if (await current(id) is not { } now)
            {
                return WriteResult.NotFound;
            }
            if (expected is { } seen && seen != now.Version)
            {
                return WriteResult.Stale; // an outdated view is reported before what its patch would break
            }
            var request = await ApplyAsync(JsonSerializer.SerializeToNode(now.Request, json), patch, validator, json, ct);
            return await update(id, expected ?? now.Version, request, caller);
        }, ct);
    }

    /// <summary>The body of a PATCH: a JSON object sent as application/merge-patch+json (else a 415 or 400 problem).</summary>
    public static async Task<(JsonObject? Patch, ProblemHttpResult? Problem)> ReadPatchAsync(HttpContext context, CancellationToken ct)
    {
        if (!string.Equals(context.Request.ContentType?.Split(';')[0].Trim(), MergePatch.MediaType, StringComparison.OrdinalIgnoreCase))
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type.", detail: $"PATCH takes a JSON Merge Patch: Content-Type: {MergePatch.MediaType}."));
        }
        JsonNode? patch;
        try
        {
            patch = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: ct);
            // A repeated member only surfaces when the object is first read: read it here, not in the merge.
            _ = (patch as JsonObject)?.Count;
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            patch = null;
        }
        return patch is JsonObject patchObject
            ? (patchObject, null)
            : (null, Problems.Validation(new Dictionary<string, string[]> { ["body"] = ["A merge patch is a JSON object."] }));
    }

    /// <summary>Applies the patch to the current representation and validates the result like a PUT body.</summary>
    public static async Task<TRequest> ApplyAsync<TRequest>(
        JsonNode? current, JsonObject patch, IValidator<TRequest> validator, JsonSerializerOptions json, CancellationToken ct)
    {
        var merged = MergePatch.Apply(current, patch);
        TRequest request;
        try
        {
            request = merged.Deserialize<TRequest>(json)!;
        }
        catch (JsonException e)
        {
            throw new RequestValidationException(new Dictionary<string, string[]>
            {
                [e.Path?.TrimStart('$', '.') is { Length: > 0 } path ? path : "body"] = ["This value has the wrong type, format or an unknown value."],
            });
        }
        var result = await validator.ValidateAsync(request, ct);
        return result.IsValid ? request : throw new RequestValidationException(ValidationFilter<TRequest>.ToErrors(result));
    }
}
