using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using RoundTable.Api.Database;

namespace RoundTable.Api.Caching;

/// <summary>
/// Reads the database state that dates and validates answers (<see cref="DatabaseState"/>): one cheap query, shared by
/// every request of the same second.
/// </summary>
internal sealed class DatabaseStates(NpgsqlDataSource dataSource, IOptions<CachingOptions> options)
{
    // The snapshot (with the server's start time: after a restart, a failover or a restore, transaction ids may be
    // reused) and the clock always; the newest change and the start of the oldest write transaction running in
    // this database only when the caller does not already hold them for this snapshot (the subqueries run lazily,
    // inside the CASEs).
    internal const string StateSql = $"""
        SELECT s.id AS snapshot, statement_timestamp() AS read_at, coalesce(s.id = @Known, false) AS known,
               pg_is_in_recovery() AS in_recovery,
               CASE WHEN s.id = @Known THEN NULL ELSE (SELECT max(changed_at) FROM changes) END AS newest_change,
               CASE WHEN s.id = @Known THEN NULL
                    ELSE (SELECT min(a.xact_start) FROM pg_stat_get_activity(NULL) a
                          WHERE a.backend_xid IS NOT NULL AND a.datid = (SELECT oid FROM pg_database WHERE datname = current_database()))
               END AS oldest_writer
        FROM (SELECT {SnapshotId} AS id) AS s
        """;

    /// <summary>Which transactions have completed, on which server run.</summary>
    internal const string SnapshotId = "pg_current_snapshot()::text || ' ' || extract(epoch FROM pg_postmaster_start_time())::text";

    // One state per kind of server: a state read on the standby (StandbyReads) dates only answers read there, and
    // one read on the primary only answers read there.
    private Confirmed? _confirmed;
    private Confirmed? _confirmedOnStandby;

    /// <summary>
    /// The state for a request. A revalidation reads the current snapshot (one cheap query): its answer depends on it.
    /// Any other read may reuse a state confirmed in the last <see cref="CachingOptions.StateReuseMilliseconds"/>: it
    /// only dates the answer (Last-Modified) and files its validator, and for both any state read before the handler
    /// is safe. A validator filed under an older snapshot matches no later snapshot once anything has committed since.
    /// And a change missing from a state's snapshot was either written by a writer that state saw running (Last-Modified
    /// is then before that writer's start) or written after the state was read (after ReadAt), so If-Modified-Since
    /// never matches a date from before it. Most reads thus make one round trip to the database, not two.
    /// </summary>
    public async Task<DatabaseState> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        var onStandby = StandbyReads.Routed;
        var last = Volatile.Read(ref Slot(onStandby));
        var conditional = request.Headers.IfNoneMatch.Count > 0 || request.Headers.IfModifiedSince.Count > 0;
        if (!conditional && last is not null && Environment.TickCount64 - last.At < options.Value.StateReuseMilliseconds)
        {
            return last.State;
        }
        var row = await dataSource.RetryingReadAsync((connection, token) => connection.QuerySingleAsync<StateRow>(new CommandDefinition(StateSql,
            new { Known = last is { State.Settled: true } ? last.State.Snapshot : null }, cancellationToken: token)), ct);
        // The snapshot has not moved and the dates were settled: the state is the same, confirmed now.
        var state = row.Known && last is not null
            ? last.State
            // A request routed to a standby may read its state or its body on the primary (Npgsql falls back to it when
            // no standby connection is to be had): either way its body may be older than the primary's state.
            : new DatabaseState(row.Snapshot, Utc(row.NewestChange), Utc(row.OldestWriter), Utc(row.ReadAt)!.Value, onStandby || row.InRecovery);
        // A slower request does not put back an older state (safe, but its dates and validators would be older).
        var current = Volatile.Read(ref Slot(onStandby));
        if (current is null || current.State.ReadAt <= state.ReadAt)
        {
            Volatile.Write(ref Slot(onStandby), new Confirmed(state, Environment.TickCount64));
        }
        return state;
    }

    private ref Confirmed? Slot(bool onStandby) => ref onStandby ? ref _confirmedOnStandby : ref _confirmed;

    private sealed record Confirmed(DatabaseState State, long At);

    private static DateTime? Utc(DateTime? value) => value is { } v ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : null;

    private sealed record StateRow(string Snapshot, DateTime? ReadAt, bool Known, bool InRecovery, DateTime? NewestChange, DateTime? OldestWriter);
}

/// <summary>
/// What dates the data, read at <paramref name="ReadAt"/> in <paramref name="Snapshot"/>: the newest change in the
/// change feed and the start of the oldest write transaction still running, which may have stamped its changes
/// earlier and commit later. HTTP dates have whole seconds, and a change stamped later in the same second as the
/// newest one must not be taken for an old one. So Last-Modified is the newest change's second only when the state
/// is <see cref="Settled"/> (no writer running, and the newest change in an earlier second than this reading:
/// any later change then falls in a later second); otherwise it is the second before the oldest of the two, which
/// no If-Modified-Since can match until the dates settle. If-Modified-Since gets a 304 while the newest change is
/// in its second or before. A state read on a standby (<paramref name="OnStandby"/>) is never settled: the writers
/// running on the primary are not visible there.
/// </summary>
internal sealed record DatabaseState(string Snapshot, DateTime? NewestChange, DateTime? OldestWriter, DateTime ReadAt, bool OnStandby = false)
{
    public bool Settled => !OnStandby && OldestWriter is null && NewestChange is { } newest && Second(ReadAt) > Second(newest);

    public DateTimeOffset? LastModified => NewestChange switch
    {
        null => null,
        { } newest when Settled => Second(newest),
        { } newest => Second(OldestWriter is { } writer && writer < newest ? writer : newest).AddSeconds(-1),
    };

    public bool ChangedAfter(DateTimeOffset since) =>
        NewestChange is not { } newest || Second(newest).ToUnixTimeSeconds() > since.ToUnixTimeSeconds();

    private static DateTimeOffset Second(DateTime utc) =>
        new(utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerSecond)), TimeSpan.Zero);
}

