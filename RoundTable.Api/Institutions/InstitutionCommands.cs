using Npgsql;
using RoundTable.Api.Concurrency;
using RoundTable.Api.Database;

namespace RoundTable.Api.Institutions;

/// <summary>The writes of institutions, each an audited transaction (Concurrency.AuditedWrite) with its SQL beside it.</summary>
internal sealed class InstitutionCommands(NpgsqlDataSource dataSource)
{
    private const string Type = "institution";

    /// <summary>A partner changes the institutions one of its own institution's keys created.</summary>
    public static readonly WriteRights Rights = new(InstitutionQueries.Key,
        "EXISTS (SELECT 1 FROM api_keys wk WHERE wk.id = i.created_by_key_id AND wk.institution_id = @ViewerInstitution::uuid)",
        "A partner key changes only the institutions its own institution's keys created.");

    /// <summary>Advisory lock key for changes of the institution hierarchy: "RTPARENT".</summary>
    private const long HierarchyLock = 0x5254504152454E54;

    private const string InsertSql = """
        INSERT INTO institutions (slug, name, short_name, kind, country, city, website, ror_id, parent_id, created_by_key_id)
        VALUES (@Slug, @Name, @ShortName, @Kind, @Country, @City, @Website, @RorId, @ParentId, @KeyId)
        RETURNING id, version
        """;

    /// <summary>
    /// Writes that set a parent, and deletes, run one at a time (an advisory lock): a parent cannot be deleted under a
    /// new child, and two parent changes cannot together form a cycle. (A share lock on the parent row would deadlock
    /// two opposite changes.)
    /// </summary>
    public async Task<WriteResult> CreateAsync(InstitutionRow row, Guid keyId, CancellationToken ct)
    {
        await using var write = await AuditedWrite.BeginAsync(dataSource, keyId, ct);
        if (row.ParentId is not null)
        {
            await write.SerializeAsync(HierarchyLock);
        }
        return await write.CommitAsync(await write.InsertAsync(Type, InsertSql, Values(row, keyId)));
    }

    private const string WritableSql = """
        SELECT i.id, i.slug, i.name, i.short_name, i.kind, i.country, i.city, i.website, i.ror_id, i.parent_id, i.version
        FROM institutions i WHERE i.id = @Id AND i.deleted_at IS NULL
        """;

    /// <summary>The institution as its write request holds it: what a merge patch applies to.</summary>
    public Task<InstitutionRow?> GetWritableAsync(Guid id, CancellationToken ct) =>
        dataSource.QuerySingleOrDefaultAsync<InstitutionRow>(new Dapper.CommandDefinition(WritableSql, new { Id = id }, cancellationToken: ct));

    private const string UpdateSql = $"""
        UPDATE institutions SET slug = @Slug, name = @Name, short_name = @ShortName, kind = @Kind, country = @Country,
            city = @City, website = @Website, ror_id = @RorId, parent_id = @ParentId
        {AuditedWrite.Conditional}
        """;

    /// <summary>Would @Id become its own ancestor under @ParentId?</summary>
    private const string CycleSql = """
        WITH RECURSIVE ancestors (id, parent_id) AS (
            SELECT id, parent_id FROM institutions WHERE id = @ParentId
            UNION
            SELECT i.id, i.parent_id FROM institutions i JOIN ancestors a ON i.id = a.parent_id)
        SELECT EXISTS (SELECT 1 FROM ancestors WHERE id = @Id)
        """;

    /// <summary>A parent is checked for cycles inside the transaction, under the hierarchy lock.</summary>
    public async Task<WriteResult> UpdateAsync(WriteTarget target, InstitutionRow row, CancellationToken ct)
    {
        await using var write = await AuditedWrite.BeginAsync(dataSource, target.Caller.KeyId, ct);
        if (row.ParentId is { } parent)
        {
            await write.SerializeAsync(HierarchyLock);
            if (await write.QuerySingleAsync<bool>(CycleSql, new { target.Id, ParentId = parent }))
            {
                return WriteResult.Invalid("parent", "An institution cannot be its own ancestor.");
            }
        }
        return await write.CommitAsync(await write.UpdateAsync("institutions", Type, target, UpdateSql, Values(row, target.Caller.KeyId)));
    }

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

    /// <summary>Refused (409) while live events, people or child institutions still refer to it.</summary>
    public async Task<WriteResult> DeleteAsync(WriteTarget target, CancellationToken ct)
    {
        await using var write = await AuditedWrite.BeginAsync(dataSource, target.Caller.KeyId, ct);
        await write.SerializeAsync(HierarchyLock);
        var result = await write.DeleteAsync("institutions", Type, target);
        if (result.IsDone && await write.QuerySingleAsync<bool>(ReferencedSql, new { target.Id }))
        {
            return WriteResult.Conflict("Live events, people or child institutions still refer to this institution: change or delete them first.");
        }
        return await write.CommitAsync(result);
    }

    private const string RankingInsertSql = """
        INSERT INTO institution_rankings (institution_id, ranking, year, subject, rank)
        VALUES (@ParentId, @Ranking, @Year, @Subject, @Rank) RETURNING id
        """;

    private const string RankingUpdateSql = """
        UPDATE institution_rankings SET ranking = @Ranking, year = @Year, subject = @Subject, rank = @Rank
        WHERE id = @ItemId AND institution_id = @ParentId RETURNING id
        """;

    private const string RankingDeleteSql = "DELETE FROM institution_rankings WHERE id = @ItemId AND institution_id = @ParentId RETURNING id";

    /// <summary>Adds (no <paramref name="itemId"/>) or replaces a ranking; the institution's version moves.</summary>
    public async Task<WriteResult> ChangeRankingAsync(WriteTarget target, Guid? itemId, RankingRequest request, CancellationToken ct)
    {
        await using var write = await AuditedWrite.BeginAsync(dataSource, target.Caller.KeyId, ct);
        return await write.CommitAsync(await write.ChangeEntryAsync("institutions", Type, target, "institution_ranking", itemId,
            itemId is null ? RankingInsertSql : RankingUpdateSql, new { request.Ranking, request.Year, request.Subject, request.Rank }));
    }

    public async Task<WriteResult> RemoveRankingAsync(WriteTarget target, Guid itemId, CancellationToken ct)
    {
        await using var write = await AuditedWrite.BeginAsync(dataSource, target.Caller.KeyId, ct);
        return await write.CommitAsync(await write.ChangeEntryAsync("institutions", Type, target, "institution_ranking", itemId, RankingDeleteSql, null));
    }

    private const string RankingSql = """
        SELECT jsonb_build_object('ranking', ranking, 'year', year, 'subject', subject, 'rank', rank)
        FROM institution_rankings WHERE id = @ItemId AND institution_id = @ParentId
        """;

    /// <summary>A ranking as the body a PUT would send (what a merge patch applies to), or null when it is not there.</summary>
    public Task<CurrentEntry?> GetRankingAsync(Guid institutionId, Guid itemId, CancellationToken ct) =>
        EntryReads.ReadAsync(dataSource, "institutions", RankingSql, institutionId, itemId, ct);

    private static object Values(InstitutionRow row, Guid keyId) => new
    {
        row.Slug, row.Name, row.ShortName, row.Kind, row.Country, row.City, row.Website, row.RorId, row.ParentId, KeyId = keyId,
    };
}
