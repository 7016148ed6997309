using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using Npgsql;
using RoundTable.Api.Auth;
using RoundTable.Api.Concurrency;
using RoundTable.Api.Errors;

namespace RoundTable.Api.Idempotency;

/// <summary>Configuration section "Idempotency".</summary>
internal sealed class IdempotencyOptions
{
    public const string Section = "Idempotency";

    /// <summary>How long a key's first response is replayed (default 24 hours).</summary>
    public int RetentionHours { get; set; } = 24;
}

/// <summary>
/// `Idempotency-Key` on POST. The first request with a key runs and its response (status, body, Location, ETag)
/// is kept; the same key with the same body replays it without writing again; with another body it is a 422; while
/// the first is still running, a 409. Keys belong to the API key that sent them. Failed requests (non-2xx) keep
/// nothing, so a corrected retry may reuse the key. The write itself records what it wrote against the key in its
/// own transaction (<see cref="IdempotencyClaim"/>): when the answer was never kept (the process died between the
/// commit and the answer, or the database failed after the commit), a retry answers from the written resource as it
/// is now, and nothing is written twice.
/// </summary>
internal sealed class IdempotencyFilter(
    NpgsqlDataSource dataSource, IOptions<JsonOptions> json, IOptions<IdempotencyOptions> options, ILogger<IdempotencyFilter> logger) : IEndpointFilter
{
    public const string Header = "Idempotency-Key";

    // Forgets expired keys (all of them: the created_at index keeps it cheap) and a claim whose request died
    // without an answer and without a write (still unfinished after 30 s: three times a request's deadline), then
    // claims the key. A claim whose write committed is kept for the retention: its retry answers from the resource.
    internal const string ClaimSql = """
        DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => @Hours);
        DELETE FROM idempotency_keys
        WHERE api_key_id = @KeyId AND idempotency_key = @Key AND status_code IS NULL AND written_id IS NULL
            AND created_at < now() - interval '30 seconds';
        INSERT INTO idempotency_keys (api_key_id, idempotency_key, request_hash) VALUES (@KeyId, @Key, @Hash)
        ON CONFLICT DO NOTHING
        RETURNING true;
        """;

    private const string StoredSql = """
        SELECT request_hash, status_code, response_body, location, etag, content_language, written_id FROM idempotency_keys
        WHERE api_key_id = @KeyId AND idempotency_key = @Key
        """;

    internal const string CompleteSql = """
        UPDATE idempotency_keys SET status_code = @Status, response_body = @Body, location = @Location, etag = @ETag,
            content_language = @ContentLanguage
        WHERE api_key_id = @KeyId AND idempotency_key = @Key
        """;

    // A claim whose write committed is never released: the write happened, whatever the answer said.
    private const string ReleaseSql = "DELETE FROM idempotency_keys WHERE api_key_id = @KeyId AND idempotency_key = @Key AND written_id IS NULL";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = http.Request.Headers[Header].ToString();
        if (key.Length == 0)
        {
            return await next(context);
        }
        if (key.Length > 255 || key.Any(c => c < 0x21 || c > 0x7e))
        {
            return Problems.Validation(new Dictionary<string, string[]> { [Header] = ["Use 1 to 255 visible ASCII characters, e.g. a UUID."] });
        }
        var caller = Caller.From(http.User);
        var hash = RequestHash(http, context.Arguments);
        var ids = new ClaimId(caller.KeyId, key);
        var ct = http.RequestAborted;

        StoredResponse? stored = null;
        bool? claimed;
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            claimed = await connection.ExecuteScalarAsync<bool?>(new CommandDefinition(ClaimSql,
                new { ids.KeyId, ids.Key, Hash = hash, Hours = options.Value.RetentionHours }, cancellationToken: ct));
            if (claimed != true)
            {
                stored = await connection.QuerySingleOrDefaultAsync<StoredResponse>(new CommandDefinition(StoredSql, ids, cancellationToken: ct));
            }
        }
        if (claimed != true)
        {
            // Answered with the claim's connection back in the pool (a recovery reads and keeps with connections of its own).
            return stored switch
            {
                null or { StatusCode: null, WrittenId: null } => Conflict(),
                _ when !stored.RequestHash.AsSpan().SequenceEqual(hash) => TypedResults.Problem(
                    statusCode: StatusCodes.Status422UnprocessableEntity,
                    title: "This Idempotency-Key was used with another request.",
                    detail: "Send a new key for a new request; reuse a key only to retry the same request."),
                { StatusCode: not null } => Replay(http, stored),
                _ => await RecoverAsync(http, ids, stored.WrittenId!.Value),
            };
        }

        object? result;
        IdempotencyClaim.Current = new IdempotencyClaim(caller.KeyId, key);
        try
        {
            result = await next(context);
        }
        catch
        {
            await ReleaseAsync(ids);
            throw;
        }
        finally
        {
            IdempotencyClaim.Current = null;
        }
        return await KeepAsync(http, ids, result);
    }

    /// <summary>Keeps a 2xx answer for replays (best effort: the write's own record already makes a retry safe); releases the key otherwise.</summary>
    private async Task<object?> KeepAsync(HttpContext http, ClaimId ids, object? result)
    {
        var inner = result;
        while (inner is INestedHttpResult nested)
        {
            inner = nested.Result;
        }
        var status = (inner as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;
        if (status is < 200 or > 299)
        {
            await ReleaseAsync(ids);
            return result;
        }
        var value = (inner as IValueHttpResult)?.Value;
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await using var connection = await dataSource.OpenConnectionAsync(deadline.Token);
            await connection.ExecuteAsync(new CommandDefinition(CompleteSql, new
            {
                ids.KeyId,
                ids.Key,
                Status = status,
                Body = value is null ? null : JsonSerializer.Serialize(value, value.GetType(), json.Value.SerializerOptions),
                Location = LocationOf(inner),
                ETag = http.Response.Headers.ETag.ToString() is { Length: > 0 } e ? e : null,
                ContentLanguage = Localization.LanguagePreference.Current is { IsAll: false } language ? language.Language : null,
            }, cancellationToken: deadline.Token));
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            // The write committed with its record: a retry answers from the resource (RecoverAsync).
            logger.LogWarning("The answer to an idempotent request could not be kept ({Error}); a retry answers from the written resource.", e.GetType().Name);
        }
        return result;
    }

    /// <summary>
    /// The write of the first request committed but its answer was never kept: answer from the written resource as it
    /// is now (the endpoint's <see cref="IdempotentEndpointMetadata.Recover"/>), marked as a replay, and keep that answer.
    /// </summary>
    private async Task<object?> RecoverAsync(HttpContext http, ClaimId ids, Guid written)
    {
        var recover = http.GetEndpoint()?.Metadata.GetMetadata<IdempotentEndpointMetadata>()?.Recover
            ?? throw new InvalidOperationException("An idempotent endpoint names how to answer from what it wrote.");
        http.Response.Headers["Idempotent-Replayed"] = "true";
        Observability.RoundTableMetrics.Replayed();
        return await KeepAsync(http, ids, await recover(http, written));
    }

    // Created<T> and CreatedAtRoute<T> carry the Location they will send; no shared interface exposes it.
    private static string? LocationOf(object? result) =>
        result?.GetType().GetProperty("Location")?.GetValue(result) as string;

    private static ProblemHttpResult Conflict() => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "A request with this Idempotency-Key is still running.",
        detail: "Retry once it has finished: you will get its response.");

    private static IResult Replay(HttpContext http, StoredResponse stored)
    {
        http.Response.Headers["Idempotent-Replayed"] = "true";
        Observability.RoundTableMetrics.Replayed();
        if (stored.Location is not null)
        {
            http.Response.Headers.Location = stored.Location;
        }
        if (stored.Etag is not null)
        {
            http.Response.Headers.ETag = stored.Etag;
        }
        http.Items[Localization.LanguageNegotiation.ReplayedLanguage] = stored.ContentLanguage;
        return stored.ResponseBody is null
            ? Results.StatusCode(stored.StatusCode!.Value)
            : Results.Text(stored.ResponseBody, "application/json", Encoding.UTF8, stored.StatusCode);
    }

    /// <summary>
    /// Best effort and bounded: when the database is what failed, the claim is left to be forgotten (see ClaimSql) and
    /// the client hears the original failure, not this one.
    /// </summary>
    private async Task ReleaseAsync(ClaimId ids)
    {
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await using var connection = await dataSource.OpenConnectionAsync(deadline.Token);
            await connection.ExecuteAsync(new CommandDefinition(ReleaseSql, ids, cancellationToken: deadline.Token));
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
        }
    }

    /// <summary>The request as the endpoint understood it: route, and the bound body re-serialized.</summary>
    private byte[] RequestHash(HttpContext http, IList<object?> arguments)
    {
        var body = arguments.FirstOrDefault(a => a is not null && http.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType == a.GetType());
        var text = http.Request.Method + " " + http.Request.Path + "\n"
            + (body is null ? "" : JsonSerializer.Serialize(body, body.GetType(), json.Value.SerializerOptions));
        return SHA256.HashData(Encoding.UTF8.GetBytes(text));
    }

    private readonly record struct ClaimId(Guid KeyId, string Key);

    private sealed class StoredResponse
    {
        public byte[] RequestHash { get; set; } = [];
        public int? StatusCode { get; set; }
        public string? ResponseBody { get; set; }
        public string? Location { get; set; }
        public string? Etag { get; set; }
        public string? ContentLanguage { get; set; }

        public Guid? WrittenId { get; set; }
    }
}

