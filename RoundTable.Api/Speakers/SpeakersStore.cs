using Dapper;
using Npgsql;
using RoundTable.Api.Database;
using RoundTable.Api.Http;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Speakers;

internal sealed class SpeakersStore(NpgsqlDataSource dataSource, Auth.Viewer viewer)
{
    // Deleted rows keep a tombstone (deleted_at) and answer 404.
    private const string KeyFilter = "(sp.id = @Id::uuid OR sp.slug = @Slug::text) AND sp.deleted_at IS NULL";

    private const string Columns = """
        sp.id, sp.slug, sp.full_name, sp.honorific, sp.orcid, sp.bio, sp.created_at, sp.updated_at, sp.version
        """;

    /// <summary>Filters, sorts and search of GET /speakers (and its exports).</summary>
    public static readonly ListSpec List = new("speaker", "sp",
        [
            ListSpec.Id("sp"),
            new SortSpec("name", "rt_sort_key(sp.full_name)", "text", "Full name (English, else the first language), case-insensitive."),
            ListSpec.UpdatedAt("sp"),
            ListSpec.Relevance(Rank),
        ],
        [
            new ReferenceFilter("institution", "People affiliated with an institution (UUID or slug).", """
                EXISTS (SELECT 1 FROM speaker_affiliations fa JOIN institutions fi ON fi.id = fa.institution_id
                        WHERE fa.speaker_id = sp.id AND (fi.id = {id} OR fi.slug = {slug}))
                """),
            new ReferenceFilter("event", "People who took part in an event (UUID or slug).", $$"""
                EXISTS (SELECT 1 FROM event_participants fp JOIN events e ON e.id = fp.event_id
                        WHERE fp.speaker_id = sp.id AND (e.id = {id} OR e.slug = {slug}) AND e.deleted_at IS NULL
                          AND {{Auth.Viewer.CanSeeEvent}})
                """),
        ],
        // Name, honorific and bio, or the position of an affiliation: each served by its own GIN index.
        $"""
        sp.id IN (SELECT ms.id FROM speakers ms WHERE ms.search @@ {ListSpec.SearchQuery}
                  UNION SELECT ma.speaker_id FROM speaker_affiliations ma WHERE ma.search @@ {ListSpec.SearchQuery})
        """,
        ["affiliations"]);

    private const string Rank = $"""
        ts_rank(sp.search, {ListSpec.SearchQuery}) + coalesce((SELECT max(ts_rank(ra.search, {ListSpec.SearchQuery}))
                                                    FROM speaker_affiliations ra WHERE ra.speaker_id = sp.id), 0)
        """;

    private static readonly KeyedSql s_idSql = new(IdSql);


    private const string IdSql = $"SELECT sp.id FROM speakers sp WHERE {KeyFilter}";

    /// <summary>Affiliations with both ends (alias a, sp, i); callers add WHERE and ORDER BY.</summary>
    internal const string AffiliationsSelect = $"""
        SELECT a.id, a.position, a.start_date, a.end_date, {RefColumns.Speaker}, {RefColumns.Institution}
        FROM speaker_affiliations a
             JOIN speakers sp ON sp.id = a.speaker_id
             JOIN institutions i ON i.id = a.institution_id
        """;

    private static readonly KeyedSql s_detailsSql = new(DetailsSql);


    private const string DetailsSql = $"""
        SELECT {Columns}, {RefColumns.Source}
        FROM speakers sp LEFT JOIN sources s ON s.id = sp.source_id
        WHERE {KeyFilter};

        {AffiliationsSelect}
        WHERE {KeyFilter}
        ORDER BY a.id;
        """;

    private const string AffiliationsPageSql = $"""
        {AffiliationsSelect}
        WHERE sp.id = @SpeakerId AND (@After::uuid IS NULL OR a.id > @After::uuid) AND (@UpdatedSince::timestamptz IS NULL OR a.updated_at >= @UpdatedSince::timestamptz)
        ORDER BY a.id
        LIMIT @Fetch
        """;

