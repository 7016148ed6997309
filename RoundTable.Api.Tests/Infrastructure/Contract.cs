using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using Microsoft.AspNetCore.Mvc.Testing;

namespace RoundTable.Api.Tests.Infrastructure;

/// <summary>
/// The committed contract (RoundTable.Api/openapi/v1.json, OpenAPI 3.1), and the check every answer the tests receive
/// goes through: its status is one the operation declares, its media type one that status declares, and its JSON body
/// valid against the declared schema (JSON Schema 2020-12, JsonSchema.Net, formats asserted).
/// </summary>
internal static partial class Contract
{
    private static readonly Uri s_base = new("https://roundtable.test/openapi/v1.json");

    private static readonly Lazy<Document> s_document = new(Load);

    public static JsonObject Json => s_document.Value.Root;

    /// <summary>Headers a client reads (the ones CORS exposes): present on an answer, they must be declared for it.</summary>
    private static readonly string[] s_readHeaders =
        ["ETag", "Last-Modified", "Link", "Location", "Content-Language", "Retry-After", "RateLimit", "RateLimit-Policy", "Idempotent-Replayed"];

    /// <summary>
    /// Why the request breaks the contract (an undeclared operation or parameter, a missing required parameter or
    /// header, a value or body its schema refuses), or null when the contract calls it valid.
    /// </summary>
    public static string? CheckRequest(HttpRequestMessage request, string? body)
    {
        var document = s_document.Value;
        var path = request.RequestUri!.AbsolutePath;
        var (route, match) = document.Find(path);
        var method = request.Method.Method.ToLowerInvariant();
        if (request.Method == HttpMethod.Options)
        {
            return null; // a CORS preflight: the middleware's, not an operation
        }
        if (route is null || route.Operations[method] is not JsonObject operation)
        {
            return route is null ? null : $"{request.Method} {route.Template} is not an operation of the contract";
        }
        var pointer = $"#/paths/{Escape(route.Template)}/{method}";
        var declared = operation["parameters"]?.AsArray().Select((p, i) => (Parameter: p!.AsObject(), Index: i)).ToList() ?? [];
        // Query parameter names are case-insensitive in this API (the document's description says so).
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(request.RequestUri.Query);
        foreach (var name in query.Keys)
        {
            if (!declared.Any(d => (string?)d.Parameter["in"] == "query" && string.Equals((string?)d.Parameter["name"], name, StringComparison.OrdinalIgnoreCase)))
            {
                return $"query parameter '{name}' is not declared";
            }
        }
        foreach (var (parameter, index) in declared)
        {
            var name = (string)parameter["name"]!;
            string? value = (string?)parameter["in"] switch
            {
                "path" => match!.Groups[name].Success ? Uri.UnescapeDataString(match.Groups[name].Value) : null,
                "query" => query.FirstOrDefault(q => string.Equals(q.Key, name, StringComparison.OrdinalIgnoreCase)) is { Key: not null } given
                    ? given.Value.ToString() : null,
                "header" => request.Headers.TryGetValues(name, out var values) || (request.Content?.Headers.TryGetValues(name, out values) ?? false)
                    ? string.Join(", ", values!) : null,
                _ => null,
            };
            if (value is null)
            {
                if ((bool?)parameter["required"] == true)
                {
                    return $"required {parameter["in"]} parameter '{name}' is missing";
                }
                continue;
            }
            if (parameter["schema"] is JsonObject schema && Invalid(document, $"{pointer}/parameters/{index}/schema", Scalar(value, schema)) is { } why)
            {
                return $"{parameter["in"]} parameter '{name}' = '{value}': {why}";
            }
        }
        if (operation["requestBody"] is not JsonObject requestBody)
        {
            return null;
        }
        if (request.Content is null)
        {
            return (bool?)requestBody["required"] == true ? "the request has no body, which the operation requires" : null;
        }
        var mediaType = request.Content.Headers.ContentType?.MediaType ?? "";
        if (requestBody["content"]?[mediaType] is not JsonObject content)
        {
            return $"the body's media type {mediaType} is not declared";
        }
        if (body is null || content["schema"] is null)
        {
            return null;
        }
        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return "the body is not JSON";
        }
        using (parsed)
        {
            return Invalid(document, $"{pointer}/requestBody/content/{Escape(mediaType)}/schema", parsed.RootElement) is { } bodyError
                ? $"the body does not match its schema:\n{bodyError}"
                : null;
        }
    }

    /// <summary>
    /// Why <paramref name="response"/> breaks the contract, or null when it keeps it; <paramref name="json"/> is its body
    /// when it is JSON (null otherwise: a stream's media type is checked, its bytes are the test's).
    /// </summary>
    public static string? Check(HttpMethod method, string path, HttpResponseMessage response, bool hasBody, string? json)
    {
        var document = s_document.Value;
        var (route, _) = document.Find(path);
        if (route is null || route.Operations[method.Method.ToLowerInvariant()] is not JsonObject operation)
        {
            return null; // not an operation of the contract (health, the document itself, an unknown route or method)
        }
        var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var responses = operation["responses"]!.AsObject();
        var key = responses.ContainsKey(status) ? status : responses.ContainsKey("default") ? "default" : null;
        if (key is null)
        {
            return $"{method} {route.Template} answered {status}, which the contract does not declare (it declares {string.Join(", ", responses.Select(r => r.Key))}).";
        }
        var declared = responses[key]!.AsObject();
        var responsePointer = $"#/paths/{Escape(route.Template)}/{method.Method.ToLowerInvariant()}/responses/{key}";
        var headers = declared["headers"]?.AsObject();
        foreach (var name in s_readHeaders)
        {
            var value = HeaderValue(response, name);
            var header = headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
            if (header?.Value is not JsonObject declaredHeader)
            {
                if (value is not null)
                {
                    return $"{method} {route.Template} answered {status} with header {name}, which the contract does not declare for it.";
                }
                continue;
            }
            if (value is null)
            {
                if ((bool?)declaredHeader["required"] == true)
                {
                    return $"{method} {route.Template} answered {status} without its required header {name}.";
                }
                continue;
            }
            if (declaredHeader["schema"] is JsonObject schema
                && Invalid(document, $"{responsePointer}/headers/{Escape(header.Value.Key)}/schema", Scalar(value, schema)) is { } why)
            {
                return $"{method} {route.Template} answered {status} with header {name}: {value}, which does not match its schema: {why}";
            }
        }
        if (!hasBody)
        {
            return null;
        }
        var mediaType = response.Content.Headers.ContentType?.MediaType ?? "";
        if (declared["content"]?[mediaType] is not JsonObject content)
        {
            var offered = declared["content"]?.AsObject().Select(c => c.Key) ?? [];
            return $"{method} {route.Template} answered {status} as {mediaType}, which the contract does not declare for it (it declares {string.Join(", ", offered)}).";
        }
        if (json is null || content["schema"] is null)
        {
            return null;
        }
        var pointer = $"{responsePointer}/content/{Escape(mediaType)}/schema";
        using var parsed = JsonDocument.Parse(json);
        return Invalid(document, pointer, parsed.RootElement) is { } error
            ? $"{method} {path} answered {status} {mediaType} that does not match {pointer}:\n{error}\n{Truncate(json)}"
            : null;
    }

    /// <summary>Whether a body is JSON (read and checked) rather than a stream of lines or text.</summary>
    /// <summary>Whether the operation answers server-sent events: a GET that does not end (ChangeStreamTests reads it).</summary>
    public static bool IsEventStream(JsonNode? operation) => operation?["responses"]?["200"]?["content"]?["text/event-stream"] is not null;

    public static bool IsJson(string? mediaType) =>
        mediaType is "application/json" || (mediaType?.EndsWith("+json", StringComparison.Ordinal) ?? false);

    private static string? HeaderValue(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;

    // A header or parameter value as the JSON its schema describes: a number or boolean when the schema says so.
    private static JsonElement Scalar(string value, JsonObject schema)
    {
        var type = schema["type"]?.ToJsonString() ?? "";
        if ((type.Contains("integer", StringComparison.Ordinal) || type.Contains("number", StringComparison.Ordinal))
            && double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)
            || type.Contains("boolean", StringComparison.Ordinal) && value is "true" or "false")
        {
            try
            {
                return JsonDocument.Parse(value).RootElement.Clone();
            }
            catch (JsonException)
            {
                // "01" and the like: checked as the string it is
            }
        }
        return JsonSerializer.SerializeToElement(value);
    }

    private static string? Invalid(Document document, string pointer, JsonElement instance)
    {
        var schema = document.Schemas.GetOrAdd(pointer, p => JsonSchema.FromText($$"""{"$ref": "{{s_base}}{{p}}"}""", document.BuildOptions));
        var result = schema.Evaluate(instance, document.EvaluationOptions);
        return result.IsValid ? null : string.Join("\n", Flatten(result).Take(8).Select(e => $"  {e.Location}: {e.Message}"));
    }

    private static IEnumerable<(string Location, string Message)> Flatten(EvaluationResults result)
    {
        if (result.Errors is { Count: > 0 } errors)
        {
            foreach (var (keyword, message) in errors)
            {
                yield return (result.InstanceLocation.ToString() is { Length: > 0 } l ? l : "/", $"{keyword}: {message} ({result.EvaluationPath})");
            }
        }
        // Only the branches that failed: a oneOf's passing branch (or a failing one beside it) is no breach.
        foreach (var child in (result.Details ?? []).Where(d => !d.IsValid))
        {
            foreach (var error in Flatten(child))
            {
                yield return error;
            }
        }
    }

    private static string Truncate(string body) => body.Length <= 1500 ? body : body[..1500] + "…";

    // A JSON Pointer segment: ~ and / escaped (RFC 6901), and the rest as a URI fragment needs it.
    private static string Escape(string segment) => Uri.EscapeDataString(segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));

    /// <summary>Where the committed contract is.</summary>
    public static string CommittedPath => Path.Combine(Architecture.ArchitectureTests.RepositoryRoot(), "RoundTable.Api", "openapi", "v1.json");

    private static Document Load()
    {
        var text = File.ReadAllText(CommittedPath);
        var root = JsonNode.Parse(text)!.AsObject();
        var registry = new SchemaRegistry();
        registry.Register(s_base, new JsonElementBaseDocument(JsonDocument.Parse(text).RootElement.Clone(), s_base));
        var routes = root["paths"]!.AsObject()
            .Select(p => new Route(p.Key, new Regex("^" + Parameter().Replace(Regex.Escape(p.Key), m => $"(?<{m.Value[2..^1]}>[^/]+)") + "$"), p.Value!.AsObject()))
            // Literal paths before templated ones that would also match them (events.ics before {idOrSlug}), and the
            // more literal of two templates first ({idOrSlug}.jsonld before {idOrSlug}).
            .OrderBy(r => r.Template.Count(c => c == '{'))
            .ThenByDescending(r => Parameter().Replace(Regex.Escape(r.Template), "").Length)
            .ToList();
        return new Document(root, routes, new BuildOptions { SchemaRegistry = registry },
            new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical, RequireFormatValidation = true });
    }

    [GeneratedRegex(@"\\\{[^}]+}")]
    private static partial Regex Parameter();

    private sealed record Route(string Template, Regex Pattern, JsonObject Operations);

    private sealed record Document(JsonObject Root, List<Route> Routes, BuildOptions BuildOptions, EvaluationOptions EvaluationOptions)
    {
        public System.Collections.Concurrent.ConcurrentDictionary<string, JsonSchema> Schemas { get; } = new();

        public (Route? Route, Match? Match) Find(string path)
        {
            foreach (var route in Routes)
            {
                if (route.Pattern.Match(path) is { Success: true } match)
                {
                    return (route, match);
                }
            }
            return (null, null);
        }
    }
}

