using RoundTable.Api.Localization;

namespace RoundTable.Api.Http;

/// <summary>A short reference to an institution, embedded where another resource points at it.</summary>
public sealed record InstitutionRef(Guid Id, string Slug, LocalizedText Name, LocalizedText? ShortName);

/// <summary>A short reference to a person.</summary>
public sealed record SpeakerRef(Guid Id, string Slug, LocalizedText FullName, LocalizedText? Honorific);

/// <summary>A short reference to an event.</summary>
public sealed record EventRef(Guid Id, string Slug, LocalizedText Title, DateOnly StartDate);

/// <summary>Where a record came from: the published report or page its facts were taken from.</summary>
public sealed record SourceResponse(string Slug, LocalizedText Title, string? Publisher, string? Url, DateOnly? PublishedOn, string? Citation);

/// <summary>Builds the embedded references from the flat columns the stores select.</summary>
internal static class Refs
{
    public static InstitutionRef Institution(Guid id, string slug, LocalizedText name, LocalizedText? shortName) =>
        new(id, slug, name, shortName);

    public static SpeakerRef Speaker(Guid id, string slug, LocalizedText fullName, LocalizedText? honorific) =>
        new(id, slug, fullName, honorific);

    public static EventRef Event(Guid id, string slug, LocalizedText title, DateOnly startDate) =>
        new(id, slug, title, startDate);

}

/// <summary>A row that carries its source's columns (<see cref="RefColumns.Source"/>); null when it has none.</summary>
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
