namespace RoundTable.Api.Database;

/// <summary>
/// Tells whoever waits that a write of this process committed (the webhook sender wakes up instead of waiting for its
/// next poll). Coalesced: many commits while nobody waits are one signal. Writes of other processes are found by polling.
/// </summary>
internal static class CommitSignal
{
    private static readonly SemaphoreSlim s_signal = new(0, 1);

    public static void Committed()
    {
        if (s_signal.CurrentCount > 0)
        {
            return; // already signalled (checked first: a write should not pay for an exception)
        }
        try
        {
            s_signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    /// <summary>True when a commit was signalled within <paramref name="timeout"/>.</summary>
    public static Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => s_signal.WaitAsync(timeout, ct);
}
