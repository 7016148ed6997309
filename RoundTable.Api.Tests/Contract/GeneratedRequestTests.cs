using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Contract;

/// <summary>
/// Requests generated from the committed contract for every operation, anonymous and with an admin key: for each
/// query parameter of a read, values the contract calls valid (its examples, enum values, bounds, formats) and values
/// it calls invalid (past a bound, outside an enum or pattern, of the wrong type, an unknown parameter); for every
/// write, bodies of the wrong shape and malformed preconditions. The contract client checks every answer against the
/// contract and fails on an invalid request that is accepted; here: no 5xx, a valid read is not refused (401 for a
/// keyed operation without a key, 404 for a made-up id), an invalid request is a 4xx problem, and nothing changes.
/// The generator is ours and small: no contract-driven request generator for .NET is served here (Schemathesis is a
/// Python tool, and PyPI is not reachable). Values are drawn with a seed that a failure names.
/// </summary>
public sealed class GeneratedRequestTests : WriteApiTest
{
    private static string? Fill(string template, Random random)
    {
        if (Seeded.ItemPath(template) is not { } path)
        {
            return null;
        }
        // A made-up entry or key id: the answer is a 404 (or a 401 without a key).
        return path.Replace("{itemId}", RandomGuid(random), StringComparison.Ordinal).Replace("{id}", RandomGuid(random), StringComparison.Ordinal);
    }

    private static string RandomGuid(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }

    /// <summary>Values the schema accepts: examples, enum values, bounds, a value of its format.</summary>
    private static IEnumerable<string> Valid(string name, JsonObject schema)
    {
        foreach (var example in schema["examples"]?.AsArray() ?? [])
        {
            yield return example!.ToString();
        }
        foreach (var value in schema["enum"]?.AsArray() ?? [])
        {
            yield return value!.ToString();
        }
        var type = schema["type"]?.ToString();
        if (type == "integer")
        {
            yield return schema["minimum"]?.ToString() ?? "1";
            yield return schema["maximum"]?.ToString() ?? "1";
        }
        else if (type == "boolean")
        {
            yield return "true";
            yield return "false";
        }
        else if (schema["format"]?.ToString() == "date-time")
        {
            yield return "2024-07-29T00:00:00Z";
        }
        else if (name == "q")
        {
            yield return "digital";
        }
        else if (name == "lang")
        {
            yield return "ko";
            yield return "*";
        }
    }

