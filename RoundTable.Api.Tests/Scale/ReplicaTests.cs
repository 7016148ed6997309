using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Scale;

/// <summary>
/// Three API processes (hosts) on one database, as behind a load balancer: a representation has the same validators on
/// each, a revalidation after a write through another replica is a 200, and idempotency keys, key revocation and the
/// change feed behave as on one process. In the cluster alone: the validators follow the database snapshot.
/// </summary>
[Collection(AloneInTheClusterCollection.Name)]
public sealed class ReplicaTests : WriteApiTest
{
    private WebApplicationFactory<Program> _b = null!;
    private WebApplicationFactory<Program> _c = null!;
    private HttpClient _replicaB = null!;
    private HttpClient _replicaC = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _b = CreateFactory(ConnectionString);
        _c = CreateFactory(ConnectionString);
        _replicaB = _b.CreateContractClient();
        _replicaC = _c.CreateContractClient();
    }

    public override async Task DisposeAsync()
    {
        _replicaB.Dispose();
        _replicaC.Dispose();
        await _b.DisposeAsync();
        await _c.DisposeAsync();
        await base.DisposeAsync();
    }

    private HttpClient[] Replicas => [Client, _replicaB, _replicaC];

    [Theory]
    [InlineData("/api/v1/events/iitu-snu-round-table-2024", null)]
    [InlineData("/api/v1/events/iitu-snu-round-table-2024", "kk")]
    [InlineData("/api/v1/events?limit=5", null)]
    [InlineData("/api/v1/speakers?limit=3", "ko")]
    [InlineData("/api/v1/recommendations?limit=4", null)]
    [InlineData("/api/v1/institutions/iitu", "ru")]
    public async Task A_representation_has_the_same_validators_on_every_replica_and_each_revalidates_the_others(string url, string? language)
    {
        var answers = new List<(string ETag, string? LastModified, string Body)>();
        foreach (var replica in Replicas)
        {
            using var response = await replica.RequestAsync(HttpMethod.Get, url, headers: r =>
            {
                if (language is not null)
                {
                    r.Headers.AcceptLanguage.ParseAdd(language);
                }
            });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            answers.Add((response.Headers.ETag!.ToString(), response.Content.Headers.LastModified?.ToString("R"), await response.Content.ReadAsStringAsync()));
        }
        Assert.Single(answers.Select(a => a.ETag).Distinct());
        Assert.Single(answers.Select(a => a.Body).Distinct());
        Assert.Single(answers.Select(a => a.LastModified).Distinct());

        // Each replica answers 304 to the validator another handed out.
        for (var i = 0; i < Replicas.Length; i++)
        {
            using var revalidated = await Replicas[(i + 1) % Replicas.Length].RequestAsync(HttpMethod.Get, url, headers: r =>
            {
                r.Headers.TryAddWithoutValidation("If-None-Match", answers[i].ETag);
                if (language is not null)
                {
                    r.Headers.AcceptLanguage.ParseAdd(language);
                }
            });
            Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
            Assert.Equal(answers[i].ETag, revalidated.Headers.ETag!.ToString());
        }
    }

    [Fact]
    public async Task A_revalidation_after_a_write_through_another_replica_is_a_200_never_a_stale_304()
    {
        // Every replica has handed out (and filed) the event's validators.
        var tags = new List<string>();
        string? lastModified = null;
        foreach (var replica in Replicas)
        {
            using var read = await replica.RequestAsync(HttpMethod.Get, RoundTable);
            tags.Add(read.Headers.ETag!.ToString());
            lastModified = read.Content.Headers.LastModified!.Value.ToString("R");
            using var again = await replica.RequestAsync(HttpMethod.Get, RoundTable, headers: r => r.Headers.TryAddWithoutValidation("If-None-Match", tags[^1]));
            Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        }
        var etag = tags[0];
        // One second on, so that the write's change is dated in a later second than the validators' Last-Modified.
        await Task.Delay(1100);

        using var write = await _replicaB.RequestAsync(HttpMethod.Patch, RoundTable, IituKey, """{"status":"postponed"}""", "application/merge-patch+json",
            r => r.Headers.TryAddWithoutValidation("If-Match", etag));
        Assert.Equal(HttpStatusCode.OK, write.StatusCode);
        var written = write.Headers.ETag!.ToString();

        foreach (var replica in Replicas)
        {
            using var byTag = await replica.RequestAsync(HttpMethod.Get, RoundTable, headers: r => r.Headers.TryAddWithoutValidation("If-None-Match", etag));
            Assert.Equal(HttpStatusCode.OK, byTag.StatusCode);
            Assert.Contains("\"postponed\"", await byTag.Content.ReadAsStringAsync());
            Assert.Equal(written, byTag.Headers.ETag!.ToString());
            using var byDate = await replica.RequestAsync(HttpMethod.Get, RoundTable, headers: r => r.Headers.TryAddWithoutValidation("If-Modified-Since", lastModified));
            Assert.Equal(HttpStatusCode.OK, byDate.StatusCode);
            using var current = await replica.RequestAsync(HttpMethod.Get, RoundTable, headers: r => r.Headers.TryAddWithoutValidation("If-None-Match", written));
            Assert.Equal(HttpStatusCode.NotModified, current.StatusCode);
        }
    }

    [Fact]
    public async Task An_idempotency_key_replays_on_any_replica_and_the_write_happens_once()
    {
        var body = System.Text.Json.JsonSerializer.Serialize(NewEvent("replicated-event", "iitu"));
        Action<HttpRequestMessage> key = r => r.Headers.Add("Idempotency-Key", "across-replicas");
        using var first = await Client.RequestAsync(HttpMethod.Post, "/api/v1/events", IituKey, body, headers: key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var firstBody = await first.Content.ReadAsStringAsync();
        foreach (var replica in new[] { _replicaB, _replicaC })
        {
            using var replay = await replica.RequestAsync(HttpMethod.Post, "/api/v1/events", IituKey, body, headers: key);
            Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
            Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
            Assert.Equal(firstBody, await replay.Content.ReadAsStringAsync());
            Assert.Equal(first.Headers.ETag, replay.Headers.ETag);
        }

        // The same key sent to all three at once: one write, the others wait and replay or hear 409.
        var raced = System.Text.Json.JsonSerializer.Serialize(NewEvent("raced-across-replicas", "iitu"));
        var answers = await Task.WhenAll(Replicas.SelectMany(r => new[] { r, r }).Select(async replica =>
        {
            using var response = await replica.RequestAsync(HttpMethod.Post, "/api/v1/events", IituKey, raced, headers: r => r.Headers.Add("Idempotency-Key", "raced-across"));
            return (response.StatusCode, Replayed: response.Headers.Contains("Idempotent-Replayed"));
        }));
        Assert.Single(answers, a => a is { StatusCode: HttpStatusCode.Created, Replayed: false });
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, a.ToString()));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM events WHERE slug IN ('replicated-event')"));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM events WHERE slug IN ('raced-across-replicas')"));
    }

    [Fact]
    public async Task A_key_revoked_through_one_replica_is_refused_at_once_by_the_others()
    {
        foreach (var replica in Replicas)
        {
            using var allowed = await replica.RequestAsync(HttpMethod.Get, "/api/v1/webhooks", IituKey);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }
        var iitu = await ScalarAsync<Guid>("SELECT id FROM api_keys WHERE name = 'iitu'");
        using var revoke = await _replicaC.RequestAsync(HttpMethod.Delete, $"/api/v1/api-keys/{iitu}", AdminKey);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        foreach (var replica in Replicas)
        {
            using var refused = await replica.RequestAsync(HttpMethod.Get, "/api/v1/webhooks", IituKey);
            await ProblemAsync(refused, HttpStatusCode.Unauthorized);
            using var write = await replica.RequestAsync(HttpMethod.Patch, RoundTable, IituKey, """{"status":"postponed"}""", "application/merge-patch+json");
            await ProblemAsync(write, HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task The_change_feed_reads_the_same_on_every_replica_and_a_cursor_from_one_continues_on_another()
    {
        using var start = await _replicaC.RequestAsync(HttpMethod.Get, "/api/v1/changes?limit=1000");
        var cursor = (await ReadAsync<ChangePageDto>(start, HttpStatusCode.OK)).NextCursor;

        var written = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            var replica = Replicas[i % 3];
            using var create = await replica.RequestAsync(HttpMethod.Post, "/api/v1/events", IituKey,
                System.Text.Json.JsonSerializer.Serialize(NewEvent($"feed-replica-{i}", "iitu")));
            Assert.Equal(HttpStatusCode.Created, create.StatusCode);
            written.Add(System.Text.Json.Nodes.JsonNode.Parse(await create.Content.ReadAsStringAsync())!["id"]!.GetValue<Guid>());
        }

        var pages = new List<string>();
        foreach (var replica in Replicas)
        {
            using var page = await replica.RequestAsync(HttpMethod.Get, $"/api/v1/changes?cursor={cursor}&limit=1000");
            pages.Add(await page.Content.ReadAsStringAsync());
        }
        Assert.Single(pages.Distinct());
        var all = WireJson.Deserialize<ChangePageDto>(pages[0]);
        Assert.Equal(written, all.Items.Where(c => c.Type == "event").Select(c => c.Id).ToList());

        // Paging through one replica after another gives the same changes, in order, each once.
        var seen = new List<Guid>();
        var next = cursor;
        for (var hop = 0; hop < 20; hop++)
        {
            using var page = await Replicas[hop % 3].RequestAsync(HttpMethod.Get, $"/api/v1/changes?cursor={next}&limit=2");
            var body = await ReadAsync<ChangePageDto>(page, HttpStatusCode.OK);
            seen.AddRange(body.Items.Where(c => c.Type == "event").Select(c => c.Id));
            next = body.NextCursor;
            if (!body.HasMore)
            {
                break;
            }
        }
        Assert.Equal(written, seen);
        Assert.Equal(all.NextCursor, next);
    }
}
