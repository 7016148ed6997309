using Dapper;
using Npgsql;
using RoundTable.Api.Auth;
using RoundTable.Api.Changes;
using RoundTable.Api.Database;
using RoundTable.Api.Events;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Webhooks;

/// <summary>The reads of the webhooks: subscriptions as their owners see them, the delivery log, and the sender's next change.</summary>
internal sealed class WebhookQueries(NpgsqlDataSource dataSource)
{
    internal const string Columns = """
        w.id, w.key_id, w.institution_id, w.url, w.description, w.resource_types, w.operations, w.own_events_only,
        w.secret, w.previous_secret, w.previous_expires_at, w.status, w.disabled_reason, w.created_at, w.updated_at,
        w.version, c.attempts, c.failing_since, c.next_attempt_at
        """;

    /// <summary>A partner key's institution owns its subscriptions; an admin key sees every one.</summary>
    internal const string Owned = "(@Admin OR w.institution_id = @Institution::uuid)";

    private const string GetSql = $"""
        SELECT {Columns} FROM webhook_subscriptions w JOIN webhook_cursors c ON c.subscription_id = w.id
        WHERE w.id = @Id AND {Owned}
        """;

    public Task<WebhookRow?> GetAsync(Caller caller, Guid id, CancellationToken ct) =>
        dataSource.QuerySingleOrDefaultAsync<WebhookRow>(new CommandDefinition(GetSql, Owner(caller, new { Id = id }), cancellationToken: ct));

    private static readonly string s_listSql = $"""
        SELECT {Columns} FROM webhook_subscriptions w JOIN webhook_cursors c ON c.subscription_id = w.id
        WHERE {Owned} AND {Sql.After("w")}
        {Sql.PageOrder("w")}
        """;

    public Task<IReadOnlyList<WebhookRow>> ListAsync(Caller caller, PageRequest page, CancellationToken ct) =>
        dataSource.QueryListAsync<WebhookRow>(new CommandDefinition(s_listSql, Owner(caller, page.Parameters()), cancellationToken: ct));

    private const string AttemptColumns =
        "a.id, a.message_id, a.kind, a.payload, a.attempted_at, a.succeeded, a.response_status, a.latency_ms, a.response_excerpt, a.error";

    private static readonly string s_attemptsSql = $"""
        SELECT {AttemptColumns} FROM webhook_attempts a
        WHERE a.subscription_id = @ParentId AND {Sql.After("a", "attempted_at")}
        {Sql.PageOrder("a")}
        """;

    /// <summary>A subscription's delivery log, oldest first.</summary>
    public Task<IReadOnlyList<WebhookAttemptRow>> ListAttemptsAsync(Guid id, PageRequest page, CancellationToken ct) =>
        dataSource.QueryListAsync<WebhookAttemptRow>(new CommandDefinition(s_attemptsSql, page.Parameters(id), cancellationToken: ct));

    private const string AttemptSql = $"SELECT {AttemptColumns} FROM webhook_attempts a WHERE a.id = @Id AND a.subscription_id = @SubscriptionId";

    public Task<WebhookAttemptRow?> GetAttemptAsync(Guid subscriptionId, Guid id, CancellationToken ct) =>
        dataSource.QuerySingleOrDefaultAsync<WebhookAttemptRow>(new CommandDefinition(AttemptSql, new { Id = id, SubscriptionId = subscriptionId }, cancellationToken: ct));

    // The resources a change's URL can name: a relation entry's is its parent's, or else its event's.
    private const string Resources = "('event', 'speaker', 'institution', 'recommendation', 'source', 'theme')";

