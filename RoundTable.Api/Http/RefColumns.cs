namespace RoundTable.Api.Http;

/// <summary>
/// The columns of an embedded reference, under the aliases every store uses (i: institutions, sp: speakers,
/// e: events, s: sources), named so that Dapper fills the matching row properties (InstitutionId, SpeakerSlug, ...).
/// </summary>
internal static class RefColumns
{
    public const string Institution =
        "i.id AS institution_id, i.slug AS institution_slug, i.name AS institution_name, i.short_name AS institution_short_name";

    public const string Speaker =
        "sp.id AS speaker_id, sp.slug AS speaker_slug, sp.full_name AS speaker_full_name, sp.honorific AS speaker_honorific";

    public const string Event =
        "e.id AS event_id, e.slug AS event_slug, e.title AS event_title, e.start_date AS event_start_date";

    /// <summary>Fills <see cref="SourcedRow"/>; select it from a LEFT JOIN of sources s.</summary>
    public const string Source =
        "s.slug AS source_slug, s.title AS source_title, s.publisher AS source_publisher, s.url AS source_link, "
        + "s.published_on AS source_published_on, s.citation AS source_citation";
}
