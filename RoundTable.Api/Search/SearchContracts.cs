using System.Text.Json;
using System.Text.Json.Serialization;
using RoundTable.Api.Localization;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Search;

/// <summary>The kinds of resource a search finds.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SearchHitType>))]
public enum SearchHitType
{
    [JsonStringEnumMemberName("event")] Event,
    [JsonStringEnumMemberName("speaker")] Speaker,
    [JsonStringEnumMemberName("institution")] Institution,
    [JsonStringEnumMemberName("recommendation")] Recommendation,
}

/// <summary>A resource that matches a search, best first.</summary>
/// <param name="Type">What was found; its URL is /api/v1/{type}s/{id}.</param>
/// <param name="Title">The event's or recommendation's title, the person's or institution's name.</param>
/// <param name="Rank">Relevance, higher first: 2 when the title or name matches, 1 for a match elsewhere (summary, body, bio, positions...).</param>
public sealed record SearchHit(SearchHitType Type, Guid Id, string Slug, LocalizedText Title, float Rank);

/// <summary>Source-generated serialization of the search contracts.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(Page<SearchHit>))]
internal sealed partial class SearchJsonContext : JsonSerializerContext;
