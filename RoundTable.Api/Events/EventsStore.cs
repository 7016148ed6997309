using System.Data;
using System.Runtime.CompilerServices;
using System.Text;
using Dapper;
using Npgsql;
using RoundTable.Api.Auth;
using RoundTable.Api.Database;
using RoundTable.Api.Http;
using RoundTable.Api.Paging;
using RoundTable.Api.Recommendations;

namespace RoundTable.Api.Events;

internal sealed class EventsStore(NpgsqlDataSource dataSource, Viewer viewer)
{
    internal const string SummaryColumns = """
        e.id, e.slug, e.title, e.kind, e.status, e.start_date, e.end_date, e.starts_at, e.ends_at, e.time_zone,
        e.city, e.country, e.published, e.created_at, e.updated_at, e.version
        """;

    // Deleted rows keep a tombstone (deleted_at) and answer 404.
    private const string KeyFilter = $"(e.id = @Id::uuid OR e.slug = @Slug::text) AND e.deleted_at IS NULL AND {Viewer.CanSeeEvent}";

    /// <summary>Filters, sorts and search of GET /events (and its exports).</summary>
    public static readonly ListSpec List = new("event", "e",
        [
            ListSpec.Id("e"),
            new SortSpec("start", "e.start_date", "date", "First day of the event."),
            new SortSpec("title", "rt_sort_key(e.title)", "text", "Title (English, else the first language), case-insensitive."),
            ListSpec.UpdatedAt("e"),
            ListSpec.Relevance($"ts_rank(e.search, {ListSpec.SearchQuery})"),
        ],
        [
            new DateFilter("from", "Events ending on or after this day.", "e.end_date >= {0}"),
            new DateFilter("to", "Events starting on or before this day.", "e.start_date <= {0}"),
            ValuesFilter.Of<EventKind>("kind", "Kinds of event (comma-separated).", "e.kind"),
            ValuesFilter.Of<EventStatus>("status", "Statuses (comma-separated).", "e.status"),
            new CountryFilter("country", "Countries the events are held in (ISO 3166-1 alpha-2, comma-separated).", "e.country"),
            new ReferenceFilter("organizer", "Events an institution (UUID or slug) organized, co-organized or partnered.", """
                EXISTS (SELECT 1 FROM event_organizers fo JOIN institutions fi ON fi.id = fo.institution_id
                        WHERE fo.event_id = e.id AND (fi.id = {id} OR fi.slug = {slug}))
                """),
            new ReferenceFilter("institution", "Events an institution (UUID or slug) organized or was represented at by a participant.", """
                EXISTS (SELECT 1 FROM event_organizers fo JOIN institutions fi ON fi.id = fo.institution_id
                        WHERE fo.event_id = e.id AND (fi.id = {id} OR fi.slug = {slug})
                        UNION ALL
                        SELECT 1 FROM event_participants fp JOIN event_participant_institutions fpi ON fpi.participant_id = fp.id
                             JOIN institutions fi ON fi.id = fpi.institution_id
                        WHERE fp.event_id = e.id AND (fi.id = {id} OR fi.slug = {slug}))
                """),
            new ReferenceFilter("participant", "Events a person (UUID or slug) took part in.", """
                EXISTS (SELECT 1 FROM event_participants fp JOIN speakers fs ON fs.id = fp.speaker_id
                        WHERE fp.event_id = e.id AND (fs.id = {id} OR fs.slug = {slug}))
                """),
            new SlugFilter("theme", "Events with a recommendation on this theme (slug).", """
                EXISTS (SELECT 1 FROM recommendations fr JOIN recommendation_themes frt ON frt.recommendation_id = fr.id
                        JOIN themes ft ON ft.id = frt.theme_id
                        WHERE fr.event_id = e.id AND fr.deleted_at IS NULL AND ft.slug = {0})
                """, "digital-skills"),
        ],
        $"e.search @@ {ListSpec.SearchQuery}",
        ["organizers", "participants", "recommendations"]);

    internal const string ListBase = $"e.deleted_at IS NULL AND {Viewer.CanSeeEvent}";

    private static readonly KeyedSql s_idSql = new(IdSql);


    private const string IdSql = $"SELECT e.id FROM events e WHERE {KeyFilter}";

    // One round trip: the event and each of its relations as separate result sets of one batch.
    /// <summary>The SQL of GET /events/{idOrSlug} (also bench/run.sh's database ceiling).</summary>
    internal static readonly KeyedSql Details = new(DetailsSql);

