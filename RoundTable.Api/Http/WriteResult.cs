namespace RoundTable.Api.Http;

internal enum WriteStatus
{
    Done,
    NotFound,
    Stale,
}

/// <summary>What a conditional write did: done (with the new version), the row is gone, or If-Match was stale.</summary>
internal readonly record struct WriteResult(WriteStatus Status, long Version = 0)
{
    public static WriteResult NotFound => new(WriteStatus.NotFound);
    public static WriteResult Stale => new(WriteStatus.Stale);
}