    private const string EventsPageSql = $"""
        SELECT p.id, p.role, {RefColumns.Event}
        FROM event_participants p JOIN events e ON e.id = p.event_id
        WHERE p.speaker_id = @SpeakerId AND e.deleted_at IS NULL AND {Auth.Viewer.CanSeeEvent} AND (@After::uuid IS NULL OR p.id > @After::uuid) AND (@UpdatedSince::timestamptz IS NULL OR p.updated_at >= @UpdatedSince::timestamptz)
        ORDER BY p.id
        LIMIT @Fetch
        """;

    internal const string ListBase = "sp.deleted_at IS NULL";

    public Task<IReadOnlyList<SpeakerRow>> ListAsync(ListQuery query, CancellationToken ct) =>
        ListReads.PageAsync<SpeakerRow>(dataSource, viewer.Command(query.Sql($"SELECT {Columns}", "speakers sp", ListBase), query.Parameters, ct));

    public IAsyncEnumerable<SpeakerRow> StreamAsync(ListQuery query, CancellationToken ct) =>
        ListReads.StreamAsync<SpeakerRow>(dataSource, viewer.Command(query.Sql($"SELECT {Columns}", "speakers sp", ListBase), query.Parameters, ct));

    private const string IncludeAffiliationsSql = $"""
        {AffiliationsSelect}
        WHERE a.speaker_id = ANY(@Ids)
        ORDER BY a.speaker_id, a.start_date NULLS LAST, a.id
        """;

