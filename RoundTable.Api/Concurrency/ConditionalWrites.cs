using System.Text.Json.Nodes;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using RoundTable.Api.Auth;
using RoundTable.Api.Database;
using RoundTable.Api.Errors;
using RoundTable.Api.Http;
using RoundTable.Api.Validation;

namespace RoundTable.Api.Concurrency;

// The HTTP side of a write of an existing resource: find its target and check the key's rights and If-Match
// (ConditionalWrites), prepare a merge patch, and turn the typed outcome of the write (WriteResult, from
// AuditedWrite.cs, whose UPDATE carries If-Match itself) into the answer.

/// <summary>
/// Who besides admins may change a resource of <paramref name="Lookup"/>: a key whose institution meets
/// <paramref name="Owner"/> (SQL over the lookup's alias, with <c>@ViewerInstitution::uuid</c> for the key's
/// institution); <paramref name="Forbidden"/> tells the others why not.
/// </summary>
internal sealed record WriteRights(KeyLookup Lookup, string Owner, string Forbidden)
{
    /// <summary>The row and whether the caller's institution owns it, in one statement.</summary>
    internal KeyedSql Sql { get; } = Lookup.Select($"{Lookup.Alias}.id, {Owner} AS owned");
}

/// <summary>The resource a write changes, the version its client saw (null for <c>If-Match: *</c>), and who writes.</summary>
internal readonly record struct WriteTarget(Guid Id, long? Expected, Caller Caller)
{
    /// <summary>True when the client saw another version than <paramref name="current"/>: reported before anything its change would break.</summary>
    public bool IsStale(long current) => Expected is { } seen && seen != current;
}

/// <summary>A write's outcome, or the problem found before it was tried: what the answer is made of.</summary>
internal readonly record struct WriteAnswer(WriteResult Result, ProblemHttpResult? Problem)
{
    public static implicit operator WriteAnswer(WriteResult result) => new(result, null);

    public static implicit operator WriteAnswer(ProblemHttpResult problem) => new(default, problem);
}

/// <summary>What a write that did not happen answers.</summary>
internal static class WriteResults
{
    /// <summary>The answer to a write that did not happen; null when it did.</summary>
    public static ProblemHttpResult? Problem(this WriteResult result, string resource, string idOrSlug) => result.Status switch
    {
        WriteStatus.Done => null,
        WriteStatus.NotFound => result.Detail is null ? Problems.NotFound(resource, idOrSlug) : Problems.NotFound(result.Detail),
        WriteStatus.Stale => Preconditions.Stale(),
        WriteStatus.Invalid => Problems.Validation(result.Field!, result.Detail!),
        WriteStatus.Conflict => Problems.Conflict(result.Detail!),
        _ => throw new InvalidOperationException("A write result nobody set is no answer."),
    };
}

internal static class ConcurrencySetup
{
    public static IServiceCollection AddRoundTableConcurrency(this IServiceCollection services) =>
        services.AddSingleton<ConditionalWrites>();
}

/// <summary>The steps before a change of an existing resource.</summary>
internal sealed class ConditionalWrites(KeyResolver resolver, IOptions<JsonOptions> json)
{
    /// <summary>
    /// The target of a PUT, PATCH, DELETE or relation write, in this order: 400 malformed id, 404 unknown (or hidden
    /// from the caller), 403 outside the key's rights, 428 no If-Match (a stale one is found by the write itself).
    /// </summary>
    public async Task<(WriteTarget Target, ProblemHttpResult? Problem)> FindAsync(
        HttpContext context, string idOrSlug, WriteRights rights, CancellationToken ct)
    {
        if (!ResourceKey.TryParse(idOrSlug, out var key, out var problem))
        {
            return (default, problem);
        }
        var caller = Caller.From(context.User);
        if (await resolver.FindAsync<(Guid Id, bool Owned)?>(rights.Sql, key, ct) is not { } row)
        {
            return (default, Problems.NotFound(rights.Lookup.Resource, idOrSlug));
        }
        if (!caller.IsAdmin && !row.Owned)
        {
            return (default, Problems.Forbidden(rights.Forbidden));
        }
        return Preconditions.TryGetExpectedVersion(context.Request, out var expected, out problem)
            ? (new WriteTarget(row.Id, expected, caller), null)
            : (default, problem);
    }

    // The answers after a write, from the write's outcome, or the problem found before it: a write that did not happen
    // answers its problem; one that did answers the new ETag and (but DELETE) the resource as <paramref name="read"/>
    // finds it now, which may be nothing when the write took it out of the caller's sight (a draft it no longer organizes).

    public static async Task<Results<Ok<T>, ProblemHttpResult>> OkAsync<T>(HttpContext context,
        WriteAnswer write, string resource, string idOrSlug, Func<Guid, Task<T?>> read)
        where T : class
    {
        var (item, problem) = await ReadBackAsync(context, write, resource, idOrSlug, read);
        return problem is not null ? problem : TypedResults.Ok(item!);
    }

    /// <summary>201 with the resource, at <paramref name="location"/> (of the created resource's id, or the parent's URL for an entry).</summary>
    public static async Task<Results<Created<T>, ProblemHttpResult>> CreatedAsync<T>(HttpContext context,
        WriteAnswer write, string resource, string idOrSlug, Func<Guid, string> location, Func<Guid, Task<T?>> read)
        where T : class
    {
        var (item, problem) = await ReadBackAsync(context, write, resource, idOrSlug, read);
        return problem is not null ? problem : TypedResults.Created(location(write.Result.Id), item!);
    }