    private const string DetailsSql = $"""
        SELECT {SummaryColumns}, e.venue, e.summary, e.source_url, {RefColumns.Source}
        FROM events e LEFT JOIN sources s ON s.id = e.source_id
        WHERE {KeyFilter};

        {OrganizersSelect}
        WHERE {KeyFilter}
        ORDER BY array_position(ARRAY['organizer', 'co_organizer', 'partner'], o.role), o.id;

        {ParticipantsSelect}
        WHERE {KeyFilter}
        ORDER BY p.id;

        {ParticipantInstitutionsSelect}
        WHERE {KeyFilter}
        ORDER BY pi.participant_id, pi.created_at, i.id;

        SELECT q.id, q.text, {RefColumns.Speaker}
        FROM event_quotes q JOIN events e ON e.id = q.event_id JOIN speakers sp ON sp.id = q.speaker_id
        WHERE {KeyFilter}
        ORDER BY q.id;

        SELECT a.id, a.kind, a.description, {RefColumns.Institution}, {RefColumns.Speaker}
        FROM event_acknowledgements a JOIN events e ON e.id = a.event_id
             JOIN institutions i ON i.id = a.from_institution_id JOIN speakers sp ON sp.id = a.to_speaker_id
        WHERE {KeyFilter}
        ORDER BY a.id;

        {RecommendationsStore.SummarySelect}
        JOIN events e ON e.id = r.event_id
        WHERE {KeyFilter} AND r.deleted_at IS NULL
        ORDER BY r.id;
        """;

    private const string OrganizersSelect = $"""
        SELECT o.id, o.event_id, o.role, {RefColumns.Institution}
        FROM event_organizers o JOIN events e ON e.id = o.event_id JOIN institutions i ON i.id = o.institution_id
        """;

    private const string ParticipantsSelect = $"""
        SELECT p.id, p.event_id, p.role, {RefColumns.Speaker}
        FROM event_participants p JOIN events e ON e.id = p.event_id JOIN speakers sp ON sp.id = p.speaker_id
        """;

    private const string ParticipantInstitutionsSelect = $"""
        SELECT pi.participant_id, {RefColumns.Institution}
        FROM event_participant_institutions pi
             JOIN event_participants p ON p.id = pi.participant_id
             JOIN events e ON e.id = p.event_id
             JOIN institutions i ON i.id = pi.institution_id
        """;

    private const string OrganizersPageSql = $"""
        {OrganizersSelect}
        WHERE e.id = @EventId AND (@After::uuid IS NULL OR o.id > @After::uuid) AND (@UpdatedSince::timestamptz IS NULL OR o.updated_at >= @UpdatedSince::timestamptz)
        ORDER BY o.id
        LIMIT @Fetch
        """;

    // The page of participants and the institutions of exactly those participants, in one round trip.
    private const string ParticipantsPageSql = $"""
        {ParticipantsSelect}
        WHERE e.id = @EventId AND (@After::uuid IS NULL OR p.id > @After::uuid) AND (@UpdatedSince::timestamptz IS NULL OR p.updated_at >= @UpdatedSince::timestamptz)
        ORDER BY p.id
        LIMIT @Fetch;

        {ParticipantInstitutionsSelect}
        WHERE e.id = @EventId AND pi.participant_id IN (
            SELECT p2.id FROM event_participants p2
            WHERE p2.event_id = @EventId AND (@After::uuid IS NULL OR p2.id > @After::uuid) AND (@UpdatedSince::timestamptz IS NULL OR p2.updated_at >= @UpdatedSince::timestamptz)
            ORDER BY p2.id LIMIT @Fetch)
        ORDER BY pi.participant_id, pi.created_at, i.id;
        """;

    private const string RecommendationsPageSql = $"""
        {RecommendationsStore.SummarySelect}
        WHERE r.event_id = @EventId AND r.deleted_at IS NULL AND (@After::uuid IS NULL OR r.id > @After::uuid) AND (@UpdatedSince::timestamptz IS NULL OR r.updated_at >= @UpdatedSince::timestamptz)
        ORDER BY r.id
        LIMIT @Fetch
        """;

    public Task<IReadOnlyList<EventRow>> ListAsync(ListQuery query, CancellationToken ct) =>
        ListReads.PageAsync<EventRow>(dataSource, viewer.Command(query.Sql($"SELECT {SummaryColumns}", "events e", ListBase), query.Parameters, ct));

