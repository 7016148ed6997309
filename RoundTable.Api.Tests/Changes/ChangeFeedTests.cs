using System.Net;
using Npgsql;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Changes;

/// <summary>
/// The change feed: ordered, never skipping a change even when transactions commit out of order. Alone in the
/// cluster: a change is published only once every older transaction of the cluster has finished.
/// </summary>
[Collection(AloneInTheClusterCollection.Name)]
public sealed class ChangeFeedTests : WriteApiTest
{
    private static readonly string[] s_compared =
    [
        "event", "speaker", "institution", "recommendation", "source", "theme", "event_organizer", "event_participant",
        "event_quote", "event_acknowledgement", "speaker_affiliation", "institution_ranking", "institution_figure",
        "recommendation_proposer", "recommendation_status_change",
    ];

    private const string DatabaseStateSql = """
        SELECT 'event', id, version FROM events WHERE deleted_at IS NULL
        UNION ALL SELECT 'speaker', id, version FROM speakers WHERE deleted_at IS NULL
        UNION ALL SELECT 'institution', id, version FROM institutions WHERE deleted_at IS NULL
        UNION ALL SELECT 'recommendation', id, version FROM recommendations WHERE deleted_at IS NULL
        UNION ALL SELECT 'source', id, version FROM sources
        UNION ALL SELECT 'theme', id, version FROM themes
        UNION ALL SELECT 'event_organizer', id, version FROM event_organizers
        UNION ALL SELECT 'event_participant', id, version FROM event_participants
        UNION ALL SELECT 'event_quote', id, version FROM event_quotes
        UNION ALL SELECT 'event_acknowledgement', id, version FROM event_acknowledgements
        UNION ALL SELECT 'speaker_affiliation', id, version FROM speaker_affiliations
        UNION ALL SELECT 'institution_ranking', id, version FROM institution_rankings
        UNION ALL SELECT 'institution_figure', id, version FROM institution_figures
        UNION ALL SELECT 'recommendation_proposer', id, version FROM recommendation_proposers
        UNION ALL SELECT 'recommendation_status_change', id, version FROM recommendation_status_changes
        """;

    private sealed class Mirror
    {
        public Dictionary<(string Type, string Id), long> Rows { get; } = [];

        /// <summary>The newest version seen of every entry, deleted ones included.</summary>
        public Dictionary<(string Type, string Id), long> Seen { get; } = [];
        public string? Cursor { get; set; }

        /// <summary>Only changes of this type (the feed's type parameter).</summary>
        public string? Type { get; init; }
        public int Applied { get; set; }
    }

    private async Task PollAsync(Mirror mirror, string? key = null)
    {
        while (true)
        {
            var url = "/api/v1/changes?limit=50" + (mirror.Type is null ? "" : $"&type={mirror.Type}") + (mirror.Cursor is null ? "" : $"&cursor={Uri.EscapeDataString(mirror.Cursor)}");
            var page = key is null ? await GetAsync<ChangePageDto>(url) : await GetAsync<ChangePageDto>(url, key);
            foreach (var change in page.Items)
            {
                var entry = (change.Type, change.Id.ToString());
                // The documented rule: apply a change unless a newer version of the entry was already applied.
                if (mirror.Seen.TryGetValue(entry, out var held) && change.Version < held)
                {
                    continue;
                }
                mirror.Seen[entry] = change.Version;
                if (change.Operation == "deleted")
                {
                    mirror.Rows.Remove(entry);
                }
                else
                {
                    mirror.Rows[entry] = change.Version;
                }
                mirror.Applied++;
            }
            mirror.Cursor = page.NextCursor;
            if (!page.HasMore)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Polls until <paramref name="done"/> holds. A change is published once every older transaction has finished,
    /// in the whole cluster (other tests' databases too), so it may take a few polls to arrive.
    /// </summary>
    private async Task PollUntilAsync(Mirror mirror, Func<Mirror, bool> done, string? key = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        await PollAsync(mirror, key);
        while (!done(mirror) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            await PollAsync(mirror, key);
        }
    }

    private async Task<Dictionary<(string Type, string Id), long>> DatabaseStateAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(DatabaseStateSql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var state = new Dictionary<(string, string), long>();
        while (await reader.ReadAsync())
        {
            state[(reader.GetString(0), reader.GetGuid(1).ToString())] = reader.GetInt64(2);
        }
        return state;
    }

    private static List<string> Describe(IEnumerable<KeyValuePair<(string Type, string Id), long>> rows) =>
        rows.Where(r => s_compared.Contains(r.Key.Type)).Select(r => $"{r.Key.Type}/{r.Key.Id}@{r.Value}").Order().ToList();

    [Fact]
    public async Task A_reader_polling_during_concurrent_writers_ends_with_the_database_state_and_misses_nothing()
    {
        var mirror = new Mirror();
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await PollAsync(mirror);
                await Task.Delay(15);
            }
        });

