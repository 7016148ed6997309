using System.Text;
using System.Text.Json.Nodes;
using CsvHelper;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Exports;

/// <summary>
/// CSV and NDJSON exports of every list. They are compared with the JSON pages as raw JSON objects: the point is that
/// every member of every item comes through, whatever the resource.
/// </summary>
public sealed class ExportTests : ApiTest
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await ExecuteSqlAsync(GeneratedData.Sql);
    }

    /// <summary>A JSON item's scalar fields as CSV writes them.</summary>
    private static Dictionary<string, string> Flatten(JsonObject item) => item
        .Where(p => p.Value is null or JsonValue || (p.Value is JsonArray array && array.All(a => a is JsonValue)))
        .ToDictionary(p => p.Key, p => p.Value switch
        {
            null => "",
            JsonArray array => string.Join(';', array.Select(a => a!.GetValue<string>())),
            JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String => value.GetValue<string>(),
            _ => p.Value.ToJsonString(),
        });

    /// <summary>The export route of a list URL: /api/v1/events?kind=x → /api/v1/events.csv?kind=x.</summary>
    private static string Export(string url, string extension)
    {
        var query = url.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? $"{url}.{extension}" : $"{url[..query]}.{extension}{url[query..]}";
    }

    [Fact]
    public async Task The_deprecated_format_parameter_and_accept_header_still_answer_the_same_exports()
    {
        // Outside the contract (it documents the export routes): a plain client, as scripts written before them use.
        using var plain = Factory.CreateClient();
        var route = await (await Client.GetAsync("/api/v1/events.csv?kind=round_table")).Content.ReadAsStringAsync();
        Assert.Equal(route, await (await plain.GetAsync("/api/v1/events?kind=round_table&format=csv")).Content.ReadAsStringAsync());
        using var accept = new HttpRequestMessage(HttpMethod.Get, "/api/v1/institutions");
        accept.Headers.Accept.ParseAdd("application/x-ndjson");
        using var negotiated = await plain.SendAsync(accept);
        Assert.Equal("application/x-ndjson", negotiated.Content.Headers.ContentType!.MediaType);
        Assert.Equal(await (await Client.GetAsync("/api/v1/institutions.ndjson")).Content.ReadAsStringAsync(), await negotiated.Content.ReadAsStringAsync());
        await GetProblemAsync("/api/v1/events.csv?format=ndjson", 400);
        await GetProblemAsync("/api/v1/events.ndjson?limit=5", 400);
    }

    [Theory]
    [InlineData("/api/v1/events")]
    [InlineData("/api/v1/events?kind=seminar,lecture&sort=-start")]
    [InlineData("/api/v1/speakers")]
    [InlineData("/api/v1/institutions?lang=ru")]
    [InlineData("/api/v1/recommendations")]
    public async Task A_csv_export_parsed_back_equals_the_json_pages(string url)
    {
        var json = (await WalkJsonAsync(url, 7)).Select(Flatten).ToList();
        var (csv, response) = await GetTextAsync(Export(url, "csv"));
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("\r\n", csv);

        await using var reader = CsvReader.FromText(csv);
        reader.ReadHeader();
        var headers = reader.Headers.ToArray();
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read())
        {
            rows.Add(headers.Select((h, i) => (h, v: reader.GetString(i))).ToDictionary(x => x.h, x => x.v));
        }
        Assert.Equal(json.Count, rows.Count);
        for (var i = 0; i < json.Count; i++)
        {
            foreach (var header in headers)
            {
                Assert.Equal(json[i][header], rows[i][header]);
            }
            Assert.Equal(json[i].Keys.Where(k => k != "fallbackLanguages").Order(), headers.Order());
        }
    }

    [Theory]
    [InlineData("/api/v1/events?country=KR")]
    [InlineData("/api/v1/speakers")]
    [InlineData("/api/v1/institutions")]
    [InlineData("/api/v1/recommendations?lang=*")]
    [InlineData("/api/v1/search?q=forum")]
    public async Task An_ndjson_export_parsed_back_equals_the_json_pages(string url)
    {
        var json = await WalkJsonAsync(url, 5);
        var (ndjson, response) = await GetTextAsync(Export(url, "ndjson"));
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType!.MediaType);
        var lines = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(json.Count, lines.Length);
        for (var i = 0; i < json.Count; i++)
        {
            Assert.True(JsonNode.DeepEquals(json[i], JsonNode.Parse(lines[i])), lines[i]);
        }
    }

    [Fact]
    public async Task A_full_export_taken_during_writes_has_each_row_once()
    {
        await ExecuteSqlAsync("""
            INSERT INTO events (slug, title, kind, status, start_date, end_date)
            SELECT 'bulk-' || g, jsonb_build_object('en', 'Bulk ' || g), 'seminar', 'held', date '2020-01-01' + g % 300, date '2020-01-01' + g % 300
            FROM generate_series(1, 20000) g;
            """);
        var before = await ScalarAsync<long>("SELECT count(*) FROM events WHERE deleted_at IS NULL AND published");
        // Sorted by update time: every update during the export would move its row to the end of the order.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events.ndjson?sort=updatedAt");
        using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
        var ids = new List<Guid> { WireJson.Deserialize<EventSummaryDto>((await reader.ReadLineAsync())!).Id };
        var writes = ExecuteSqlAsync("""
            UPDATE events SET status = 'cancelled' WHERE slug LIKE 'bulk-%' AND right(slug, 1) = '7';
            INSERT INTO events (slug, title, kind, status, start_date, end_date) VALUES ('late', '{"en": "Late"}', 'seminar', 'held', '2020-01-01', '2020-01-01');
            """);
        while (await reader.ReadLineAsync() is { } line)
        {
            ids.Add(WireJson.Deserialize<EventSummaryDto>(line).Id);
        }
        Assert.Equal(2001, await writes); // 2000 updated, 1 inserted
        Assert.Equal(before, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task Text_a_spreadsheet_would_run_as_a_formula_is_escaped_in_csv_and_kept_in_json()
    {
        string[] formulas = ["=HYPERLINK(\"http://x\")", "+1 Institute", "-2 Institute", "@SUM(A1)"];
        await ExecuteSqlAsync(string.Join('\n', formulas.Select((name, i) =>
            $"INSERT INTO institutions (slug, name, kind) VALUES ('formula-{i}', jsonb_build_object('en', '{name}'), 'other');")));
        await ExecuteSqlAsync("INSERT INTO institutions (slug, name, kind) VALUES ('not-a-formula', '{\"en\": \"A = B Institute\"}', 'other')");

        var (csv, response) = await GetTextAsync("/api/v1/institutions.csv");
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        // CsvHelper's CsvInjection.Escape: a single quote in front (Excel then shows text), and the field quoted.
        Assert.Contains("\"'=HYPERLINK(\"\"http://x\"\")\"", csv);
        await using var reader = CsvReader.FromText(csv);
        reader.ReadHeader();
        var slug = Array.IndexOf(reader.Headers.ToArray(), "slug");
        var name = Array.IndexOf(reader.Headers.ToArray(), "name");
        var names = new Dictionary<string, string>();
        while (reader.Read())
        {
            names[reader.GetString(slug)] = reader.GetString(name);
        }
        for (var i = 0; i < formulas.Length; i++)
        {
            Assert.Equal("'" + formulas[i], names[$"formula-{i}"]);
        }
        Assert.Equal("A = B Institute", names["not-a-formula"]);
        Assert.Equal("International Information Technology University", names["iitu"]);

        var json = await WalkAsync<InstitutionSummaryDto>("/api/v1/institutions", 100);
        for (var i = 0; i < formulas.Length; i++)
        {
            Assert.Equal(formulas[i], json.Single(item => item.Slug == $"formula-{i}").Name);
        }
        using var ndjsonRequest = new HttpRequestMessage(HttpMethod.Get, "/api/v1/institutions.ndjson");
        using var ndjson = await Client.SendAsync(ndjsonRequest);
        var exported = (await ndjson.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(WireJson.Deserialize<InstitutionSummaryDto>).ToDictionary(item => item.Slug, item => item.Name);
        Assert.Equal(formulas[0], exported["formula-0"]);
    }

    [Fact]
    public async Task Exports_write_raw_utf8_and_csv_carries_a_byte_order_mark_only_when_asked()
    {
        // The Kazakh and Korean names of the seed: every byte UTF-8, no \uXXXX escapes.
        foreach (var url in new[] { "/api/v1/institutions.ndjson?lang=ko", "/api/v1/institutions.ndjson?lang=*", "/api/v1/institutions.csv?lang=*" })
        {
            using var response = await Client.GetAsync(url);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            var text = Encoding.UTF8.GetString(bytes);
            Assert.DoesNotContain("\\u", text, StringComparison.Ordinal);
            Assert.Contains(text, c => c is >= '\uAC00' and <= '\uD7A3');
            Assert.False(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble), $"{url} starts with a byte-order mark");
        }
        using var plain = await Client.GetAsync("/api/v1/institutions.csv");
        Assert.False((await plain.Content.ReadAsByteArrayAsync()).AsSpan().StartsWith(Encoding.UTF8.Preamble));
        using var marked = await Client.GetAsync("/api/v1/institutions.csv?bom=true");
        var markedBytes = await marked.Content.ReadAsByteArrayAsync();
        Assert.True(markedBytes.AsSpan().StartsWith(Encoding.UTF8.Preamble));
        Assert.Equal(await plain.Content.ReadAsByteArrayAsync(), markedBytes[Encoding.UTF8.Preamble.Length..]);
        await GetProblemAsync("/api/v1/institutions.ndjson?bom=true", 400);
        await GetProblemAsync("/api/v1/institutions?bom=true", 400);
        await GetProblemAsync("/api/v1/institutions.csv?bom=yes", 400);
    }
}
