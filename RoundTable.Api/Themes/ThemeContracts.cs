using System.Text.Json;
using System.Text.Json.Serialization;
using RoundTable.Api.Localization;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Themes;

/// <summary>A theme recommendations address (digital literacy, civil-service competencies…): what the change feed's theme entries name.</summary>
public sealed record ThemeDetail(Guid Id, string Slug, LocalizedText Name, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(ThemeDetail))]
[JsonSerializable(typeof(Page<ThemeDetail>))]
internal sealed partial class ThemeJsonContext : JsonSerializerContext;
