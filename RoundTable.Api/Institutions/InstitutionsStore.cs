using Dapper;
using Npgsql;
using RoundTable.Api.Database;
using RoundTable.Api.Http;
using RoundTable.Api.Paging;
using RoundTable.Api.Speakers;

namespace RoundTable.Api.Institutions;

internal sealed class InstitutionsStore(NpgsqlDataSource dataSource, Auth.Viewer viewer)
{
    // Deleted rows keep a tombstone (deleted_at) and answer 404.
    private const string KeyFilter = "(i.id = @Id::uuid OR i.slug = @Slug::text) AND i.deleted_at IS NULL";

    private const string Columns = """
        i.id, i.slug, i.name, i.short_name, i.kind, i.country, i.city, i.website, i.ror_id, i.parent_id,
        i.created_at, i.updated_at, i.version
        """;

    /// <summary>Filters, sorts and search of GET /institutions (and its exports).</summary>
    public static readonly ListSpec List = new("institution", "i",
        [
            ListSpec.Id("i"),
            new SortSpec("name", "rt_sort_key(i.name)", "text", "Name (English, else the first language), case-insensitive."),
            ListSpec.UpdatedAt("i"),
            ListSpec.Relevance($"ts_rank(i.search, {ListSpec.SearchQuery})"),
        ],
        [
            ValuesFilter.Of<InstitutionKind>("kind", "Kinds of institution (comma-separated).", "i.kind"),
            new CountryFilter("country", "Countries (ISO 3166-1 alpha-2, comma-separated).", "i.country"),
            new ReferenceFilter("parent", "Institutions that belong to this one (UUID or slug), e.g. a university's schools.",
                "i.parent_id IN (SELECT fp.id FROM institutions fp WHERE fp.id = {id} OR fp.slug = {slug})"),
        ],
        $"i.search @@ {ListSpec.SearchQuery}",
        []);

    private static readonly KeyedSql s_idSql = new(IdSql);


    private const string IdSql = $"SELECT i.id FROM institutions i WHERE {KeyFilter}";

    private static readonly KeyedSql s_detailsSql = new(DetailsSql);


    private const string DetailsSql = $"""
        SELECT {Columns},
               pa.slug AS parent_slug, pa.name AS parent_name, pa.short_name AS parent_short_name, {RefColumns.Source}
        FROM institutions i
             LEFT JOIN institutions pa ON pa.id = i.parent_id
             LEFT JOIN sources s ON s.id = i.source_id
        WHERE {KeyFilter};

        SELECT r.id, r.ranking, r.year, r.subject, r.rank
        FROM institution_rankings r JOIN institutions i ON i.id = r.institution_id
        WHERE {KeyFilter}
        ORDER BY r.year DESC NULLS LAST, r.ranking, r.id;

        SELECT f.id, f.key, f.label, f.value, f.qualifier, f.as_of_year
        FROM institution_figures f JOIN institutions i ON i.id = f.institution_id
        WHERE {KeyFilter}
        ORDER BY f.id;
        """;

    private const string ChildrenPageSql = $"""
        SELECT {Columns}
        FROM institutions i
        WHERE i.parent_id = @InstitutionId AND i.deleted_at IS NULL AND (@After::uuid IS NULL OR i.id > @After::uuid) AND (@UpdatedSince::timestamptz IS NULL OR i.updated_at >= @UpdatedSince::timestamptz)
        ORDER BY i.id
        LIMIT @Fetch
        """;

    private const string SpeakersPageSql = $"""
        {SpeakersStore.AffiliationsSelect}
        WHERE i.id = @InstitutionId AND (@After::uuid IS NULL OR a.id > @After::uuid) AND (@UpdatedSince::timestamptz IS NULL OR a.updated_at >= @UpdatedSince::timestamptz)
        ORDER BY a.id
        LIMIT @Fetch
        """;

    // Events the institution organized, or at which a participant represented it; one item per event.
    private const string EventsPageSql = $"""
        WITH involvement AS (
            SELECT o.event_id, o.role AS involvement FROM event_organizers o WHERE o.institution_id = @InstitutionId
            UNION
            SELECT p.event_id, 'represented' FROM event_participant_institutions pi
                JOIN event_participants p ON p.id = pi.participant_id
            WHERE pi.institution_id = @InstitutionId)
        SELECT {RefColumns.Event},
               array_agg(v.involvement ORDER BY array_position(
                   ARRAY['organizer', 'co_organizer', 'partner', 'represented'], v.involvement)) AS involvement
        FROM involvement v JOIN events e ON e.id = v.event_id
        WHERE e.deleted_at IS NULL AND {Auth.Viewer.CanSeeEvent} AND (@After::uuid IS NULL OR e.id > @After::uuid) AND (@UpdatedSince::timestamptz IS NULL OR e.updated_at >= @UpdatedSince::timestamptz)
        GROUP BY e.id
        ORDER BY e.id
        LIMIT @Fetch
        """;

    internal const string ListBase = "i.deleted_at IS NULL";

