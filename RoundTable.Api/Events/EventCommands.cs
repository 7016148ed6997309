using Dapper;
using Npgsql;
using RoundTable.Api.Concurrency;
using RoundTable.Api.Database;
using RoundTable.Api.Json;
using RoundTable.Api.Localization;

namespace RoundTable.Api.Events;

/// <summary>The writes of events and of their relations, each an audited transaction (Concurrency.AuditedWrite) with its SQL beside it.</summary>
internal sealed class EventCommands(NpgsqlDataSource dataSource)
{
    private const string Type = "event";

    /// <summary>Organizers and co-organizers own an event; a partner institution listed on it does not.</summary>
    public static readonly WriteRights Rights = new(EventQueries.Key, $"""
        EXISTS (SELECT 1 FROM event_organizers wo
                WHERE wo.event_id = e.id AND wo.institution_id = @ViewerInstitution::uuid AND wo.role IN {EventQueries.OwnerRoles})
        """,
        "A partner key changes only events its institution organizes or co-organizes.");

    internal const string InsertSql = """
        INSERT INTO events (slug, title, kind, status, start_date, end_date, starts_at, ends_at, time_zone, venue, city,
                            country, summary, source_url, published, created_by_key_id)
        VALUES (@Slug, @Title, @Kind, @Status, @StartDate, @EndDate, @StartsAt, @EndsAt, @TimeZone, @Venue, @City,
                @Country, @Summary, @SourceUrl, @Published, @KeyId)
        RETURNING id, version
        """;

    internal const string InsertOrganizersSql = """
        INSERT INTO event_organizers (event_id, institution_id, role)
        SELECT @EventId, o.institution_id, o.role FROM unnest(@Institutions, @Roles) AS o (institution_id, role)
        """;

    /// <summary>A new event with its organizers, who stay locked until the commit.</summary>
    public async Task<WriteResult> CreateAsync(EventRow row, IReadOnlyList<(Guid Institution, OrganizerRole Role)> organizers, Guid keyId, CancellationToken ct)
    {
        await using var write = await AuditedWrite.BeginAsync(dataSource, keyId, ct);
        if (!await write.LockLiveAsync("institutions", organizers.Select(o => o.Institution)))
        {
            return AuditedWrite.ReferenceGone;
        }
        var created = await write.InsertAsync(Type, InsertSql, new
        {
            row.Slug, row.Title, row.Kind, row.Status, row.StartDate, row.EndDate, row.StartsAt, row.EndsAt, row.TimeZone,
            row.Venue, row.City, row.Country, row.Summary, row.SourceUrl, row.Published, KeyId = keyId,
        });
        await write.ExecuteAsync(InsertOrganizersSql, new
        {
            EventId = created.Id,
            Institutions = organizers.Select(o => o.Institution).ToArray(),
            Roles = organizers.Select(o => SnakeCaseEnum<OrganizerRole>.ToName(o.Role)).ToArray(),
        });
        return await write.CommitAsync(created);
    }

    private const string WritableSql = $"""
        SELECT {EventQueries.SummaryColumns}, e.venue, e.summary, e.source_url
        FROM events e WHERE e.id = @Id AND e.deleted_at IS NULL
        """;

    /// <summary>The event as its write request holds it: what a merge patch applies to.</summary>
    public Task<EventRow?> GetWritableAsync(Guid id, CancellationToken ct) =>
        dataSource.QuerySingleOrDefaultAsync<EventRow>(new CommandDefinition(WritableSql, new { Id = id }, cancellationToken: ct));

    private const string UpdateSql = $"""
        UPDATE events SET slug = @Slug, title = @Title, kind = @Kind, status = @Status, start_date = @StartDate,
            end_date = @EndDate, starts_at = @StartsAt, ends_at = @EndsAt, time_zone = @TimeZone, venue = @Venue,
            city = @City, country = @Country, summary = @Summary, source_url = @SourceUrl,
            published = coalesce(@KeepPublished, published)
        {AuditedWrite.Conditional}
        """;

    /// <summary>Replaces the event's fields; <paramref name="published"/> null keeps the current value.</summary>
    public async Task<WriteResult> UpdateAsync(WriteTarget target, EventRow row, bool? published, CancellationToken ct)
    {
        await using var write = await AuditedWrite.BeginAsync(dataSource, target.Caller.KeyId, ct);
        return await write.CommitAsync(await write.UpdateAsync("events", Type, target, UpdateSql, new
        {
            row.Slug, row.Title, row.Kind, row.Status, row.StartDate, row.EndDate, row.StartsAt, row.EndsAt, row.TimeZone,
            row.Venue, row.City, row.Country, row.Summary, row.SourceUrl, KeepPublished = published,
        }));
    }

