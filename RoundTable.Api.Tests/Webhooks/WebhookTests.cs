using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RoundTable.Api.Changes;
using RoundTable.Api.Tests.Infrastructure;
using RoundTable.Api.Webhooks;
using System.Text.Json.Nodes;
using StandardWebhooks;

namespace RoundTable.Api.Tests.Webhooks;

// Deliveries follow the change feed, which holds changes back while any transaction of the cluster runs: alone.
[Collection(AloneInTheClusterCollection.Name)]
public sealed class WebhookTests : WriteApiTest
{
    private const string Webhooks = "/api/v1/webhooks";

    private static readonly Dictionary<string, string> s_settings = new()
    {
        ["Webhooks:SenderEnabled"] = "true",
        ["Webhooks:PollInterval"] = "00:00:00.050",
        ["Webhooks:RetryBaseDelay"] = "00:00:00.050",
        ["Webhooks:RetryMaxDelay"] = "00:00:00.200",
        ["Webhooks:Timeout"] = "00:00:03",
        ["Webhooks:RequireHttps"] = "false",
        ["Webhooks:AllowPrivateTargets"] = "true",
    };

    protected override IReadOnlyDictionary<string, string>? Settings => s_settings;

    private async Task<WebhookResponse> SubscribeAsync(string key, WebhookReceiver receiver, object? extra = null)
    {
        var body = new Dictionary<string, object?> { ["url"] = receiver.Url };
        foreach (var property in extra?.GetType().GetProperties() ?? [])
        {
            body[char.ToLowerInvariant(property.Name[0]) + property.Name[1..]] = property.GetValue(extra);
        }
        using var response = await SendAsync(HttpMethod.Post, Webhooks, key, body);
        var created = await ReadAsync<WebhookResponse>(response, HttpStatusCode.Created);
        Assert.StartsWith("whsec_", created.Secret);
        Assert.Equal($"{Webhooks}/{created.Id}", response.Headers.Location?.OriginalString);
        receiver.Secret = created.Secret!;
        return created;
    }

