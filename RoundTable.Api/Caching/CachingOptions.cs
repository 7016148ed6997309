namespace RoundTable.Api.Caching;

/// <summary>Cache lifetimes (configuration section "Caching").</summary>
internal sealed class CachingOptions
{
    public const string Section = "Caching";

    /// <summary>max-age, in seconds, of anonymous reads in shared caches.</summary>
    public int PublicMaxAgeSeconds { get; set; } = 30;

    /// <summary>
    /// How many validators (ETags of recent 200 answers, no bodies) are kept to answer revalidations without running
    /// the handler while nothing has been committed since; 0 turns this off.
    /// </summary>
    public int ValidatorEntries { get; set; } = 10_000;

    /// <summary>How long, in milliseconds, a plain read (no If-None-Match or If-Modified-Since) may reuse the database
    /// state another request confirmed, instead of reading it again; 0 reads it for every request.</summary>
    public int StateReuseMilliseconds { get; set; } = 1000;
}
