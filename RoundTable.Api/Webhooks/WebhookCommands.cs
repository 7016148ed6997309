using System.Security.Cryptography;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using RoundTable.Api.Auth;
using RoundTable.Api.Concurrency;
using RoundTable.Api.Json;

namespace RoundTable.Api.Webhooks;

/// <summary>The writes of the webhooks: subscribers' changes (audited) and the sender's bookkeeping.</summary>
internal sealed class WebhookCommands(NpgsqlDataSource dataSource, IOptions<WebhookOptions> options)
{
    private const string Type = "webhook_subscription";

    // Delivery starts with the changes of the transactions still running when the subscription is made.
    private const string InsertSql = """
        WITH w AS (
            INSERT INTO webhook_subscriptions (key_id, institution_id, url, description, resource_types, operations, own_events_only, secret)
            VALUES (@KeyId, @InstitutionId, @Url, @Description, @Types, @Operations, @OwnEventsOnly, @Secret)
            RETURNING id, version),
        c AS (
            INSERT INTO webhook_cursors (subscription_id, tx, seq)
            SELECT w.id, pg_snapshot_xmin(pg_current_snapshot()), 0 FROM w)
        SELECT id, version FROM w
        """;

    /// <summary>A new subscription of the caller's (its institution's, for a partner key), with a new secret.</summary>
    public async Task<Guid> CreateAsync(Caller caller, CreateWebhookRequest request, CancellationToken ct)
    {
        await using var write = await AuditedWrite.BeginAsync(dataSource, caller.KeyId, ct);
        var result = await write.InsertAsync(Type, InsertSql, new
        {
            caller.KeyId,
            InstitutionId = caller.IsAdmin ? null : caller.InstitutionId,
            request.Url,
            request.Description,
            Types = request.Types?.Select(SnakeCaseEnum<Changes.ChangeType>.ToName).Distinct().ToArray(),
            Operations = request.Operations?.Select(SnakeCaseEnum<Changes.ChangeOperation>.ToName).Distinct().ToArray(),
            OwnEventsOnly = request.OwnEventsOnly ?? false,
            Secret = NewSecret(),
        });
        await write.CommitAsync(result);
        return result.Id;
    }

    public static readonly SubscriptionChange Pause = new("UPDATE webhook_subscriptions w SET status = 'paused' WHERE w.id = @Id AND w.status = 'active' AND " + WebhookQueries.Owned + " RETURNING w.version", "update");

    // Resuming starts again where delivery stopped, at once.
    public static readonly SubscriptionChange Resume = new("""
        WITH w AS (
            -- Deliveries go on as the key that resumed it sees the feed (the one that created it may have been revoked),
            -- except when an admin resumes a partner's: that one keeps its partner's key.
            UPDATE webhook_subscriptions w SET status = 'active', disabled_reason = NULL,
                key_id = CASE WHEN @Admin AND w.institution_id IS NOT NULL THEN w.key_id ELSE @KeyId END
            WHERE w.id = @Id AND w.status <> 'active' AND (@Admin OR w.institution_id = @Institution::uuid)
            RETURNING w.id, w.version),
        c AS (
            UPDATE webhook_cursors c SET attempts = 0, failing_since = NULL, next_attempt_at = now()
            FROM w WHERE c.subscription_id = w.id)
        SELECT version FROM w
        """, "update");

    public static readonly SubscriptionChange Rotate = new("""
        UPDATE webhook_subscriptions w
        SET previous_secret = w.secret, previous_expires_at = now() + @Grace, secret = @Secret
        WHERE w.id = @Id AND
        """ + " " + WebhookQueries.Owned + " RETURNING w.version", "update");

    public static readonly SubscriptionChange Delete =
        new("DELETE FROM webhook_subscriptions w WHERE w.id = @Id AND " + WebhookQueries.Owned + " RETURNING w.version + 1", "delete");

    /// <summary>
    /// Runs one of the statements above on the caller's subscription, audited: true when it changed something, false
    /// when it did not (the subscription is already in that state); null when the caller has no such subscription.
    /// </summary>
    public async Task<bool?> ChangeAsync(Caller caller, Guid id, SubscriptionChange change, CancellationToken ct)
    {
        await using var write = await AuditedWrite.BeginAsync(dataSource, caller.KeyId, ct);
        var parameters = WebhookQueries.Owner(caller, new { Id = id, caller.KeyId, Secret = NewSecret(), Grace = options.Value.RotationGracePeriod });
        if (await write.QuerySingleOrDefaultAsync<long?>(change.Sql, parameters) is not { } version)
        {
            return await write.QuerySingleAsync<bool>(
                $"SELECT EXISTS (SELECT 1 FROM webhook_subscriptions w WHERE w.id = @Id AND {WebhookQueries.Owned})", parameters) ? false : null;
        }
        await write.AuditAsync(change.AuditOperation, Type, id, version - 1, version);
        await write.CommitAsync();
        return true;
    }