    public IAsyncEnumerable<EventRow> StreamAsync(ListQuery query, CancellationToken ct) =>
        ListReads.StreamAsync<EventRow>(dataSource, viewer.Command(query.Sql($"SELECT {SummaryColumns}", "events e", ListBase), query.Parameters, ct));

    /// <summary>
    /// Every matching event with the columns a calendar needs (venue, summary, source URL) and its organizers and
    /// participants, in batches read on one connection in one snapshot (REPEATABLE READ).
    /// </summary>
    public async IAsyncEnumerable<(IReadOnlyList<EventRow> Events, EventIncludes Includes)> CalendarBatchesAsync(
        ListQuery query, int batch, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        query.Page(batch, null);
        while (true)
        {
            var sql = query.Sql($"SELECT {SummaryColumns}, e.venue, e.summary, e.source_url", "events e", ListBase);
            var rows = (await connection.QueryAsync<EventRow>(viewer.Command(sql, query.Parameters, ct, transaction))).AsList();
            var events = rows.Take(batch).ToList();
            if (events.Count == 0)
            {
                yield break;
            }
            yield return (events, await IncludeAsync(connection, transaction, events.Select(e => e.Id).ToList(), s_calendarIncludes, ct));
            if (rows.Count <= batch)
            {
                yield break;
            }
            query.Page(batch, new CursorPosition(query.SortToken, events[^1].SortKey, events[^1].Id));
        }
    }

    private static readonly IReadOnlySet<string> s_calendarIncludes = new HashSet<string> { "organizers", "participants" };

    // Includes for a page of events: one batch, whatever the number of events.
    private const string IncludeOrganizersSql = $"""
        {OrganizersSelect}
        WHERE e.id = ANY(@Ids)
        ORDER BY o.event_id, array_position(ARRAY['organizer', 'co_organizer', 'partner'], o.role), o.id;
        """;

    private const string IncludeParticipantsSql = $"""
        {ParticipantsSelect}
        WHERE e.id = ANY(@Ids)
        ORDER BY p.event_id, p.id;

        {ParticipantInstitutionsSelect}
        WHERE e.id = ANY(@Ids)
        ORDER BY pi.participant_id, pi.created_at, i.id;
        """;

    private const string IncludeRecommendationsSql = $"""
        {RecommendationsStore.SummarySelect}
        WHERE r.event_id = ANY(@Ids) AND r.deleted_at IS NULL
        ORDER BY r.event_id, r.id;
        """;

    /// <summary>The relations of a page of events, in one round trip of one query per included relation.</summary>
    public async Task<EventIncludes> IncludeAsync(IReadOnlyList<Guid> ids, IReadOnlySet<string> includes, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await IncludeAsync(connection, null, ids, includes, ct);
    }

