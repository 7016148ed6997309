namespace RoundTable.Api.Tests.Infrastructure;

/// <summary>
/// Tests whose answers depend on the whole PostgreSQL cluster: the caching snapshot (pg_current_snapshot) moves, and the
/// change feed holds back its changes, whenever any database of the cluster has a transaction running. Other test
/// classes write all the time, so these run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneInTheClusterCollection
{
    public const string Name = "Alone in the PostgreSQL cluster";
}
