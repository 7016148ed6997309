using Dapper;
using Npgsql;
using RoundTable.Api.Concurrency;
using RoundTable.Api.Database;
using RoundTable.Api.Events;
using RoundTable.Api.Localization;

namespace RoundTable.Api.Recommendations;

/// <summary>The writes of recommendations, each an audited transaction (Concurrency.AuditedWrite) with its SQL beside it.</summary>
internal sealed class RecommendationCommands(NpgsqlDataSource dataSource)
{
    private const string Type = "recommendation";

    /// <summary>A partner institution owns the recommendations of the events it organizes or co-organizes.</summary>
    private static string Organizes(string eventId, string institution) =>
        $"EXISTS (SELECT 1 FROM event_organizers wo WHERE wo.event_id = {eventId} AND wo.institution_id = {institution} AND wo.role IN {EventQueries.OwnerRoles})";

    public static readonly WriteRights Rights = new(RecommendationQueries.Key, Organizes("r.event_id", "@ViewerInstitution::uuid"),
        "A partner key changes only the recommendations of events its institution organizes or co-organizes.");

    private static readonly string s_organizesSql = $"SELECT {Organizes("@EventId", "@InstitutionId")}";

    /// <summary>Whether a partner institution may write the recommendations of an event.</summary>
    public Task<bool> OrganizesAsync(Guid eventId, Guid institutionId, CancellationToken ct) =>
        dataSource.ExecuteScalarAsync<bool>(new CommandDefinition(s_organizesSql, new { EventId = eventId, InstitutionId = institutionId }, cancellationToken: ct));

    private const string InsertSql = """
        INSERT INTO recommendations (slug, event_id, title, body, target_audience, status, created_by_key_id)
        VALUES (@Slug, @EventId, @Title, @Body, @TargetAudience, 'proposed', @KeyId)
        RETURNING id, version
        """;

    private const string FirstStatusSql = """
        INSERT INTO recommendation_status_changes (recommendation_id, status, changed_on)
        VALUES (@Id, 'proposed', (now() AT TIME ZONE 'UTC')::date)
        """;

    /// <summary>A new recommendation, proposed today, with its themes and proposers; what it refers to stays locked until the commit.</summary>
    public async Task<WriteResult> CreateAsync(RecommendationWriteRow row, Guid keyId, CancellationToken ct)
    {
        await using var write = await AuditedWrite.BeginAsync(dataSource, keyId, ct);
        if (!await LockReferencesAsync(write, row))
        {
            return AuditedWrite.ReferenceGone;
        }
        var created = await write.InsertAsync(Type, InsertSql, new { row.Slug, row.EventId, row.Title, row.Body, row.TargetAudience, KeyId = keyId });
        await write.ExecuteAsync(FirstStatusSql, new { created.Id });
        await ReplaceRelationsAsync(write, created.Id, row);
        return await write.CommitAsync(created);
    }

    private const string WritableSql = $"""
        SELECT r.id, r.slug, r.event_id, r.title, r.body, r.target_audience, r.status, r.version,
               {RecommendationQueries.ThemeSlugs} AS themes,
               (SELECT max(c.changed_on) FROM recommendation_status_changes c WHERE c.recommendation_id = r.id) AS last_changed_on
        FROM recommendations r WHERE r.id = @Id AND r.deleted_at IS NULL;

        SELECT speaker_id, institution_id FROM recommendation_proposers WHERE recommendation_id = @Id ORDER BY id;
        """;

