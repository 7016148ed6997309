using System.Net;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Idempotency;

public sealed class IdempotencyTests : WriteApiTest
{
    private async Task<HttpResponseMessage> PostAsync(string idempotencyKey, object body, string? key = null, string? language = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events");
        if (language is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(language);
        }
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key ?? IituKey);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        request.Content = System.Net.Http.Json.JsonContent.Create(body);
        return await Client.SendAsync(request);
    }

    /// <summary>A quote added to the round table with IITU's key, If-Match "1" and <paramref name="idempotencyKey"/>.</summary>
    private async Task<HttpResponseMessage> PostQuoteAsync(string idempotencyKey, string text)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{RoundTable}/quotes");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", IituKey);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        request.Content = System.Net.Http.Json.JsonContent.Create(new { speaker = "kilkon-ko", text = new { en = text } });
        return await Client.SendAsync(request);
    }

    private Task<long> CountAsync(string slug) => ScalarAsync<long>($"SELECT count(*) FROM events WHERE slug = '{slug}'");

    [Fact]
    public async Task Twenty_replays_return_the_first_response_and_write_once()
    {
        var body = NewEvent("idempotent-event", "iitu");
        using var first = await PostAsync("create-idempotent-event", body);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var firstBody = await first.Content.ReadAsStringAsync();
        var audit = await ScalarAsync<long>("SELECT count(*) FROM audit_log");

        for (var i = 0; i < 20; i++)
        {
            using var replay = await PostAsync("create-idempotent-event", body);
            Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
            Assert.Equal(firstBody, await replay.Content.ReadAsStringAsync());
            Assert.Equal(first.Headers.Location, replay.Headers.Location);
            Assert.Equal(first.Headers.ETag, replay.Headers.ETag);
            Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        }
        Assert.Equal(1, await CountAsync("idempotent-event"));
        Assert.Equal(audit, await ScalarAsync<long>("SELECT count(*) FROM audit_log"));
    }

    [Fact]
    public async Task A_replay_is_the_first_response_in_its_language_whatever_the_retry_asks_for()
    {
        using var first = await PostAsync("language-key", NewEvent("language-event", "iitu"), language: "kk");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(["kk"], first.Content.Headers.ContentLanguage);
        using var replay = await PostAsync("language-key", NewEvent("language-event", "iitu"), language: "en");
        Assert.Equal(await first.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        Assert.Equal(["kk"], replay.Content.Headers.ContentLanguage);
        Assert.Contains("Цифрлық дағдылар семинары", await replay.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_a_422_problem()
    {
        using var first = await PostAsync("k-1", NewEvent("first-body", "iitu"));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        using var other = await PostAsync("k-1", NewEvent("second-body", "iitu"));
        await ProblemAsync(other, HttpStatusCode.UnprocessableEntity);
        Assert.Equal(0, await CountAsync("second-body"));
    }

    [Fact]
    public async Task Keys_belong_to_their_api_key()
    {
        using var iitu = await PostAsync("shared-key", NewEvent("iitu-event", "iitu"));
        Assert.Equal(HttpStatusCode.Created, iitu.StatusCode);
        using var admin = await PostAsync("shared-key", NewEvent("admin-event", "iitu"), AdminKey);
        Assert.Equal("admin-event", (await ReadAsync<EventDto>(admin, HttpStatusCode.Created)).Slug);
        Assert.False(admin.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(1, await CountAsync("admin-event"));
        Assert.Equal(1, await CountAsync("iitu-event"));
    }

    [Fact]
    public async Task A_failed_request_keeps_nothing_so_a_corrected_retry_can_use_the_key()
    {
        using var invalid = await PostAsync("retry-me", NewEvent("Bad Slug", "iitu"));
        await ProblemAsync(invalid, HttpStatusCode.BadRequest);
        using var forbidden = await PostAsync("retry-me", NewEvent("not-ours", "seoul-national-university"));
        await ProblemAsync(forbidden, HttpStatusCode.Forbidden);
        using var corrected = await PostAsync("retry-me", NewEvent("corrected", "iitu"));
        Assert.Equal("corrected", (await ReadAsync<EventDto>(corrected, HttpStatusCode.Created)).Slug);
        Assert.False(corrected.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task Concurrent_requests_with_one_key_write_once_and_the_others_wait_or_replay()
    {
        var body = NewEvent("raced-event", "iitu");
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            using var response = await PostAsync("raced", body);
            return (response.StatusCode, Replayed: response.Headers.Contains("Idempotent-Replayed"));
        }));

        Assert.Equal(1, await CountAsync("raced-event"));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created && !r.Replayed);
        // Each other request either overlapped the first (409) or came after it (its response, replayed).
        Assert.All(responses.Where(r => !(r.StatusCode == HttpStatusCode.Created && !r.Replayed)),
            r => Assert.True(r.StatusCode == HttpStatusCode.Conflict || (r.StatusCode == HttpStatusCode.Created && r.Replayed), r.ToString()));
    }

    [Fact]
    public async Task An_in_flight_key_answers_409()
    {
        // A first request that has claimed the key but not finished.
        var keyId = await ScalarAsync<Guid>("SELECT id FROM api_keys WHERE name = 'iitu'");
        await ExecuteSqlAsync($"INSERT INTO idempotency_keys (api_key_id, idempotency_key, request_hash) VALUES ('{keyId}', 'in-flight', '\\x00')");
        using var response = await PostAsync("in-flight", NewEvent("waiting", "iitu"));
        await ProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal(0, await CountAsync("waiting"));
    }

    [Fact]
    public async Task Keys_older_than_the_retention_are_forgotten()
    {
        using var first = await PostAsync("old-key", NewEvent("old-event", "iitu"));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        await ExecuteSqlAsync("UPDATE idempotency_keys SET created_at = now() - interval '25 hours'");
        using var later = await PostAsync("old-key", NewEvent("new-event-same-key", "iitu"));
        Assert.Equal("new-event-same-key", (await ReadAsync<EventDto>(later, HttpStatusCode.Created)).Slug);
        Assert.False(later.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task A_malformed_key_is_a_400_problem()
    {
        using var response = await PostAsync(new string('k', 256), NewEvent("long-key", "iitu"));
        AssertFieldError(await ProblemAsync(response, HttpStatusCode.BadRequest), "Idempotency-Key");
    }

    [Fact]
    public async Task Every_post_route_accepts_an_idempotency_key()
    {
        // Raw JSON: the OpenAPI document, not an API resource.
        var document = await GetJsonAsync("/openapi/v1.json");
        var posts = document["paths"]!.AsObject().Select(p => p.Value!["post"]).OfType<System.Text.Json.Nodes.JsonNode>().ToList();
        Assert.True(posts.Count >= 10);
        Assert.All(posts, post => Assert.Contains(post["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "Idempotency-Key"));

        // A relation POST replayed: one quote, the same answer twice.
        Task<HttpResponseMessage> SendQuoteAsync() => PostQuoteAsync("quote-once", "Once.");
        using var first = await SendQuoteAsync();
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        using var again = await SendQuoteAsync();
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(2L, await ScalarAsync<long>("SELECT count(*) FROM event_quotes"));
    }

    // The process dies after the write commits and before its answer is kept: simulated by a trigger that refuses to
    // keep any answer, and by ageing the claim past the point where an unfinished one counts as abandoned.
    private async Task LoseAnswersAsync(Func<Task> requests)
    {
        await ExecuteSqlAsync("""
            CREATE FUNCTION lose_answer() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.status_code IS NOT NULL THEN RAISE EXCEPTION 'the process died before its answer was kept'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER lose_answer BEFORE UPDATE ON idempotency_keys FOR EACH ROW EXECUTE FUNCTION lose_answer();
            """);
        try
        {
            await requests();
        }
        finally
        {
            await ExecuteSqlAsync("DROP TRIGGER lose_answer ON idempotency_keys; DROP FUNCTION lose_answer();");
        }
        await ExecuteSqlAsync("UPDATE idempotency_keys SET created_at = now() - interval '1 minute'");
    }

    [Fact]
    public async Task A_create_whose_answer_was_lost_is_answered_from_what_it_wrote_and_never_written_twice()
    {
        var body = NewEvent("lost-answer-event", "iitu");
        await LoseAnswersAsync(async () =>
        {
            // The write happened, so its client hears 201 even though the answer could not be kept.
            using var first = await PostAsync("lost-answer", body);
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        });
        var audit = await ScalarAsync<long>("SELECT count(*) FROM audit_log");

        using var retry = await PostAsync("lost-answer", body);
        var created = await ReadAsync<EventDto>(retry, HttpStatusCode.Created);
        Assert.Equal("lost-answer-event", created.Slug);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal($"/api/v1/events/{created.Id}", retry.Headers.Location!.OriginalString);
        using var read = await Client.GetAsync($"/api/v1/events/{created.Id}");
        Assert.Equal(read.Headers.ETag, retry.Headers.ETag);
        using var again = await PostAsync("lost-answer", body);
        Assert.Equal(await retry.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());

        Assert.Equal(1, await CountAsync("lost-answer-event"));
        Assert.Equal(audit, await ScalarAsync<long>("SELECT count(*) FROM audit_log"));
        using var other = await PostAsync("lost-answer", NewEvent("another-body", "iitu"));
        await ProblemAsync(other, HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task A_relation_entry_whose_answer_was_lost_is_answered_from_its_parent_without_a_stale_if_match()
    {
        Task<HttpResponseMessage> AddQuoteAsync() => PostQuoteAsync("lost-quote", "Said once.");
        await LoseAnswersAsync(async () =>
        {
            using var first = await AddQuoteAsync();
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        });

        // The If-Match the retry repeats is stale now (the entry bumped the event): the retry still replays.
        using var retry = await AddQuoteAsync();
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(RoundTable, retry.Headers.Location!.OriginalString);
        using var read = await Client.GetAsync(RoundTable);
        Assert.Equal(read.Headers.ETag, retry.Headers.ETag);
        Assert.StartsWith("\"2.", retry.Headers.ETag!.Tag);
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM event_quotes WHERE text->>'en' = 'Said once.'"));
    }
}
