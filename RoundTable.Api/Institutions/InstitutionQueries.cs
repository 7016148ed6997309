using Dapper;
using Npgsql;
using RoundTable.Api.Auth;
using RoundTable.Api.Database;
using RoundTable.Api.Events;
using RoundTable.Api.Http;
using RoundTable.Api.Localization;
using RoundTable.Api.Paging;
using RoundTable.Api.Sources;
using RoundTable.Api.Speakers;

namespace RoundTable.Api.Institutions;

/// <summary>The reads of institutions: each query beside the method that runs it.</summary>
internal sealed class InstitutionQueries(NpgsqlDataSource dataSource, Viewer viewer)
{
    /// <summary>How institutions are found by id or slug (deleted ones are not).</summary>
    public static readonly KeyLookup Key = new("institution", "institutions", "i");

    private const string Columns = """
        i.id, i.slug, i.name, i.short_name, i.kind, i.country, i.city, i.website, i.ror_id, i.parent_id,
        i.created_at, i.updated_at, i.version
        """;

    internal const string ListBase = "i.deleted_at IS NULL";

    /// <summary>Filters, sorts and search of GET /institutions (and its exports).</summary>
    public static readonly ListSpec List = new("institution", "i",
        [
            ListSpec.Id("i"),
            new SortSpec("name", "rt_sort_key(i.name)", "text", "Name (English, else the first language), case-insensitive."),
            ListSpec.UpdatedAt("i"),
            ListSpec.Relevance("i", "institutions"),
        ],
        [
            ValuesFilter.Of<InstitutionKind>("kind", "Kinds of institution (comma-separated).", "i.kind", InstitutionKind.University),
            new CountryFilter("country", "Countries (ISO 3166-1 alpha-2, comma-separated).", "i.country"),
            new ReferenceFilter("parent", "Institutions that belong to this one (UUID or slug), e.g. a university's schools.",
                "i.parent_id IN (SELECT fp.id FROM institutions fp WHERE fp.id = {id} OR fp.slug = {slug})", "seoul-national-university", [Key]),
        ],
        $"i.search @@ {ListSpec.SearchQuery}",
        []);

    public Task<IReadOnlyList<InstitutionRow>> ListAsync(ListQuery query, CancellationToken ct) =>
        dataSource.QueryListAsync<InstitutionRow>(viewer.Command(ListSql(query), query.Parameters, ct));

    public IAsyncEnumerable<InstitutionRow> StreamAsync(ListQuery query, CancellationToken ct) =>
        dataSource.StreamAsync<InstitutionRow>(viewer.Command(ListSql(query), query.Parameters, ct));

    private static string ListSql(ListQuery query) => query.Sql($"SELECT {Columns}", "institutions i", ListBase);

    private static readonly KeyedSql s_detailsSql = new($"""
        SELECT {Columns},
               pa.slug AS parent_slug, pa.name AS parent_name, pa.short_name AS parent_short_name, {Sql.Source}
        FROM institutions i
             LEFT JOIN institutions pa ON pa.id = i.parent_id
             LEFT JOIN sources s ON s.id = i.source_id
        WHERE {Key.KeyFilter};

        SELECT r.id, r.ranking, r.year, r.subject, r.rank
        FROM institution_rankings r JOIN institutions i ON i.id = r.institution_id
        WHERE {Key.KeyFilter}
        ORDER BY r.year DESC NULLS LAST, r.ranking, r.id;

        SELECT f.id, f.key, f.label, f.value, f.qualifier, f.as_of_year
        FROM institution_figures f JOIN institutions i ON i.id = f.institution_id
        WHERE {Key.KeyFilter}
        ORDER BY f.id;
        """);

    /// <summary>An institution with its parent, rankings and figures, in one round trip.</summary>
    public Task<InstitutionDetails?> GetAsync(ResourceKey key, CancellationToken ct) =>
        dataSource.QueryDetailsAsync<InstitutionRow, InstitutionDetails>(
            new CommandDefinition(s_detailsSql.For(key), new { key.Id, key.Slug }, cancellationToken: ct),
            async (row, grid) => new InstitutionDetails(row, (await grid.ReadAsync<RankingRow>()).AsList(), (await grid.ReadAsync<FigureRow>()).AsList()));