    /// <summary>"whsec_" and base64 of 32 random bytes, as Standard Webhooks secrets are written.</summary>
    private static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    // The sender's side. A lease keeps other senders (other replicas) off a subscription while one sends to it; each
    // statement below takes effect only under the lease it was given.

    private const string LeaseSql = $"""
        WITH leased AS (
            UPDATE webhook_cursors c SET lease_until = now() + @Lease, lease_token = @Token
            WHERE c.subscription_id IN (
                SELECT d.subscription_id FROM webhook_cursors d JOIN webhook_subscriptions s ON s.id = d.subscription_id
                WHERE s.status = 'active' AND d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now())
                ORDER BY d.next_attempt_at
                LIMIT @Batch
                FOR UPDATE OF d SKIP LOCKED)
            RETURNING c.*)
        SELECT {WebhookQueries.Columns}, c.tx::text::bigint AS cursor_tx, c.seq AS cursor_seq, c.lease_token,
               k.role = 'admin' AS key_admin, (k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())) AS key_active
        FROM leased c JOIN webhook_subscriptions w ON w.id = c.subscription_id JOIN api_keys k ON k.id = w.key_id
        """;

    public async Task<IReadOnlyList<SenderRow>> LeaseAsync(int batch, TimeSpan lease, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<SenderRow>(new CommandDefinition(LeaseSql,
            new { Batch = batch, Lease = lease, Token = Guid.NewGuid() }, cancellationToken: ct))).AsList();
    }

    private const string Leased = "subscription_id = @Id AND lease_token = @Token";

    private const string RenewSql = """
        UPDATE webhook_cursors c SET lease_until = now() + @Lease
        WHERE c.subscription_id = @Id AND c.lease_token = @Token AND c.lease_until > now()
          AND (NOT @Unchanged OR EXISTS (
              SELECT 1 FROM webhook_subscriptions w JOIN api_keys k ON k.id = w.key_id
              WHERE w.id = c.subscription_id AND w.status = 'active' AND w.key_id = @KeyId AND w.secret = @Secret
                AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())))
        RETURNING c.tx::text::bigint AS tx, c.seq
        """;

    /// <summary>
    /// Extends the lease if it is still this sender's, with the cursor as it is now; null when it is not, or (with
    /// <paramref name="unchanged"/>) when the subscription was paused, deleted, rotated or its key stopped working since it was leased.
    /// </summary>
    public async Task<(long Tx, long Seq)?> RenewAsync(SenderRow s, TimeSpan lease, CancellationToken ct, bool unchanged = false)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<(long Tx, long Seq)?>(new CommandDefinition(RenewSql,
            new { s.Id, Token = s.LeaseToken, Lease = lease, Unchanged = unchanged, s.KeyId, s.Secret }, cancellationToken: ct));
    }

    // The receiver took the change: its attempt is logged, the cursor moves past it and the lease is extended, in one
    // statement; the cursor moves only under this sender's lease (0: another sender has it now).
    private const string DeliveredSql = $"""
        WITH moved AS (
            UPDATE webhook_cursors SET tx = @Tx::text::xid8, seq = @Seq, attempts = 0, failing_since = NULL,
                   next_attempt_at = now(), lease_until = now() + @Lease
            WHERE {Leased}
            RETURNING 1),
        logged AS (
            INSERT INTO webhook_attempts (subscription_id, message_id, kind, payload, succeeded, response_status, latency_ms, response_excerpt)
            VALUES (@Id, @MessageId, 'change', @Payload, true, @ResponseStatus, @LatencyMs, @ResponseExcerpt))
        SELECT count(*) FROM moved
        """;

    // Idle subscriptions (nothing failing, nothing leased) are looked at now: a write of this process just committed.
    private const string WakeSql = """
        UPDATE webhook_cursors c SET next_attempt_at = now()
        FROM webhook_subscriptions s
        WHERE s.id = c.subscription_id AND s.status = 'active' AND c.attempts = 0 AND c.next_attempt_at > now()
          AND (c.lease_until IS NULL OR c.lease_until < now())
          -- only those with something after their cursor
          AND EXISTS (SELECT 1 FROM changes ch WHERE (ch.tx, ch.seq) > (c.tx, c.seq) AND ch.tx < pg_snapshot_xmin(pg_current_snapshot()))
        """;

    private const string IdleSql = $"""
        UPDATE webhook_cursors SET tx = coalesce(@Tx::text::xid8, tx), seq = coalesce(@Seq, seq), next_attempt_at = now() + @Idle,
               -- moved past a change that kept failing and is no longer wanted or visible: its failures are over
               attempts = CASE WHEN @Tx::bigint IS NULL THEN attempts ELSE 0 END,
               failing_since = CASE WHEN @Tx::bigint IS NULL THEN failing_since END,
               lease_until = NULL, lease_token = NULL
        WHERE {Leased}
        """;

    private const string FailedSql = $"""
        UPDATE webhook_cursors SET attempts = attempts + 1, failing_since = coalesce(failing_since, now()),
               next_attempt_at = now() + @Delay, lease_until = NULL, lease_token = NULL
        WHERE {Leased}
        RETURNING failing_since < now() - @DisableAfter
        """;

    private const string DisableSql = """
        UPDATE webhook_subscriptions SET status = 'disabled', disabled_reason = @Reason
        WHERE id = @Id AND status = 'active'
        """;

    /// <summary>The receiver took the change at (tx, seq): logged, and the cursor moved past it; false when the lease was lost.</summary>
    public async Task<bool> DeliveredAsync(SenderRow s, WebhookMessage message, WebhookOutcome outcome, long tx, long seq, TimeSpan lease, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(DeliveredSql, new
        {
            s.Id,
            Token = s.LeaseToken,
            Tx = tx,
            Seq = seq,
            Lease = lease,
            message.MessageId,
            message.Payload,
            outcome.ResponseStatus,
            outcome.LatencyMs,
            outcome.ResponseExcerpt,
        }, cancellationToken: ct)) == 1;
    }

    /// <summary>Makes the idle subscriptions due now.</summary>
    public Task WakeAsync(CancellationToken ct) => ExecuteAsync(WakeSql, new { }, ct);

    /// <summary>Nothing to send: the cursor moves to <paramref name="head"/> (past changes not wanted), and the sender looks again later.</summary>
    public Task IdleAsync(SenderRow s, (long Tx, long Seq)? head, TimeSpan idle, CancellationToken ct) =>
        ExecuteAsync(IdleSql, new { s.Id, Token = s.LeaseToken, Tx = head?.Tx, Seq = head?.Seq, Idle = idle }, ct);

    /// <summary>The attempt failed: try again after <paramref name="delay"/>; true when it has failed for longer than allowed.</summary>
    public async Task<bool> FailedAsync(SenderRow s, TimeSpan delay, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<bool?>(new CommandDefinition(FailedSql,
            new { s.Id, Token = s.LeaseToken, Delay = delay, options.Value.DisableAfter }, cancellationToken: ct)) == true;
    }

    /// <summary>The sender stops sending to the subscription and says why; its owner may resume it.</summary>
    public Task DisableAsync(Guid id, string reason, CancellationToken ct) =>
        ExecuteAsync(DisableSql, new { Id = id, Reason = reason }, ct);

    private const string AttemptSql = """
        INSERT INTO webhook_attempts (subscription_id, message_id, kind, payload, succeeded, response_status, latency_ms, response_excerpt, error)
        VALUES (@SubscriptionId, @MessageId, @Kind, @Payload, @Succeeded, @ResponseStatus, @LatencyMs, @ResponseExcerpt, @Error)
        RETURNING id, message_id, kind, payload, attempted_at, succeeded, response_status, latency_ms, response_excerpt, error
        """;

    public async Task<WebhookAttemptRow> RecordAttemptAsync(Guid subscriptionId, WebhookAttemptKind kind, WebhookMessage message, WebhookOutcome outcome, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleAsync<WebhookAttemptRow>(new CommandDefinition(AttemptSql, new
        {
            SubscriptionId = subscriptionId,
            message.MessageId,
            Kind = SnakeCaseEnum<WebhookAttemptKind>.ToName(kind),
            message.Payload,
            outcome.Succeeded,
            outcome.ResponseStatus,
            outcome.LatencyMs,
            outcome.ResponseExcerpt,
            outcome.Error,
        }, cancellationToken: ct));
    }

    private async Task ExecuteAsync(string sql, object parameters, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: ct));
    }
}

/// <summary>A subscriber's change of its subscription: the statement (returning the new version) and how it is audited.</summary>
internal sealed record SubscriptionChange(string Sql, string AuditOperation);
