using Npgsql;
using RoundTable.Api.Auth;
using RoundTable.Api.Database;
using RoundTable.Api.Events;

namespace RoundTable.Api.Changes;

/// <summary>The change feed's one query.</summary>
internal sealed class ChangeQueries(NpgsqlDataSource dataSource, Viewer viewer)
{
    // Only changes of transactions older than the oldest one still running are published: a transaction that commits
    // later always has a larger tx than everything published, so (tx, seq) cursors never skip (see db/0006).
    // Changes of a draft event (and what hangs off it) are visible to those who may see the draft; publishing re-sends
    // the event's whole subtree as updated, unpublishing as deleted to those who lose sight of it (db/0007, 0009).
    /// <summary>The changes of transactions older than the oldest one still running (see above).</summary>
    internal const string Published = "c.tx < pg_snapshot_xmin(pg_current_snapshot())";

    /// <summary>The changes the viewer (@ViewerAdmin, @ViewerInstitution: Auth.Viewer) may see (see above).</summary>
    internal const string Visible = $"""
        -- A draft's changes go to those who may see it; the deletions of an unpublished event (for_outsiders) go to
        -- those who no longer may.
        (c.event_id IS NULL
         OR EXISTS (SELECT 1 FROM events e WHERE e.id = c.event_id AND {EventQueries.Visible}) <> c.for_outsiders)
        -- Changes of who sees a draft (its organizers changed) go to the institution concerned.
        AND (c.for_institution IS NULL OR c.for_institution = @ViewerInstitution::uuid)
        """;

    private const string PageSql = $"""
        SELECT c.tx::text::bigint AS tx, c.seq, c.resource_type, c.resource_id, c.operation, c.version, c.changed_at,
               c.parent_type, c.parent_id
        FROM changes c
        WHERE (c.tx, c.seq) > (@Tx::text::xid8, @Seq)
          AND {Published}
          AND (@Types::text[] IS NULL OR c.resource_type = ANY(@Types::text[]))
          AND {Visible}
        ORDER BY c.tx, c.seq
        LIMIT @Fetch
        """;

    private const string HeadSql = $"""
        SELECT c.tx::text::bigint AS tx, c.seq FROM changes c WHERE {Published} ORDER BY c.tx DESC, c.seq DESC LIMIT 1
        """;

    /// <summary>The position after the last published change ((0, 0) when there is none): a live stream starts there.</summary>
    public async Task<(long Tx, long Seq)> HeadAsync(CancellationToken ct) =>
        await dataSource.QuerySingleOrDefaultAsync<(long Tx, long Seq)?>(new Dapper.CommandDefinition(HeadSql, cancellationToken: ct)) ?? (0, 0);

    public Task<IReadOnlyList<ChangeRow>> PageAsync(long tx, long seq, string[]? types, int fetch, CancellationToken ct) =>
        dataSource.QueryListAsync<ChangeRow>(viewer.Command(PageSql, new { Tx = tx, Seq = seq, Types = types, Fetch = fetch }, ct));
}

internal sealed class ChangeRow
{
    public long Tx { get; set; }
    public long Seq { get; set; }
    public string ResourceType { get; set; } = "";
    public Guid ResourceId { get; set; }
    public string Operation { get; set; } = "";
    public long Version { get; set; }
    public DateTime ChangedAt { get; set; }
    public string? ParentType { get; set; }
    public Guid? ParentId { get; set; }
}
