using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Npgsql;
using RoundTable.Api.Changes;
using RoundTable.Api.Database;
using RoundTable.Api.Json;
using StandardWebhooks;

namespace RoundTable.Api.Webhooks;

/// <summary>A message as sent: its webhook-id and its body.</summary>
internal sealed record WebhookMessage(string MessageId, string Payload);

/// <summary>How one attempt ended.</summary>
internal sealed record WebhookOutcome(bool Succeeded, int? ResponseStatus, int LatencyMs, string? ResponseExcerpt, string? Error)
{
    public string Describe() => ResponseStatus is { } status ? $"HTTP {status}" : Error ?? "no answer";
}

/// <summary>Signs (Standard Webhooks) and POSTs one message, bounded in time and in what it reads back.</summary>
internal sealed class WebhookDispatcher(WebhookTargets targets, IOptions<WebhookOptions> options, IServer server)
{
    private const string ContentType = "application/json";

    public async Task<WebhookOutcome> SendAsync(WebhookRow subscription, WebhookMessage message, CancellationToken ct)
    {
        var timestamp = DateTimeOffset.UtcNow;
        var signature = new StandardWebhook(subscription.Secret).Sign(message.MessageId, timestamp, message.Payload);
        if (subscription.PreviousSecret is { } previous && subscription.PreviousExpiresAt > DateTime.UtcNow)
        {
            // During a rotation's grace period both signatures go: a receiver with either secret accepts the message.
            signature += " " + new StandardWebhook(previous).Sign(message.MessageId, timestamp, message.Payload);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url)
        {
            Content = new StringContent(message.Payload, Encoding.UTF8, ContentType),
        };
        request.Headers.Add("webhook-id", message.MessageId);
        request.Headers.Add("webhook-timestamp", timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", signature);
        request.Headers.UserAgent.ParseAdd("RoundTable-Webhooks/1.0");
        var clock = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(options.Value.Timeout);
        try
        {
            using var response = await targets.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var excerpt = await ReadExcerptAsync(response, deadline.Token);
            var status = (int)response.StatusCode;
            return new WebhookOutcome(status is >= 200 and < 300, status, Elapsed(clock), excerpt,
                status is >= 300 and < 400 ? "Redirects are not followed: give the final URL." : null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new WebhookOutcome(false, null, Elapsed(clock), null, $"No answer within {options.Value.Timeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException e) when (e.InnerException is WebhookTargetRefusedException refused)
        {
            return new WebhookOutcome(false, null, Elapsed(clock), null, refused.Message);
        }
        catch (HttpRequestException e)
        {
            return new WebhookOutcome(false, null, Elapsed(clock), null, $"The connection failed ({e.HttpRequestError}).");
        }
        catch (IOException)
        {
            // An answer cut short (HttpIOException), a reset connection: the receiver did not take the message.
            return new WebhookOutcome(false, null, Elapsed(clock), null, "The connection broke before the answer was complete.");
        }
    }

    /// <summary>The base of the URLs in payloads: Webhooks:PublicBaseUrl, else the first address this process listens on.</summary>
    private string? _baseUrl;

    // Read once, when the first message is made (the server listens by then), not for every message.
    public string BaseUrl => _baseUrl ??= (options.Value.PublicBaseUrl
        ?? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()?.Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://[::]", "://localhost", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
        ?? "http://localhost").TrimEnd('/');

    private static async Task<string?> ReadExcerptAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var buffer = new byte[WebhookTargets.ExcerptBytes];
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var read = 0;
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), ct) is var n and > 0)
        {
            read += n;
        }
        // The rest of the answer is not read: the connection is dropped rather than drained (MaxResponseDrainSize 0).
        // Text only: PostgreSQL refuses a NUL in text, and an answer in another encoding is not worth keeping byte for byte.
        return read == 0 ? null : Encoding.UTF8.GetString(buffer, 0, read).Replace("\uFFFD", "", StringComparison.Ordinal).Replace("\0", "", StringComparison.Ordinal);
    }

    private static int Elapsed(Stopwatch clock) => (int)Math.Min(int.MaxValue, clock.ElapsedMilliseconds);
}