    /// <summary>The recommendation as its write request holds it (what a merge patch applies to), with its status.</summary>
    public async Task<RecommendationWriteRow?> GetWritableAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var grid = await connection.QueryMultipleAsync(new CommandDefinition(WritableSql, new { Id = id }, cancellationToken: ct));
        var row = await grid.ReadSingleOrDefaultAsync<RecommendationWriteRow>();
        if (row is not null)
        {
            row.Proposers = (await grid.ReadAsync<(Guid? SpeakerId, Guid? InstitutionId)>()).ToList();
        }
        return row;
    }

    private const string UpdateSql = $"""
        UPDATE recommendations SET slug = @Slug, event_id = @EventId, title = @Title, body = @Body,
            target_audience = @TargetAudience
        {AuditedWrite.Conditional}
        """;

    public async Task<WriteResult> UpdateAsync(WriteTarget target, RecommendationWriteRow row, CancellationToken ct)
    {
        await using var write = await AuditedWrite.BeginAsync(dataSource, target.Caller.KeyId, ct);
        if (!await LockReferencesAsync(write, row))
        {
            return AuditedWrite.ReferenceGone;
        }
        var result = await write.UpdateAsync("recommendations", Type, target, UpdateSql,
            new { row.Slug, row.EventId, row.Title, row.Body, row.TargetAudience });
        if (result.IsDone)
        {
            await ReplaceRelationsAsync(write, target.Id, row);
        }
        return await write.CommitAsync(result);
    }

    private const string StatusSql = $"UPDATE recommendations SET status = @Status {AuditedWrite.Conditional}";

    private const string AppendStatusSql = """
        INSERT INTO recommendation_status_changes (recommendation_id, status, changed_on, note)
        VALUES (@Id, @Status, @ChangedOn, @Note)
        """;

    /// <summary>Sets the status and appends it to the history, conditionally on the target's version.</summary>
    public async Task<WriteResult> ChangeStatusAsync(WriteTarget target, string status, DateOnly changedOn, LocalizedText? note, CancellationToken ct)
    {
        await using var write = await AuditedWrite.BeginAsync(dataSource, target.Caller.KeyId, ct);
        var result = await write.UpdateAsync("recommendations", Type, target, StatusSql, new { Status = status });
        if (result.IsDone)
        {
            await write.ExecuteAsync(AppendStatusSql, new { target.Id, Status = status, ChangedOn = changedOn, Note = note });
        }
        return await write.CommitAsync(result);
    }

    public async Task<WriteResult> DeleteAsync(WriteTarget target, CancellationToken ct)
    {
        await using var write = await AuditedWrite.BeginAsync(dataSource, target.Caller.KeyId, ct);
        return await write.CommitAsync(await write.DeleteAsync("recommendations", Type, target));
    }

    private const string ReplaceRelationsSql = """
        DELETE FROM recommendation_themes WHERE recommendation_id = @Id;
        INSERT INTO recommendation_themes (recommendation_id, theme_id) SELECT @Id, t FROM unnest(@ThemeIds) AS t;
        DELETE FROM recommendation_proposers WHERE recommendation_id = @Id;
        INSERT INTO recommendation_proposers (recommendation_id, speaker_id, institution_id)
        SELECT @Id, p.speaker_id, p.institution_id FROM unnest(@Speakers::uuid[], @Institutions::uuid[]) AS p (speaker_id, institution_id);
        """;

    private static Task ReplaceRelationsAsync(AuditedWrite write, Guid id, RecommendationWriteRow row) =>
        write.ExecuteAsync(ReplaceRelationsSql, new
        {
            Id = id,
            ThemeIds = row.ThemeIds.ToArray(),
            Speakers = row.Proposers.Select(p => p.SpeakerId).ToArray(),
            Institutions = row.Proposers.Select(p => p.InstitutionId).ToArray(),
        });

    private static async Task<bool> LockReferencesAsync(AuditedWrite write, RecommendationWriteRow row) =>
        await write.LockLiveAsync("events", [row.EventId])
        && await write.LockLiveAsync("speakers", row.Proposers.Select(p => p.SpeakerId).OfType<Guid>())
        && await write.LockLiveAsync("institutions", row.Proposers.Select(p => p.InstitutionId).OfType<Guid>());
}

/// <summary>A recommendation as the commands write it, with what it refers to resolved to ids.</summary>
internal sealed class RecommendationWriteRow
{
    public Guid Id { get; set; }
    public string Slug { get; set; } = "";
    public Guid EventId { get; set; }
    public LocalizedText Title { get; set; } = [];
    public LocalizedText Body { get; set; } = [];
    public LocalizedText? TargetAudience { get; set; }
    public string Status { get; set; } = "";
    public long Version { get; set; }
    public string[] Themes { get; set; } = [];
    public DateOnly? LastChangedOn { get; set; }
    public IReadOnlyList<Guid> ThemeIds { get; set; } = [];
    public IReadOnlyList<(Guid? SpeakerId, Guid? InstitutionId)> Proposers { get; set; } = [];
}
