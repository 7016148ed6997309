using System.Net;
using System.Text.Json.Nodes;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Contract;

/// <summary>
/// The contract's examples, executed as Swagger UI's "Try it out" sends them: every read with every parameter's
/// example at once, and every write body, with the pre-filled If-Match (*), in the order a reader tries them (create,
/// replace, patch, each relation's add, replace and patch, then the removals and deletes). Relation entries are
/// the only thing the contract cannot give an example of (their ids are made by the create): they are taken from
/// the parent's representation, as the itemId description says.
/// </summary>
public sealed class OperationExampleTests : WriteApiTest
{
    private static readonly string[] s_families = ["/api/v1/institutions", "/api/v1/speakers", "/api/v1/events", "/api/v1/recommendations"];

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations() =>
        Infrastructure.Contract.Json["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => (p.Key, o.Key, o.Value!.AsObject())));

    private static string? Example(JsonObject operation, string name) =>
        operation["parameters"]?.AsArray().FirstOrDefault(p => (string?)p!["name"] == name)?["example"]?.GetValue<string>();

    // Path parameters whose examples cannot name a row that exists (the ids of webhook subscriptions and attempts are
    // made by their creates): the test fills them from the answers, as a reader of the contract would.
    private readonly Dictionary<string, string> _made = [];

    /// <summary>The path with every path parameter replaced by its example (itemId by <paramref name="itemId"/>).</summary>
    private string Fill(string template, JsonObject operation, string? itemId = null)
    {
        var path = template;
        foreach (var parameter in operation["parameters"]?.AsArray().Where(p => (string?)p!["in"] == "path") ?? [])
        {
            var name = (string)parameter!["name"]!;
            var example = parameter["example"]?.GetValue<string>();
            Assert.False(example is null && name != "itemId", $"{template}: the path parameter {name} has no example");
            var value = name == "itemId" ? itemId : _made.GetValueOrDefault(name, example!);
            Assert.False(value is null, $"{template}: the path parameter {name} has no example");
            path = path.Replace("{" + name + "}", Uri.EscapeDataString(value!), StringComparison.Ordinal);
        }
        return path;
    }

    [Fact]
    public async Task Every_read_succeeds_with_all_its_examples_filled_in()
    {
        _made["id"] = await CreateWebhookFromExampleAsync();
        var tried = 0;
        foreach (var (template, method, operation) in Operations().Where(o => o.Method == "get" && !o.Path.Contains("/api-keys", StringComparison.Ordinal)
            && !Infrastructure.Contract.IsEventStream(o.Operation)))
        {
            var query = (operation["parameters"]?.AsArray() ?? [])
                .Where(p => (string?)p!["in"] == "query" && (p["example"] ?? p["schema"]?["examples"]?[0]) is not null)
                .Select(p => $"{p!["name"]}={Uri.EscapeDataString((p["example"] ?? p["schema"]!["examples"]![0])!.ToString())}");
            var url = Fill(template, operation) + "?" + string.Join('&', query);
            using var response = await SendAsync(HttpMethod.Get, url, operation["security"] is null ? null : AdminKey);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            tried++;
        }
        Assert.True(tried >= 40, $"only {tried} reads");
    }

    [Fact]
    public async Task Every_write_example_succeeds_when_executed_in_order()
    {
        var operations = Operations().ToList();
        var withBodies = operations.Where(o => o.Operation["requestBody"] is not null).ToList();
        Assert.All(withBodies, o => Assert.All(o.Operation["requestBody"]!["content"]!.AsObject(),
            media => Assert.True(media.Value!["example"] is not null, $"{o.Method.ToUpperInvariant()} {o.Path} {media.Key}: no example")));

        var executed = new HashSet<string>();
        async Task<JsonNode?> Execute(string template, string method, string? itemId = null)
        {
            var operation = operations.Single(o => o.Path == template && o.Method == method).Operation;
            var url = Fill(template, operation, itemId);
            var contents = operation["requestBody"]?["content"]?.AsObject().Select(c => (c.Key, c.Value!["example"]!.ToJsonString())).ToList()
                ?? [(null!, null!)];
            JsonNode? answer = null;
            foreach (var (mediaType, body) in contents)
            {
                using var response = await SendAsync(new HttpMethod(method.ToUpperInvariant()), url, AdminKey, body,
                    ifMatch: Example(operation, "If-Match"), contentType: mediaType ?? "application/json");
                var text = await response.Content.ReadAsStringAsync();
                Assert.True(response.IsSuccessStatusCode, $"{method.ToUpperInvariant()} {url} ({mediaType}) with {body}: {(int)response.StatusCode} {text}");
                answer = text.Length == 0 ? null : JsonNode.Parse(text);
            }
            executed.Add($"{method} {template}");
            return answer;
        }

        var removals = new List<(string Template, string ItemId)>();
        foreach (var family in s_families)
        {
            var item = family + "/{idOrSlug}";
            await Execute(family, "post");
            await Execute(item, "put");
            await Execute(item, "patch");
            foreach (var (template, _, add) in operations.Where(o => o.Method == "post" && o.Path.StartsWith(item + "/", StringComparison.Ordinal)))
            {
                var relation = template[(item.Length + 1)..];
                var property = Camel(relation);
                var parent = Fill(item, add); // the resource the writes' examples name
                var parentBefore = await GetAsync<JsonNode>(parent, AdminKey);
                var before = Ids(parentBefore[property]);
                var after = await Execute(template, "post");
                var entry = template + "/{itemId}";
                if (!operations.Any(o => o.Path == entry))
                {
                    continue; // an append-only history (status changes)
                }
                var fresh = Ids(after![property]).Except(before).ToList();
                Assert.True(fresh.Count == 1, $"{template}: {fresh.Count} new entries in {property} (before: {parentBefore[property]?.ToJsonString()}; after: {after[property]?.ToJsonString()})");
                var added = fresh[0];
                await Execute(entry, "put", added);
                await Execute(entry, "patch", added);
                removals.Add((entry, added));
            }
        }
        // Webhooks: subscribe with the example, then each action on the subscription, a redelivery of its ping, and delete.
        var hook = await Execute("/api/v1/webhooks", "post");
        _made["id"] = (string)hook!["id"]!;
        await Execute("/api/v1/webhooks/{id}/pause", "post");
        await Execute("/api/v1/webhooks/{id}/resume", "post");
        await Execute("/api/v1/webhooks/{id}/rotate-secret", "post");
        var ping = await Execute("/api/v1/webhooks/{id}/ping", "post");
        _made["attemptId"] = (string)ping!["id"]!;
        await Execute("/api/v1/webhooks/{id}/deliveries/{attemptId}/redeliver", "post");
        await Execute("/api/v1/webhooks/{id}", "delete");

        foreach (var (entry, id) in Enumerable.Reverse(removals))
        {
            await Execute(entry, "delete", id);
        }
        foreach (var family in s_families.Reverse())
        {
            await Execute(family + "/{idOrSlug}", "delete");
        }

        var writes = operations.Where(o => o.Method is "post" or "put" or "patch" or "delete" && !o.Path.Contains("/api-keys", StringComparison.Ordinal))
            .Select(o => $"{o.Method} {o.Path}");
        Assert.Empty(writes.Except(executed));
        foreach (var family in s_families)
        {
            using var gone = await SendAsync(HttpMethod.Get, Fill(family + "/{idOrSlug}", operations.Single(o => o.Path == family + "/{idOrSlug}" && o.Method == "delete").Operation), AdminKey);
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }
    }

    private async Task<string> CreateWebhookFromExampleAsync()
    {
        var create = Operations().Single(o => o.Path == "/api/v1/webhooks" && o.Method == "post").Operation;
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/webhooks", AdminKey,
            create["requestBody"]!["content"]!["application/json"]!["example"]!.ToJsonString());
        return (string)(await ReadAsync<JsonNode>(response, HttpStatusCode.Created))["id"]!;
    }

    private static string Camel(string kebab) =>
        string.Concat(kebab.Split('-').Select((part, i) => i == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..]));

    private static List<string> Ids(JsonNode? list) =>
        list?.AsArray().Select(e => (string)e!["id"]!).ToList() ?? [];
}