    private async Task CreateEventAsync(string slug, string key = "iitu", bool published = true)
    {
        var body = published ? NewEvent(slug, "iitu") : NewDraft(slug, "iitu");
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/events", key == "iitu" ? IituKey : AdminKey, body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static List<JsonNodeView> Events(WebhookReceiver receiver) =>
        receiver.Accepted.Select(m => new JsonNodeView(m)).ToList();

    private sealed record JsonNodeView(ReceivedWebhook Message)
    {
        public string Type => Message.Json["type"]!.GetValue<string>();
        public string? ResourceType => Message.Json["data"]?["resourceType"]?.GetValue<string>();
        public string? Slug => Message.Json["data"]?["slug"]?.GetValue<string>();
        public string? Url => Message.Json["data"]?["url"]?.GetValue<string>();
    }

    [Fact]
    public void The_signature_is_the_one_the_Standard_Webhooks_specification_publishes_for_its_test_vector()
    {
        // The specification's example (standard-webhooks/spec.md): the same secret, id, time and body sign to this.
        var signature = new StandardWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
            .Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", DateTimeOffset.FromUnixTimeSeconds(1614265330), """{"test": 2432232314}""");
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public async Task A_subscriber_receives_each_wanted_change_signed_in_order_with_the_url_to_read_it_again()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var subscription = await SubscribeAsync(IituKey, receiver, new { Types = new[] { "event" } });
        Assert.Equal(WebhookStatus.Active, subscription.Status);

        await CreateEventAsync("webhook-first");
        await CreateEventAsync("webhook-second");
        using (var patch = await SendAsync(HttpMethod.Patch, "/api/v1/events/webhook-first", IituKey,
            """{"city":{"en":"Almaty"}}""", ifMatch: "*", contentType: "application/merge-patch+json"))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        }

        Assert.True(await WebhookReceiver.WaitAsync(() => receiver.Accepted.Count >= 3), $"{receiver.Accepted.Count} of 3 arrived");
        var got = Events(receiver);
        Assert.All(receiver.Accepted, m => Assert.True(m.Verified, "The signature did not verify: " + m.Body));
        Assert.Equal(["change.created", "change.created", "change.updated"], got.Select(m => m.Type).Take(3));
        Assert.Equal(["webhook-first", "webhook-second", "webhook-first"], got.Select(m => m.Slug).Take(3));
        Assert.All(got, m => Assert.Equal("event", m.ResourceType)); // organizers' entries were not asked for
        Assert.EndsWith("/api/v1/events/webhook-first", got[0].Url);
        Assert.Equal(3, receiver.Accepted.Select(m => m.Id).Distinct().Count());

        // The URL reads the resource again, and the cursor replays the feed from just after the change.
        var cursor = got[0].Message.Json["data"]!["cursor"]!.GetValue<string>();
        var replay = await GetAsync<ChangePage>($"/api/v1/changes?type=event&cursor={Uri.EscapeDataString(cursor)}", AdminKey);
        Assert.Equal("webhook-second", (await GetJsonAsync($"/api/v1/events/{replay.Items[0].Id}"))["slug"]!.GetValue<string>());

        var log = await GetAsync<PageDto<WebhookAttemptResponse>>($"{Webhooks}/{subscription.Id}/deliveries", IituKey);
        Assert.True(log.Items.Count >= 3);
        Assert.All(log.Items, a => Assert.True(a.Succeeded && a.ResponseStatus == 204 && a.Kind == WebhookAttemptKind.Change));
        var shown = await GetAsync<WebhookResponse>($"{Webhooks}/{subscription.Id}", IituKey);
        Assert.Null(shown.Secret); // shown once
        Assert.Equal(0, shown.Delivery.FailedAttempts);
    }

    [Fact]
    public async Task A_receiver_that_answers_500_gets_the_same_message_again_until_it_takes_it_and_nothing_is_skipped_or_reordered()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var subscription = await SubscribeAsync(AdminKey, receiver, new { Types = new[] { "event" } });
        receiver.FailNext(4);
        for (var i = 0; i < 3; i++)
        {
            await CreateEventAsync($"webhook-retry-{i}");
        }

        Assert.True(await WebhookReceiver.WaitAsync(() => receiver.Accepted.Count >= 3), $"{receiver.Accepted.Count} of 3 arrived");
        Assert.Equal(["webhook-retry-0", "webhook-retry-1", "webhook-retry-2"], Events(receiver).Select(m => m.Slug));
        // The first message was refused four times, always under one webhook-id.
        var first = receiver.Accepted.First().Id;
        Assert.Equal(5, receiver.Arrived.Count(m => m.Id == first));
        var log = await GetAsync<PageDto<WebhookAttemptResponse>>($"{Webhooks}/{subscription.Id}/deliveries", AdminKey);
        var failed = log.Items.Where(a => !a.Succeeded).ToList();
        Assert.Equal(4, failed.Count);
        Assert.All(failed, a => Assert.True(a.ResponseStatus == 500 && a.MessageId == first && a.ResponseExcerpt == "the receiver is having a bad day"));
    }

    [Fact]
    public async Task A_receiver_that_is_down_or_too_slow_gets_its_messages_once_it_is_back()
    {
        var receiver = await WebhookReceiver.StartAsync();
        var port = receiver.Port;
        var subscription = await SubscribeAsync(AdminKey, receiver, new { Types = new[] { "event" } });
        var secret = receiver.Secret;
        await receiver.DisposeAsync(); // down
        await CreateEventAsync("webhook-while-down");
        Assert.True(await WebhookReceiver.WaitAsync(() =>
            GetAsync<WebhookResponse>($"{Webhooks}/{subscription.Id}", AdminKey).Result.Delivery.FailedAttempts >= 2));

        await using var back = await WebhookReceiver.StartAsync(port);
        back.Secret = secret;
        back.Delay = TimeSpan.FromSeconds(4); // longer than Webhooks:Timeout: the answers come too late
        Assert.True(await WebhookReceiver.WaitAsync(() => Attempts(subscription.Id).Result
            .Any(a => a.Error?.StartsWith("No answer within", StringComparison.Ordinal) == true), 30));
        back.Delay = TimeSpan.Zero;
        Assert.True(await WebhookReceiver.WaitAsync(() => back.Accepted.Any(m => m.Verified)));
        Assert.Equal("webhook-while-down", new JsonNodeView(back.Accepted.Last()).Slug);
        var log = await GetAsync<PageDto<WebhookAttemptResponse>>($"{Webhooks}/{subscription.Id}/deliveries?limit=100", AdminKey);
        Assert.Contains(log.Items, a => !a.Succeeded && a.ResponseStatus is null && a.Error!.StartsWith("The connection failed", StringComparison.Ordinal));
        Assert.Contains(log.Items, a => !a.Succeeded && a.Error!.StartsWith("No answer within", StringComparison.Ordinal));
    }

    private async Task<List<WebhookAttemptResponse>> Attempts(Guid id) =>
        (await GetAsync<PageDto<WebhookAttemptResponse>>($"{Webhooks}/{id}/deliveries?limit=100", AdminKey)).Items;

    [Fact]
    public async Task A_receiver_that_cuts_its_answer_short_is_retried_and_the_sender_carries_on()
    {
        // Found by review: an answer cut short threw out of the sender (an IOException it did not catch), which stopped the host.
        await using var receiver = await WebhookReceiver.StartAsync();
        var subscription = await SubscribeAsync(AdminKey, receiver, new { Types = new[] { "event" } });
        receiver.Truncate = true;
        await CreateEventAsync("webhook-cut-short");
        Assert.True(await WebhookReceiver.WaitAsync(() => Attempts(subscription.Id).Result
            .Count(a => a.Error == "The connection broke before the answer was complete.") >= 2));
        receiver.Truncate = false;
        Assert.True(await WebhookReceiver.WaitAsync(() => receiver.Accepted.Count >= 1));
        Assert.Equal("webhook-cut-short", new JsonNodeView(receiver.Accepted.Single()).Slug);
        using var health = await Client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task A_subscription_whose_key_was_revoked_goes_on_under_the_key_that_resumes_it()
    {
        // Found by review: resuming kept the revoked key, so the next round disabled it again.
        await using var receiver = await WebhookReceiver.StartAsync();
        var keys = Factory.Services.GetRequiredService<global::RoundTable.Api.ApiKeys.ApiKeyCommands>();
        var iitu = (await GetAsync<JsonNode>("/api/v1/institutions/iitu"))["id"]!.GetValue<string>();
        var (key, secret) = await keys.CreateAsync("iitu old", global::RoundTable.Api.ApiKeys.ApiKeyRole.Partner, Guid.Parse(iitu), null, CancellationToken.None);
        var subscription = await SubscribeAsync(secret, receiver, new { Types = new[] { "event" } });
        await keys.RevokeAsync(key.Id, null, CancellationToken.None);
        Assert.True(await WebhookReceiver.WaitAsync(() =>
            GetAsync<WebhookResponse>($"{Webhooks}/{subscription.Id}", IituKey).Result.Status == WebhookStatus.Disabled));

        using (var resumed = await SendAsync(HttpMethod.Post, $"{Webhooks}/{subscription.Id}/resume", IituKey))
        {
            Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        }
        await CreateEventAsync("webhook-after-resume");
        Assert.True(await WebhookReceiver.WaitAsync(() => receiver.Accepted.Count >= 1));
        Assert.Equal(WebhookStatus.Active, (await GetAsync<WebhookResponse>($"{Webhooks}/{subscription.Id}", IituKey)).Status);
    }

    [Fact]
    public async Task The_deletion_sent_when_an_event_is_unpublished_names_it_by_id_not_by_its_draft_slug()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await SubscribeAsync(SnuKey, receiver, new { Types = new[] { "event" } });
        await CreateEventAsync("webhook-soon-a-draft");
        Assert.True(await WebhookReceiver.WaitAsync(() => receiver.Accepted.Count >= 1));
        using (var unpublish = await SendAsync(HttpMethod.Patch, "/api/v1/events/webhook-soon-a-draft", IituKey,
            """{"published":false,"slug":"webhook-secret-plans"}""", ifMatch: "*", contentType: "application/merge-patch+json"))
        {
            Assert.Equal(HttpStatusCode.OK, unpublish.StatusCode);
        }
        Assert.True(await WebhookReceiver.WaitAsync(() => Events(receiver).Any(m => m.Type == "change.deleted")));
        var deleted = Events(receiver).Single(m => m.Type == "change.deleted");
        Assert.Null(deleted.Slug);
        Assert.DoesNotContain("webhook-secret-plans", deleted.Message.Body);
        Assert.EndsWith("/api/v1/events/" + deleted.Message.Json["data"]!["id"]!.GetValue<string>(), deleted.Url);
    }

    [Fact]
    public async Task Two_API_processes_share_the_work_and_never_send_one_subscription_s_messages_at_once_or_out_of_order()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Delay = TimeSpan.FromMilliseconds(30); // a window for a second sender to overlap
        await SubscribeAsync(AdminKey, receiver, new { Types = new[] { "event" } });
        await using var second = CreateFactory(ConnectionString, settings: s_settings);
        using var secondClient = second.CreateClient(); // a second process: its own sender, the same database
        var slugs = Enumerable.Range(0, 20).Select(i => $"webhook-two-{i:00}").ToList();
        foreach (var slug in slugs)
        {
            await CreateEventAsync(slug);
        }
        Assert.True(await WebhookReceiver.WaitAsync(() => receiver.Accepted.Count >= slugs.Count, 60), $"{receiver.Accepted.Count} of {slugs.Count}");
        Assert.Equal(1, receiver.MaxInFlight);
        Assert.Equal(slugs, Events(receiver).Select(m => m.Slug).Distinct());
    }

    [Fact]
    public async Task An_answer_with_a_NUL_byte_is_logged_and_the_cursor_moves_on()
    {
        // Found by review: PostgreSQL refused the excerpt, so the delivered message was never recorded and was sent again and again.
        await using var receiver = await WebhookReceiver.StartAsync();
        var subscription = await SubscribeAsync(AdminKey, receiver, new { Types = new[] { "event" } });
        receiver.NulInAnswer = true;
        await CreateEventAsync("webhook-nul-1");
        await CreateEventAsync("webhook-nul-2");
        Assert.True(await WebhookReceiver.WaitAsync(() => receiver.Accepted.Count >= 2), $"{receiver.Accepted.Count} of 2");
        Assert.Equal(["webhook-nul-1", "webhook-nul-2"], Events(receiver).Select(m => m.Slug));
        var log = await Attempts(subscription.Id);
        Assert.Equal(2, log.Count(a => a.Succeeded));
        Assert.All(log, a => Assert.Equal("okok", a.ResponseExcerpt));
    }

    [Fact]
    public async Task A_pause_stops_a_subscription_s_deliveries_even_in_the_middle_of_a_backlog()
    {
        // Found by review: a sender draining a backlog kept sending to a subscription paused (or deleted) meanwhile.
        await using var receiver = await WebhookReceiver.StartAsync();
        var subscription = await SubscribeAsync(AdminKey, receiver, new { Types = new[] { "event" } });
        receiver.Delay = TimeSpan.FromMilliseconds(300);
        for (var i = 0; i < 8; i++)
        {
            await CreateEventAsync($"webhook-backlog-{i}");
        }
        Assert.True(await WebhookReceiver.WaitAsync(() => receiver.Arrived.Count >= 1));
        using (var paused = await SendAsync(HttpMethod.Post, $"{Webhooks}/{subscription.Id}/pause", AdminKey))
        {
            Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        }
        var atPause = receiver.Arrived.Count;
        await Task.Delay(2000);
        Assert.True(receiver.Arrived.Count <= atPause + 1, $"{receiver.Arrived.Count - atPause} sent after the pause"); // at most the one in flight
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_counts_as_a_failure()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var elsewhere = await WebhookReceiver.StartAsync();
        var subscription = await SubscribeAsync(AdminKey, receiver);
        receiver.RedirectTo = elsewhere.Url;
        using var ping = await SendAsync(HttpMethod.Post, $"{Webhooks}/{subscription.Id}/ping", AdminKey);
        var attempt = await ReadAsync<WebhookAttemptResponse>(ping, HttpStatusCode.OK);
        Assert.False(attempt.Succeeded);
        Assert.Equal(307, attempt.ResponseStatus);
        Assert.StartsWith("Redirects are not followed", attempt.Error);
        Assert.Empty(elsewhere.Arrived);
    }

    [Fact]
    public async Task A_receiver_that_keeps_failing_gets_its_subscription_disabled_with_the_reason_and_resume_retries_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var subscription = await SubscribeAsync(AdminKey, receiver, new { Types = new[] { "event" } });
        receiver.FailNext(1000);
        await Factory.DisposeAsync(); // this test's own API: one that gives up after two seconds
        await using var impatient = CreateFactory(ConnectionString, settings: new Dictionary<string, string>(s_settings) { ["Webhooks:DisableAfter"] = "00:00:02" });
        using var client = impatient.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
        using (var created = await client.PostAsync("/api/v1/events", new StringContent(
            System.Text.Json.JsonSerializer.Serialize(NewEvent("webhook-never-taken", "iitu")), System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        WebhookResponse? shown = null;
        Assert.True(await WebhookReceiver.WaitAsync(() =>
            (shown = System.Text.Json.JsonSerializer.Deserialize<WebhookResponse>(client.GetStringAsync($"{Webhooks}/{subscription.Id}").Result,
                new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)))!.Status == WebhookStatus.Disabled, 30));
        Assert.Contains("failed for longer than", shown!.DisabledReason);
        Assert.Contains("HTTP 500", shown.DisabledReason);
        var arrived = receiver.Arrived.Count;
        await Task.Delay(500);
        Assert.Equal(arrived, receiver.Arrived.Count); // a disabled subscription is not sent to

        receiver.FailNext(0);
        using (var resumed = await client.PostAsync($"{Webhooks}/{subscription.Id}/resume", null))
        {
            Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        }
        Assert.True(await WebhookReceiver.WaitAsync(() => receiver.Accepted.Count >= 1));
        Assert.Equal("webhook-never-taken", new JsonNodeView(receiver.Accepted.Single()).Slug);
    }

    [Fact]
    public async Task Delivery_resumes_after_a_restart_of_the_API_mid_retry()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await SubscribeAsync(AdminKey, receiver, new { Types = new[] { "event" } });
        receiver.FailNext(1000);
        await CreateEventAsync("webhook-restart");
        Assert.True(await WebhookReceiver.WaitAsync(() => receiver.Arrived.Count >= 2));
        await Factory.DisposeAsync(); // the API stops while the receiver keeps failing

        receiver.FailNext(0);
        var count = receiver.Arrived.Count;
        await Task.Delay(500);
        Assert.Equal(count, receiver.Arrived.Count); // nothing sends while the API is down
        await using var restarted = CreateFactory(ConnectionString, settings: s_settings);
        using var client = restarted.CreateClient(); // starts the host and its sender
        Assert.True(await WebhookReceiver.WaitAsync(() => receiver.Accepted.Count >= 1));
        Assert.Equal("webhook-restart", new JsonNodeView(receiver.Accepted.Single()).Slug);
    }

    [Fact]
    public async Task Drafts_never_reach_a_subscriber_whose_key_may_not_see_them()
    {
        await using var snu = await WebhookReceiver.StartAsync();
        await using var iitu = await WebhookReceiver.StartAsync();
        await SubscribeAsync(SnuKey, snu, new { Types = new[] { "event" } });
        await SubscribeAsync(IituKey, iitu, new { Types = new[] { "event" } });
        await CreateEventAsync("webhook-draft", published: false);
        await CreateEventAsync("webhook-public");

        Assert.True(await WebhookReceiver.WaitAsync(() => snu.Accepted.Count >= 1 && iitu.Accepted.Count >= 2));
        await Task.Delay(300);
        Assert.Equal(["webhook-public"], Events(snu).Select(m => m.Slug)); // the draft came first in the feed, and was skipped
        Assert.Contains("webhook-draft", Events(iitu).Select(m => m.Slug)); // its organizer sees it
        Assert.Equal("webhook-public", Events(iitu)[^1].Slug);
    }

    [Fact]
    public async Task Own_events_only_sends_the_changes_of_the_institution_s_events()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await SubscribeAsync(SnuKey, receiver, new { OwnEventsOnly = true, Operations = new[] { "created" } });
        await CreateEventAsync("webhook-iitu-only");
        var snuEvent = NewEvent("webhook-snu", "seoul-national-university");
        using (var created = await SendAsync(HttpMethod.Post, "/api/v1/events", SnuKey, snuEvent))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        Assert.True(await WebhookReceiver.WaitAsync(() => receiver.Accepted.Count >= 2));
        await Task.Delay(300);
        var got = Events(receiver);
        Assert.All(got, m => Assert.Equal("change.created", m.Type));
        Assert.Equal(["event", "event_organizer"], got.Select(m => m.ResourceType).Order());
        Assert.All(got, m => Assert.EndsWith("/api/v1/events/webhook-snu", m.Url)); // an entry's url is its parent's
    }

    [Fact]
    public async Task Paused_subscriptions_wait_resumed_ones_deliver_and_a_rotated_secret_signs_beside_the_old_one()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var subscription = await SubscribeAsync(IituKey, receiver, new { Types = new[] { "event" } });
        var url = $"{Webhooks}/{subscription.Id}";
        using (var paused = await SendAsync(HttpMethod.Post, $"{url}/pause", IituKey))
        {
            Assert.Equal(WebhookStatus.Paused, (await ReadAsync<WebhookResponse>(paused, HttpStatusCode.OK)).Status);
        }
        await CreateEventAsync("webhook-paused");
        await Task.Delay(500);
        Assert.Empty(receiver.Arrived);

        using (var rotated = await SendAsync(HttpMethod.Post, $"{url}/rotate-secret", IituKey))
        {
            var answer = await ReadAsync<WebhookResponse>(rotated, HttpStatusCode.OK);
            Assert.NotEqual(subscription.Secret, answer.Secret);
            Assert.NotNull(answer.PreviousSecretExpiresAt);
            receiver.PreviousSecret = subscription.Secret;
            receiver.Secret = answer.Secret!;
        }
        using (var resumed = await SendAsync(HttpMethod.Post, $"{url}/resume", IituKey))
        {
            Assert.Equal(WebhookStatus.Active, (await ReadAsync<WebhookResponse>(resumed, HttpStatusCode.OK)).Status);
        }
        Assert.True(await WebhookReceiver.WaitAsync(() => receiver.Accepted.Count >= 1));
        var message = receiver.Accepted.Single();
        Assert.True(message.Verified && message.VerifiedWithPrevious, "Both secrets must verify during the grace period.");

        using (var deleted = await SendAsync(HttpMethod.Delete, url, IituKey))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using var gone = await SendAsync(HttpMethod.Get, url, IituKey);
        await ProblemAsync(gone, HttpStatusCode.NotFound);
        var audit = await GetAsync<PageDto<global::RoundTable.Api.ApiKeys.AuditEntryResponse>>("/api/v1/audit?limit=100", AdminKey);
        Assert.Equal(5, audit.Items.Count(a => a.ResourceType == "webhook_subscription" && a.ResourceId == subscription.Id));
    }

    [Fact]
    public async Task A_partner_sees_and_manages_only_its_institution_s_subscriptions_and_an_admin_sees_all()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var iitu = await SubscribeAsync(IituKey, receiver);
        var snu = await SubscribeAsync(SnuKey, receiver);
        using (var other = await SendAsync(HttpMethod.Get, $"{Webhooks}/{iitu.Id}", SnuKey))
        {
            await ProblemAsync(other, HttpStatusCode.NotFound);
        }
        using (var other = await SendAsync(HttpMethod.Delete, $"{Webhooks}/{iitu.Id}", SnuKey))
        {
            await ProblemAsync(other, HttpStatusCode.NotFound);
        }
        Assert.Equal([snu.Id], (await GetAsync<PageDto<WebhookResponse>>(Webhooks, SnuKey)).Items.Select(w => w.Id));
        Assert.Equal(new[] { iitu.Id, snu.Id }.Order(), (await GetAsync<PageDto<WebhookResponse>>(Webhooks, AdminKey)).Items.Select(w => w.Id).Order());
        using var anonymous = await SendAsync(HttpMethod.Get, Webhooks, null);
        await ProblemAsync(anonymous, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_ping_and_a_redelivery_are_sent_at_once_and_logged()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var subscription = await SubscribeAsync(IituKey, receiver);
        using var ping = await SendAsync(HttpMethod.Post, $"{Webhooks}/{subscription.Id}/ping", IituKey);
        var attempt = await ReadAsync<WebhookAttemptResponse>(ping, HttpStatusCode.OK);
        Assert.True(attempt.Succeeded);
        Assert.Equal(WebhookAttemptKind.Ping, attempt.Kind);
        Assert.Equal("webhook.ping", receiver.Accepted.Single().Json["type"]!.GetValue<string>());
        Assert.True(receiver.Accepted.Single().Verified);

        using var again = await SendAsync(HttpMethod.Post, $"{Webhooks}/{subscription.Id}/deliveries/{attempt.Id}/redeliver", IituKey);
        var redelivery = await ReadAsync<WebhookAttemptResponse>(again, HttpStatusCode.OK);
        Assert.Equal(WebhookAttemptKind.Redelivery, redelivery.Kind);
        Assert.Equal(attempt.MessageId, redelivery.MessageId);
        Assert.Equal(2, receiver.Accepted.Count(m => m.Id == attempt.MessageId && m.Verified));
        using var missing = await SendAsync(HttpMethod.Post, $"{Webhooks}/{subscription.Id}/deliveries/{Guid.NewGuid()}/redeliver", IituKey);
        await ProblemAsync(missing, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_subscription_of_a_revoked_key_is_disabled_and_says_why()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var keys = Factory.Services.GetRequiredService<global::RoundTable.Api.ApiKeys.ApiKeyCommands>();
        var (key, secret) = await keys.CreateAsync("short-lived", global::RoundTable.Api.ApiKeys.ApiKeyRole.Admin, null, null, CancellationToken.None);
        var subscription = await SubscribeAsync(secret, receiver);
        await keys.RevokeAsync(key.Id, null, CancellationToken.None);
        Assert.True(await WebhookReceiver.WaitAsync(() =>
            GetAsync<WebhookResponse>($"{Webhooks}/{subscription.Id}", AdminKey).Result.Status == WebhookStatus.Disabled));
        var shown = await GetAsync<WebhookResponse>($"{Webhooks}/{subscription.Id}", AdminKey);
        Assert.Contains("revoked", shown.DisabledReason);
    }

    [Theory]
    [InlineData("not a url", "url")]
    [InlineData("ftp://example.org/hook", "url")]
    [InlineData("https://user:pw@example.org/hook", "url")]
    public async Task A_bad_subscription_is_a_400_that_names_the_field_and_creates_nothing(string url, string field)
    {
        using var response = await SendAsync(HttpMethod.Post, Webhooks, IituKey, new { url });
        AssertFieldError(await ProblemAsync(response, HttpStatusCode.BadRequest), field);
        using var types = await SendAsync(HttpMethod.Post, Webhooks, IituKey, new { url = "https://example.org/hook", types = new[] { "nonsense" } });
        await ProblemAsync(types, HttpStatusCode.BadRequest);
        using var own = await SendAsync(HttpMethod.Post, Webhooks, AdminKey, new { url = "https://example.org/hook", ownEventsOnly = true });
        AssertFieldError(await ProblemAsync(own, HttpStatusCode.BadRequest), "ownEventsOnly");
        Assert.Empty((await GetAsync<PageDto<WebhookResponse>>(Webhooks, AdminKey)).Items);
    }

    [Theory]
    [InlineData("http://example.org/hook")]
    [InlineData("https://127.0.0.1/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://10.1.2.3/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://[::1]/hook")]
    public async Task Without_the_switches_targets_must_be_https_and_public(string url)
    {
        await using var strict = CreateFactory(ConnectionString);
        using var client = strict.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Webhooks)
        {
            Content = new StringContent($$"""{"url":"{{url}}"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", IituKey);
        using var response = await client.SendAsync(request);
        AssertFieldError(await ProblemAsync(response, HttpStatusCode.BadRequest), "url");
    }

    [Fact]
    public async Task A_name_that_resolves_to_a_private_address_is_refused_when_it_is_sent_to()
    {
        Assert.True(WebhookTargets.IsPrivate(IPAddress.Parse("192.168.1.10")));
        Assert.True(WebhookTargets.IsPrivate(IPAddress.Parse("::ffff:10.0.0.1")));
        Assert.True(WebhookTargets.IsPrivate(IPAddress.Parse("fd00::1")));
        Assert.False(WebhookTargets.IsPrivate(IPAddress.Parse("93.184.215.14")));

        Assert.True(WebhookTargets.IsPrivate(IPAddress.Parse("64:ff9b::a00:1"))); // NAT64 of 10.0.0.1
        Assert.True(WebhookTargets.IsPrivate(IPAddress.Parse("2002:a9fe:a9fe::1"))); // 6to4 of 169.254.169.254
        Assert.True(WebhookTargets.IsPrivate(IPAddress.Parse("::7f00:1"))); // IPv4-compatible 127.0.0.1
        Assert.False(WebhookTargets.IsPrivate(IPAddress.Parse("2001:db8::1")));

        // A name (not an address in the URL) that resolves to loopback: the sender resolves it, refuses to connect, and
        // records the attempt as failed with the reason.
        await using var receiver = await WebhookReceiver.StartAsync();
        var strict = Microsoft.Extensions.Options.Options.Create(new WebhookOptions { AllowPrivateTargets = false, RequireHttps = false });
        var dispatcher = new WebhookDispatcher(new WebhookTargets(strict), strict,
            Factory.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>());
        var row = new WebhookRow { Url = $"http://localhost:{receiver.Port}/hook", Secret = receiver.Secret };
        var outcome = await dispatcher.SendAsync(row, WebhookMessages.Ping(), CancellationToken.None);
        Assert.False(outcome.Succeeded);
        Assert.Null(outcome.ResponseStatus);
        Assert.Equal(new WebhookTargetRefusedException().Message, outcome.Error);
        Assert.Empty(receiver.Arrived);
    }
}
