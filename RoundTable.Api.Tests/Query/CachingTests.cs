using System.Net;
using System.Net.Http.Headers;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Query;

/// <summary>ETag, Last-Modified, 304s and Cache-Control on every GET; writes change the ETags of what they affect.</summary>
public sealed class CachingTests : WriteApiTest
{
    private async Task<HttpResponseMessage> GetAsync(string url, Action<HttpRequestHeaders>? headers = null, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        headers?.Invoke(request.Headers);
        return await (client ?? Client).SendAsync(request);
    }

    [Theory]
    [InlineData("/api/v1/events/iitu-snu-round-table-2024")]
    [InlineData("/api/v1/events?limit=5")]
    [InlineData("/api/v1/events/iitu-snu-round-table-2024/participants")]
    [InlineData("/api/v1/speakers/kilkon-ko")]
    [InlineData("/api/v1/speakers")]
    [InlineData("/api/v1/institutions/iitu")]
    [InlineData("/api/v1/institutions?country=KZ")]
    [InlineData("/api/v1/recommendations")]
    [InlineData("/api/v1/search?q=digital")]
    public async Task Every_get_has_validators_and_answers_304_to_them(string url)
    {
        using var first = await GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        var lastModified = first.Content.Headers.LastModified;
        Assert.NotNull(lastModified);
        Assert.NotNull(first.Headers.CacheControl);

        using var byTag = await GetAsync(url, h => h.IfNoneMatch.Add(etag));
        Assert.Equal(HttpStatusCode.NotModified, byTag.StatusCode);
        Assert.Empty(await byTag.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, byTag.Headers.ETag);

        var settled = await SettledLastModifiedAsync(url);
        using var byDate = await GetAsync(url, h => h.IfModifiedSince = settled);
        Assert.Equal(HttpStatusCode.NotModified, byDate.StatusCode);

        using var otherTag = await GetAsync(url, h => h.IfNoneMatch.Add(new EntityTagHeaderValue("\"other\"")));
        Assert.Equal(HttpStatusCode.OK, otherTag.StatusCode);
        Assert.NotEmpty(await otherTag.Content.ReadAsByteArrayAsync());

        // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
        using var both = await GetAsync(url, h =>
        {
            h.IfNoneMatch.Add(new EntityTagHeaderValue("\"other\""));
            h.IfModifiedSince = lastModified;
        });
        Assert.Equal(HttpStatusCode.OK, both.StatusCode);
    }