    private static readonly string s_childrenPageSql = $"""
        SELECT {Columns}
        FROM institutions i
        WHERE i.parent_id = @ParentId AND i.deleted_at IS NULL AND {Sql.After("i")}
        {Sql.PageOrder("i")}
        """;

    public Task<IReadOnlyList<InstitutionRow>> ListChildrenAsync(Guid institutionId, PageRequest page, CancellationToken ct) =>
        dataSource.QueryListAsync<InstitutionRow>(new CommandDefinition(s_childrenPageSql, page.Parameters(institutionId), cancellationToken: ct));

    private static readonly string s_speakersPageSql = $"""
        {SpeakerQueries.AffiliationsSelect}
        WHERE i.id = @ParentId AND {Sql.After("a")}
        {Sql.PageOrder("a")}
        """;

    public Task<IReadOnlyList<AffiliationRow>> ListSpeakersAsync(Guid institutionId, PageRequest page, CancellationToken ct) =>
        dataSource.QueryListAsync<AffiliationRow>(new CommandDefinition(s_speakersPageSql, page.Parameters(institutionId), cancellationToken: ct));

    // Events the institution organized, or at which a participant represented it; one item per event.
    private static readonly string s_eventsPageSql = $"""
        WITH involvement AS (
            SELECT o.event_id, o.role AS involvement FROM event_organizers o WHERE o.institution_id = @ParentId
            UNION
            SELECT p.event_id, 'represented' FROM event_participant_institutions pi
                JOIN event_participants p ON p.id = pi.participant_id
            WHERE pi.institution_id = @ParentId)
        SELECT {Sql.EventRef},
               array_agg(v.involvement ORDER BY array_position(
                   ARRAY['organizer', 'co_organizer', 'partner', 'represented'], v.involvement)) AS involvement
        FROM involvement v JOIN events e ON e.id = v.event_id
        WHERE e.deleted_at IS NULL AND {EventQueries.Visible} AND {Sql.After("e")}
        GROUP BY e.id
        {Sql.PageOrder("e")}
        """;

    public Task<IReadOnlyList<InstitutionEventRow>> ListEventsAsync(Guid institutionId, PageRequest page, CancellationToken ct) =>
        dataSource.QueryListAsync<InstitutionEventRow>(viewer.Command(s_eventsPageSql, page.Parameters(institutionId), ct));
}

// Rows as the queries select them; InstitutionMappings turns them into contracts.

internal sealed class InstitutionRow : SourcedRow, IListRow
{
    public string? SortKey { get; set; }
    public Guid Id { get; set; }
    public string Slug { get; set; } = "";
    public LocalizedText Name { get; set; } = [];
    public LocalizedText? ShortName { get; set; }
    public string Kind { get; set; } = "";
    public string? Country { get; set; }
    public LocalizedText? City { get; set; }
    public string? Website { get; set; }
    public string? RorId { get; set; }
    public Guid? ParentId { get; set; }
    public string? ParentSlug { get; set; }
    public LocalizedText? ParentName { get; set; }
    public LocalizedText? ParentShortName { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public long Version { get; set; }
}

internal sealed class RankingRow
{
    public Guid Id { get; set; }
    public string Ranking { get; set; } = "";
    public int? Year { get; set; }
    public LocalizedText? Subject { get; set; }
    public int Rank { get; set; }
}

internal sealed class FigureRow
{
    public Guid Id { get; set; }
    public string Key { get; set; } = "";
    public LocalizedText Label { get; set; } = [];
    public decimal Value { get; set; }
    public string Qualifier { get; set; } = "";
    public int? AsOfYear { get; set; }
}

internal sealed class InstitutionEventRow
{
    public Guid EventId { get; set; }
    public string EventSlug { get; set; } = "";
    public LocalizedText EventTitle { get; set; } = [];
    public DateOnly EventStartDate { get; set; }
    public string[] Involvement { get; set; } = [];
}

internal sealed record InstitutionDetails(InstitutionRow Institution, IReadOnlyList<RankingRow> Rankings, IReadOnlyList<FigureRow> Figures);