/// <summary>Fails a test whose request gets an answer the contract does not describe.</summary>
internal sealed class ContractHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var requestBody = request.Content is { } sent && Contract.IsJson(sent.Headers.ContentType?.MediaType)
            ? await sent.ReadAsStringAsync(cancellationToken)
            : null;
        var invalid = Contract.CheckRequest(request, requestBody);
        var response = await base.SendAsync(request, cancellationToken);
        // A request the contract calls invalid must be refused: accepted, the API does more than its contract says.
        if (invalid is not null && (int)response.StatusCode is >= 200 and < 400)
        {
            throw new ContractBreachException($"{request.Method} {request.RequestUri!.PathAndQuery} was answered {(int)response.StatusCode}, "
                + $"but the contract calls the request invalid: {invalid}");
        }
        var media = response.Content.Headers.ContentType?.MediaType ?? "";
        // A HEAD answer has the headers of a GET and no body (its Content-Length, if any, is the GET's).
        var hasBody = request.Method != HttpMethod.Head
            && (response.Content.Headers.ContentLength is > 0 || (response.Content.Headers.ContentLength is null && media.Length > 0));
        // A JSON body is read (and buffered, so the test reads it again); a stream's bytes are left to the test.
        var json = hasBody && Contract.IsJson(media) ? await response.Content.ReadAsStringAsync(cancellationToken) : null;
        var breach = Contract.Check(request.Method, request.RequestUri!.AbsolutePath, response, hasBody, json);
        if (breach is not null)
        {
            throw new ContractBreachException(breach);
        }
        return response;
    }
}

internal sealed class ContractBreachException(string message) : Exception("The answer breaks the contract: " + message);

internal static class ContractClients
{
    /// <summary>A client of the app whose every answer is checked against the committed contract.</summary>
    public static HttpClient CreateContractClient(this WebApplicationFactory<Program> factory) =>
        factory.CreateDefaultClient(new ContractHandler());
}