    /// <summary>
    /// A Last-Modified that If-Modified-Since matches: HTTP dates have whole seconds, so dates settle once the newest
    /// change is in an earlier second than the read (until then no date matches).
    /// </summary>
    private async Task<DateTimeOffset> SettledLastModifiedAsync(string url, HttpClient? client = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            using var response = await GetAsync(url, client: client);
            var lastModified = response.Content.Headers.LastModified!.Value;
            using var check = await GetAsync(url, h => h.IfModifiedSince = lastModified, client);
            if (check.StatusCode == HttpStatusCode.NotModified)
            {
                return lastModified;
            }
            Assert.Equal(HttpStatusCode.OK, check.StatusCode);
            Assert.True(DateTime.UtcNow < deadline, "No Last-Modified date ever matched If-Modified-Since.");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task A_change_in_the_same_second_as_the_newest_one_still_defeats_If_Modified_Since()
    {
        // Quick renames: the date a reader got just before each must not match after it. The loop goes on until
        // renames have landed in the same second as the change before them (HTTP dates cannot tell those apart).
        const string sql = "SELECT floor(extract(epoch FROM max(changed_at)))::bigint FROM changes";
        var sameSecond = 0;
        for (var i = 0; i < 40 && (i < 6 || sameSecond < 2); i++)
        {
            var newestBefore = await ScalarAsync<long>(sql);
            using var before = await GetAsync("/api/v1/speakers/kilkon-ko");
            var lastModified = before.Content.Headers.LastModified!.Value;
            using var renamed = await SendAsync(HttpMethod.Patch, "/api/v1/speakers/kilkon-ko", AdminKey,
                $$$"""{"fullName": {"en": "Kilkon Ko {{{i}}}"}}""", before.Headers.ETag!.Tag, "application/merge-patch+json");
            Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
            if (await ScalarAsync<long>(sql) == newestBefore)
            {
                sameSecond++;
            }
            using var after = await GetAsync("/api/v1/speakers/kilkon-ko", h => h.IfModifiedSince = lastModified);
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
            Assert.Contains($"Kilkon Ko {i}", await after.Content.ReadAsStringAsync());
        }
        Assert.True(sameSecond >= 2, $"Only {sameSecond} renames landed in the second of the change before them.");
        // Once settled, the date matches again.
        await SettledLastModifiedAsync("/api/v1/speakers/kilkon-ko");
    }

    [Fact]
    public async Task A_revalidation_at_an_unchanged_snapshot_is_answered_without_running_the_handler()
    {
        using var first = await GetAsync(RoundTable);
        var etag = first.Headers.ETag!;
        var full = await CountCommandsAsync(async () =>
        {
            using var response = await GetAsync(RoundTable, h => h.IfNoneMatch.Add(new EntityTagHeaderValue("\"other\"")));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });
        Assert.True(full >= 2, $"A full answer ran {full} commands.");
        // Tests running beside this one commit in the same cluster, and the snapshot is the cluster's: when one moves it
        // between two requests, the handler runs again (and hands out the same ETag). A few tries find a quiet moment.
        var fewest = int.MaxValue;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (fewest > 1 && DateTime.UtcNow < deadline)
        {
            fewest = Math.Min(fewest, await CountCommandsAsync(async () =>
            {
                using var response = await GetAsync(RoundTable, h => h.IfNoneMatch.Add(etag));
                Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
                Assert.Equal(etag, response.Headers.ETag);
                Assert.True(response.Headers.CacheControl!.Public);
                Assert.Contains("Authorization", response.Headers.Vary);
            }));
        }
        Assert.Equal(1, fewest);
    }

    /// <summary>The app over this test's database, with plain reads reusing a confirmed state for ten minutes.</summary>
    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> LongStateReuse() =>
        CreateFactory(ConnectionString, settings: new Dictionary<string, string> { ["Caching:StateReuseMilliseconds"] = "600000" });

    [Fact]
    public async Task A_plain_read_reuses_the_database_state_another_request_confirmed()
    {
        await using var app = LongStateReuse();
        using var client = app.CreateClient();
        (await client.GetAsync(RoundTable)).Dispose(); // warm-up: the data source loads its type information once
        var conditional = await CountCommandsAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, RoundTable);
            request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"other\""));
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });
        var plain = await CountCommandsAsync(async () =>
        {
            using var response = await client.GetAsync(RoundTable);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotNull(response.Content.Headers.LastModified);
        });
        Assert.Equal(conditional - 1, plain);
    }

    [Fact]
    public async Task A_revalidation_never_reuses_a_state_from_before_a_write()
    {
        await using var app = LongStateReuse();
        using var client = app.CreateClient();
        const string url = "/api/v1/speakers/kilkon-ko";
        Task<HttpResponseMessage> Get(Action<HttpRequestHeaders>? headers = null) => GetAsync(url, headers, client);
        // A settled date (a revalidation reads the state afresh each time)...
        var settled = await SettledLastModifiedAsync(url, client);
        // ...and a validator filed by a plain read, under the state that revalidation confirmed.
        using var before = await Get();
        var etag = before.Headers.ETag!;
        using var renamed = await SendAsync(HttpMethod.Patch, url, AdminKey,
            """{"fullName": {"en": "Kilkon Ko, renamed"}}""", etag.Tag, "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);

        // The state the plain reads may still reuse is from before the write: revalidations must not use it.
        using var byTag = await Get(h => h.IfNoneMatch.Add(etag));
        Assert.Equal(HttpStatusCode.OK, byTag.StatusCode);
        Assert.Contains("Kilkon Ko, renamed", await byTag.Content.ReadAsStringAsync());
        using var byDate = await Get(h => h.IfModifiedSince = settled);
        Assert.Equal(HttpStatusCode.OK, byDate.StatusCode);
    }

    [Fact]
    public async Task A_validator_handed_to_a_key_answers_no_one_else()
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(NewEvent("secret-draft", "iitu"),
            new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)))!.AsObject();
        body["published"] = false;
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/events", IituKey, body.ToJsonString());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        const string draft = "/api/v1/events/secret-draft";
        using var keyed = await GetAsync(draft, h => h.Authorization = new AuthenticationHeaderValue("Bearer", IituKey));
        Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
        var etag = keyed.Headers.ETag!;

        using var again = await GetAsync(draft, h =>
        {
            h.Authorization = new AuthenticationHeaderValue("Bearer", IituKey);
            h.IfNoneMatch.Add(etag);
        });
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.True(again.Headers.CacheControl!.Private);
        using var anonymous = await GetAsync(draft, h => h.IfNoneMatch.Add(etag));
        Assert.Equal(HttpStatusCode.NotFound, anonymous.StatusCode);
        using var otherKey = await GetAsync(draft, h =>
        {
            h.Authorization = new AuthenticationHeaderValue("Bearer", SnuKey);
            h.IfNoneMatch.Add(etag);
        });
        Assert.Equal(HttpStatusCode.NotFound, otherKey.StatusCode);
    }

    [Fact]
    public async Task Anonymous_reads_are_publicly_cacheable_for_a_short_time_and_keyed_ones_are_private()
    {
        using var anonymous = await GetAsync(RoundTable);
        Assert.True(anonymous.Headers.CacheControl!.Public);
        Assert.InRange(anonymous.Headers.CacheControl.MaxAge!.Value.TotalSeconds, 1, 300);
        using var keyed = await GetAsync(RoundTable, h => h.Authorization = new AuthenticationHeaderValue("Bearer", IituKey));
        Assert.True(keyed.Headers.CacheControl!.Private);
        Assert.Contains("Authorization", anonymous.Headers.Vary);
        using var feed = await GetAsync("/api/v1/changes");
        Assert.True(feed.Headers.CacheControl!.NoCache);
        // The feed depends on which transactions are still running, not only on dates: ETag only.
        Assert.Null(feed.Content.Headers.LastModified);
        using var again = await GetAsync("/api/v1/changes", h => h.IfNoneMatch.Add(feed.Headers.ETag!));
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
    }

    [Fact]
    public async Task Each_language_and_format_has_its_own_etag()
    {
        using var en = await GetAsync("/api/v1/institutions/iitu");
        using var kk = await GetAsync("/api/v1/institutions/iitu", h => h.AcceptLanguage.ParseAdd("kk"));
        using var ld = await GetAsync("/api/v1/institutions/iitu", h => h.Accept.ParseAdd("application/ld+json"));
        Assert.NotEqual(en.Headers.ETag, kk.Headers.ETag);
        Assert.NotEqual(en.Headers.ETag, ld.Headers.ETag);
        using var kkRevalidated = await GetAsync("/api/v1/institutions/iitu", h =>
        {
            h.AcceptLanguage.ParseAdd("kk");
            h.IfNoneMatch.Add(en.Headers.ETag!);
        });
        Assert.Equal(HttpStatusCode.OK, kkRevalidated.StatusCode);
    }

    [Fact]
    public async Task Renaming_a_participant_changes_the_events_etag_and_the_lists_that_show_it()
    {
        using var eventBefore = await GetAsync(RoundTable);
        using var listBefore = await GetAsync("/api/v1/speakers");
        using var institutionBefore = await GetAsync("/api/v1/institutions/iitu");

        using var speaker = await GetAsync("/api/v1/speakers/kilkon-ko");
        using var renamed = await SendAsync(HttpMethod.Patch, "/api/v1/speakers/kilkon-ko", AdminKey,
            """{"fullName": {"en": "Kilkon Ko (SNU)", "ko": "고길곤"}}""", speaker.Headers.ETag!.Tag, "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);

        using var eventAfter = await GetAsync(RoundTable, h => h.IfNoneMatch.Add(eventBefore.Headers.ETag!));
        Assert.Equal(HttpStatusCode.OK, eventAfter.StatusCode);
        Assert.NotEqual(eventBefore.Headers.ETag, eventAfter.Headers.ETag);
        // The event's own version did not change: its ETag still works as If-Match.
        Assert.Equal(VersionOf(eventBefore), VersionOf(eventAfter));

        using var listAfter = await GetAsync("/api/v1/speakers", h => h.IfNoneMatch.Add(listBefore.Headers.ETag!));
        Assert.Equal(HttpStatusCode.OK, listAfter.StatusCode);
        using var sinceBefore = await GetAsync("/api/v1/speakers", h => h.IfModifiedSince = listBefore.Content.Headers.LastModified!.Value.AddSeconds(-1));
        Assert.Equal(HttpStatusCode.OK, sinceBefore.StatusCode);

        // What the change does not touch keeps its ETag.
        using var institutionAfter = await GetAsync("/api/v1/institutions/iitu", h => h.IfNoneMatch.Add(institutionBefore.Headers.ETag!));
        Assert.Equal(HttpStatusCode.NotModified, institutionAfter.StatusCode);
    }

    [Fact]
    public async Task Errors_carry_no_validators()
    {
        using var missing = await GetAsync("/api/v1/events/no-such-event");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Null(missing.Headers.ETag);
        using var bad = await GetAsync("/api/v1/events?kind=party", h => h.IfNoneMatch.Add(new EntityTagHeaderValue("\"x\"")));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
