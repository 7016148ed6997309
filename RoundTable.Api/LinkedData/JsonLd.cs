using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using RoundTable.Api.Localization;

namespace RoundTable.Api.LinkedData;

/// <summary>A response with a schema.org form, which its feature writes (an event as an Event, a person as a Person...).</summary>
internal interface ILinkedData
{
    JsonObject ToLinkedData(LinkedDataContext context);
}

/// <summary>What a JSON-LD document needs from its request: the base of the URLs that identify resources.</summary>
internal sealed class LinkedDataContext(HttpRequest request)
{
    public string BaseUrl { get; } = $"{request.Scheme}://{request.Host}{request.PathBase}/api/v1";

    public string Url(string collection, string slug) => $"{BaseUrl}/{collection}/{slug}";
}

/// <summary>
/// JSON-LD (schema.org) for search engines and linked-data clients, asked for with <c>Accept: application/ld+json</c>.
/// Texts are in the negotiated language; with lang=* each is a list of language-tagged values.
/// </summary>
internal static class JsonLd
{
    public const string MediaType = "application/ld+json";

    /// <summary>Marks an item's JSON-LD route, <c>/{idOrSlug}.jsonld</c> (documented by OpenApi.ListParametersFilter).</summary>
    public sealed class Route;

    /// <summary>
    /// The item's JSON-LD at <c>{group}/{idOrSlug}.jsonld</c>, answered by the item's own handler: an operation of its
    /// own, so that a generated client types the JSON answer as the resource and this one as JSON-LD. The item route
    /// still answers <c>Accept: application/ld+json</c>, as it did before this route existed.
    /// </summary>
    public static RouteHandlerBuilder MapLinkedData(this RouteGroupBuilder reads, Delegate handler, string name, string what) =>
        reads.MapGet("/{idOrSlug}.jsonld", handler).WithName(name)
            .WithSummary($"Get {what} as JSON-LD (schema.org)").WithMetadata(new Route());

    /// <summary>True on the JSON-LD route, or when the client prefers JSON-LD to plain JSON.</summary>
    public static bool IsWanted(HttpRequest request)
    {
        if (request.HttpContext.GetEndpoint()?.Metadata.GetMetadata<Route>() is not null)
        {
            return true;
        }
        if (request.Headers.Accept.Count == 0 || !MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted))
        {
            return false;
        }
        var best = accepted.Where(a => a.Quality is null or > 0).OrderByDescending(a => a.Quality ?? 1)
            .FirstOrDefault(a => a.MediaType.Equals(MediaType, StringComparison.OrdinalIgnoreCase)
                || a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase));
        return best is not null && best.MediaType.Equals(MediaType, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The JSON-LD answer for <paramref name="item"/>, without null or empty values, as JSON-LD consumers expect.</summary>
    public static ContentHttpResult Of(ILinkedData item, HttpRequest request) =>
        TypedResults.Text(Clean(item.ToLinkedData(new LinkedDataContext(request))).ToJsonString(), MediaType, System.Text.Encoding.UTF8);

    /// <summary>A string in the response language, or with lang=* every translation as a language-tagged value.</summary>
    public static JsonNode? Text(LocalizedText? text)
    {
        if (text is null)
        {
            return null;
        }
        var preference = LanguagePreference.Current;
        if (!preference.IsAll)
        {
            return preference.Resolve(text).Text;
        }
        return new JsonArray([.. text.OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => (JsonNode)new JsonObject { ["@value"] = t.Value, ["@language"] = t.Key })]);
    }

    private static JsonObject Clean(JsonObject node)
    {
        foreach (var (key, value) in node.ToList())
        {
            switch (value)
            {
                case null:
                case JsonArray { Count: 0 }:
                    node.Remove(key);
                    break;
                case JsonObject child:
                    Clean(child);
                    break;
                case JsonArray array:
                    foreach (var item in array.OfType<JsonObject>())
                    {
                        Clean(item);
                    }
                    break;
                default:
                    break;
            }
        }
        return node;
    }
}