    /// <summary>Values the schema refuses.</summary>
    private static IEnumerable<string> Invalid(JsonObject schema, Random random)
    {
        var type = schema["type"]?.ToString();
        if (type == "integer")
        {
            yield return "x" + random.Next(100);
            if (schema["maximum"] is { } max)
            {
                yield return (max.GetValue<long>() + 1 + random.Next(1000)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            if (schema["minimum"] is { } min)
            {
                yield return (min.GetValue<long>() - 1 - random.Next(1000)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        else if (type == "boolean")
        {
            yield return "maybe";
        }
        else if (schema["enum"] is not null)
        {
            yield return "not_a_value_" + random.Next(1000);
        }
        else if (schema["format"]?.ToString() == "date")
        {
            yield return "2024-02-3" + (random.Next(2) == 0 ? "0" : "1");
        }
        else if (schema["format"]?.ToString() == "date-time")
        {
            yield return "yesterday";
        }
        else if (schema["pattern"] is { } pattern
                 && "Not A Match!" + random.Next(1000) is var candidate
                 && !System.Text.RegularExpressions.Regex.IsMatch(candidate, pattern.ToString()))
        {
            yield return candidate;
        }
        if (type == "string" && schema["maxLength"] is { } maxLength && schema["enum"] is null)
        {
            yield return new string('a', maxLength.GetValue<int>() + 1 + random.Next(5));
        }
    }

    [Fact]
    public async Task Generated_reads_are_answered_by_the_contract_valid_ones_accepted_and_invalid_ones_refused()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        await using var factory = CreateFactory(ConnectionString, settings: new Dictionary<string, string> { ["RateLimits:Enabled"] = "false" });
        using var client = factory.CreateContractClient();
        var contract = JsonNode.Parse(File.ReadAllText(Infrastructure.Contract.CommittedPath))!;
        var before = await DatabaseFingerprintAsync();
        var sent = 0;
        foreach (var (template, item) in contract["paths"]!.AsObject())
        {
            if (item!["get"] is not JsonObject get || Fill(template, random) is not { } path || Infrastructure.Contract.IsEventStream(get))
            {
                continue;
            }
            var secured = get["security"] is not null;
            var query = (get["parameters"]?.AsArray() ?? []).OfType<JsonObject>().Where(p => p["in"]!.ToString() == "query").ToList();
            var required = query.Where(p => (bool?)p["required"] == true).Select(p => $"{p["name"]}={Uri.EscapeDataString(Valid(p["name"]!.ToString(), p["schema"]!.AsObject()).First())}").ToList();
            var cases = new List<(string Url, bool IsValid)> { (Url(path, required), true), (Url(path, [.. required, "zzz_unknown=1"]), false) };
            foreach (var parameter in query.Where(p => (bool?)p["required"] != true && (bool?)p["deprecated"] != true))
            {
                var name = parameter["name"]!.ToString();
                var schema = parameter["schema"]!.AsObject();
                var valid = Valid(name, schema).ToList();
                if (valid.Count > 0)
                {
                    var value = valid[random.Next(valid.Count)];
                    // The one dependency between parameters, as the sort's description states it: relevance needs q.
                    var needs = name == "sort" && value == "relevance" && !required.Any(r => r.StartsWith("q=", StringComparison.Ordinal)) ? ["q=digital"] : Array.Empty<string>();
                    cases.Add((Url(path, [.. required, .. needs, $"{name}={Uri.EscapeDataString(value)}"]), true));
                }
                foreach (var bad in Invalid(schema, random))
                {
                    cases.Add((Url(path, [.. required, $"{name}={Uri.EscapeDataString(bad)}"]), false));
                }
            }
            foreach (var (url, isValid) in cases)
            {
                foreach (var key in new[] { null, AdminKey })
                {
                    using var response = await client.SendAsync(Request(HttpMethod.Get, url, key));
                    sent++;
                    var status = (int)response.StatusCode;
                    var what = $"GET {url} ({(key is null ? "anonymous" : "admin key")}, seed {seed}) answered {status}: {await response.Content.ReadAsStringAsync()}";
                    Assert.True(status < 500, what);
                    if (isValid)
                    {
                        Assert.True(status < 400 || status == 404 && (template.Contains("Id}", StringComparison.Ordinal) || template.Contains("{id}", StringComparison.Ordinal)) || status == 401 && secured && key is null, what);
                    }
                    else
                    {
                        Assert.True(status is >= 400 and < 500, what);
                        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    }
                }
            }
        }
        Assert.True(sent > 500, $"only {sent} requests were generated");
        Assert.Equal(before, await DatabaseFingerprintAsync());
    }

    [Fact]
    public async Task Generated_malformed_writes_are_4xx_problems_and_change_nothing()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        await using var factory = CreateFactory(ConnectionString, settings: new Dictionary<string, string> { ["RateLimits:Enabled"] = "false" });
        using var client = factory.CreateContractClient();
        var contract = JsonNode.Parse(File.ReadAllText(Infrastructure.Contract.CommittedPath))!;
        var before = await DatabaseFingerprintAsync();
        var sent = 0;
        foreach (var (template, item) in contract["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject().Where(o => o.Key is "post" or "put" or "patch" or "delete"))
            {
                if (Fill(template, random) is not { } path)
                {
                    continue;
                }
                var conditional = (operation!["parameters"]?.AsArray() ?? []).Any(p => p!["name"]!.ToString() == "If-Match");
                var media = operation["requestBody"]?["content"]?.AsObject().Select(c => c.Key).First();
                var bodies = media is null
                    ? new List<string?> { null }
                    : ["[]", "42", "\"text\"", """{"slug": 5, "name": [1], "kind": {}}""", "{" + new string(' ', random.Next(3)) + "\"slug\": \"Not A Slug!\"}"];
                foreach (var body in bodies)
                {
                    foreach (var (key, ifMatch) in new[] { ((string?)null, "\"1\""), (AdminKey, "not-an-etag"), (AdminKey, (string?)null), (AdminKey, "\"999999\"") })
                    {
                        using var request = Request(new HttpMethod(method.ToUpperInvariant()), path, key);
                        if (conditional && ifMatch is not null)
                        {
                            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
                        }
                        if (body is not null)
                        {
                            request.Content = new StringContent(body, Encoding.UTF8, media!);
                        }
                        using var response = await client.SendAsync(request);
                        sent++;
                        var status = (int)response.StatusCode;
                        var what = $"{method.ToUpperInvariant()} {path} ({(key is null ? "anonymous" : "admin key")}, If-Match {ifMatch}, seed {seed}) with {body} answered {status}: {await response.Content.ReadAsStringAsync()}";
                        Assert.True(status is >= 400 and < 500, what);
                        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    }
                }
            }
        }
        Assert.True(sent > 300, $"only {sent} requests were generated");
        Assert.Equal(before, await DatabaseFingerprintAsync());
    }

    [Fact]
    public async Task Generated_valid_creates_and_patches_are_accepted_and_answered_by_the_contract()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        await using var factory = CreateFactory(ConnectionString, settings: new Dictionary<string, string> { ["RateLimits:Enabled"] = "false" });
        using var client = factory.CreateContractClient();
        var contract = Infrastructure.Contract.Json;
        var created = 0;
        foreach (var (template, item) in contract["paths"]!.AsObject().Where(p => !p.Key.Contains('{', StringComparison.Ordinal)))
        {
            if (item!["post"]?["requestBody"]?["content"]?["application/json"] is not JsonObject content)
            {
                continue;
            }
            // A resource with a slug is created, patched and deleted; a webhook subscription (no slug, no patch) created and deleted.
            var patch = contract["paths"]![template + "/{idOrSlug}"]?["patch"]?["requestBody"]?["content"]?["application/merge-patch+json"]?.AsObject();
            for (var i = 0; i < 6; i++)
            {
                // A create: the example with optional members dropped, nullable ones nulled and enums drawn; a new slug.
                var body = Vary(content["example"]!.DeepClone().AsObject(), Resolve(contract, content["schema"]!).Schema, contract, random);
                var slug = $"generated-{random.Next():x}";
                if (patch is not null)
                {
                    body["slug"] = slug;
                }
                if (body.ContainsKey("orcid") && body["orcid"] is not null)
                {
                    body["orcid"] = Orcid(random); // an ORCID iD names one person: a second speaker with it is a 409
                }
                using var create = Request(HttpMethod.Post, template, AdminKey);
                create.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
                using var answer = await client.SendAsync(create);
                var what = $"POST {template} (seed {seed}) with {body.ToJsonString()} answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}";
                Assert.True(answer.StatusCode == HttpStatusCode.Created, what);
                created++;
                if (patch is null)
                {
                    using var remove = Request(HttpMethod.Delete, answer.Headers.Location!.OriginalString, AdminKey);
                    using var removed = await client.SendAsync(remove);
                    Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
                    continue;
                }

                // A merge patch: any subset of the patch example's members, with the same variations.
                var change = Vary(patch["example"]!.DeepClone().AsObject(), Resolve(contract, patch["schema"]!).Schema, contract, random, optionalOnly: true);
                using var merge = Request(HttpMethod.Patch, $"{template}/{slug}", AdminKey);
                merge.Headers.TryAddWithoutValidation("If-Match", answer.Headers.ETag!.Tag);
                merge.Content = new StringContent(change.ToJsonString(), Encoding.UTF8, "application/merge-patch+json");
                using var patched = await client.SendAsync(merge);
                Assert.True(patched.StatusCode == HttpStatusCode.OK,
                    $"PATCH {template}/{slug} (seed {seed}) with {change.ToJsonString()} answered {(int)patched.StatusCode}: {await patched.Content.ReadAsStringAsync()}");

                using var delete = Request(HttpMethod.Delete, $"{template}/{slug}", AdminKey);
                delete.Headers.TryAddWithoutValidation("If-Match", "*");
                using var deleted = await client.SendAsync(delete);
                Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            }
        }
        Assert.True(created >= 24, $"only {created} creates were generated");
    }

    /// <summary>A random ORCID iD with its ISO 7064 11-2 check digit.</summary>
    private static string Orcid(Random random)
    {
        var digits = string.Concat(Enumerable.Range(0, 15).Select(_ => random.Next(10)));
        var total = digits.Aggregate(0, (sum, d) => (sum + (d - '0')) * 2);
        var check = (12 - total % 11) % 11;
        var all = digits + (check == 10 ? "X" : check.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return $"{all[..4]}-{all[4..8]}-{all[8..12]}-{all[12..]}";
    }

    /// <summary>The schema a node names (through $ref, a one-member allOf, or oneOf with null), and whether null is allowed.</summary>
    private static (JsonObject Schema, bool Nullable) Resolve(JsonNode contract, JsonNode schema)
    {
        var nullable = false;
        while (true)
        {
            if (schema["$ref"] is { } reference)
            {
                schema = contract["components"]!["schemas"]![reference.ToString().Split('/')[^1]]!;
            }
            else if (schema["allOf"] is JsonArray { Count: 1 } allOf)
            {
                schema = allOf[0]!;
            }
            else if (schema["oneOf"] is JsonArray oneOf && oneOf.Any(o => o!["type"]?.ToString() == "null"))
            {
                nullable = true;
                schema = oneOf.First(o => o!["type"]?.ToString() != "null")!;
            }
            else
            {
                if (schema["type"] is JsonArray types && types.Any(t => t!.ToString() == "null"))
                {
                    nullable = true;
                }
                return (schema.AsObject(), nullable);
            }
        }
    }

    /// <summary>
    /// <paramref name="body"/> varied as its schema allows: optional members dropped, nullable ones nulled, enum values
    /// drawn (the members a cross-field rule ties together are kept as the example has them; the rules are in the
    /// members' descriptions).
    /// </summary>
    private static JsonObject Vary(JsonObject body, JsonObject schema, JsonNode contract, Random random, bool optionalOnly = false)
    {
        var required = schema["required"]?.AsArray().Select(r => r!.ToString()).ToHashSet() ?? [];
        foreach (var name in body.Select(p => p.Key).ToList())
        {
            if (schema["properties"]?[name] is not { } member || s_tiedTogether.Contains(name))
            {
                continue;
            }
            var (resolved, nullable) = Resolve(contract, member);
            var draw = random.NextDouble();
            if ((optionalOnly || !required.Contains(name)) && draw < 0.3)
            {
                body.Remove(name);
            }
            else if (nullable && draw < 0.5)
            {
                body[name] = null;
            }
            else if (resolved["enum"] is JsonArray values)
            {
                body[name] = values[random.Next(values.Count)]!.DeepClone();
            }
        }
        return body;
    }

    /// <summary>Members a rule ties to another (a time needs its zone, an end its start): varied only together, so left as the example has them.</summary>
    private static readonly HashSet<string> s_tiedTogether = ["startDate", "endDate", "startsAt", "endsAt", "timeZone"];

    private static HttpRequestMessage Request(HttpMethod method, string url, string? key)
    {
        var request = new HttpRequestMessage(method, url);
        if (key is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }
        return request;
    }

        private static string Url(string path, IEnumerable<string> query)
    {
        var parts = query.ToList();
        return parts.Count == 0 ? path : $"{path}?{string.Join('&', parts)}";
    }
}
