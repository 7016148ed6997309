using Npgsql;

namespace RoundTable.Api.Database;

/// <summary>
/// A commit the primary made but its synchronous standby did not confirm before the deadline: not acknowledged (a
/// failover could lose it), answered as a 503 whose outcome is unknown (DatabaseFaults: replication_unconfirmed).
/// </summary>
internal sealed class ReplicationUnconfirmedException()
    : NpgsqlException("The commit was not confirmed by the synchronous standby in time.")
{
    /// <summary>PostgreSQL's warning when a commit's wait for synchronous replication is cancelled.</summary>
    public static bool IsNotice(PostgresNotice notice) =>
        notice.MessageText.StartsWith("canceling wait for synchronous replication", StringComparison.Ordinal);
}
