namespace RoundTable.Api.Database;

/// <summary>Whether start-up has migrated and seeded the database (true from the start when it is not asked to).</summary>
internal sealed class PreparationState
{
    private volatile bool _prepared;

    public bool Prepared => _prepared;

    public void MarkPrepared() => _prepared = true;
}
