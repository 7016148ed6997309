using System.Net;
using System.Net.Http.Headers;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Caching;

/// <summary>
/// ETag, Last-Modified, 304s and Cache-Control on every GET; writes change the ETags of what they affect. Alone in the
/// cluster: validators depend on its snapshot, which any other test's commit moves.
/// </summary>
[Collection(AloneInTheClusterCollection.Name)]
public sealed class CachingTests : WriteApiTest
{
    private async Task<HttpResponseMessage> RequestAsync(string url, Action<HttpRequestHeaders>? headers = null, HttpClient? client = null)
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
        using var first = await RequestAsync(url);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        var lastModified = first.Content.Headers.LastModified;
        Assert.NotNull(lastModified);
        Assert.NotNull(first.Headers.CacheControl);

        using var byTag = await RequestAsync(url, h => h.IfNoneMatch.Add(etag));
        Assert.Equal(HttpStatusCode.NotModified, byTag.StatusCode);
        Assert.Empty(await byTag.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, byTag.Headers.ETag);

        var settled = await SettledLastModifiedAsync(url);
        using var byDate = await RequestAsync(url, h => h.IfModifiedSince = settled);
        Assert.Equal(HttpStatusCode.NotModified, byDate.StatusCode);

        using var otherTag = await RequestAsync(url, h => h.IfNoneMatch.Add(new EntityTagHeaderValue("\"other\"")));
        Assert.Equal(HttpStatusCode.OK, otherTag.StatusCode);
        Assert.NotEmpty(await otherTag.Content.ReadAsByteArrayAsync());

        // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
        using var both = await RequestAsync(url, h =>
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
            using var response = await RequestAsync(url, client: client);
            var lastModified = response.Content.Headers.LastModified!.Value;
            using var check = await RequestAsync(url, h => h.IfModifiedSince = lastModified, client);
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
    public async Task A_rename_after_reading_Last_Modified_defeats_If_Modified_Since_with_that_date()
    {
        // Whether the rename lands in the same second as the newest change or later, the date read before it must not
        // match after it (DatabaseStateTests covers each case deterministically).
        const string url = "/api/v1/speakers/kilkon-ko";
        using var before = await RequestAsync(url);
        var lastModified = before.Content.Headers.LastModified!.Value;
        using var renamed = await SendAsync(HttpMethod.Patch, url, AdminKey,
            """{"fullName": {"en": "Kilkon Ko, renamed"}}""", before.Headers.ETag!.Tag, "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);

        using var after = await RequestAsync(url, h => h.IfModifiedSince = lastModified);
        var speaker = await ReadAsync<SpeakerDto>(after, HttpStatusCode.OK);
        Assert.Equal("Kilkon Ko, renamed", speaker.FullName);
        Assert.Equal(2, speaker.Version);
        Assert.NotEqual(before.Headers.ETag, after.Headers.ETag);
        // Once settled, a date matches again, and it is not older than the one read before the rename.
        Assert.True(await SettledLastModifiedAsync(url) >= lastModified);
    }

    [Fact]
    public async Task A_revalidation_at_an_unchanged_snapshot_is_answered_without_running_the_handler()
    {
        using var first = await RequestAsync(RoundTable);
        var etag = first.Headers.ETag!;
        var full = await CountCommandsAsync(async () =>
        {
            using var response = await RequestAsync(RoundTable, h => h.IfNoneMatch.Add(new EntityTagHeaderValue("\"other\"")));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });
        Assert.True(full >= 2, $"A full answer ran {full} commands.");
        var revalidation = await CountCommandsAsync(async () =>
        {
            using var response = await RequestAsync(RoundTable, h => h.IfNoneMatch.Add(etag));
            Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
            Assert.Equal(etag, response.Headers.ETag);
            Assert.True(response.Headers.CacheControl!.Public);
            Assert.Contains("Authorization", response.Headers.Vary);
        });
        // One command: the state query; the handler's queries do not run.
        Assert.Equal(1, revalidation);
    }

    /// <summary>The app over this test's database, with plain reads reusing a confirmed state for ten minutes.</summary>
    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> LongStateReuse() =>
        CreateFactory(ConnectionString, settings: new Dictionary<string, string> { ["Caching:StateReuseMilliseconds"] = "600000" });

    [Fact]
    public async Task A_plain_read_reuses_the_database_state_another_request_confirmed()
    {
        await using var app = LongStateReuse();
        using var client = app.CreateContractClient();
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
        using var client = app.CreateContractClient();
        const string url = "/api/v1/speakers/kilkon-ko";
        Task<HttpResponseMessage> Get(Action<HttpRequestHeaders>? headers = null) => RequestAsync(url, headers, client);
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
        Assert.Equal("Kilkon Ko, renamed", (await ReadAsync<SpeakerDto>(byTag, HttpStatusCode.OK)).FullName);
        using var byDate = await Get(h => h.IfModifiedSince = settled);
        Assert.Equal(HttpStatusCode.OK, byDate.StatusCode);
    }

    [Fact]
    public async Task A_validator_handed_to_a_key_answers_no_one_else()
    {
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/events", IituKey, NewDraft("secret-draft", "iitu"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        const string draft = "/api/v1/events/secret-draft";
        using var keyed = await RequestAsync(draft, h => h.Authorization = new AuthenticationHeaderValue("Bearer", IituKey));
        Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
        var etag = keyed.Headers.ETag!;

        using var again = await RequestAsync(draft, h =>
        {
            h.Authorization = new AuthenticationHeaderValue("Bearer", IituKey);
            h.IfNoneMatch.Add(etag);
        });
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.True(again.Headers.CacheControl!.Private);
        using var anonymous = await RequestAsync(draft, h => h.IfNoneMatch.Add(etag));
        Assert.Equal(HttpStatusCode.NotFound, anonymous.StatusCode);
        using var otherKey = await RequestAsync(draft, h =>
        {
            h.Authorization = new AuthenticationHeaderValue("Bearer", SnuKey);
            h.IfNoneMatch.Add(etag);
        });
        Assert.Equal(HttpStatusCode.NotFound, otherKey.StatusCode);
    }

    [Fact]
    public async Task Anonymous_reads_are_publicly_cacheable_for_a_short_time_and_keyed_ones_are_private()
    {
        using var anonymous = await RequestAsync(RoundTable);
        Assert.True(anonymous.Headers.CacheControl!.Public);
        Assert.InRange(anonymous.Headers.CacheControl.MaxAge!.Value.TotalSeconds, 1, 300);
        using var keyed = await RequestAsync(RoundTable, h => h.Authorization = new AuthenticationHeaderValue("Bearer", IituKey));
        Assert.True(keyed.Headers.CacheControl!.Private);
        Assert.Contains("Authorization", anonymous.Headers.Vary);
        using var feed = await RequestAsync("/api/v1/changes");
        Assert.True(feed.Headers.CacheControl!.NoCache);
        // The feed depends on which transactions are still running, not only on dates: ETag only.
        Assert.Null(feed.Content.Headers.LastModified);
        using var again = await RequestAsync("/api/v1/changes", h => h.IfNoneMatch.Add(feed.Headers.ETag!));
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
    }

    [Fact]
    public async Task Each_language_and_format_has_its_own_etag()
    {
        using var en = await RequestAsync("/api/v1/institutions/iitu");
        using var kk = await RequestAsync("/api/v1/institutions/iitu", h => h.AcceptLanguage.ParseAdd("kk"));
        using var ld = await RequestAsync("/api/v1/institutions/iitu.jsonld");
        Assert.NotEqual(en.Headers.ETag, kk.Headers.ETag);
        Assert.NotEqual(en.Headers.ETag, ld.Headers.ETag);
        using var kkRevalidated = await RequestAsync("/api/v1/institutions/iitu", h =>
        {
            h.AcceptLanguage.ParseAdd("kk");
            h.IfNoneMatch.Add(en.Headers.ETag!);
        });
        Assert.Equal(HttpStatusCode.OK, kkRevalidated.StatusCode);
    }

    [Fact]
    public async Task Renaming_a_participant_changes_the_events_etag_and_the_lists_that_show_it()
    {
        using var eventBefore = await RequestAsync(RoundTable);
        using var listBefore = await RequestAsync("/api/v1/speakers");
        using var institutionBefore = await RequestAsync("/api/v1/institutions/iitu");

        using var speaker = await RequestAsync("/api/v1/speakers/kilkon-ko");
        using var renamed = await SendAsync(HttpMethod.Patch, "/api/v1/speakers/kilkon-ko", AdminKey,
            """{"fullName": {"en": "Kilkon Ko (SNU)", "ko": "고길곤"}}""", speaker.Headers.ETag!.Tag, "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);

        using var eventAfter = await RequestAsync(RoundTable, h => h.IfNoneMatch.Add(eventBefore.Headers.ETag!));
        var ev = await ReadAsync<EventDto>(eventAfter, HttpStatusCode.OK);
        Assert.Equal("Kilkon Ko (SNU)", ev.Participants.Single(p => p.Speaker.Slug == "kilkon-ko").Speaker.FullName);
        Assert.NotEqual(eventBefore.Headers.ETag, eventAfter.Headers.ETag);
        // The event's own version did not change: its ETag still works as If-Match.
        Assert.Equal(VersionOf(eventBefore), VersionOf(eventAfter));

        using var listAfter = await RequestAsync("/api/v1/speakers", h => h.IfNoneMatch.Add(listBefore.Headers.ETag!));
        Assert.Equal(HttpStatusCode.OK, listAfter.StatusCode);
        using var sinceBefore = await RequestAsync("/api/v1/speakers", h => h.IfModifiedSince = listBefore.Content.Headers.LastModified!.Value.AddSeconds(-1));
        Assert.Equal(HttpStatusCode.OK, sinceBefore.StatusCode);

        // What the change does not touch keeps its ETag.
        using var institutionAfter = await RequestAsync("/api/v1/institutions/iitu", h => h.IfNoneMatch.Add(institutionBefore.Headers.ETag!));
        Assert.Equal(HttpStatusCode.NotModified, institutionAfter.StatusCode);
    }

    [Fact]
    public async Task Errors_carry_no_validators()
    {
        using var missing = await RequestAsync("/api/v1/events/no-such-event");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Null(missing.Headers.ETag);
        using var bad = await RequestAsync("/api/v1/events?kind=party", h => h.IfNoneMatch.Add(new EntityTagHeaderValue("\"x\"")));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
