namespace RoundTable.Api.Database;

/// <summary>SQL fragments every feature's queries share, written once.</summary>
internal static class Sql
{
    // The columns of an embedded reference under the aliases every query uses (i: institutions, sp: speakers,
    // e: events, s: sources), named so that Dapper fills the matching row properties (InstitutionId, SpeakerSlug...).

    /// <summary>
    /// A timestamptz as JSON in UTC, to the microsecond, whatever the session's time zone: what Npgsql reads from the
    /// column, so that a document built in the database reads back as the same instant with the same offset. (The
    /// colons are quoted: pgbench, which runs these statements in bench/, would take ":MI" for one of its variables.)
    /// </summary>
    public static string JsonInstant(string column) =>
        $"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24\":\"MI\":\"SS.US\"Z\"')";

    public const string InstitutionRef =
        "i.id AS institution_id, i.slug AS institution_slug, i.name AS institution_name, i.short_name AS institution_short_name";

    public const string SpeakerRef =
        "sp.id AS speaker_id, sp.slug AS speaker_slug, sp.full_name AS speaker_full_name, sp.honorific AS speaker_honorific";

    public const string EventRef =
        "e.id AS event_id, e.slug AS event_slug, e.title AS event_title, e.start_date AS event_start_date";

    /// <summary>A row's source (Sources.SourcedRow's columns); select it from a LEFT JOIN of sources s.</summary>
    public const string Source =
        "s.slug AS source_slug, s.title AS source_title, s.publisher AS source_publisher, s.url AS source_link, "
        + "s.published_on AS source_published_on, s.citation AS source_citation";

    /// <summary>
    /// The rows of a relation list after its cursor: @After (the last id seen, or null) and @UpdatedSince (or null),
    /// as Paging.PageRequest binds them. End the statement with <see cref="PageOrder"/>.
    /// </summary>
    public static string After(string alias, string changedAt = "updated_at") =>
        $"(@After::uuid IS NULL OR {alias}.id > @After::uuid) AND (@UpdatedSince::timestamptz IS NULL OR {alias}.{changedAt} >= @UpdatedSince::timestamptz)";

    /// <summary>Id order, and one row more than the page (@Fetch), which tells whether there is a next page.</summary>
    public static string PageOrder(string alias) => $"ORDER BY {alias}.id LIMIT @Fetch";
}