/// <summary>What the messages say.</summary>
internal static class WebhookMessages
{
    private static readonly Dictionary<string, string> s_collections = new(StringComparer.Ordinal)
    {
        ["event"] = "events",
        ["speaker"] = "speakers",
        ["institution"] = "institutions",
        ["recommendation"] = "recommendations",
        ["source"] = "sources",
        ["theme"] = "themes",
    };

    /// <summary>One change: its webhook-id is the same for every attempt at it (and for every subscription that gets it).</summary>
    public static WebhookMessage ForChange(NextChangeRow change, string baseUrl)
    {
        var at = (change.Tx!.Value, change.Seq!.Value);
        var operation = SnakeCaseEnum<ChangeOperation>.Parse(change.Operation);
        var target = change.TargetSlug ?? change.TargetId?.ToString();
        var data = new WebhookChangeData(
            SnakeCaseEnum<ChangeType>.Parse(change.ResourceType!), change.ResourceId, change.TargetSlug, change.Version, operation,
            Utc(change.ChangedAt), change.ParentType is null ? null : SnakeCaseEnum<ChangeType>.Parse(change.ParentType), change.ParentId,
            $"{baseUrl}/api/v1/{s_collections[change.TargetType]}/{target}", ChangesApi.Encode(at));
        var payload = new WebhookPayload("change." + SnakeCaseEnum<ChangeOperation>.ToName(operation), data.ChangedAt, data);
        return new WebhookMessage(
            string.Create(CultureInfo.InvariantCulture, $"msg_{at.Item1}_{at.Item2}"),
            JsonSerializer.Serialize(payload, WebhookJsonContext.Default.WebhookPayload));
    }

    public static WebhookMessage Ping() => new(
        "msg_ping_" + Guid.CreateVersion7().ToString("N"),
        JsonSerializer.Serialize(new WebhookPayload("webhook.ping", DateTimeOffset.UtcNow, null), WebhookJsonContext.Default.WebhookPayload));

    public static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}