    // An event's recommendations go with it.
    private const string DeleteRecommendationsSql = """
        UPDATE recommendations SET deleted_at = now() WHERE event_id = @Id AND deleted_at IS NULL
        RETURNING id, version
        """;

    public async Task<WriteResult> DeleteAsync(WriteTarget target, CancellationToken ct)
    {
        await using var write = await AuditedWrite.BeginAsync(dataSource, target.Caller.KeyId, ct);
        var result = await write.DeleteAsync("events", Type, target);
        if (result.IsDone)
        {
            foreach (var (id, version) in await write.QueryAsync<(Guid Id, long Version)>(DeleteRecommendationsSql, new { target.Id }))
            {
                await write.AuditAsync("delete", "recommendation", id, version - 1, version);
            }
        }
        return await write.CommitAsync(result);
    }

    // ---- relations: each change is conditional on the event's version and moves it (AuditedWrite.ChangeEntryAsync)

    private const string OrganizerInsertSql = """
        INSERT INTO event_organizers (event_id, institution_id, role) VALUES (@ParentId, @InstitutionId, @Role) RETURNING id
        """;

    private const string OrganizerUpdateSql = """
        UPDATE event_organizers SET institution_id = @InstitutionId, role = @Role
        WHERE id = @ItemId AND event_id = @ParentId RETURNING id
        """;

    private const string OrganizerDeleteSql = "DELETE FROM event_organizers WHERE id = @ItemId AND event_id = @ParentId RETURNING id";

    /// <summary>Adds (no <paramref name="itemId"/>) or replaces an organizer.</summary>
    public Task<WriteResult> ChangeOrganizerAsync(WriteTarget target, Guid? itemId, Guid institutionId, OrganizerRole role, CancellationToken ct) =>
        ChangeEntryAsync(target, "event_organizer", itemId, itemId is null ? OrganizerInsertSql : OrganizerUpdateSql,
            new { InstitutionId = institutionId, Role = SnakeCaseEnum<OrganizerRole>.ToName(role) }, [], [institutionId], ct);

    public Task<WriteResult> RemoveOrganizerAsync(WriteTarget target, Guid itemId, CancellationToken ct) =>
        ChangeEntryAsync(target, "event_organizer", itemId, OrganizerDeleteSql, null, [], [], ct);

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

    /// <summary>Adds (no <paramref name="itemId"/>) or replaces a participant and the institutions they represented.</summary>
    public Task<WriteResult> ChangeParticipantAsync(
        WriteTarget target, Guid? itemId, Guid speakerId, ParticipantRole role, IReadOnlyList<Guid> institutions, CancellationToken ct) =>
        ChangeEntryAsync(target, "event_participant", itemId, itemId is null ? ParticipantInsertSql : ParticipantUpdateSql,
            new { SpeakerId = speakerId, Role = SnakeCaseEnum<ParticipantRole>.ToName(role), Institutions = institutions.ToArray() },
            [speakerId], institutions, ct);

    public Task<WriteResult> RemoveParticipantAsync(WriteTarget target, Guid itemId, CancellationToken ct) =>
        ChangeEntryAsync(target, "event_participant", itemId, ParticipantDeleteSql, null, [], [], ct);

    private const string QuoteInsertSql = "INSERT INTO event_quotes (event_id, speaker_id, text) VALUES (@ParentId, @SpeakerId, @Text) RETURNING id";

    private const string QuoteUpdateSql = """
        UPDATE event_quotes SET speaker_id = @SpeakerId, text = @Text WHERE id = @ItemId AND event_id = @ParentId RETURNING id
        """;

    private const string QuoteDeleteSql = "DELETE FROM event_quotes WHERE id = @ItemId AND event_id = @ParentId RETURNING id";

    /// <summary>Adds (no <paramref name="itemId"/>) or replaces a quote.</summary>
    public Task<WriteResult> ChangeQuoteAsync(WriteTarget target, Guid? itemId, Guid speakerId, LocalizedText text, CancellationToken ct) =>
        ChangeEntryAsync(target, "event_quote", itemId, itemId is null ? QuoteInsertSql : QuoteUpdateSql,
            new { SpeakerId = speakerId, Text = text }, [speakerId], [], ct);

    public Task<WriteResult> RemoveQuoteAsync(WriteTarget target, Guid itemId, CancellationToken ct) =>
        ChangeEntryAsync(target, "event_quote", itemId, QuoteDeleteSql, null, [], [], ct);

