using Dapper;
using Npgsql;
using RoundTable.Api.Auth;
using RoundTable.Api.Database;
using RoundTable.Api.Events;
using RoundTable.Api.Http;
using RoundTable.Api.Institutions;
using RoundTable.Api.Localization;
using RoundTable.Api.Paging;
using RoundTable.Api.Sources;

namespace RoundTable.Api.Speakers;

/// <summary>The reads of speakers: each query beside the method that runs it.</summary>
internal sealed class SpeakerQueries(NpgsqlDataSource dataSource, Viewer viewer)
{
    /// <summary>How speakers are found by id or slug (deleted ones are not).</summary>
    public static readonly KeyLookup Key = new("speaker", "speakers", "sp");

    private const string Columns = """
        sp.id, sp.slug, sp.full_name, sp.honorific, sp.orcid, sp.bio, sp.created_at, sp.updated_at, sp.version
        """;

    internal const string ListBase = "sp.deleted_at IS NULL";

    /// <summary>Filters, sorts and search of GET /speakers (and its exports).</summary>
    public static readonly ListSpec List = new("speaker", "sp",
        [
            ListSpec.Id("sp"),
            new SortSpec("name", "rt_sort_key(sp.full_name)", "text", "Full name (English, else the first language), case-insensitive."),
            ListSpec.UpdatedAt("sp"),
            ListSpec.Relevance("sp", "speakers", $"""
                ts_match_vq(sp.search, {ListSpec.SearchQuery})
                OR EXISTS (SELECT 1 FROM speaker_affiliations ma WHERE ma.speaker_id = sp.id AND ts_match_vq(ma.search, {ListSpec.SearchQuery}))
                """),
        ],
        [
            new ReferenceFilter("institution", "People affiliated with an institution (UUID or slug).", """
                EXISTS (SELECT 1 FROM speaker_affiliations fa JOIN institutions fi ON fi.id = fa.institution_id
                        WHERE fa.speaker_id = sp.id AND (fi.id = {id} OR fi.slug = {slug}))
                """, "iitu", [InstitutionQueries.Key]),
            new ReferenceFilter("event", "People who took part in an event (UUID or slug).", $$"""
                EXISTS (SELECT 1 FROM event_participants fp JOIN events e ON e.id = fp.event_id
                        WHERE fp.speaker_id = sp.id AND (e.id = {id} OR e.slug = {slug}) AND e.deleted_at IS NULL
                          AND {{EventQueries.Visible}})
                """, "iitu-snu-round-table-2024", [EventQueries.Key]),
        ],
        // Name, honorific and bio, or the position of an affiliation: each served by its own GIN index.
        $"""
        sp.id IN (SELECT ms.id FROM speakers ms WHERE ms.search @@ {ListSpec.SearchQuery}
                  UNION SELECT ma.speaker_id FROM speaker_affiliations ma WHERE ma.search @@ {ListSpec.SearchQuery})
        """,
        ["affiliations"]);

    public Task<IReadOnlyList<SpeakerRow>> ListAsync(ListQuery query, CancellationToken ct) =>
        dataSource.QueryListAsync<SpeakerRow>(viewer.Command(ListSql(query), query.Parameters, ct));

    public IAsyncEnumerable<SpeakerRow> StreamAsync(ListQuery query, CancellationToken ct) =>
        dataSource.StreamAsync<SpeakerRow>(viewer.Command(ListSql(query), query.Parameters, ct));

    private static string ListSql(ListQuery query) => query.Sql($"SELECT {Columns}", "speakers sp", ListBase);

    /// <summary>Affiliations with both ends (alias a, sp, i); callers add WHERE and ORDER BY.</summary>
    internal const string AffiliationsSelect = $"""
        SELECT a.id, a.position, a.start_date, a.end_date, {Sql.SpeakerRef}, {Sql.InstitutionRef}
        FROM speaker_affiliations a
             JOIN speakers sp ON sp.id = a.speaker_id
             JOIN institutions i ON i.id = a.institution_id
        """;

    private const string IncludeAffiliationsSql = $"""
        {AffiliationsSelect}
        WHERE a.speaker_id = ANY(@Ids)
        ORDER BY a.speaker_id, a.start_date NULLS LAST, a.id
        """;

