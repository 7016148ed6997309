using Dapper;
using Npgsql;

namespace RoundTable.Api.Idempotency;

/// <summary>
/// The Idempotency-Key the current request claimed. The write it makes records itself against the claim in its own
/// transaction (<see cref="RecordAsync"/>, called by the audited write's commit), so the record and the write commit
/// together: a process that dies after the commit and before the answer leaves a claim that says what was written,
/// and a retry answers from that resource instead of writing again.
/// </summary>
internal sealed class IdempotencyClaim(Guid keyId, string key)
{
    internal const string RecordSql = """
        UPDATE idempotency_keys SET written_id = @Id, written_at = now()
        WHERE api_key_id = @KeyId AND idempotency_key = @Key AND written_id IS NULL
        """;

    private static readonly AsyncLocal<IdempotencyClaim?> s_current = new();

    /// <summary>The claim of the request this code runs for (flows into the handler from the filter that set it).</summary>
    public static IdempotencyClaim? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }

    public Guid KeyId => keyId;

    public string Key => key;

    /// <summary>Records <paramref name="writtenId"/> once per request (a second write of the same request records nothing).</summary>
    public async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid writtenId, CancellationToken ct)
    {
        if (Recorded)
        {
            return;
        }
        // No row: the claim was forgotten (older than the retention, or unfinished for 30 s: far past a request's
        // deadline). The write goes on without a record; a retry then finds no claim and is a new request.
        await connection.ExecuteAsync(new CommandDefinition(RecordSql, new { Id = writtenId, KeyId = keyId, Key = key }, transaction, cancellationToken: ct));
        Recorded = true;
    }

    private bool Recorded { get; set; }
}