    private const string AcknowledgementInsertSql = """
        INSERT INTO event_acknowledgements (event_id, from_institution_id, to_speaker_id, kind, description)
        VALUES (@ParentId, @FromId, @ToId, @Kind, @Description) RETURNING id
        """;

    private const string AcknowledgementUpdateSql = """
        UPDATE event_acknowledgements SET from_institution_id = @FromId, to_speaker_id = @ToId, kind = @Kind, description = @Description
        WHERE id = @ItemId AND event_id = @ParentId RETURNING id
        """;

    private const string AcknowledgementDeleteSql = "DELETE FROM event_acknowledgements WHERE id = @ItemId AND event_id = @ParentId RETURNING id";

    /// <summary>Adds (no <paramref name="itemId"/>) or replaces an acknowledgement from <paramref name="fromId"/> to <paramref name="toId"/>.</summary>
    public Task<WriteResult> ChangeAcknowledgementAsync(
        WriteTarget target, Guid? itemId, EventAcknowledgementRequest request, Guid fromId, Guid toId, CancellationToken ct) =>
        ChangeEntryAsync(target, "event_acknowledgement", itemId, itemId is null ? AcknowledgementInsertSql : AcknowledgementUpdateSql,
            new { FromId = fromId, ToId = toId, Kind = SnakeCaseEnum<AcknowledgementKind>.ToName(request.Kind!.Value), request.Description },
            [toId], [fromId], ct);

    public Task<WriteResult> RemoveAcknowledgementAsync(WriteTarget target, Guid itemId, CancellationToken ct) =>
        ChangeEntryAsync(target, "event_acknowledgement", itemId, AcknowledgementDeleteSql, null, [], [], ct);

    /// <summary>One entry of a relation, with the people and institutions it names locked until the commit.</summary>
    private async Task<WriteResult> ChangeEntryAsync(WriteTarget target, string entryType, Guid? itemId, string sql, object? values,
        IEnumerable<Guid> speakers, IEnumerable<Guid> institutions, CancellationToken ct)
    {
        await using var write = await AuditedWrite.BeginAsync(dataSource, target.Caller.KeyId, ct);
        if (!await write.LockLiveAsync("speakers", speakers) || !await write.LockLiveAsync("institutions", institutions))
        {
            return AuditedWrite.ReferenceGone;
        }
        return await write.CommitAsync(await write.ChangeEntryAsync("events", Type, target, entryType, itemId, sql, values));
    }

    // ---- an entry as the body a PUT would send (what a merge patch applies to), or null when it is not there

    private const string OrganizerSql = """
        SELECT jsonb_build_object('institution', institution_id, 'role', role)
        FROM event_organizers WHERE id = @ItemId AND event_id = @ParentId
        """;

    private const string ParticipantSql = """
        SELECT jsonb_build_object('speaker', p.speaker_id, 'role', p.role, 'institutions',
            ARRAY(SELECT pi.institution_id FROM event_participant_institutions pi WHERE pi.participant_id = p.id ORDER BY pi.institution_id))
        FROM event_participants p WHERE p.id = @ItemId AND p.event_id = @ParentId
        """;

    private const string QuoteSql = """
        SELECT jsonb_build_object('speaker', speaker_id, 'text', text) FROM event_quotes WHERE id = @ItemId AND event_id = @ParentId
        """;

    private const string AcknowledgementSql = """
        SELECT jsonb_build_object('from', from_institution_id, 'to', to_speaker_id, 'kind', kind, 'description', description)
        FROM event_acknowledgements WHERE id = @ItemId AND event_id = @ParentId
        """;

    public Task<CurrentEntry?> GetOrganizerAsync(Guid eventId, Guid itemId, CancellationToken ct) =>
        EntryReads.ReadAsync(dataSource, "events", OrganizerSql, eventId, itemId, ct);

    public Task<CurrentEntry?> GetParticipantAsync(Guid eventId, Guid itemId, CancellationToken ct) =>
        EntryReads.ReadAsync(dataSource, "events", ParticipantSql, eventId, itemId, ct);

    public Task<CurrentEntry?> GetQuoteAsync(Guid eventId, Guid itemId, CancellationToken ct) =>
        EntryReads.ReadAsync(dataSource, "events", QuoteSql, eventId, itemId, ct);

    public Task<CurrentEntry?> GetAcknowledgementAsync(Guid eventId, Guid itemId, CancellationToken ct) =>
        EntryReads.ReadAsync(dataSource, "events", AcknowledgementSql, eventId, itemId, ct);

}
