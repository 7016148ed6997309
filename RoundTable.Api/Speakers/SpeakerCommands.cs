using Dapper;
using Npgsql;
using RoundTable.Api.Concurrency;
using RoundTable.Api.Database;

namespace RoundTable.Api.Speakers;

/// <summary>The writes of speakers, each an audited transaction (Concurrency.AuditedWrite) with its SQL beside it.</summary>
internal sealed class SpeakerCommands(NpgsqlDataSource dataSource)
{
    private const string Type = "speaker";

    /// <summary>A partner changes the people one of its own institution's keys created.</summary>
    public static readonly WriteRights Rights = new(SpeakerQueries.Key,
        "EXISTS (SELECT 1 FROM api_keys wk WHERE wk.id = sp.created_by_key_id AND wk.institution_id = @ViewerInstitution::uuid)",
        "A partner key changes only the speakers its own institution's keys created.");

    private const string InsertSql = """
        INSERT INTO speakers (slug, full_name, honorific, orcid, bio, created_by_key_id)
        VALUES (@Slug, @FullName, @Honorific, @Orcid, @Bio, @KeyId)
        RETURNING id, version
        """;

    public async Task<WriteResult> CreateAsync(SpeakerRow row, Guid keyId, CancellationToken ct)
    {
        await using var write = await AuditedWrite.BeginAsync(dataSource, keyId, ct);
        return await write.CommitAsync(await write.InsertAsync(Type, InsertSql, Values(row, keyId)));
    }

    private const string WritableSql = """
        SELECT sp.id, sp.slug, sp.full_name, sp.honorific, sp.orcid, sp.bio, sp.version
        FROM speakers sp WHERE sp.id = @Id AND sp.deleted_at IS NULL
        """;

    /// <summary>The speaker as its write request holds it: what a merge patch applies to.</summary>
    public Task<SpeakerRow?> GetWritableAsync(Guid id, CancellationToken ct) =>
        dataSource.QuerySingleOrDefaultAsync<SpeakerRow>(new CommandDefinition(WritableSql, new { Id = id }, cancellationToken: ct));

    private const string UpdateSql = $"""
        UPDATE speakers SET slug = @Slug, full_name = @FullName, honorific = @Honorific, orcid = @Orcid, bio = @Bio
        {AuditedWrite.Conditional}
        """;

    public async Task<WriteResult> UpdateAsync(WriteTarget target, SpeakerRow row, CancellationToken ct)
    {
        await using var write = await AuditedWrite.BeginAsync(dataSource, target.Caller.KeyId, ct);
        return await write.CommitAsync(await write.UpdateAsync("speakers", Type, target, UpdateSql, Values(row, target.Caller.KeyId)));
    }

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

    /// <summary>Refused (409) while live events or recommendations still name the person.</summary>
    public async Task<WriteResult> DeleteAsync(WriteTarget target, CancellationToken ct)
    {
        await using var write = await AuditedWrite.BeginAsync(dataSource, target.Caller.KeyId, ct);
        var result = await write.DeleteAsync("speakers", Type, target);
        if (result.IsDone && await write.QuerySingleAsync<bool>(ReferencedSql, new { target.Id }))
        {
            return WriteResult.Conflict("Live events or recommendations still name this person: change or delete them first.");
        }
        return await write.CommitAsync(result);
    }

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

    /// <summary>
    /// Adds (no <paramref name="itemId"/>) or replaces an affiliation at <paramref name="institutionId"/>, which stays
    /// locked until the commit; the speaker's version moves.
    /// </summary>
    public async Task<WriteResult> ChangeAffiliationAsync(
        WriteTarget target, Guid? itemId, AffiliationRequest request, Guid institutionId, CancellationToken ct)
    {
        await using var write = await AuditedWrite.BeginAsync(dataSource, target.Caller.KeyId, ct);
        if (!await write.LockLiveAsync("institutions", [institutionId]))
        {
            return AuditedWrite.ReferenceGone;
        }
        return await write.CommitAsync(await write.ChangeEntryAsync("speakers", Type, target, "speaker_affiliation", itemId,
            itemId is null ? AffiliationInsertSql : AffiliationUpdateSql,
            new { InstitutionId = institutionId, request.Position, request.StartDate, request.EndDate }));
    }

    public async Task<WriteResult> RemoveAffiliationAsync(WriteTarget target, Guid itemId, CancellationToken ct)
    {
        await using var write = await AuditedWrite.BeginAsync(dataSource, target.Caller.KeyId, ct);
        return await write.CommitAsync(await write.ChangeEntryAsync("speakers", Type, target, "speaker_affiliation", itemId, AffiliationDeleteSql, null));
    }

    private const string AffiliationSql = """
        SELECT jsonb_build_object('institution', institution_id, 'position', position, 'startDate', start_date, 'endDate', end_date)
        FROM speaker_affiliations WHERE id = @ItemId AND speaker_id = @ParentId
        """;

    /// <summary>An affiliation as the body a PUT would send (what a merge patch applies to), or null when it is not there.</summary>
    public Task<CurrentEntry?> GetAffiliationAsync(Guid speakerId, Guid itemId, CancellationToken ct) =>
        EntryReads.ReadAsync(dataSource, "speakers", AffiliationSql, speakerId, itemId, ct);

    private static object Values(SpeakerRow row, Guid keyId) => new { row.Slug, row.FullName, row.Honorific, row.Orcid, row.Bio, KeyId = keyId };
}
