using RoundTable.Api.Localization;

namespace RoundTable.Api.Http;

/// <summary>A short reference to an institution, embedded where another resource points at it.</summary>
public sealed record InstitutionRef(Guid Id, string Slug, string Name, string? ShortName);

/// <summary>A short reference to a person.</summary>
public sealed record SpeakerRef(Guid Id, string Slug, string FullName, string? Honorific);

/// <summary>A short reference to an event.</summary>
public sealed record EventRef(Guid Id, string Slug, string Title, DateOnly StartDate);

/// <summary>Where a record came from: the published report or page its facts were taken from.</summary>
public sealed record SourceResponse(string Slug, string Title, string? Publisher, string? Url, DateOnly? PublishedOn, string? Citation);

/// <summary>Builds the embedded references from the flat columns the stores select.</summary>
internal static class Refs
{
    public static InstitutionRef Institution(Guid id, string slug, LocalizedText name, LocalizedText? shortName) =>
        new(id, slug, name.Resolve(), shortName?.Resolve());

    public static SpeakerRef Speaker(Guid id, string slug, LocalizedText fullName, LocalizedText? honorific) =>
        new(id, slug, fullName.Resolve(), honorific?.Resolve());

    public static EventRef Event(Guid id, string slug, LocalizedText title, DateOnly startDate) =>
        new(id, slug, title.Resolve(), startDate);

    public static SourceResponse? Source(string? slug, LocalizedText? title, string? publisher, string? url, DateOnly? publishedOn, string? citation) =>
        slug is null || title is null ? null : new(slug, title.Resolve(), publisher, url, publishedOn, citation);
}