    /// <summary>The affiliations of a page of speakers, in one query.</summary>
    public async Task<IReadOnlyList<AffiliationRow>> IncludeAffiliationsAsync(IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<AffiliationRow>(new CommandDefinition(IncludeAffiliationsSql, new { Ids = ids.ToArray() }, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<Guid?> FindIdAsync(ResourceKey key, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Guid?>(
            new CommandDefinition(s_idSql.For(key), new { key.Id, key.Slug }, cancellationToken: ct));
    }

    public async Task<SpeakerDetails?> GetAsync(ResourceKey key, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var grid = await connection.QueryMultipleAsync(
            new CommandDefinition(s_detailsSql.For(key), new { key.Id, key.Slug }, cancellationToken: ct));
        var row = await grid.ReadSingleOrDefaultAsync<SpeakerRow>();
        if (row is null)
        {
            return null;
        }
        return new SpeakerDetails(row, (await grid.ReadAsync<AffiliationRow>()).AsList());
    }

    public async Task<IReadOnlyList<AffiliationRow>> ListAffiliationsAsync(Guid speakerId, PageRequest page, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<AffiliationRow>(new CommandDefinition(
            AffiliationsPageSql, new { SpeakerId = speakerId, page.After, page.UpdatedSince, Fetch = page.FetchCount }, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<IReadOnlyList<SpeakerEventRow>> ListEventsAsync(Guid speakerId, PageRequest page, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<SpeakerEventRow>(viewer.Command(
            EventsPageSql, new { SpeakerId = speakerId, page.After, page.UpdatedSince, Fetch = page.FetchCount }, ct));
        return rows.AsList();
    }

    // ---- writes

    private const string InsertSql = """
        INSERT INTO speakers (slug, full_name, honorific, orcid, bio, created_by_key_id)
        VALUES (@Slug, @FullName, @Honorific, @Orcid, @Bio, @KeyId)
        RETURNING id, version
        """;

    private const string UpdateSql = $"""
        UPDATE speakers SET slug = @Slug, full_name = @FullName, honorific = @Honorific, orcid = @Orcid, bio = @Bio
        {RowWrites.Conditional}
        """;

    private const string WritableSql = $"SELECT {Columns} FROM speakers sp WHERE sp.id = @Id AND sp.deleted_at IS NULL";

    /// <summary>A partner owns the people one of its institution's keys created.</summary>
    private const string CreatedBySql = """
        SELECT EXISTS (SELECT 1 FROM speakers s JOIN api_keys k ON k.id = s.created_by_key_id
                       WHERE s.id = @Id AND k.institution_id = @InstitutionId)
        """;

    private const string ReferencedSql = """
        SELECT EXISTS (SELECT 1 FROM event_participants p JOIN events e ON e.id = p.event_id
                       WHERE p.speaker_id = @Id AND e.deleted_at IS NULL)
            OR EXISTS (SELECT 1 FROM event_quotes q JOIN events e ON e.id = q.event_id
                       WHERE q.speaker_id = @Id AND e.deleted_at IS NULL)
            OR EXISTS (SELECT 1 FROM recommendation_proposers p JOIN recommendations r ON r.id = p.recommendation_id
                       WHERE p.speaker_id = @Id AND r.deleted_at IS NULL)
            OR EXISTS (SELECT 1 FROM event_acknowledgements a JOIN events e ON e.id = a.event_id
                       WHERE a.to_speaker_id = @Id AND e.deleted_at IS NULL)
        """;

    public Task<IReadOnlyDictionary<ResourceKey, Guid>> ResolveAsync(IReadOnlyCollection<ResourceKey> keys, CancellationToken ct) =>
        RowLookup.ResolveAsync(dataSource, "speakers", keys, ct);

    public async Task<SpeakerRow?> GetWritableAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<SpeakerRow>(new CommandDefinition(WritableSql, new { Id = id }, cancellationToken: ct));
    }

    public async Task<bool> WasCreatedByAsync(Guid id, Guid institutionId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(CreatedBySql, new { Id = id, InstitutionId = institutionId }, cancellationToken: ct));
    }

    public Task<(Guid Id, long Version)> CreateAsync(SpeakerRow row, Guid keyId, CancellationToken ct) =>
        RowWrites.InsertAsync(dataSource, "speaker", InsertSql, Parameters(row, keyId), keyId, ct);

    public Task<WriteResult> UpdateAsync(Guid id, long? expected, SpeakerRow row, Guid keyId, CancellationToken ct) =>
        RowWrites.UpdateAsync(dataSource, "speakers", "speaker", UpdateSql, id, Parameters(row, keyId, id, expected), keyId, ct);

    /// <summary>Refused (409) while live events or recommendations still name the person.</summary>
    public Task<WriteResult> DeleteAsync(Guid id, long? expected, Guid keyId, CancellationToken ct) =>
        RowWrites.SoftDeleteAsync(dataSource, "speakers", "speaker", id, expected, keyId, ct, async (connection, transaction) =>
        {
            if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(ReferencedSql, new { Id = id }, transaction, cancellationToken: ct)))
            {
                throw new ConflictException("Live events or recommendations still name this person: change or delete them first.");
            }
        });

    private static object Parameters(SpeakerRow row, Guid keyId, Guid? id = null, long? expected = null) => new
    {
        Id = id, Expected = expected, row.Slug, row.FullName, row.Honorific, row.Orcid, row.Bio, KeyId = keyId,
    };

    private const string AffiliationInsertSql = """
        INSERT INTO speaker_affiliations (speaker_id, institution_id, position, start_date, end_date)
        VALUES (@ParentId, @InstitutionId, @Position, @StartDate, @EndDate) RETURNING id
        """;

    private const string AffiliationUpdateSql = """
        UPDATE speaker_affiliations SET institution_id = @InstitutionId, position = @Position, start_date = @StartDate,
            end_date = @EndDate
        WHERE id = @ItemId AND speaker_id = @ParentId RETURNING id
        """;

    private const string AffiliationDeleteSql = "DELETE FROM speaker_affiliations WHERE id = @ItemId AND speaker_id = @ParentId RETURNING id";

    public Task<WriteResult> ChangeAffiliationAsync(Guid speakerId, long? expected, Guid? itemId, object? values, Guid keyId, CancellationToken ct, References? references = null) =>
        RowWrites.RelationAsync(dataSource, "speakers", "speaker", "speaker_affiliation", speakerId, expected, itemId, values,
            AffiliationInsertSql, AffiliationUpdateSql, AffiliationDeleteSql, keyId, ct, references);

    private const string AffiliationJsonSql = """
        SELECT jsonb_build_object('institution', institution_id, 'position', position, 'startDate', start_date, 'endDate', end_date)
        FROM speaker_affiliations WHERE id = @ItemId AND speaker_id = @ParentId
        """;

    public Task<string?> GetAffiliationJsonAsync(Guid speakerId, Guid itemId, CancellationToken ct) =>
        RowLookup.RelationJsonAsync(dataSource, AffiliationJsonSql, speakerId, itemId, ct);
}