    public Task<IReadOnlyList<InstitutionRow>> ListAsync(ListQuery query, CancellationToken ct) =>
        ListReads.PageAsync<InstitutionRow>(dataSource, viewer.Command(query.Sql($"SELECT {Columns}", "institutions i", ListBase), query.Parameters, ct));

    public IAsyncEnumerable<InstitutionRow> StreamAsync(ListQuery query, CancellationToken ct) =>
        ListReads.StreamAsync<InstitutionRow>(dataSource, viewer.Command(query.Sql($"SELECT {Columns}", "institutions i", ListBase), query.Parameters, ct));

    public async Task<Guid?> FindIdAsync(ResourceKey key, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Guid?>(
            new CommandDefinition(s_idSql.For(key), new { key.Id, key.Slug }, cancellationToken: ct));
    }

    public async Task<InstitutionDetails?> GetAsync(ResourceKey key, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var grid = await connection.QueryMultipleAsync(
            new CommandDefinition(s_detailsSql.For(key), new { key.Id, key.Slug }, cancellationToken: ct));
        var row = await grid.ReadSingleOrDefaultAsync<InstitutionRow>();
        if (row is null)
        {
            return null;
        }
        return new InstitutionDetails(row, (await grid.ReadAsync<RankingRow>()).AsList(), (await grid.ReadAsync<FigureRow>()).AsList());
    }

    public Task<IReadOnlyList<InstitutionRow>> ListChildrenAsync(Guid institutionId, PageRequest page, CancellationToken ct) =>
        QueryPageAsync<InstitutionRow>(ChildrenPageSql, institutionId, page, ct);

    public Task<IReadOnlyList<AffiliationRow>> ListSpeakersAsync(Guid institutionId, PageRequest page, CancellationToken ct) =>
        QueryPageAsync<AffiliationRow>(SpeakersPageSql, institutionId, page, ct);

