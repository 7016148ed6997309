using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace RoundTable.Api.Database;

/// <summary>
/// Reads that may be answered by a hot standby, and the standby's lag. The rule (docs/scaling.md):
/// <list type="bullet">
/// <item>Only anonymous, unconditional GET and HEAD requests of resources (the endpoints dated by the change feed) read from a standby. They never wrote
/// anything (writes need a key), so there is no write of theirs to miss, and their answers are public and already
/// cacheable for <c>Caching:PublicMaxAgeSeconds</c>: a standby a second behind is within what they accept.</item>
/// <item>Everything else reads from the primary: writes and their read-backs, every request with a key (a partner
/// reads its own write at once, sees its drafts, and a revoked key is refused at once), conditional requests
/// (If-None-Match, If-Modified-Since: a lagging standby must not answer 304 for a representation the primary has
/// changed), and the change feed and its stream (a cursor must never go back).</item>
/// <item>A standby further behind than <c>Database:MaxStandbyLagSeconds</c>, or not answering, is not read from until
/// it catches up: those reads go to the primary.</item>
/// </list>
/// The standby is named in the same multi-host connection string as the primary
/// (<c>Host=db1,db2;Target Session Attributes=primary</c>): writes target the primary (after a failover, whichever host
/// was promoted) and these reads prefer a standby, falling back to the primary when there is none.
/// </summary>
internal sealed class StandbyReads
{
    private static readonly AsyncLocal<NpgsqlDataSource?> s_route = new();

    private readonly NpgsqlDataSource _primary;
    private readonly NpgsqlDataSource? _standby;
    private volatile bool _usable;

    public StandbyReads(NpgsqlDataSource primary, IOptions<DatabaseOptions> options)
    {
        _primary = primary;
        if (options.Value.StandbyReads && primary is NpgsqlMultiHostDataSource hosts)
        {
            _standby = hosts.WithTargetSession(TargetSessionAttributes.PreferStandby);
        }
    }

    /// <summary>True when a standby is configured (a multi-host connection string and <c>Database:StandbyReads</c>).</summary>
    public bool Configured => _standby is not null;

    /// <summary>True when the standby answered its last lag check within the allowed lag.</summary>
    public bool Usable => _usable;

    /// <summary>Where a read of this request goes: the standby when the request was routed there, else <paramref name="primary"/>.</summary>
    public static NpgsqlDataSource Route(NpgsqlDataSource primary) => s_route.Value ?? primary;

    /// <summary>True while the current request reads from the standby.</summary>
    public static bool Routed => s_route.Value is not null;

    /// <summary>Sends this request's reads to the standby when the rule allows it.</summary>
    public void RouteIfAllowed(HttpContext context)
    {
        if (_standby is not null && _usable && Allowed(context))
        {
            s_route.Value = _standby;
            context.Response.Headers["X-Read-From"] = "standby";
        }
    }

    // The resource reads are the endpoints dated by the change feed (Caching.DatedByChanges): the change feed, its
    // stream, webhooks and api-keys are not among them.
    private static bool Allowed(HttpContext context) =>
        (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        && context.GetEndpoint()?.Metadata.GetMetadata<Caching.DatedByChangesMetadata>() is not null
        && context.Request.Headers.Authorization.Count == 0
        && context.Request.Headers.IfNoneMatch.Count == 0
        && context.Request.Headers.IfModifiedSince.Count == 0;

    // The standby's state: whether it is one (a fallback to the primary, or a standby promoted since, is not), whether
    // its WAL receiver is streaming from the primary (a receiver whose status the user may not read counts as
    // streaming), and how far behind it is: 0 when it has replayed all it received, else the age of the last
    // transaction it replayed.
    internal const string LagSql = """
        SELECT pg_is_in_recovery() AS in_recovery,
               EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE coalesce(status, 'streaming') = 'streaming') AS streaming,
               CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                    ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) END::float8 AS lag
        """;

    private sealed record LagRow(bool InRecovery, bool Streaming, double Lag);

    /// <summary>
    /// Checks the standby once: usable while it answers within <paramref name="maxLag"/>. A standby that is not
    /// streaming has replayed all it received and so reads as current; it is usable only while the primary does not
    /// answer either (a failover under way: its data is the latest there is), not when it is merely cut off.
    /// </summary>
    public async Task CheckAsync(TimeSpan maxLag, ILogger logger, CancellationToken ct)
    {
        if (_standby is null)
        {
            return;
        }
        bool usable;
        try
        {
            LagRow row;
            await using (var connection = await _standby.OpenConnectionAsync(ct))
            {
                row = await connection.QuerySingleAsync<LagRow>(new CommandDefinition(LagSql, commandTimeout: 2, cancellationToken: ct));
            }
            usable = row.Lag <= maxLag.TotalSeconds && (!row.InRecovery || row.Streaming || !await PrimaryAnswersAsync(ct));
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            usable = false;
        }
        if (usable != _usable)
        {
            logger.LogInformation(usable ? "Anonymous reads go to the standby again." : "The standby is behind, cut off or not answering: every read goes to the primary.");
        }
        _usable = usable;
    }

    private async Task<bool> PrimaryAnswersAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = await _primary.OpenConnectionAsync(ct);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }
}

/// <summary>Checks the standby's lag every <c>Database:StandbyCheckInterval</c> (1 s).</summary>
internal sealed class StandbyLagMonitor(StandbyReads reads, IOptions<DatabaseOptions> options, ILogger<StandbyLagMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!reads.Configured || DatabaseSetup.IsDocumentGenerator)
        {
            return;
        }
        var maxLag = TimeSpan.FromSeconds(options.Value.MaxStandbyLagSeconds);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(100, options.Value.StandbyCheckMilliseconds)));
        do
        {
            await reads.CheckAsync(maxLag, logger, stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

internal static class StandbyReadsSetup
{
    /// <summary>Routes the reads the rule allows to the standby (after routing, before anything reads the database).</summary>
    public static IApplicationBuilder UseStandbyReads(this IApplicationBuilder app)
    {
        var reads = app.ApplicationServices.GetRequiredService<StandbyReads>();
        return !reads.Configured
            ? app
            // Async, so the route set for this request ends with it (an async method's changes to AsyncLocal values do
            // not flow back to its caller, which serves the connection's next request).
            : app.Use(async (context, next) =>
            {
                reads.RouteIfAllowed(context);
                await next(context);
            });
    }
}
