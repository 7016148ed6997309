using System.Text.Json;
using System.Text.Json.Nodes;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using RoundTable.Api.Errors;

namespace RoundTable.Api.Validation;

/// <summary>
/// JSON Merge Patch (RFC 7396): members of the patch replace the target's, null removes them, objects merge
/// recursively. A patch is applied to the resource's current write request, and the result is validated like a PUT
/// body. No maintained .NET library for it is served here (only JSON Patch, RFC 6902), and the algorithm is the RFC's
/// own ten lines.
/// </summary>
internal static class MergePatch
{
    public const string MediaType = "application/merge-patch+json";

    /// <summary>
    /// The media types a PATCH body may be sent as: a merge patch is plain JSON, and clients whose HTTP library sends
    /// every JSON body as application/json (generated ones among them) need not set the content type by hand.
    /// </summary>
    public static readonly string[] MediaTypes = [MediaType, "application/json"];

    /// <summary>The body of a PATCH: a JSON object sent as application/merge-patch+json or application/json (else a 415 or 400 problem).</summary>
    public static async Task<(JsonObject? Patch, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        var contentType = request.ContentType?.Split(';')[0].Trim();
        if (!MediaTypes.Any(m => string.Equals(contentType, m, StringComparison.OrdinalIgnoreCase)))
        {
            return (null, Problems.UnsupportedMediaType($"PATCH takes a JSON Merge Patch: Content-Type: {MediaType} (or application/json)."));
        }
        JsonNode? patch;
        try
        {
            patch = await JsonNode.ParseAsync(request.Body, cancellationToken: ct);
            // A repeated member only surfaces when the object is first read: read it here, not in the merge.
            _ = (patch as JsonObject)?.Count;
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            patch = null;
        }
        return patch is JsonObject patchObject
            ? (patchObject, null)
            : (null, Problems.Validation("body", "A merge patch is a JSON object."));
    }

    /// <summary>
    /// <paramref name="patch"/> applied to <paramref name="current"/> (the resource as its write request), as the
    /// request a PUT would send, if it is valid; else the errors, by field.
    /// </summary>
    public static Task<(TRequest? Request, Dictionary<string, string[]>? Errors)> ApplyAsync<TRequest>(
        TRequest current, JsonObject patch, IValidator<TRequest> validator, JsonSerializerOptions json, CancellationToken ct)
        where TRequest : class =>
        ApplyAsync(JsonSerializer.SerializeToNode(current, json), patch, validator, json, ct);

    /// <summary><paramref name="patch"/> applied to <paramref name="current"/> (an entry as the JSON a PUT would send).</summary>
    public static async Task<(TRequest? Request, Dictionary<string, string[]>? Errors)> ApplyAsync<TRequest>(
        JsonNode? current, JsonObject patch, IValidator<TRequest> validator, JsonSerializerOptions json, CancellationToken ct)
        where TRequest : class
    {
        TRequest request;
        try
        {
            request = Apply(current, patch).Deserialize<TRequest>(json)!;
        }
        catch (JsonException e)
        {
            var path = e.Path?.TrimStart('$', '.') is { Length: > 0 } p ? p : "body";
            return (null, new() { [path] = ["This value has the wrong type, format or an unknown value."] });
        }
        if (NullElements.Find(request) is { } nulls)
        {
            return (null, nulls);
        }
        var result = await validator.ValidateAsync(request, ct);
        return result.IsValid ? (request, null) : (null, ValidationFilter.ToErrors(result));
    }

    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }
        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : [];
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                result[name] = Apply(result[name], value);
            }
        }
        return result;
    }
}