/// <summary>
/// Sends every active subscription its changes, in feed order, at least once: the cursor moves only when the receiver
/// took the change, so a restart or a crash resumes where delivery stopped. A failed attempt is retried with exponential
/// backoff and jitter; a receiver that fails for longer than Webhooks:DisableAfter gets its subscription disabled.
/// </summary>
internal sealed class WebhookSender(
    WebhookQueries queries, WebhookCommands commands, WebhookDispatcher dispatcher, PreparationState preparation,
    IOptions<WebhookOptions> options, ILogger<WebhookSender> logger) : BackgroundService
{
    // As many as are sent at once, so that no leased subscription waits for a free sender while its lease runs out.
    private const int Parallel = 8;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.SenderEnabled || DatabaseSetup.IsDocumentGenerator)
        {
            return;
        }
        try
        {
            while (!preparation.Prepared)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), stoppingToken);
            }
            var lease = Lease(settings);
            var sinceWake = Stopwatch.StartNew();
            while (!stoppingToken.IsCancellationRequested)
            {
                var leased = 0;
                try
                {
                    var due = await commands.LeaseAsync(Parallel, lease, stoppingToken);
                    leased = due.Count;
                    await Task.WhenAll(due.Select(s => ProcessSafelyAsync(s, stoppingToken)));
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    logger.LogWarning("Webhook delivery paused: the database did not answer ({Error}).", e.GetType().Name);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // Never stop the host: the next round tries again.
                    logger.LogError(e, "Webhook delivery failed; it is retried.");
                }
                if (leased == 0 && await CommitSignal.WaitAsync(settings.PollInterval, stoppingToken))
                {
                    // A write of this process committed: its changes go out now rather than at the next poll.
                    try
                    {
                        // At most one wake-up per interval: under a stream of writes the statement stays cheap.
                        if (WakeInterval - sinceWake.Elapsed is var wait && wait > TimeSpan.Zero)
                        {
                            await Task.Delay(wait, stoppingToken);
                        }
                        await commands.WakeAsync(stoppingToken);
                        sinceWake.Restart();
                    }
                    catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                    {
                        logger.LogWarning("Webhook delivery paused: the wake-up failed ({Error}).", e.GetType().Name);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One subscription's turn; whatever goes wrong stays with it (its lease runs out and it is tried again).</summary>
    private async Task ProcessSafelyAsync(SenderRow subscription, CancellationToken ct)
    {
        try
        {
            await ProcessAsync(subscription, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("Webhook subscription {Id}: delivery failed ({Error}); it is retried when its lease runs out.",
                subscription.Id, e.GetType().Name);
        }
    }

    private async Task ProcessAsync(SenderRow subscription, CancellationToken ct)
    {
        var settings = options.Value;
        // The lease is renewed just before the send, and the cursor read with it: a sender whose lease ran out (and
        // was taken by another) does not send, and none sends from a cursor that has since moved on.
        if (await commands.RenewAsync(subscription, Lease(settings), ct) is not { } cursor)
        {
            return;
        }
        (subscription.CursorTx, subscription.CursorSeq) = cursor;
        if (!subscription.KeyActive)
        {
            await commands.DisableAsync(subscription.Id, "The API key that created this subscription was revoked or has expired.", ct);
            await commands.IdleAsync(subscription, null, settings.PollInterval, ct);
            return;
        }
        // One message at a time, in feed order, for as long as there are changes (up to a bound in count and in time, so
        // that other subscriptions get their turn).
        var turn = Stopwatch.StartNew();
        for (var sent = 0; sent < MaxPerTurn && turn.Elapsed < TurnTime; sent++)
        {
            var next = await queries.NextAsync(subscription, ct);
            if (next?.Tx is not { } tx || next.Seq is not { } seq)
            {
                await commands.IdleAsync(subscription, next?.HeadTx is { } headTx && next.HeadSeq is { } headSeq ? (headTx, headSeq) : null, settings.PollInterval, ct);
                return;
            }
            // Just before the send: the lease is still this sender's (renewed for a whole attempt), and the subscription is
            // still active, with the same key and secret: a pause, a deletion, a rotation or a revoked key stops the turn.
            if (await commands.RenewAsync(subscription, Lease(settings), ct, unchanged: true) is null)
            {
                await commands.IdleAsync(subscription, null, TimeSpan.Zero, CancellationToken.None);
                return;
            }
            var message = WebhookMessages.ForChange(next, dispatcher.BaseUrl);
            var outcome = await dispatcher.SendAsync(subscription, message, ct);
            // What the receiver answered is recorded even when the process is stopping: a message it took is not sent again.
            if (!outcome.Succeeded)
            {
                await commands.RecordAttemptAsync(subscription.Id, WebhookAttemptKind.Change, message, outcome, CancellationToken.None);
                if (await commands.FailedAsync(subscription, Backoff(subscription.Attempts + 1), CancellationToken.None))
                {
                    await commands.DisableAsync(subscription.Id,
                        $"The receiver has failed for longer than {settings.DisableAfter}; the last attempt: {outcome.Describe()}.", CancellationToken.None);
                }
                return;
            }
            if (!await commands.DeliveredAsync(subscription, message, outcome, tx, seq, Lease(settings), CancellationToken.None))
            {
                return; // the lease ran out and another sender has the subscription: it goes on from the cursor
            }
            (subscription.CursorTx, subscription.CursorSeq, subscription.Attempts) = (tx, seq, 0);
        }
        await commands.IdleAsync(subscription, null, TimeSpan.Zero, ct); // more may be waiting: due again at once
    }

    private static readonly TimeSpan TurnTime = TimeSpan.FromSeconds(5);

    private const int MaxPerTurn = 100;

    private static readonly TimeSpan WakeInterval = TimeSpan.FromMilliseconds(50);

    // Long enough for an attempt and its bookkeeping; a sender that dies holding a lease delays that subscription by this much.
    private static TimeSpan Lease(WebhookOptions settings) => settings.Timeout * 2 + TimeSpan.FromSeconds(10);

    /// <summary>The delay before attempt <paramref name="attempt"/> + 1: doubling from the base up to the cap, less up to half at random.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var settings = options.Value;
        var doubled = settings.RetryBaseDelay * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = doubled < settings.RetryMaxDelay ? doubled : settings.RetryMaxDelay;
        return capped * (0.5 + (Random.Shared.NextDouble() / 2));
    }
}
