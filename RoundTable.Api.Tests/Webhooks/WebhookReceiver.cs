using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StandardWebhooks;

namespace RoundTable.Api.Tests.Webhooks;

/// <summary>One message as the receiver got it, and whether its signature verified with each secret it knows.</summary>
public sealed record ReceivedWebhook(string Id, string Body, bool Verified, bool VerifiedWithPrevious)
{
    public JsonNode Json => JsonNode.Parse(Body)!;
}

/// <summary>
/// A webhook receiver on a loopback port, as a partner would run one: it verifies every signature (the StandardWebhooks
/// package, as the README tells partners), and can be told to fail, to be slow, or be stopped and started again.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failuresLeft;
    private int _inFlight;
    private int _maxInFlight;

    /// <summary>The most messages that were being received at the same time.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    private WebhookReceiver(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public int Port => new Uri(Url).Port;

    /// <summary>The secret signatures are verified with; set it from the subscription's answer.</summary>
    public string Secret { get; set; } = "whsec_" + Convert.ToBase64String(new byte[32]);

    public string? PreviousSecret { get; set; }

    /// <summary>Messages the receiver accepted (answered 2xx), in arrival order.</summary>
    public ConcurrentQueue<ReceivedWebhook> Accepted { get; } = new();

    /// <summary>Every message that arrived, accepted or not.</summary>
    public ConcurrentQueue<ReceivedWebhook> Arrived { get; } = new();

    public TimeSpan Delay { get; set; }

    /// <summary>Accept with a body that holds a NUL byte (as a gzip or UTF-16 answer would).</summary>
    public bool NulInAnswer { get; set; }

    /// <summary>Answer with a redirect to this URL instead.</summary>
    public string? RedirectTo { get; set; }

    /// <summary>Answer 200 with a body cut short (the connection drops mid-answer).</summary>
    public bool Truncate { get; set; }

    /// <summary>Answer 500 to the next <paramref name="count"/> messages.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _failuresLeft, count);

    public static async Task<WebhookReceiver> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", (Delegate)receiver.HandleAsync);
        await app.StartAsync();
        receiver.Url = app.Urls.First() + "/hook";
        return receiver;
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        var now = Interlocked.Increment(ref _inFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
        {
        }
        try
        {
            return await ReceiveAsync(context);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task<IResult> ReceiveAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var message = new ReceivedWebhook(context.Request.Headers["webhook-id"].ToString(), body,
            Verifies(Secret, body, context.Request.Headers), PreviousSecret is { } previous && Verifies(previous, body, context.Request.Headers));
        Arrived.Enqueue(message);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay);
        }
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            return Results.Text("the receiver is having a bad day", statusCode: 500);
        }
        if (RedirectTo is { } target)
        {
            return Results.Redirect(target, permanent: false, preserveMethod: true);
        }
        if (Truncate)
        {
            context.Response.ContentLength = 1000;
            await context.Response.WriteAsync("cut short");
            await context.Response.Body.FlushAsync();
            context.Abort();
            return Results.Empty;
        }
        if (context.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty; // the sender gave up waiting: it will send the message again
        }
        Accepted.Enqueue(message);
        return NulInAnswer ? Results.Text("ok\0ok", "text/plain") : Results.NoContent();
    }

    // The header may carry several signatures (during a rotation: one per secret), space-separated; the message is
    // genuine when one of them verifies. (StandardWebhook.Verify 1.1.2 checks only the first: each is checked alone.)
    private static bool Verifies(string secret, string body, IHeaderDictionary headers) =>
        headers["webhook-signature"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(signature =>
        {
            var one = new HeaderDictionary
            {
                ["webhook-id"] = headers["webhook-id"],
                ["webhook-timestamp"] = headers["webhook-timestamp"],
                ["webhook-signature"] = signature,
            };
            try
            {
                new StandardWebhook(secret).Verify(body, one);
                return true;
            }
            catch (StandardWebhooks.Diagnostics.WebhookVerificationException)
            {
                return false;
            }
        });

    /// <summary>Waits until <paramref name="condition"/> holds (true) or <paramref name="seconds"/> pass (false).</summary>
    public static async Task<bool> WaitAsync(Func<bool> condition, int seconds = 20)
    {
        for (var i = 0; i < seconds * 20; i++)
        {
            if (condition())
            {
                return true;
            }
            await Task.Delay(50);
        }
        return condition();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
