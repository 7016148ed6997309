using RoundTable.Api.Localization;

namespace RoundTable.Api.Sources;

/// <summary>Where a record came from: the published report or page its facts were taken from.</summary>
public sealed record SourceResponse(string Slug, LocalizedText Title, string? Publisher, string? Url, DateOnly? PublishedOn, string? Citation);

/// <summary>A row that carries its source's columns (Database.Sql.Source); its source is null when it has none.</summary>
internal abstract class SourcedRow
{
    public string? SourceSlug { get; set; }
    public LocalizedText? SourceTitle { get; set; }
    public string? SourcePublisher { get; set; }
    public string? SourceLink { get; set; }
    public DateOnly? SourcePublishedOn { get; set; }
    public string? SourceCitation { get; set; }

    /// <summary>Mapster maps it by name onto every response's Source.</summary>
    public SourceResponse? Source =>
        SourceSlug is null || SourceTitle is null
            ? null
            : new(SourceSlug, SourceTitle, SourcePublisher, SourceLink, SourcePublishedOn, SourceCitation);
}

/// <summary>A source as a resource of its own: what the change feed's source entries name.</summary>
public sealed record SourceDetail(
    Guid Id, string Slug, LocalizedText Title, string? Publisher, string? Url, DateOnly? PublishedOn, string? Citation,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web,
    GenerationMode = System.Text.Json.Serialization.JsonSourceGenerationMode.Metadata)]
[System.Text.Json.Serialization.JsonSerializable(typeof(SourceDetail))]
[System.Text.Json.Serialization.JsonSerializable(typeof(RoundTable.Api.Paging.Page<SourceDetail>))]
internal sealed partial class SourceJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