    public async Task<IReadOnlyList<InstitutionEventRow>> ListEventsAsync(Guid institutionId, PageRequest page, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<InstitutionEventRow>(viewer.Command(EventsPageSql, new { InstitutionId = institutionId, page.After, page.UpdatedSince, Fetch = page.FetchCount }, ct))).AsList();
    }

    private async Task<IReadOnlyList<T>> QueryPageAsync<T>(string sql, Guid institutionId, PageRequest page, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<T>(new CommandDefinition(
            sql, new { InstitutionId = institutionId, page.After, page.UpdatedSince, Fetch = page.FetchCount }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>The live institutions among <paramref name="keys"/>, by the id or slug they were asked by.</summary>
    public Task<IReadOnlyDictionary<ResourceKey, Guid>> ResolveAsync(IReadOnlyCollection<ResourceKey> keys, CancellationToken ct) =>
        RowLookup.ResolveAsync(dataSource, "institutions", keys, ct);

    // ---- writes

    private const string WriteColumns = "slug, name, short_name, kind, country, city, website, ror_id, parent_id";

    private const string InsertSql = $"""
        INSERT INTO institutions ({WriteColumns}, created_by_key_id)
        VALUES (@Slug, @Name, @ShortName, @Kind, @Country, @City, @Website, @RorId, @ParentId, @KeyId)
        RETURNING id, version
        """;

    private const string UpdateSql = $"""
        UPDATE institutions SET slug = @Slug, name = @Name, short_name = @ShortName, kind = @Kind, country = @Country,
            city = @City, website = @Website, ror_id = @RorId, parent_id = @ParentId
        {RowWrites.Conditional}
        """;

    private const string WritableSql = $"SELECT {Columns} FROM institutions i WHERE i.id = @Id AND i.deleted_at IS NULL";

    /// <summary>A partner owns the institutions one of its institution's keys created.</summary>
    private const string CreatedBySql = """
        SELECT EXISTS (SELECT 1 FROM institutions i JOIN api_keys k ON k.id = i.created_by_key_id
                       WHERE i.id = @Id AND k.institution_id = @InstitutionId)
        """;

    /// <summary>Would <c>@Id</c> become its own ancestor under <c>@ParentId</c>?</summary>
    private const string CycleSql = """
        WITH RECURSIVE ancestors (id, parent_id) AS (
            SELECT id, parent_id FROM institutions WHERE id = @ParentId
            UNION
            SELECT i.id, i.parent_id FROM institutions i JOIN ancestors a ON i.id = a.parent_id)
        SELECT EXISTS (SELECT 1 FROM ancestors WHERE id = @Id)
        """;

    private const string ReferencedSql = """
        SELECT EXISTS (SELECT 1 FROM institutions WHERE parent_id = @Id AND deleted_at IS NULL)
            OR EXISTS (SELECT 1 FROM event_organizers o JOIN events e ON e.id = o.event_id
                       WHERE o.institution_id = @Id AND e.deleted_at IS NULL)
            OR EXISTS (SELECT 1 FROM event_participant_institutions pi JOIN event_participants p ON p.id = pi.participant_id
                       JOIN events e ON e.id = p.event_id WHERE pi.institution_id = @Id AND e.deleted_at IS NULL)
            OR EXISTS (SELECT 1 FROM speaker_affiliations a JOIN speakers s ON s.id = a.speaker_id
                       WHERE a.institution_id = @Id AND s.deleted_at IS NULL)
            OR EXISTS (SELECT 1 FROM event_acknowledgements a JOIN events e ON e.id = a.event_id
                       WHERE a.from_institution_id = @Id AND e.deleted_at IS NULL)
            OR EXISTS (SELECT 1 FROM recommendation_proposers p JOIN recommendations r ON r.id = p.recommendation_id
                       WHERE p.institution_id = @Id AND r.deleted_at IS NULL)
        """;

    public async Task<InstitutionRow?> GetWritableAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<InstitutionRow>(new CommandDefinition(WritableSql, new { Id = id }, cancellationToken: ct));
    }

    public async Task<bool> WasCreatedByAsync(Guid id, Guid institutionId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(CreatedBySql, new { Id = id, InstitutionId = institutionId }, cancellationToken: ct));
    }

    public async Task<bool> WouldCycleAsync(Guid id, Guid parentId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(CycleSql, new { Id = id, ParentId = parentId }, cancellationToken: ct));
    }

    public Task<(Guid Id, long Version)> CreateAsync(InstitutionRow row, Guid keyId, CancellationToken ct) =>
        RowWrites.InsertAsync(dataSource, "institution", InsertSql, Parameters(row, keyId), keyId, ct, references: Hierarchy(row));

    /// <summary>
    /// Parent changes are serialised by a transaction-level advisory lock and checked for cycles inside the
    /// transaction, so two concurrent changes cannot together make an institution its own ancestor.
    /// </summary>
    public Task<WriteResult> UpdateAsync(Guid id, long? expected, InstitutionRow row, Guid keyId, CancellationToken ct) =>
        RowWrites.UpdateAsync(dataSource, "institutions", "institution", UpdateSql, id, Parameters(row, keyId, id, expected), keyId, ct,
            async (connection, transaction) =>
            {
                if (row.ParentId is not { } parent)
                {
                    return;
                }
                if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(CycleSql, new { Id = id, ParentId = parent }, transaction, cancellationToken: ct)))
                {
                    throw new RequestValidationException(new() { ["parent"] = ["An institution cannot be its own ancestor."] });
                }
            },
            Hierarchy(row));

    /// <summary>Advisory lock key for changes of the institution hierarchy: "RTPARENT".</summary>
    private const long HierarchyLockKey = 0x5254504152454E54;

    /// <summary>
    /// Writes that set a parent, and deletes, run one at a time: a parent cannot be deleted under a new child, and two
    /// parent changes cannot form a cycle. (A share lock on the parent row would deadlock two opposite changes.)
    /// </summary>
    private static References? Hierarchy(InstitutionRow row) =>
        row.ParentId is null ? null : References.Of() with { Serialize = HierarchyLockKey };

    /// <summary>Refused (409) while live events, people or child institutions still refer to it.</summary>
    public Task<WriteResult> DeleteAsync(Guid id, long? expected, Guid keyId, CancellationToken ct) =>
        RowWrites.SoftDeleteAsync(dataSource, "institutions", "institution", id, expected, keyId, ct, async (connection, transaction) =>
        {
            if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(ReferencedSql, new { Id = id }, transaction, cancellationToken: ct)))
            {
                throw new ConflictException("Live events, people or child institutions still refer to this institution: change or delete them first.");
            }
        }, References.Of() with { Serialize = HierarchyLockKey });

    private static object Parameters(InstitutionRow row, Guid keyId, Guid? id = null, long? expected = null) => new
    {
        Id = id, Expected = expected, row.Slug, row.Name, row.ShortName, row.Kind, row.Country, row.City, row.Website,
        row.RorId, row.ParentId, KeyId = keyId,
    };

    private const string RankingInsertSql = """
        INSERT INTO institution_rankings (institution_id, ranking, year, subject, rank)
        VALUES (@ParentId, @Ranking, @Year, @Subject, @Rank) RETURNING id
        """;

    private const string RankingUpdateSql = """
        UPDATE institution_rankings SET ranking = @Ranking, year = @Year, subject = @Subject, rank = @Rank
        WHERE id = @ItemId AND institution_id = @ParentId RETURNING id
        """;

    private const string RankingDeleteSql = "DELETE FROM institution_rankings WHERE id = @ItemId AND institution_id = @ParentId RETURNING id";

    public Task<WriteResult> ChangeRankingAsync(Guid institutionId, long? expected, Guid? itemId, object? values, Guid keyId, CancellationToken ct) =>
        RowWrites.RelationAsync(dataSource, "institutions", "institution", "institution_ranking", institutionId, expected, itemId, values,
            RankingInsertSql, RankingUpdateSql, RankingDeleteSql, keyId, ct);

    private const string RankingJsonSql = """
        SELECT jsonb_build_object('ranking', ranking, 'year', year, 'subject', subject, 'rank', rank)
        FROM institution_rankings WHERE id = @ItemId AND institution_id = @ParentId
        """;

    public Task<string?> GetRankingJsonAsync(Guid institutionId, Guid itemId, CancellationToken ct) =>
        RowLookup.RelationJsonAsync(dataSource, RankingJsonSql, institutionId, itemId, ct);
}