    /// <summary>include=affiliations: the affiliations of a page of speakers, in one query.</summary>
    public Task<IReadOnlyList<AffiliationRow>> IncludeAffiliationsAsync(IReadOnlyList<Guid> ids, CancellationToken ct) =>
        dataSource.QueryListAsync<AffiliationRow>(new CommandDefinition(IncludeAffiliationsSql, new { Ids = ids.ToArray() }, cancellationToken: ct));

    private static readonly KeyedSql s_detailsSql = new($"""
        SELECT {Columns}, {Sql.Source}
        FROM speakers sp LEFT JOIN sources s ON s.id = sp.source_id
        WHERE {Key.KeyFilter};

        {AffiliationsSelect}
        WHERE {Key.KeyFilter}
        ORDER BY a.id;
        """);

    /// <summary>A speaker with their affiliations, in one round trip.</summary>
    public Task<SpeakerDetails?> GetAsync(ResourceKey key, CancellationToken ct) =>
        dataSource.QueryDetailsAsync<SpeakerRow, SpeakerDetails>(
            new CommandDefinition(s_detailsSql.For(key), new { key.Id, key.Slug }, cancellationToken: ct),
            async (row, grid) => new SpeakerDetails(row, (await grid.ReadAsync<AffiliationRow>()).AsList()));

    private static readonly string s_affiliationsPageSql = $"""
        {AffiliationsSelect}
        WHERE sp.id = @ParentId AND {Sql.After("a")}
        {Sql.PageOrder("a")}
        """;

    public Task<IReadOnlyList<AffiliationRow>> ListAffiliationsAsync(Guid speakerId, PageRequest page, CancellationToken ct) =>
        dataSource.QueryListAsync<AffiliationRow>(new CommandDefinition(s_affiliationsPageSql, page.Parameters(speakerId), cancellationToken: ct));

    private static readonly string s_eventsPageSql = $"""
        SELECT p.id, p.role, {Sql.EventRef}
        FROM event_participants p JOIN events e ON e.id = p.event_id
        WHERE p.speaker_id = @ParentId AND e.deleted_at IS NULL AND {EventQueries.Visible} AND {Sql.After("p")}
        {Sql.PageOrder("p")}
        """;

    public Task<IReadOnlyList<SpeakerEventRow>> ListEventsAsync(Guid speakerId, PageRequest page, CancellationToken ct) =>
        dataSource.QueryListAsync<SpeakerEventRow>(viewer.Command(s_eventsPageSql, page.Parameters(speakerId), ct));
}

// Rows as the queries select them; SpeakerMappings turns them into contracts.

internal sealed class SpeakerRow : SourcedRow, IListRow
{
    public string? SortKey { get; set; }
    public Guid Id { get; set; }
    public string Slug { get; set; } = "";
    public LocalizedText FullName { get; set; } = [];
    public LocalizedText? Honorific { get; set; }
    public string? Orcid { get; set; }
    public LocalizedText? Bio { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public long Version { get; set; }
}

/// <summary>An affiliation with both ends, so one row type serves a speaker's and an institution's lists.</summary>
internal sealed class AffiliationRow
{
    public Guid Id { get; set; }
    public LocalizedText? Position { get; set; }
    public DateOnly? StartDate { get; set; }
    public DateOnly? EndDate { get; set; }
    public Guid SpeakerId { get; set; }
    public string SpeakerSlug { get; set; } = "";
    public LocalizedText SpeakerFullName { get; set; } = [];
    public LocalizedText? SpeakerHonorific { get; set; }
    public Guid InstitutionId { get; set; }
    public string InstitutionSlug { get; set; } = "";
    public LocalizedText InstitutionName { get; set; } = [];
    public LocalizedText? InstitutionShortName { get; set; }
}

internal sealed class SpeakerEventRow
{
    public Guid Id { get; set; }
    public string Role { get; set; } = "";
    public Guid EventId { get; set; }
    public string EventSlug { get; set; } = "";
    public LocalizedText EventTitle { get; set; } = [];
    public DateOnly EventStartDate { get; set; }
}

internal sealed record SpeakerDetails(SpeakerRow Speaker, IReadOnlyList<AffiliationRow> Affiliations);
