using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Changes;

/// <summary>The change feed as server-sent events: the same entries as /changes, live, resumable with Last-Event-ID.</summary>
[Collection(AloneInTheClusterCollection.Name)]
public sealed class ChangeStreamTests : WriteApiTest
{
    private const string Stream = "/api/v1/changes/stream";

    private static readonly Dictionary<string, string> s_settings = new()
    {
        ["Changes:PollInterval"] = "00:00:00.050",
        ["Changes:Heartbeat"] = "00:00:00.300",
    };

    protected override IReadOnlyDictionary<string, string>? Settings => s_settings;

    private sealed record ServerEvent(string? Id, string? Event, string? Data, bool Comment);

    /// <summary>An open stream: its events as they arrive (a blank line ends each one, as EventSource reads them).</summary>
    private sealed class Reader(HttpResponseMessage response, StreamReader reader) : IAsyncDisposable
    {
        public HttpResponseMessage Response => response;

        public async Task<ServerEvent?> NextAsync(TimeSpan within)
        {
            using var deadline = new CancellationTokenSource(within);
            string? id = null, type = null, data = null;
            var comment = false;
            try
            {
                while (await reader.ReadLineAsync(deadline.Token) is { } line)
                {
                    if (line.Length == 0)
                    {
                        if (id is not null || type is not null || data is not null || comment)
                        {
                            return new ServerEvent(id, type, data, comment);
                        }
                        continue;
                    }
                    if (line.StartsWith(':'))
                    {
                        comment = true;
                    }
                    else if (line.StartsWith("id: ", StringComparison.Ordinal))
                    {
                        id = line[4..];
                    }
                    else if (line.StartsWith("event: ", StringComparison.Ordinal))
                    {
                        type = line[7..];
                    }
                    else if (line.StartsWith("data: ", StringComparison.Ordinal))
                    {
                        data = line[6..];
                    }
                }
                return null; // the server ended the stream
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        /// <summary>The next <paramref name="count"/> change events (comments skipped).</summary>
        public async Task<List<ServerEvent>> ChangesAsync(int count, int seconds = 20)
        {
            var got = new List<ServerEvent>();
            var until = DateTime.UtcNow.AddSeconds(seconds);
            while (got.Count < count && DateTime.UtcNow < until && await NextAsync(until - DateTime.UtcNow) is { } e)
            {
                if (e.Event == "change")
                {
                    got.Add(e);
                }
            }
            return got;
        }

        public ValueTask DisposeAsync()
        {
            reader.Dispose();
            response.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private async Task<Reader> OpenAsync(string url, string? key = null, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (key is not null)
        {
            request.Headers.Authorization = new("Bearer", key);
        }
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }
        var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
        return new Reader(response, reader);
    }

    private async Task CreateAsync(string slug, bool draft = false, string? key = null)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/events", key ?? IituKey, draft ? NewDraft(slug, "iitu") : NewEvent(slug, "iitu"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static string IdOf(ServerEvent e) => JsonNode.Parse(e.Data!)!["id"]!.GetValue<string>();

    [Fact]
    public async Task A_stream_sends_each_new_change_as_the_feed_does_and_resumes_after_its_last_event_id()
    {
        await using var stream = await OpenAsync($"{Stream}?type=event", AdminKey);
        Assert.Equal("no-cache", stream.Response.Headers.CacheControl?.ToString());
        await CreateAsync("stream-one");
        await CreateAsync("stream-two");
        var first = await stream.ChangesAsync(2);
        Assert.Equal(2, first.Count);
        Assert.All(first, e => Assert.Equal("created", JsonNode.Parse(e.Data!)!["operation"]!.GetValue<string>()));

        // The same entries as /changes from the same place: the event's id is the feed's cursor after it.
        var page = await GetAsync<ChangePageDto>($"/api/v1/changes?type=event&cursor={Uri.EscapeDataString(first[0].Id!)}", AdminKey);
        Assert.Equal(IdOf(first[1]), page.Items[0].Id.ToString());

        // Disconnect after the first; what happened meanwhile arrives on reconnection with Last-Event-ID, once each.
        await CreateAsync("stream-three");
        await using var resumed = await OpenAsync($"{Stream}?type=event", AdminKey, lastEventId: first[0].Id);
        var rest = await resumed.ChangesAsync(2);
        var third = (await GetAsync<JsonNode>("/api/v1/events/stream-three", AdminKey))["id"]!.GetValue<string>();
        Assert.Equal([IdOf(first[1]), third], rest.Select(IdOf));
    }

    [Fact]
    public async Task A_partner_s_stream_shows_what_its_feed_shows_and_no_one_else_s_drafts()
    {
        await using var snu = await OpenAsync($"{Stream}?type=event", SnuKey);
        await using var iitu = await OpenAsync($"{Stream}?type=event", IituKey);
        await CreateAsync("stream-draft", draft: true);
        await CreateAsync("stream-public");
        var iituSees = await iitu.ChangesAsync(2);
        var snuSees = await snu.ChangesAsync(1);
        var draftId = (await GetAsync<JsonNode>("/api/v1/events/stream-draft", IituKey))["id"]!.GetValue<string>();
        Assert.Contains(draftId, iituSees.Select(IdOf));
        Assert.DoesNotContain(draftId, snuSees.Select(IdOf));
        Assert.Single(snuSees);
    }

    [Fact]
    public async Task An_idle_stream_sends_comments_to_keep_the_connection_and_HEAD_answers_at_once()
    {
        await using (var stream = await OpenAsync(Stream))
        {
            var first = await stream.NextAsync(TimeSpan.FromSeconds(5));
            Assert.True(first is { Comment: false, Event: null, Data: null } && first.Id is not null, $"{first}"); // where it starts
            var idle = await stream.NextAsync(TimeSpan.FromSeconds(5));
            Assert.True(idle is { Comment: true, Event: null, Data: null } && idle.Id == first.Id, $"{idle}");
        }
        using var head = new HttpRequestMessage(HttpMethod.Head, Stream);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        using var response = await Client.SendAsync(head, cancel.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_client_that_has_received_no_change_yet_resumes_without_a_gap()
    {
        // Found by review: a stream started at the end of the feed gave no id until its first change, so a client that
        // reconnected before one came started again at the (new) end, missing what was published in between.
        string start;
        await using (var stream = await OpenAsync($"{Stream}?type=event", AdminKey))
        {
            start = (await stream.NextAsync(TimeSpan.FromSeconds(5)))!.Id!;
        }
        await CreateAsync("stream-while-away");
        await using var resumed = await OpenAsync($"{Stream}?type=event", AdminKey, lastEventId: start);
        var missed = await resumed.ChangesAsync(1);
        var id = (await GetAsync<JsonNode>("/api/v1/events/stream-while-away", AdminKey))["id"]!.GetValue<string>();
        Assert.Equal([id], missed.Select(IdOf));
    }

    [Theory]
    [InlineData("?type=nonsense", null, "type")]
    [InlineData("?limit=5", null, "limit")]
    [InlineData("", "not-an-id", "Last-Event-ID")]
    public async Task A_bad_stream_request_is_a_400_problem(string query, string? lastEventId, string field)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Stream + query);
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }
        using var response = await Client.SendAsync(request);
        AssertFieldError(await ProblemAsync(response, HttpStatusCode.BadRequest), field);
    }

    [Fact]
    public async Task The_server_ends_a_stream_after_its_time_and_the_client_resumes_it()
    {
        await using var factory = CreateFactory(ConnectionString, settings: new Dictionary<string, string>(s_settings) { ["Changes:MaxDuration"] = "00:00:01" });
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(Stream, HttpCompletionOption.ResponseHeadersRead);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var body = await response.Content.ReadAsStringAsync(cancel.Token); // ends: the stream was closed by the server
        Assert.StartsWith("retry: ", body, StringComparison.Ordinal);
    }
}
