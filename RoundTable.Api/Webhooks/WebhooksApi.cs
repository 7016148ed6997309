using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using RoundTable.Api.Auth;
using RoundTable.Api.Changes;
using RoundTable.Api.Concurrency;
using RoundTable.Api.Errors;
using RoundTable.Api.Idempotency;
using RoundTable.Api.OpenApi;
using RoundTable.Api.Json;
using RoundTable.Api.Paging;
using RoundTable.Api.Validation;

namespace RoundTable.Api.Webhooks;

internal sealed record WebhookServices(WebhookQueries Queries, WebhookCommands Commands, WebhookDispatcher Dispatcher, IHttpContextAccessor Http)
{
    /// <summary>A subscription as the caller sees it after a write (its secret not shown again), for a retried create.</summary>
    public async Task<WebhookResponse?> ReadAsync(Guid id, CancellationToken ct) =>
        await Queries.GetAsync(Caller.From(Http.HttpContext!.User), id, ct) is { } row ? WebhooksApi.ToResponse(row, showSecret: false) : null;
}

/// <summary>
/// Subscriptions to the change feed, delivered as signed webhooks: a partner key manages its institution's, an admin
/// key every one. Deliveries are as the key that subscribed sees the feed (drafts only to those who may see them).
/// </summary>
internal static class WebhooksApi
{
    private const string Resource = "webhook subscription";

    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration) => services
        .Configure<WebhookOptions>(configuration.GetSection(WebhookOptions.Section))
        .AddSingleton<WebhookTargets>()
        .AddSingleton<WebhookQueries>()
        .AddSingleton<WebhookCommands>()
        .AddSingleton<WebhookDispatcher>()
        .AddHostedService<WebhookSender>()
        .AddSingleton<IValidator<CreateWebhookRequest>, CreateWebhookRequestValidator>()
        .AddJsonContext(WebhookJsonContext.Default);

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder routes)
    {
        var hooks = routes.MapGroup("/api/v1/webhooks").WithTags("Webhooks").RequireKey().WithValidation().WithPageLinks()
            .WithPathExample("id", "019ad7c4-2f7e-7b3e-9c41-5a2d7f0e8b21").WithPathExample("attemptId", "019ad7c5-0a13-7d2c-8f60-3be4c1d2a9f7");
        hooks.MapPost("/", CreateWebhook).WithName("createWebhook")
            .WithSummary("Subscribe to changes, delivered as signed webhooks (the answer shows the secret, once)")
            .WithDescription("Each change of the feed the key may see is POSTed to url, in feed order, signed per Standard Webhooks "
                + "(webhook-id, webhook-timestamp, webhook-signature: HMAC-SHA256 with the secret). Delivery starts with the changes "
                + "made from now on, and is retried with exponential backoff until the receiver answers 2xx.")
            .WithBodyExample("""
                {"url": "https://partner.example.edu/roundtable-hook", "types": ["event", "recommendation"],
                 "operations": ["created", "updated"], "description": "Our events page"}
                """)
            .Idempotent(Resource, (_, id) => $"/api/v1/webhooks/{id}", static (WebhookServices s, Guid id, CancellationToken ct) => s.ReadAsync(id, ct))
            .ProducesProblem(StatusCodes.Status400BadRequest).WithWriteProblems();
        hooks.MapGet("/", ListWebhooks).WithName("listWebhooks")
            .WithSummary("List your subscriptions (an admin key: every one)").WithReadProblems(item: false);
        hooks.MapGet("/{id:guid}", GetWebhook).WithName("getWebhook")
            .WithSummary("Get a subscription and where its delivery has got to").WithReadProblems();
        hooks.MapDelete("/{id:guid}", DeleteWebhook).WithName("deleteWebhook")
            .WithSummary("Delete a subscription and its delivery log").WithReadProblems();
        hooks.MapPost("/{id:guid}/pause", PauseWebhook).WithName("pauseWebhook").IdempotentAction()
            .WithSummary("Pause deliveries (changes wait; resume delivers them)").WithReadProblems().ProducesProblem(StatusCodes.Status409Conflict);
        hooks.MapPost("/{id:guid}/resume", ResumeWebhook).WithName("resumeWebhook").IdempotentAction()
            .WithSummary("Resume a paused or disabled subscription where its delivery stopped").WithReadProblems();
        hooks.MapPost("/{id:guid}/rotate-secret", RotateSecret).WithName("rotateWebhookSecret").IdempotentAction()
            .WithSummary("Replace the secret (the answer shows the new one); the old one also signs for a grace period")
            .WithReadProblems();
        hooks.MapPost("/{id:guid}/ping", PingWebhook).WithName("pingWebhook").IdempotentAction()
            .WithSummary("Send a signed webhook.ping now and answer how the receiver took it").WithReadProblems();
        hooks.MapGet("/{id:guid}/deliveries", ListDeliveries).WithName("listWebhookDeliveries")
            .WithSummary("List a subscription's delivery attempts, oldest first").WithReadProblems();
        hooks.MapPost("/{id:guid}/deliveries/{attemptId:guid}/redeliver", Redeliver).WithName("redeliverWebhook").IdempotentAction()
            .WithSummary("Send an attempt's message again now (same webhook-id, new timestamp and signature)").WithReadProblems();
        return routes;
    }

    private static async Task<Results<Created<WebhookResponse>, ProblemHttpResult>> CreateWebhook(
        CreateWebhookRequest request, HttpContext context, [AsParameters] WebhookServices services, CancellationToken ct)
    {
        var caller = Caller.From(context.User);
        if (request.OwnEventsOnly == true && caller.InstitutionId is null)
        {
            return Problems.Validation("ownEventsOnly", "ownEventsOnly needs a partner key: an admin key has no institution of its own.");
        }
        var id = await services.Commands.CreateAsync(caller, request, ct);
        var row = await services.Queries.GetAsync(caller, id, ct) ?? throw new InvalidOperationException("The new subscription is gone.");
        context.SetETag(row.Version);
        return TypedResults.Created($"/api/v1/webhooks/{id}", ToResponse(row, showSecret: true));
    }

    private static async Task<Results<Ok<Page<WebhookResponse>>, ProblemHttpResult>> ListWebhooks(
        [AsParameters] PageQuery query, HttpContext context, WebhookQueries queries, CancellationToken ct)
    {
        if (!query.TryParse(out var page, out var problem))
        {
            return problem!;
        }
        var rows = await queries.ListAsync(Caller.From(context.User), page, ct);
        return TypedResults.Ok(page.ToPage(rows, r => r.Id, r => ToResponse(r, showSecret: false)));
    }

    private static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> GetWebhook(
        Guid id, HttpContext context, WebhookQueries queries, CancellationToken ct) =>
        await queries.GetAsync(Caller.From(context.User), id, ct) is { } row
            ? Ok(context, row, showSecret: false)
            : Problems.NotFound(Resource, id.ToString());

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteWebhook(
        Guid id, HttpContext context, WebhookCommands commands, CancellationToken ct) =>
        await commands.ChangeAsync(Caller.From(context.User), id, WebhookCommands.Delete, ct) is null
            ? Problems.NotFound(Resource, id.ToString())
            : TypedResults.NoContent();

    private static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> PauseWebhook(
        Guid id, HttpContext context, [AsParameters] WebhookServices services, CancellationToken ct)
    {
        var caller = Caller.From(context.User);
        var changed = await services.Commands.ChangeAsync(caller, id, WebhookCommands.Pause, ct);
        if (await services.Queries.GetAsync(caller, id, ct) is not { } row || changed is null)
        {
            return Problems.NotFound(Resource, id.ToString());
        }
        return row.Status == "disabled"
            ? Problems.Conflict("The subscription is disabled (see disabledReason): resume it instead.")
            : TypedResults.Ok(ToResponse(row, showSecret: false));
    }

    private static Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> ResumeWebhook(
        Guid id, HttpContext context, [AsParameters] WebhookServices services, CancellationToken ct) =>
        ChangeAsync(id, context, services, WebhookCommands.Resume, showSecret: false, ct);

    private static Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> RotateSecret(
        Guid id, HttpContext context, [AsParameters] WebhookServices services, CancellationToken ct) =>
        ChangeAsync(id, context, services, WebhookCommands.Rotate, showSecret: true, ct);

    private static async Task<Results<Ok<WebhookAttemptResponse>, ProblemHttpResult>> PingWebhook(
        Guid id, HttpContext context, [AsParameters] WebhookServices services, CancellationToken ct)
    {
        if (await services.Queries.GetAsync(Caller.From(context.User), id, ct) is not { } row)
        {
            return Problems.NotFound(Resource, id.ToString());
        }
        return TypedResults.Ok(await SendNowAsync(services, row, WebhookAttemptKind.Ping, WebhookMessages.Ping(), ct));
    }

    private static async Task<Results<Ok<Page<WebhookAttemptResponse>>, ProblemHttpResult>> ListDeliveries(
        Guid id, [AsParameters] PageQuery query, HttpContext context, WebhookQueries queries, CancellationToken ct)
    {
        if (!query.TryParse(out var page, out var problem))
        {
            return problem!;
        }
        if (await queries.GetAsync(Caller.From(context.User), id, ct) is null)
        {
            return Problems.NotFound(Resource, id.ToString());
        }
        return TypedResults.Ok(page.ToPage(await queries.ListAttemptsAsync(id, page, ct), r => r.Id, ToResponse));
    }

    private static async Task<Results<Ok<WebhookAttemptResponse>, ProblemHttpResult>> Redeliver(
        Guid id, Guid attemptId, HttpContext context, [AsParameters] WebhookServices services, CancellationToken ct)
    {
        if (await services.Queries.GetAsync(Caller.From(context.User), id, ct) is not { } row)
        {
            return Problems.NotFound(Resource, id.ToString());
        }
        if (await services.Queries.GetAttemptAsync(id, attemptId, ct) is not { } attempt)
        {
            return Problems.NotFound("delivery attempt", attemptId.ToString());
        }
        var message = new WebhookMessage(attempt.MessageId, attempt.Payload);
        return TypedResults.Ok(await SendNowAsync(services, row, WebhookAttemptKind.Redelivery, message, ct));
    }

    private static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> ChangeAsync(
        Guid id, HttpContext context, WebhookServices services, SubscriptionChange change, bool showSecret, CancellationToken ct)
    {
        var caller = Caller.From(context.User);
        if (await services.Commands.ChangeAsync(caller, id, change, ct) is null || await services.Queries.GetAsync(caller, id, ct) is not { } row)
        {
            return Problems.NotFound(Resource, id.ToString());
        }
        return TypedResults.Ok(ToResponse(row, showSecret));
    }

    // The ETag carries the subscription's version (its changes by its owner; not its deliveries).
    private static Ok<WebhookResponse> Ok(HttpContext context, WebhookRow row, bool showSecret)
    {
        context.SetETag(row.Version);
        return TypedResults.Ok(ToResponse(row, showSecret));
    }

    // A ping or a redelivery is sent while the request waits (bounded by Webhooks:Timeout), and logged like any attempt.
    private static async Task<WebhookAttemptResponse> SendNowAsync(
        WebhookServices services, WebhookRow row, WebhookAttemptKind kind, WebhookMessage message, CancellationToken ct)
    {
        var outcome = await services.Dispatcher.SendAsync(row, message, ct);
        return ToResponse(await services.Commands.RecordAttemptAsync(row.Id, kind, message, outcome, CancellationToken.None));
    }

    internal static WebhookResponse ToResponse(WebhookRow row, bool showSecret) => new(
        row.Id, row.Url, row.Description,
        row.ResourceTypes?.Select(SnakeCaseEnum<ChangeType>.Parse).ToList(),
        row.Operations?.Select(SnakeCaseEnum<ChangeOperation>.Parse).ToList(),
        row.OwnEventsOnly, row.InstitutionId, SnakeCaseEnum<WebhookStatus>.Parse(row.Status), row.DisabledReason,
        showSecret ? row.Secret : null,
        row.PreviousExpiresAt is { } expires && expires > DateTime.UtcNow ? WebhookMessages.Utc(expires) : null,
        new WebhookDeliveryState(row.Attempts, row.FailingSince is { } since ? WebhookMessages.Utc(since) : null, WebhookMessages.Utc(row.NextAttemptAt)),
        WebhookMessages.Utc(row.CreatedAt), WebhookMessages.Utc(row.UpdatedAt), row.Version);

    private static WebhookAttemptResponse ToResponse(WebhookAttemptRow row) => new(
        row.Id, row.MessageId, SnakeCaseEnum<WebhookAttemptKind>.Parse(row.Kind), row.Payload, WebhookMessages.Utc(row.AttemptedAt),
        row.Succeeded, row.ResponseStatus, row.LatencyMs, row.ResponseExcerpt, row.Error);
}
