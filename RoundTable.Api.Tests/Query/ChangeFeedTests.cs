using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Query;

/// <summary>The change feed: ordered, never skipping a change even when transactions commit out of order.</summary>
public sealed class ChangeFeedTests : WriteApiTest
{
    // Relation entries keyed by their parent (a participant's institutions, a recommendation's themes) are applied by
    // re-reading the parent, so the mirror compares the entries that have their own id.
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
        public string? Cursor { get; set; }
        public int Applied { get; set; }
    }

    private async Task PollAsync(Mirror mirror)
    {
        while (true)
        {
            var page = await GetJsonAsync("/api/v1/changes?limit=50" + (mirror.Cursor is null ? "" : $"&cursor={Uri.EscapeDataString(mirror.Cursor)}"));
            foreach (var change in page["items"]!.AsArray())
            {
                var key = (change!["type"]!.GetValue<string>(), change["id"]!.GetValue<string>());
                if (change["operation"]!.GetValue<string>() == "deleted")
                {
                    mirror.Rows.Remove(key);
                }
                else
                {
                    mirror.Rows[key] = change["version"]!.GetValue<long>();
                }
                mirror.Applied++;
            }
            mirror.Cursor = page["nextCursor"]!.GetValue<string>();
            if (!page["hasMore"]!.GetValue<bool>())
            {
                return;
            }
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
        await PollAsync(mirror);

        var expected = Describe(await DatabaseStateAsync());
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
            var participantId = (await participant.Content.ReadFromJsonAsync<JsonObject>())!["participants"]![0]!["id"]!.GetValue<string>();
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
        await PollAsync(mirror);
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
        await PollAsync(mirror);
        var slugs = (await WalkAsync("/api/v1/speakers?q=early", 10)).Concat(await WalkAsync("/api/v1/speakers?q=late", 10))
            .Select(s => s["id"]!.GetValue<string>()).ToList();
        Assert.All(slugs, id => Assert.Contains(("speaker", id), mirror.Rows.Keys));
    }

    [Fact]
    public async Task Deletions_drafts_types_and_bad_cursors()
    {
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/events", IituKey, NewEvent("draft-feed", "iitu") is var e ? Draft(e) : null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();

        var anonymous = new Mirror();
        await PollAsync(anonymous);
        Assert.DoesNotContain(("event", id), anonymous.Rows.Keys);

        var feed = await GetJsonAsync("/api/v1/changes?type=event&limit=1000");
        Assert.All(feed["items"]!.AsArray(), c => Assert.Equal("event", c!["type"]!.GetValue<string>()));

        using var deleted = await SendAsync(HttpMethod.Delete, "/api/v1/speakers/" + (await CreateSpeakerAsync()), AdminKey, ifMatch: "\"1\"");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var all = await GetJsonAsync("/api/v1/changes?type=speaker&limit=1000");
        Assert.Contains(all["items"]!.AsArray(), c => c!["operation"]!.GetValue<string>() == "deleted" && c["version"]!.GetValue<long>() == 2);

        await GetProblemAsync("/api/v1/changes?cursor=nonsense", 400);
        await GetProblemAsync("/api/v1/changes?limit=0", 400);
        await GetProblemAsync("/api/v1/changes?type=people", 400);
        await GetProblemAsync("/api/v1/changes?since=yesterday", 400);
    }

    private static object Draft(object newEvent)
    {
        var node = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(newEvent, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)))!.AsObject();
        node["published"] = false;
        return node.ToJsonString();
    }

    private async Task<string> CreateSpeakerAsync()
    {
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/speakers", AdminKey, new { slug = "short-lived", fullName = new { en = "Short Lived" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return "short-lived";
    }
}
