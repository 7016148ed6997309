using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using RoundTable.Api.Changes;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Webhooks;

/// <summary>Whether a subscription is sent to: active, paused by its owner, or disabled by the sender (see disabledReason).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WebhookStatus>))]
public enum WebhookStatus
{
    [JsonStringEnumMemberName("active")] Active,
    [JsonStringEnumMemberName("paused")] Paused,
    [JsonStringEnumMemberName("disabled")] Disabled,
}

/// <summary>A new subscription to the change feed, delivered as signed webhooks (Standard Webhooks).</summary>
/// <param name="Url">Where to POST each change: an absolute https URL that does not resolve to a private address.</param>
/// <param name="Types">Only changes of these types; omit for every type.</param>
/// <param name="Operations">Only these operations; omit for all three.</param>
/// <param name="OwnEventsOnly">Only changes of the events the key's institution organizes and of what hangs off them (partner keys).</param>
/// <param name="Description">A note for the subscriber's own use.</param>
public sealed record CreateWebhookRequest(
    string Url,
    IReadOnlyList<ChangeType>? Types = null,
    IReadOnlyList<ChangeOperation>? Operations = null,
    bool? OwnEventsOnly = null,
    string? Description = null);

/// <summary>A subscription. Its secret is shown only when it is created and when it is rotated.</summary>
/// <param name="InstitutionId">The partner institution that owns it (any of its keys manages it); null for an admin key's.</param>
/// <param name="DisabledReason">Why the sender stopped (it kept failing, or the key that created it stopped working); resume to try again.</param>
/// <param name="Secret">The signing secret ("whsec_" and base64), only in the answer that created or rotated it.</param>
/// <param name="PreviousSecretExpiresAt">After a rotation, deliveries carry a signature with the previous secret too until then.</param>
/// <param name="Delivery">Where delivery has got to.</param>
/// <param name="Version">Changes with every change of the subscription (its owner's, or its disabling), not with deliveries.</param>
public sealed record WebhookResponse(
    Guid Id,
    string Url,
    string? Description,
    IReadOnlyList<ChangeType>? Types,
    IReadOnlyList<ChangeOperation>? Operations,
    bool OwnEventsOnly,
    Guid? InstitutionId,
    WebhookStatus Status,
    string? DisabledReason,
    string? Secret,
    DateTimeOffset? PreviousSecretExpiresAt,
    WebhookDeliveryState Delivery,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version) : Concurrency.IVersioned;

/// <summary>Where a subscription's delivery has got to.</summary>
/// <param name="FailedAttempts">Failed attempts at the next change (0 when the receiver accepted the last one).</param>
/// <param name="FailingSince">When the first of those failed.</param>
/// <param name="NextAttemptAt">When the sender tries again (or looks for new changes).</param>
public sealed record WebhookDeliveryState(int FailedAttempts, DateTimeOffset? FailingSince, DateTimeOffset NextAttemptAt);

[JsonConverter(typeof(JsonStringEnumConverter<WebhookAttemptKind>))]
public enum WebhookAttemptKind
{
    [JsonStringEnumMemberName("change")] Change,
    [JsonStringEnumMemberName("ping")] Ping,
    [JsonStringEnumMemberName("redelivery")] Redelivery,
}

/// <summary>One attempt to deliver a message.</summary>
/// <param name="MessageId">The webhook-id header: the same for every attempt at one change, so receivers can drop repeats.</param>
/// <param name="Payload">The body that was sent.</param>
/// <param name="Succeeded">The receiver answered 2xx in time.</param>
/// <param name="ResponseStatus">The receiver's status code; null when there was no answer.</param>
/// <param name="ResponseExcerpt">The first bytes of the receiver's answer.</param>
/// <param name="Error">Why there was no answer (timeout, refused, a private address...).</param>
public sealed record WebhookAttemptResponse(
    Guid Id,
    string MessageId,
    WebhookAttemptKind Kind,
    string Payload,
    DateTimeOffset AttemptedAt,
    bool Succeeded,
    int? ResponseStatus,
    [property: Description("Milliseconds from sending to the answer (or the failure).")] int LatencyMs,
    string? ResponseExcerpt,
    string? Error);

/// <summary>What each delivery's body says happened: one change of the feed, or a ping.</summary>
/// <param name="Type">"change.created", "change.updated", "change.deleted", or "webhook.ping".</param>
/// <param name="Timestamp">When the change happened (for a ping: when it was sent).</param>
public sealed record WebhookPayload(string Type, DateTimeOffset Timestamp, WebhookChangeData? Data);

/// <summary>The change: re-read <paramref name="Url"/> to apply it (a relation entry's url is its parent's).</summary>
/// <param name="Slug">The resource's slug; for a relation entry, its parent's; null when a draft's deletion is sent to those who lost sight of it (its url then names it by id).</param>
/// <param name="Cursor">The change feed's cursor just after this change (GET /api/v1/changes?cursor= to replay from here).</param>
public sealed record WebhookChangeData(
    ChangeType ResourceType,
    Guid Id,
    string? Slug,
    long Version,
    ChangeOperation Operation,
    DateTimeOffset ChangedAt,
    ChangeType? ParentType,
    Guid? ParentId,
    string Url,
    string Cursor);

/// <summary>Source-generated serialization of the webhooks.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(WebhookResponse))]
[JsonSerializable(typeof(Page<WebhookResponse>))]
[JsonSerializable(typeof(WebhookAttemptResponse))]
[JsonSerializable(typeof(Page<WebhookAttemptResponse>))]
[JsonSerializable(typeof(WebhookPayload))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;