internal static class IdempotencyExtensions
{
    public static IServiceCollection AddRoundTableIdempotency(this IServiceCollection services, IConfiguration configuration) =>
        services.Configure<IdempotencyOptions>(configuration.GetSection(IdempotencyOptions.Section));

    /// <summary>
    /// Makes a POST honour Idempotency-Key, and documents the header and its 409/422 answers. A retry whose first
    /// request wrote but never kept its answer is answered from the written resource: <typeparamref name="TServices"/>
    /// (the handler's services) <paramref name="read"/> it by the id the write reported, and it is answered 201 at
    /// <paramref name="location"/> with its current ETag, as the handler would have.
    /// </summary>
    public static RouteHandlerBuilder Idempotent<TServices, T>(this RouteHandlerBuilder builder, string resource,
        Func<HttpContext, Guid, string> location, Func<TServices, Guid, CancellationToken, Task<T?>> read)
        where TServices : class
        where T : class, IVersioned =>
        builder.AddEndpointFilter<IdempotencyFilter>()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithMetadata(new IdempotentEndpointMetadata(async (http, id) =>
            {
                var services = ActivatorUtilities.CreateInstance<TServices>(http.RequestServices);
                var item = await read(services, id, http.RequestAborted);
                var idOrSlug = http.Request.RouteValues["idOrSlug"] as string ?? id.ToString();
                WriteAnswer write = item is null ? WriteResult.NotFound : WriteResult.Done(id, item.Version);
                return await ConditionalWrites.CreatedAsync(http, write, resource, idOrSlug, written => location(http, written), _ => Task.FromResult(item));
            }));

    /// <summary>
    /// An action that writes no resource of its own (pause, rotate a secret, send a ping): a retry with the same key gets
    /// the first answer, kept, instead of doing it again.
    /// </summary>
    public static RouteHandlerBuilder IdempotentAction(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<IdempotencyFilter>()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithMetadata(new IdempotentEndpointMetadata((_, _) =>
                throw new InvalidOperationException("An action records no written resource, so there is none to answer from.")));

    /// <summary>The Location of an entry added to a relation: its parent, the request's path without the relation.</summary>
    public static string Parent(HttpContext http, Guid _) =>
        http.Request.Path.Value![..http.Request.Path.Value!.TrimEnd('/').LastIndexOf('/')];
}

/// <summary>Marks the operations whose Idempotency-Key header the OpenAPI document describes, and how they answer from what they wrote.</summary>
internal sealed record IdempotentEndpointMetadata(Func<HttpContext, Guid, Task<IResult>> Recover);