    private static async Task<EventIncludes> IncludeAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<Guid> ids, IReadOnlySet<string> includes, CancellationToken ct)
    {
        var sql = new StringBuilder();
        if (includes.Contains("organizers"))
        {
            sql.AppendLine(IncludeOrganizersSql);
        }
        if (includes.Contains("participants"))
        {
            sql.AppendLine(IncludeParticipantsSql);
        }
        if (includes.Contains("recommendations"))
        {
            sql.AppendLine(IncludeRecommendationsSql);
        }
        await using var grid = await connection.QueryMultipleAsync(new CommandDefinition(sql.ToString(), new { Ids = ids.ToArray() }, transaction, cancellationToken: ct));
        var organizers = includes.Contains("organizers") ? (await grid.ReadAsync<EventOrganizerRow>()).AsList() : null;
        var participants = includes.Contains("participants") ? (await grid.ReadAsync<EventParticipantRow>()).AsList() : null;
        var participantInstitutions = includes.Contains("participants") ? (await grid.ReadAsync<ParticipantInstitutionRow>()).AsList() : null;
        var recommendations = includes.Contains("recommendations") ? (await grid.ReadAsync<RecommendationRow>()).AsList() : null;
        return new EventIncludes(organizers, participants, participantInstitutions, recommendations);
    }

    public async Task<Guid?> FindIdAsync(ResourceKey key, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Guid?>(
            viewer.Command(s_idSql.For(key), new { key.Id, key.Slug }, ct));
    }

    public async Task<EventDetails?> GetAsync(ResourceKey key, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var grid = await connection.QueryMultipleAsync(
            viewer.Command(Details.For(key), new { key.Id, key.Slug }, ct));
        var row = await grid.ReadSingleOrDefaultAsync<EventRow>();
        if (row is null)
        {
            return null;
        }
        return new EventDetails(
            row,
            (await grid.ReadAsync<EventOrganizerRow>()).AsList(),
            (await grid.ReadAsync<EventParticipantRow>()).AsList(),
            (await grid.ReadAsync<ParticipantInstitutionRow>()).AsList(),
            (await grid.ReadAsync<EventQuoteRow>()).AsList(),
            (await grid.ReadAsync<EventAcknowledgementRow>()).AsList(),
            (await grid.ReadAsync<RecommendationRow>()).AsList());
    }

    public async Task<IReadOnlyList<EventOrganizerRow>> ListOrganizersAsync(Guid eventId, PageRequest page, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<EventOrganizerRow>(new CommandDefinition(
            OrganizersPageSql, new { EventId = eventId, page.After, page.UpdatedSince, Fetch = page.FetchCount }, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<IReadOnlyList<ParticipantWithInstitutions>> ListParticipantsAsync(Guid eventId, PageRequest page, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var grid = await connection.QueryMultipleAsync(new CommandDefinition(
            ParticipantsPageSql, new { EventId = eventId, page.After, page.UpdatedSince, Fetch = page.FetchCount }, cancellationToken: ct));
        var participants = (await grid.ReadAsync<EventParticipantRow>()).AsList();
        var institutions = (await grid.ReadAsync<ParticipantInstitutionRow>()).ToLookup(i => i.ParticipantId);
        return participants.Select(p => new ParticipantWithInstitutions(p, institutions[p.Id].ToList())).ToList();
    }

    public async Task<IReadOnlyList<RecommendationRow>> ListRecommendationsAsync(Guid eventId, PageRequest page, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<RecommendationRow>(new CommandDefinition(
            RecommendationsPageSql, new { EventId = eventId, page.After, page.UpdatedSince, Fetch = page.FetchCount }, cancellationToken: ct));
        return rows.AsList();
    }

    // ---- writes: one transaction each, audited; If-Match is checked in the UPDATE itself, so two writers
    // holding the same version can never both succeed.

    private const string WritableRowSql = $"""
        SELECT {SummaryColumns}, e.venue, e.summary, e.source_url
        FROM events e WHERE e.id = @Id AND e.deleted_at IS NULL
        """;

    // Organizers and co-organizers own an event; a partner institution listed on it does not.
    private const string IsOrganizerSql = """
        SELECT EXISTS (SELECT 1 FROM event_organizers
                       WHERE event_id = @EventId AND institution_id = @InstitutionId AND role IN ('organizer', 'co_organizer'))
        """;

    private const string InsertSql = """
        INSERT INTO events (slug, title, kind, status, start_date, end_date, starts_at, ends_at, time_zone, venue, city,
                            country, summary, source_url, published, created_by_key_id)
        VALUES (@Slug, @Title, @Kind, @Status, @StartDate, @EndDate, @StartsAt, @EndsAt, @TimeZone, @Venue, @City,
                @Country, @Summary, @SourceUrl, @Published, @KeyId)
        RETURNING id, version
        """;

    private const string InsertOrganizersSql = """
        INSERT INTO event_organizers (event_id, institution_id, role)
        SELECT @EventId, o.institution_id, o.role FROM unnest(@Institutions, @Roles) AS o (institution_id, role)
        """;

    private const string UpdateSql = $"""
        UPDATE events SET slug = @Slug, title = @Title, kind = @Kind, status = @Status, start_date = @StartDate,
            end_date = @EndDate, starts_at = @StartsAt, ends_at = @EndsAt, time_zone = @TimeZone, venue = @Venue,
            city = @City, country = @Country, summary = @Summary, source_url = @SourceUrl,
            published = coalesce(@KeepPublished, published)
        {RowWrites.Conditional}
        """;

    // An event's recommendations go with it.
    private const string DeleteRecommendationsSql = """
        UPDATE recommendations SET deleted_at = now() WHERE event_id = @Id AND deleted_at IS NULL
        RETURNING id, version
        """;

    public async Task<EventRow?> GetWritableAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<EventRow>(new CommandDefinition(WritableRowSql, new { Id = id }, cancellationToken: ct));
    }

    public async Task<bool> IsOrganizerAsync(Guid eventId, Guid institutionId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            IsOrganizerSql, new { EventId = eventId, InstitutionId = institutionId }, cancellationToken: ct));
    }

    public Task<(Guid Id, long Version)> CreateAsync(
        EventRow row, IReadOnlyList<(Guid Institution, string Role)> organizers, Guid keyId, CancellationToken ct) =>
        RowWrites.InsertAsync(dataSource, "event", InsertSql, new
        {
            row.Slug, row.Title, row.Kind, row.Status, row.StartDate, row.EndDate, row.StartsAt, row.EndsAt, row.TimeZone,
            row.Venue, row.City, row.Country, row.Summary, row.SourceUrl, row.Published, KeyId = keyId,
        }, keyId, ct, (connection, transaction, id) => connection.ExecuteAsync(new CommandDefinition(InsertOrganizersSql, new
        {
            EventId = id,
            Institutions = organizers.Select(o => o.Institution).ToArray(),
            Roles = organizers.Select(o => o.Role).ToArray(),
        }, transaction, cancellationToken: ct)), References.Of(institutions: organizers.Select(o => o.Institution)));

    /// <summary>Replaces the event's fields; <paramref name="published"/> null keeps the current value.</summary>
    public Task<WriteResult> UpdateAsync(Guid id, long? expected, EventRow row, bool? published, Guid keyId, CancellationToken ct) =>
        RowWrites.UpdateAsync(dataSource, "events", "event", UpdateSql, id, new
        {
            Id = id, Expected = expected, row.Slug, row.Title, row.Kind, row.Status, row.StartDate, row.EndDate,
            row.StartsAt, row.EndsAt, row.TimeZone, row.Venue, row.City, row.Country, row.Summary, row.SourceUrl,
            KeepPublished = published,
        }, keyId, ct);

    public Task<WriteResult> DeleteAsync(Guid id, long? expected, Guid keyId, CancellationToken ct) =>
        RowWrites.SoftDeleteAsync(dataSource, "events", "event", id, expected, keyId, ct, async (connection, transaction) =>
        {
            var recommendations = await connection.QueryAsync<(Guid Id, long Version)>(
                new CommandDefinition(DeleteRecommendationsSql, new { Id = id }, transaction, cancellationToken: ct));
            foreach (var r in recommendations)
            {
                await ApiKeysStore.AuditAsync(connection, transaction, keyId, "delete", "recommendation", r.Id, r.Version - 1, r.Version, ct);
            }
        });

    // ---- relations: each change is conditional on the event's version and bumps it (RowWrites.RelationAsync)

    private const string OrganizerInsertSql = """
        INSERT INTO event_organizers (event_id, institution_id, role) VALUES (@ParentId, @InstitutionId, @Role) RETURNING id
        """;

    private const string OrganizerUpdateSql = """
        UPDATE event_organizers SET institution_id = @InstitutionId, role = @Role
        WHERE id = @ItemId AND event_id = @ParentId RETURNING id
        """;

    private const string OrganizerDeleteSql = "DELETE FROM event_organizers WHERE id = @ItemId AND event_id = @ParentId RETURNING id";

    private const string ParticipantInsertSql = """
        WITH p AS (INSERT INTO event_participants (event_id, speaker_id, role) VALUES (@ParentId, @SpeakerId, @Role) RETURNING id),
             i AS (INSERT INTO event_participant_institutions (participant_id, institution_id)
                   SELECT p.id, unnest(@Institutions) FROM p)
        SELECT id FROM p
        """;

    // Separate statements: a data-modifying CTE could not delete and re-insert the same institution.
    private const string ParticipantUpdateSql = """
        UPDATE event_participants SET speaker_id = @SpeakerId, role = @Role
        WHERE id = @ItemId AND event_id = @ParentId RETURNING id;
        DELETE FROM event_participant_institutions pi USING event_participants p
        WHERE pi.participant_id = p.id AND p.id = @ItemId AND p.event_id = @ParentId;
        INSERT INTO event_participant_institutions (participant_id, institution_id)
        SELECT p.id, unnest(@Institutions) FROM event_participants p WHERE p.id = @ItemId AND p.event_id = @ParentId;
        """;

    private const string ParticipantDeleteSql = "DELETE FROM event_participants WHERE id = @ItemId AND event_id = @ParentId RETURNING id";

    private const string QuoteInsertSql = "INSERT INTO event_quotes (event_id, speaker_id, text) VALUES (@ParentId, @SpeakerId, @Text) RETURNING id";

    private const string QuoteUpdateSql = """
        UPDATE event_quotes SET speaker_id = @SpeakerId, text = @Text WHERE id = @ItemId AND event_id = @ParentId RETURNING id
        """;

    private const string QuoteDeleteSql = "DELETE FROM event_quotes WHERE id = @ItemId AND event_id = @ParentId RETURNING id";

    private const string AcknowledgementInsertSql = """
        INSERT INTO event_acknowledgements (event_id, from_institution_id, to_speaker_id, kind, description)
        VALUES (@ParentId, @FromId, @ToId, @Kind, @Description) RETURNING id
        """;

    private const string AcknowledgementUpdateSql = """
        UPDATE event_acknowledgements SET from_institution_id = @FromId, to_speaker_id = @ToId, kind = @Kind, description = @Description
        WHERE id = @ItemId AND event_id = @ParentId RETURNING id
        """;

    private const string AcknowledgementDeleteSql = "DELETE FROM event_acknowledgements WHERE id = @ItemId AND event_id = @ParentId RETURNING id";

    public Task<WriteResult> ChangeOrganizerAsync(Guid eventId, long? expected, Guid? itemId, object? values, Guid keyId, CancellationToken ct, References? references = null) =>
        RowWrites.RelationAsync(dataSource, "events", "event", "event_organizer", eventId, expected, itemId, values,
            OrganizerInsertSql, OrganizerUpdateSql, OrganizerDeleteSql, keyId, ct, references);

    public Task<WriteResult> ChangeParticipantAsync(Guid eventId, long? expected, Guid? itemId, object? values, Guid keyId, CancellationToken ct, References? references = null) =>
        RowWrites.RelationAsync(dataSource, "events", "event", "event_participant", eventId, expected, itemId, values,
            ParticipantInsertSql, ParticipantUpdateSql, ParticipantDeleteSql, keyId, ct, references);

    public Task<WriteResult> ChangeQuoteAsync(Guid eventId, long? expected, Guid? itemId, object? values, Guid keyId, CancellationToken ct, References? references = null) =>
        RowWrites.RelationAsync(dataSource, "events", "event", "event_quote", eventId, expected, itemId, values,
            QuoteInsertSql, QuoteUpdateSql, QuoteDeleteSql, keyId, ct, references);

    public Task<WriteResult> ChangeAcknowledgementAsync(Guid eventId, long? expected, Guid? itemId, object? values, Guid keyId, CancellationToken ct, References? references = null) =>
        RowWrites.RelationAsync(dataSource, "events", "event", "event_acknowledgement", eventId, expected, itemId, values,
            AcknowledgementInsertSql, AcknowledgementUpdateSql, AcknowledgementDeleteSql, keyId, ct, references);

    private const string OrganizerJsonSql = """
        SELECT jsonb_build_object('institution', institution_id, 'role', role)
        FROM event_organizers WHERE id = @ItemId AND event_id = @ParentId
        """;

    private const string ParticipantJsonSql = """
        SELECT jsonb_build_object('speaker', p.speaker_id, 'role', p.role, 'institutions',
            ARRAY(SELECT pi.institution_id FROM event_participant_institutions pi WHERE pi.participant_id = p.id ORDER BY pi.institution_id))
        FROM event_participants p WHERE p.id = @ItemId AND p.event_id = @ParentId
        """;

    private const string QuoteJsonSql = """
        SELECT jsonb_build_object('speaker', speaker_id, 'text', text) FROM event_quotes WHERE id = @ItemId AND event_id = @ParentId
        """;

    private const string AcknowledgementJsonSql = """
        SELECT jsonb_build_object('from', from_institution_id, 'to', to_speaker_id, 'kind', kind, 'description', description)
        FROM event_acknowledgements WHERE id = @ItemId AND event_id = @ParentId
        """;

    public Task<string?> GetOrganizerJsonAsync(Guid eventId, Guid itemId, CancellationToken ct) => RowLookup.RelationJsonAsync(dataSource, OrganizerJsonSql, eventId, itemId, ct);

    public Task<string?> GetParticipantJsonAsync(Guid eventId, Guid itemId, CancellationToken ct) => RowLookup.RelationJsonAsync(dataSource, ParticipantJsonSql, eventId, itemId, ct);

    public Task<string?> GetQuoteJsonAsync(Guid eventId, Guid itemId, CancellationToken ct) => RowLookup.RelationJsonAsync(dataSource, QuoteJsonSql, eventId, itemId, ct);

    public Task<string?> GetAcknowledgementJsonAsync(Guid eventId, Guid itemId, CancellationToken ct) => RowLookup.RelationJsonAsync(dataSource, AcknowledgementJsonSql, eventId, itemId, ct);
}