    /// <summary>
    /// The first change after the cursor that the subscription wants and its key may see, and the last published change
    /// (where the cursor may move when none is wanted), in one statement: one snapshot, so none is skipped in between.
    /// </summary>
    private const string NextSql = $"""
        SELECT n.tx, n.seq, n.resource_type, n.resource_id, n.operation, n.version, n.changed_at, n.parent_type, n.parent_id,
               n.target_type, n.target_id,
               -- The deletions sent to those who lost sight of an unpublished event name it by id: its slug is the draft's.
               CASE WHEN n.for_outsiders THEN NULL ELSE CASE n.target_type
                   WHEN 'event' THEN (SELECT slug FROM events WHERE id = n.target_id)
                   WHEN 'speaker' THEN (SELECT slug FROM speakers WHERE id = n.target_id)
                   WHEN 'institution' THEN (SELECT slug FROM institutions WHERE id = n.target_id)
                   WHEN 'recommendation' THEN (SELECT slug FROM recommendations WHERE id = n.target_id)
                   WHEN 'source' THEN (SELECT slug FROM sources WHERE id = n.target_id)
                   WHEN 'theme' THEN (SELECT slug FROM themes WHERE id = n.target_id)
               END END AS target_slug,
               h.tx AS head_tx, h.seq AS head_seq
        FROM (SELECT 1) one
        LEFT JOIN LATERAL (
            SELECT c.tx::text::bigint AS tx, c.seq, c.resource_type, c.resource_id, c.operation, c.version, c.changed_at,
                   c.parent_type, c.parent_id, c.for_outsiders,
                   CASE WHEN c.resource_type IN {Resources} THEN c.resource_type
                        WHEN c.parent_type IN {Resources} THEN c.parent_type ELSE 'event' END AS target_type,
                   CASE WHEN c.resource_type IN {Resources} THEN c.resource_id
                        WHEN c.parent_type IN {Resources} THEN c.parent_id ELSE c.event_id END AS target_id
            FROM changes c
            WHERE (c.tx, c.seq) > (@Tx::text::xid8, @Seq)
              AND {ChangeQueries.Published}
              AND (@Types::text[] IS NULL OR c.resource_type = ANY(@Types::text[]))
              AND (@Operations::text[] IS NULL OR c.operation = ANY(@Operations::text[]))
              AND (NOT @OwnEventsOnly OR EXISTS (
                  SELECT 1 FROM event_organizers o
                  WHERE o.event_id = c.event_id AND o.institution_id = @ViewerInstitution::uuid AND o.role IN {EventQueries.OwnerRoles}))
              AND {ChangeQueries.Visible}
            ORDER BY c.tx, c.seq
            LIMIT 1) n ON true
        LEFT JOIN LATERAL (
            SELECT c.tx::text::bigint AS tx, c.seq FROM changes c
            WHERE (c.tx, c.seq) > (@Tx::text::xid8, @Seq) AND {ChangeQueries.Published}
            ORDER BY c.tx DESC, c.seq DESC
            LIMIT 1) h ON true
        """;

    public Task<NextChangeRow?> NextAsync(SenderRow subscription, CancellationToken ct) =>
        dataSource.QuerySingleOrDefaultAsync<NextChangeRow>(Viewer.For(subscription.KeyAdmin, subscription.InstitutionId, NextSql, new
        {
            Tx = subscription.CursorTx,
            Seq = subscription.CursorSeq,
            Types = subscription.ResourceTypes,
            Operations = subscription.Operations,
            subscription.OwnEventsOnly,
        }, ct));

    internal static DynamicParameters Owner(Caller caller, object parameters)
    {
        var all = new DynamicParameters(parameters);
        all.Add("Admin", caller.IsAdmin);
        all.Add("Institution", caller.InstitutionId);
        return all;
    }
}

internal class WebhookRow
{
    public Guid Id { get; set; }
    public Guid KeyId { get; set; }
    public Guid? InstitutionId { get; set; }
    public string Url { get; set; } = "";
    public string? Description { get; set; }
    public string[]? ResourceTypes { get; set; }
    public string[]? Operations { get; set; }
    public bool OwnEventsOnly { get; set; }
    public string Secret { get; set; } = "";
    public string? PreviousSecret { get; set; }
    public DateTime? PreviousExpiresAt { get; set; }
    public string Status { get; set; } = "";
    public string? DisabledReason { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public long Version { get; set; }
    public int Attempts { get; set; }
    public DateTime? FailingSince { get; set; }
    public DateTime NextAttemptAt { get; set; }
}

/// <summary>A subscription as the sender leased it: where it has got to, and whether its key still works.</summary>
internal sealed class SenderRow : WebhookRow
{
    public long CursorTx { get; set; }
    public long CursorSeq { get; set; }
    public bool KeyAdmin { get; set; }
    public bool KeyActive { get; set; }
    public Guid LeaseToken { get; set; }
}

internal sealed class WebhookAttemptRow
{
    public Guid Id { get; set; }
    public string MessageId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Payload { get; set; } = "";
    public DateTime AttemptedAt { get; set; }
    public bool Succeeded { get; set; }
    public int? ResponseStatus { get; set; }
    public int LatencyMs { get; set; }
    public string? ResponseExcerpt { get; set; }
    public string? Error { get; set; }
}

internal sealed class NextChangeRow
{
    public long? Tx { get; set; }
    public long? Seq { get; set; }
    public string? ResourceType { get; set; }
    public Guid ResourceId { get; set; }
    public string Operation { get; set; } = "";
    public long Version { get; set; }
    public DateTime ChangedAt { get; set; }
    public string? ParentType { get; set; }
    public Guid? ParentId { get; set; }
    public string TargetType { get; set; } = "";
    public Guid? TargetId { get; set; }
    public string? TargetSlug { get; set; }
    public long? HeadTx { get; set; }
    public long? HeadSeq { get; set; }
}
