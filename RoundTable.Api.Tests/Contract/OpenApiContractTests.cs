using System.Text.Json.Nodes;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Contract;

/// <summary>The OpenAPI document. Read as raw JSON: it is a document about the API, not one of its resources.</summary>
public sealed class OpenApiContractTests : ApiTest
{
    [Fact]
    public async Task The_served_document_equals_the_committed_contract()
    {
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(Infrastructure.Contract.CommittedPath));
        var served = await GetJsonAsync("/openapi/v1.json");

        Assert.True(JsonNode.DeepEquals(committed, served),
            "openapi/v1.json differs from what the app serves: build the API project and commit RoundTable.Api/openapi/v1.json.");
    }

    [Fact]
    public async Task Every_operation_is_named_summarised_tagged_and_documents_its_problems()
    {
        var document = await GetJsonAsync("/openapi/v1.json");
        var operations = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Method: o.Key, Operation: o.Value!.AsObject())))
            .ToList();
        Assert.True(operations.Count >= 18);

        var ids = new HashSet<string>();
        foreach (var (path, method, operation) in operations)
        {
            Assert.True(ids.Add(operation["operationId"]!.GetValue<string>()), $"{path}: duplicate operationId");
            Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{path}: no summary");
            Assert.NotEmpty(operation["tags"]!.AsArray());
            foreach (var parameter in operation["parameters"]?.AsArray() ?? [])
            {
                Assert.False(string.IsNullOrWhiteSpace(parameter!["description"]?.GetValue<string>()), $"{path}: parameter {parameter["name"]} has no description");
            }
            var responses = operation["responses"]!.AsObject();
            Assert.Contains(responses, r => r.Key.StartsWith('2'));
            // A HEAD declares the statuses of its GET with no bodies.
            var problems = responses.Where(r => method == "head" || r.Value!["content"]?["application/problem+json"] is not null).Select(r => r.Key).ToHashSet();
            Assert.Contains("400", problems);
            Assert.Contains("429", problems);
            if (path.Contains("{idOrSlug}", StringComparison.Ordinal) || path.Contains("{id}", StringComparison.Ordinal))
            {
                Assert.Contains("404", problems);
            }
            if (operation["security"] is not null)
            {
                Assert.Contains("401", problems);
                Assert.Contains("403", problems);
            }
            if (method is "put" or "patch" || (method == "delete" && path.StartsWith("/api/v1/events", StringComparison.Ordinal)))
            {
                Assert.Contains("412", problems);
                Assert.Contains("428", problems);
            }
            if (method is "post" or "put" or "patch" or "delete")
            {
                Assert.NotNull(operation["security"]);
            }
        }
    }

    [Fact]
    public async Task Enumerations_are_documented_as_their_snake_case_values()
    {
        var document = await GetJsonAsync("/openapi/v1.json");
        var kinds = document["components"]!["schemas"]!["EventKind"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>());
        Assert.Equal(["round_table", "conference", "seminar", "workshop", "lecture"], kinds);
    }

    [Fact]
    public async Task Swagger_ui_is_served()
    {
        using var response = await Client.GetAsync("/swagger/index.html");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Request_schemas_carry_the_validation_constraints_and_writes_the_security_scheme()
    {
        var document = await GetJsonAsync("/openapi/v1.json");
        var schemas = document["components"]!["schemas"]!;
        var create = schemas["CreateEventRequest"]!;
        Assert.Contains("slug", create["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Contains("organizers", create["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("^[a-z0-9]+(-[a-z0-9]+)*$", create["properties"]!["slug"]!["pattern"]!.GetValue<string>());
        Assert.Equal(100, create["properties"]!["slug"]!["maxLength"]!.GetValue<int>());
        Assert.Equal("^[A-Z]{2}$", create["properties"]!["country"]!["pattern"]!.GetValue<string>());
        Assert.Equal(1, schemas["RankingRequest"]!["properties"]!["rank"]!["minimum"]!.GetValue<int>());
        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["apiKey"]!["scheme"]!.GetValue<string>());
        var post = document["paths"]!["/api/v1/events"]!["post"]!;
        Assert.Contains(post["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "Idempotency-Key");
        Assert.NotNull(post["responses"]!["201"]);
        Assert.NotNull(post["responses"]!["422"]);
    }

    /// <summary>Query parameters that page, order or shape a list rather than pick its items.</summary>
    private static readonly HashSet<string> s_notFilters = ["limit", "cursor", "sort", "format", "bom", "lang", "include", "updated_since", "q"];

    /// <summary>
    /// Filters whose example succeeds but can find nothing in the seed: the round table's report names no city or
    /// country, and the seed does not invent one.
    /// </summary>
    private static readonly HashSet<string> s_emptyInTheSeed = ["/api/v1/events?country", "/api/v1/events.ics?country"];

    [Fact]
    public async Task Every_filter_parameter_has_an_example_that_finds_something_when_executed()
    {
        var document = await GetJsonAsync("/openapi/v1.json");
        var tried = 0;
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            // Exports take their list's filters (the same examples): the JSON lists are tried.
            if (item!["get"] is not { } get || path.Contains('{', StringComparison.Ordinal)
                || path.EndsWith(".csv", StringComparison.Ordinal) || path.EndsWith(".ndjson", StringComparison.Ordinal)
                || Infrastructure.Contract.IsEventStream(get)) // the stream takes the feed's filters; ChangeStreamTests runs it
            {
                continue;
            }
            foreach (var parameter in get["parameters"]?.AsArray() ?? [])
            {
                var name = parameter!["name"]!.GetValue<string>();
                if (parameter["in"]!.GetValue<string>() != "query" || s_notFilters.Contains(name))
                {
                    continue;
                }
                var example = parameter["schema"]?["examples"]?[0] ?? parameter["example"];
                Assert.True(example is not null, $"{path}: filter {name} has no example");
                var url = $"{path}?{name}={Uri.EscapeDataString(example!.ToString())}" + (path == "/api/v1/search" ? "&q=digital" : "");
                using var response = await Client.GetAsync(url);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode} {body}");
                tried++;
                if (s_emptyInTheSeed.Contains($"{path}?{name}"))
                {
                    continue;
                }
                if (!path.EndsWith(".ics", StringComparison.Ordinal))
                {
                    Assert.True(JsonNode.Parse(body)!["items"]!.AsArray().Count > 0, $"GET {url} found nothing: the example names nothing in the seed");
                }
                else
                {
                    Assert.True(body.Contains("BEGIN:VEVENT", StringComparison.Ordinal), $"GET {url} found nothing: the example names nothing in the seed");
                }
            }
        }
        Assert.True(tried >= 15, $"only {tried} filter examples were tried");
    }
}