    /// <summary>The answer to a DELETE (of a resource, or of an entry: the parent's new ETag is in the headers).</summary>
    public static Results<NoContent, ProblemHttpResult> NoContent(HttpContext context,
        WriteAnswer write, string resource, string idOrSlug)
    {
        if ((write.Problem ?? write.Result.Problem(resource, idOrSlug)) is { } problem)
        {
            return problem;
        }
        context.SetETag(write.Result.Version);
        return TypedResults.NoContent();
    }

    private static async Task<(T? Item, ProblemHttpResult? Problem)> ReadBackAsync<T>(HttpContext context,
        WriteAnswer write, string resource, string idOrSlug, Func<Guid, Task<T?>> read)
        where T : class
    {
        if ((write.Problem ?? write.Result.Problem(resource, idOrSlug)) is { } problem)
        {
            return (null, problem);
        }
        context.SetETag(write.Result.Version);
        return await read(write.Result.Id) is { } item ? (item, null) : (null, Problems.NotFound(resource, idOrSlug));
    }

    /// <summary>
    /// A JSON Merge Patch of a resource as the request a PUT would send: read (415, 400), its target found
    /// (<see cref="FindAsync"/>), applied to the <paramref name="current"/> request and version (404 when gone, 412
    /// when the client saw another version: an outdated view is reported before what its patch would break), validated
    /// (400), then written by <paramref name="write"/>, which expects the version the patch was applied to, even for
    /// <c>If-Match: *</c>: a patch never overwrites a change it did not see. Under <c>If-Match: *</c> the client
    /// accepted any version, so when another write got in between (the write found a newer version) the patch is
    /// applied again to the new one (each round of concurrent patches lets one through, so ten tries see ten writers
    /// through), rather than answering 412 to a client that asked for no version.
    /// </summary>
    public Task<WriteAnswer> PatchAsync<TRequest>(
        HttpContext context, string idOrSlug, WriteRights rights, IValidator<TRequest> validator,
        Func<Guid, Task<(TRequest Request, long Version)?>> current, Func<WriteTarget, TRequest, Task<WriteAnswer>> write,
        CancellationToken ct)
        where TRequest : class =>
        PatchingAsync(context, idOrSlug, rights, ct, async (target, patch) =>
        {
            if (await current(target.Id) is not { } now)
            {
                return Problems.NotFound(rights.Lookup.Resource, idOrSlug);
            }
            if (target.IsStale(now.Version))
            {
                return Preconditions.Stale();
            }
            var (request, errors) = await MergePatch.ApplyAsync(now.Request, patch, validator, json.Value.SerializerOptions, ct);
            return errors is not null ? Problems.Validation(errors) : await write(target with { Expected = now.Version }, request!);
        });

    /// <summary>
    /// A JSON Merge Patch of a relation entry as the body a PUT would send (<paramref name="current"/> gives that body
    /// as it stands with the parent's version, null when it is not there: 404), as <see cref="PatchAsync"/>: the
    /// change expects the parent's version the patch was applied to (every change of an entry bumps it), and is
    /// applied again under <c>If-Match: *</c> when another write got in between.
    /// </summary>
    public Task<WriteAnswer> PatchEntryAsync<TRequest>(
        HttpContext context, string idOrSlug, WriteRights rights, string entry, IValidator<TRequest> validator,
        Func<Guid, Task<CurrentEntry?>> current, Func<WriteTarget, TRequest, Task<WriteAnswer>> write, CancellationToken ct)
        where TRequest : class =>
        PatchingAsync(context, idOrSlug, rights, ct, async (target, patch) =>
        {
            if (await current(target.Id) is not { } now)
            {
                return Problems.NotFound($"There is no such {entry} here.");
            }
            if (target.IsStale(now.Version))
            {
                return Preconditions.Stale();
            }
            var (request, errors) = await MergePatch.ApplyAsync(JsonNode.Parse(now.Entry), patch, validator, json.Value.SerializerOptions, ct);
            return errors is not null ? Problems.Validation(errors) : await write(target with { Expected = now.Version }, request!);
        });

    // The patch is read once (415, 400); each attempt finds its target (and checks If-Match), then `apply` applies the
    // patch and writes it; again while Retries says so.
    private async Task<WriteAnswer> PatchingAsync(HttpContext context, string idOrSlug, WriteRights rights, CancellationToken ct,
        Func<WriteTarget, JsonObject, Task<WriteAnswer>> apply)
    {
        var (patch, problem) = await MergePatch.ReadAsync(context.Request, ct);
        if (problem is not null)
        {
            return problem;
        }
        for (var attempt = 1; ; attempt++)
        {
            var (target, refused) = await FindAsync(context, idOrSlug, rights, ct);
            if (refused is not null)
            {
                return refused;
            }
            var answer = await apply(target, patch!);
            if (!Retries(answer, target, attempt))
            {
                return answer;
            }
            // Again by id: the write that got in between may have renamed the slug.
            idOrSlug = target.Id.ToString();
        }
    }

    // A write that found a newer version than the one its patch was applied to is tried again only when the client
    // sent If-Match: * (no version of its own), a bounded number of times.
    private static bool Retries(WriteAnswer answer, WriteTarget target, int attempt) =>
        answer.Problem is null && answer.Result.Status == WriteStatus.Stale && target.Expected is null && attempt < MaxPatchAttempts;

    private const int MaxPatchAttempts = 10;
}
