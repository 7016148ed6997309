using Microsoft.Extensions.DependencyInjection;
using RoundTable.Api.Database;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Database;

/// <summary>Migrations on an empty database, including replicas that start together.</summary>
public sealed class EmptyDatabaseMigrationTests : ApiTest
{
    protected override bool FromTemplate => false;

    [Fact]
    public async Task Replicas_migrating_together_apply_each_script_exactly_once()
    {
        await using var second = CreateFactory(ConnectionString);
        await using var third = CreateFactory(ConnectionString);
        var migrators = new[] { Factory, second, third }.Select(f => f.Services.GetRequiredService<DatabaseMigrator>()).ToList();

        await Task.WhenAll(migrators.Select(m => Task.Run(() => m.MigrateAsync(CancellationToken.None))));

        Assert.Equal(DatabaseMigrator.ScriptNames.Count, await ScalarAsync<long>("SELECT count(*) FROM schemaversions"));
        Assert.Equal(DatabaseMigrator.ScriptNames.Count, await ScalarAsync<long>("SELECT count(DISTINCT scriptname) FROM schemaversions"));
        Assert.Equal(0, await ScalarAsync<long>("SELECT count(*) FROM events"));
    }

    [Fact]
    public async Task Readiness_fails_until_migrations_are_applied()
    {
        using (var response = await Client.GetAsync("/health/ready"))
        {
            AssertNoInternals(await response.Content.ReadAsStringAsync());
            var pending = await ReadAsync<HealthDto>(response, System.Net.HttpStatusCode.ServiceUnavailable);
            Assert.Equal("unhealthy", pending.Status);
            Assert.Equal($"{DatabaseMigrator.ScriptNames.Count} migration(s) pending", pending.Checks["database"]);
        }
        await Factory.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        using var ready = await Client.GetAsync("/health/ready");
        Assert.Equal("healthy", (await ReadAsync<HealthDto>(ready, System.Net.HttpStatusCode.OK)).Status);
    }
}