        var apiWriters = Enumerable.Range(0, 4).Select(w => Task.Run(() => ApiWriterAsync(w)));
        // Transactions that start first and commit last: their changes have the smaller ids and must still arrive.
        var slowWriters = Enumerable.Range(0, 3).Select(s => Task.Run(() => SlowSqlWriterAsync(s)));
        await Task.WhenAll(apiWriters.Concat(slowWriters));
        await stop.CancelAsync();
        await reader;
        var expected = Describe(await DatabaseStateAsync());
        await PollUntilAsync(mirror, m => Describe(m.Rows).SequenceEqual(expected));

        var actual = Describe(mirror.Rows);
        Assert.Equal(expected, actual);
        Assert.True(mirror.Applied > expected.Count, "Updates and deletions came through the feed too.");
    }

    private async Task ApiWriterAsync(int writer)
    {
        for (var i = 0; i < 4; i++)
        {
            var slug = $"feed-{writer}-{i}";
            using var created = await SendAsync(HttpMethod.Post, "/api/v1/events", AdminKey, NewEvent(slug, "iitu"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var etag = created.Headers.ETag!.Tag;
            using var participant = await SendAsync(HttpMethod.Post, $"/api/v1/events/{slug}/participants", AdminKey,
                new { speaker = "kilkon-ko", role = "guest", institutions = new[] { "seoul-national-university" } }, etag);
            Assert.Equal(HttpStatusCode.Created, participant.StatusCode);
            var participantId = Assert.Single((await ReadAsync<EventDto>(participant, HttpStatusCode.Created)).Participants).Id;
            using var patched = await SendAsync(HttpMethod.Patch, $"/api/v1/events/{slug}", AdminKey, """{"status": "held"}""",
                participant.Headers.ETag!.Tag, "application/merge-patch+json");
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
            if (i % 2 == 1)
            {
                using var removed = await SendAsync(HttpMethod.Delete, $"/api/v1/events/{slug}/participants/{participantId}", AdminKey, ifMatch: patched.Headers.ETag!.Tag);
                Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
            }
            if (i == 3)
            {
                using var current = await Client.GetAsync($"/api/v1/events/{slug}");
                using var deleted = await SendAsync(HttpMethod.Delete, $"/api/v1/events/{slug}", AdminKey, ifMatch: current.Headers.ETag!.Tag);
                Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            }
        }
    }

    private async Task SlowSqlWriterAsync(int writer)
    {
        for (var i = 0; i < 3; i++)
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var insert = new NpgsqlCommand(
                $"INSERT INTO speakers (slug, full_name) VALUES ('slow-{writer}-{i}', '{{\"en\": \"Slow {writer} {i}\"}}')", connection, transaction))
            {
                await insert.ExecuteNonQueryAsync();
            }
            // Holds its (smaller) transaction id while others commit.
            await Task.Delay(150);
            await using (var update = new NpgsqlCommand(
                $"UPDATE speakers SET bio = '{{\"en\": \"Updated\"}}' WHERE slug = 'kilkon-ko' OR slug = 'slow-{writer}-{i}'", connection, transaction))
            {
                await update.ExecuteNonQueryAsync();
            }
            await transaction.CommitAsync();
        }
    }

    [Fact]
    public async Task A_change_of_a_transaction_still_running_waits_and_later_ones_wait_behind_it()
    {
        var mirror = new Mirror();
        var last = await ScalarAsync<string>("SELECT 'c1:' || tx::text || ':' || seq FROM changes ORDER BY tx DESC, seq DESC LIMIT 1");
        await PollUntilAsync(mirror, m => m.Cursor is not null
            && System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(m.Cursor)) == last);
        var start = mirror.Cursor;

        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var open = await connection.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand("INSERT INTO speakers (slug, full_name) VALUES ('early', '{\"en\": \"Early\"}')", connection, open))
        {
            await insert.ExecuteNonQueryAsync();
        }
        // A later transaction commits first.
        await ExecuteSqlAsync("INSERT INTO speakers (slug, full_name) VALUES ('late', '{\"en\": \"Late\"}')");
        await PollAsync(mirror);
        Assert.Equal(start, mirror.Cursor);

        await open.CommitAsync();
        var slugs = (await WalkAsync<SpeakerSummaryDto>("/api/v1/speakers?q=early", 10)).Concat(await WalkAsync<SpeakerSummaryDto>("/api/v1/speakers?q=late", 10))
            .Select(s => s.Id.ToString()).ToList();
        Assert.Equal(2, slugs.Count);
        await PollUntilAsync(mirror, m => slugs.All(id => m.Rows.ContainsKey(("speaker", id))));
        Assert.All(slugs, id => Assert.Contains(("speaker", id), mirror.Rows.Keys));
    }

    [Fact]
    public async Task Deletions_drafts_types_and_bad_cursors()
    {
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/events", IituKey, NewDraft("draft-feed", "iitu"));
        var id = (await ReadAsync<EventDto>(created, HttpStatusCode.Created)).Id.ToString();

        var anonymous = new Mirror();
        await PollUntilAsync(anonymous, m => m.Rows.Keys.Any(k => k.Type == "event_organizer" && m.Rows.Count > 0) && m.Cursor is not null);
        Assert.DoesNotContain(("event", id), anonymous.Rows.Keys);

        var feed = await GetAsync<ChangePageDto>("/api/v1/changes?type=event&limit=1000");
        Assert.NotEmpty(feed.Items);
        Assert.All(feed.Items, c => Assert.Equal("event", c.Type));

        using var deleted = await SendAsync(HttpMethod.Delete, "/api/v1/speakers/" + (await CreateSpeakerAsync()), AdminKey, ifMatch: "\"1\"");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var speakers = new Mirror { Type = "speaker" };
        await PollUntilAsync(speakers, m => m.Seen.Any(e => !m.Rows.ContainsKey(e.Key)));
        Assert.All(speakers.Seen.Keys, k => Assert.Equal("speaker", k.Type));
        var gone = Assert.Single(speakers.Seen, e => !speakers.Rows.ContainsKey(e.Key));
        Assert.Equal(2, gone.Value);

        await GetProblemAsync("/api/v1/changes?cursor=nonsense", 400);
        await GetProblemAsync("/api/v1/changes?limit=0", 400);
        await GetProblemAsync("/api/v1/changes?type=people", 400);
        await GetProblemAsync("/api/v1/changes?since=yesterday", 400);
    }

    [Fact]
    public async Task Publishing_a_draft_sends_everything_under_it_and_unpublishing_takes_it_back_from_outsiders()
    {
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/events", IituKey, NewDraft("draft-subtree", "iitu"));
        var id = (await ReadAsync<EventDto>(created, HttpStatusCode.Created)).Id.ToString();
        using var participant = await SendAsync(HttpMethod.Post, "/api/v1/events/draft-subtree/participants", IituKey,
            new { speaker = "kilkon-ko", role = "guest", institutions = new[] { "seoul-national-university" } }, created.Headers.ETag!.Tag);
        var participantId = Assert.Single((await ReadAsync<EventDto>(participant, HttpStatusCode.Created)).Participants).Id.ToString();

        var outsider = new Mirror();
        var organizer = new Mirror();
        await PollUntilAsync(organizer, m => m.Rows.ContainsKey(("event_participant", participantId)), IituKey);
        await PollAsync(outsider);
        Assert.DoesNotContain(("event", id), outsider.Rows.Keys);
        Assert.DoesNotContain(("event_participant", participantId), outsider.Rows.Keys);
        Assert.Contains(("event", id), organizer.Rows.Keys);

        using var published = await SendAsync(HttpMethod.Patch, "/api/v1/events/draft-subtree", IituKey, """{"published": true}""",
            participant.Headers.ETag!.Tag, "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        await PollUntilAsync(outsider, m => m.Rows.GetValueOrDefault(("event", id)) == VersionOf(published));
        Assert.Equal(VersionOf(published), outsider.Rows[("event", id)]);
        Assert.Contains(("event_participant", participantId), outsider.Rows.Keys);
        Assert.Contains(outsider.Rows.Keys, k => k.Type == "event_organizer");

        using var unpublished = await SendAsync(HttpMethod.Patch, "/api/v1/events/draft-subtree", IituKey, """{"published": false}""",
            published.Headers.ETag!.Tag, "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, unpublished.StatusCode);
        await PollUntilAsync(outsider, m => !m.Rows.ContainsKey(("event", id)));
        await PollUntilAsync(organizer, m => m.Rows.GetValueOrDefault(("event", id)) == VersionOf(unpublished), IituKey);
        Assert.DoesNotContain(("event", id), outsider.Rows.Keys);
        Assert.DoesNotContain(("event_participant", participantId), outsider.Rows.Keys);
        // The organizers still see their draft, at its latest version.
        Assert.Equal(VersionOf(unpublished), organizer.Rows[("event", id)]);
        Assert.Contains(("event_participant", participantId), organizer.Rows.Keys);
    }

    [Fact]
    public async Task Adding_and_removing_an_organizer_of_a_draft_tells_that_institution()
    {
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/events", IituKey, NewDraft("shared-draft", "iitu"));
        var id = (await ReadAsync<EventDto>(created, HttpStatusCode.Created)).Id.ToString();
        using var participant = await SendAsync(HttpMethod.Post, "/api/v1/events/shared-draft/participants", IituKey,
            new { speaker = "kilkon-ko", role = "guest", institutions = new[] { "seoul-national-university" } }, created.Headers.ETag!.Tag);
        var participantId = Assert.Single((await ReadAsync<EventDto>(participant, HttpStatusCode.Created)).Participants).Id.ToString();

        var snu = new Mirror();
        await PollAsync(snu, SnuKey);
        Assert.DoesNotContain(("event", id), snu.Rows.Keys);

        using var added = await SendAsync(HttpMethod.Post, "/api/v1/events/shared-draft/organizers", IituKey,
            new { institution = "seoul-national-university", role = "co_organizer" }, participant.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        await PollUntilAsync(snu, m => m.Rows.ContainsKey(("event_participant", participantId)), SnuKey);
        Assert.Contains(("event", id), snu.Rows.Keys);
        Assert.Contains(("event_participant", participantId), snu.Rows.Keys);

        var organizerId = (await ReadAsync<EventDto>(added, HttpStatusCode.Created)).Organizers
            .Single(o => o.Institution.Slug == "seoul-national-university").Id;
        // Only an admin may remove another owning institution.
        using var removed = await SendAsync(HttpMethod.Delete, $"/api/v1/events/shared-draft/organizers/{organizerId}", AdminKey, ifMatch: added.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        await PollUntilAsync(snu, m => !m.Rows.ContainsKey(("event", id)), SnuKey);
        Assert.DoesNotContain(("event", id), snu.Rows.Keys);
        Assert.DoesNotContain(("event_participant", participantId), snu.Rows.Keys);
    }

    [Fact]
    public async Task A_recommendation_moved_to_a_draft_leaves_outsiders_mirrors()
    {
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/events", IituKey, NewDraft("draft-target", "iitu"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var recommendation = Assert.Single((await GetAsync<PageDto<RecommendationSummaryDto>>("/api/v1/recommendations?limit=1")).Items).Id.ToString();
        var outsider = new Mirror();
        await PollUntilAsync(outsider, m => m.Rows.ContainsKey(("recommendation", recommendation)));

        await ExecuteSqlAsync($"UPDATE recommendations SET event_id = (SELECT id FROM events WHERE slug = 'draft-target') WHERE id = '{recommendation}'");
        await PollUntilAsync(outsider, m => !m.Rows.ContainsKey(("recommendation", recommendation)));
        Assert.DoesNotContain(("recommendation", recommendation), outsider.Rows.Keys);

        var organizer = new Mirror();
        var version = await ScalarAsync<long>($"SELECT version FROM recommendations WHERE id = '{recommendation}'");
        await PollUntilAsync(organizer, m => m.Rows.GetValueOrDefault(("recommendation", recommendation)) == version, IituKey);
        Assert.Equal(version, organizer.Rows[("recommendation", recommendation)]);
    }

    private async Task<string> CreateSpeakerAsync()
    {
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/speakers", AdminKey, new { slug = "short-lived", fullName = new { en = "Short Lived" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return "short-lived";
    }
}
