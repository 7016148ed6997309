namespace RoundTable.Api.Webhooks;

/// <summary>Configuration section "Webhooks".</summary>
internal sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Whether this process sends deliveries (every replica may: they share the work through the database).</summary>
    public bool SenderEnabled { get; set; } = true;

    /// <summary>How often the sender looks for subscriptions with something to send.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Targets must be https (off in development).</summary>
    public bool RequireHttps { get; set; } = true;

    /// <summary>Targets may be loopback, private, link-local or metadata addresses (on for tests and local development only).</summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>How long a receiver has to answer.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The first retry's delay; each further one doubles it (with jitter) up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A subscription whose receiver has failed for this long is disabled (its owner sees why, and may resume it).</summary>
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromDays(3);

    /// <summary>After a rotation, how long the previous secret also signs.</summary>
    public TimeSpan RotationGracePeriod { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The base of the URLs in payloads (e.g. https://api.example.org); by default the first address this process listens on.</summary>
    public string? PublicBaseUrl { get; set; }
}
