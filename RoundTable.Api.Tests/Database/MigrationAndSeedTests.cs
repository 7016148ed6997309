using Microsoft.Extensions.DependencyInjection;
using RoundTable.Api.Database;
using RoundTable.Api.Seeding;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Database;

public sealed class MigrationAndSeedTests : ApiTest
{
    private const string Fingerprint = """
        SELECT string_agg(t || ':' || n || ':' || v, ',' ORDER BY t) FROM (
            SELECT 'events' t, count(*) n, sum(version) v FROM events
            UNION ALL SELECT 'institutions', count(*), sum(version) FROM institutions
            UNION ALL SELECT 'speakers', count(*), sum(version) FROM speakers
            UNION ALL SELECT 'recommendations', count(*), sum(version) FROM recommendations
            UNION ALL SELECT 'event_participants', count(*), sum(version) FROM event_participants
            UNION ALL SELECT 'event_participant_institutions', count(*), sum(version) FROM event_participant_institutions
            UNION ALL SELECT 'event_organizers', count(*), sum(version) FROM event_organizers
            UNION ALL SELECT 'event_quotes', count(*), sum(version) FROM event_quotes
            UNION ALL SELECT 'event_acknowledgements', count(*), sum(version) FROM event_acknowledgements
            UNION ALL SELECT 'speaker_affiliations', count(*), sum(version) FROM speaker_affiliations
            UNION ALL SELECT 'institution_rankings', count(*), sum(version) FROM institution_rankings
            UNION ALL SELECT 'institution_figures', count(*), sum(version) FROM institution_figures
            UNION ALL SELECT 'recommendation_proposers', count(*), sum(version) FROM recommendation_proposers
            UNION ALL SELECT 'recommendation_themes', count(*), sum(version) FROM recommendation_themes
            UNION ALL SELECT 'recommendation_status_changes', count(*), sum(version) FROM recommendation_status_changes
            UNION ALL SELECT 'themes', count(*), sum(version) FROM themes
            UNION ALL SELECT 'sources', count(*), sum(version) FROM sources) AS counts
        """;

    [Fact]
    public async Task Migrating_an_up_to_date_database_changes_nothing()
    {
        var journal = await ScalarAsync<long>("SELECT count(*) FROM schemaversions");
        Assert.Equal(DatabaseMigrator.ScriptNames.Count, journal);

        await Factory.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        await Factory.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);

        Assert.Equal(journal, await ScalarAsync<long>("SELECT count(*) FROM schemaversions"));
        Assert.Empty(await Factory.Services.GetRequiredService<DatabaseMigrator>().PendingScriptsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Maintenance_with_only_pg_catalog_on_the_search_path_works()
    {
        // What autovacuum's ANALYZE (and on PostgreSQL 17 every ANALYZE, REINDEX and pg_restore) runs with: the
        // expression indexes and generated columns must not depend on the caller's search_path.
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        foreach (var sql in new[]
        {
            "SET search_path = pg_catalog, pg_temp",
            "ANALYZE public.events, public.speakers, public.speaker_affiliations, public.institutions, public.recommendations",
            "REINDEX TABLE public.events",
            "REINDEX TABLE public.recommendations",
            "SELECT public.rt_query('цифров') IS NOT NULL",
        })
        {
            await using var command = new Npgsql.NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
        Assert.True(await ScalarAsync<long>("SELECT count(*) FROM pg_stats WHERE schemaname = 'public' AND tablename = 'events'") > 0);
    }

    [Fact]
    public async Task Loading_the_seed_again_changes_no_row_and_no_version()
    {
        var before = await ScalarAsync<string>(Fingerprint);
        var updatedBefore = await ScalarAsync<DateTime>("SELECT max(updated_at) FROM events");

        await Factory.Services.GetRequiredService<Seeder>().SeedAsync(CancellationToken.None);
        await Factory.Services.GetRequiredService<Seeder>().SeedAsync(CancellationToken.None);

        Assert.Equal(before, await ScalarAsync<string>(Fingerprint));
        Assert.Equal(updatedBefore, await ScalarAsync<DateTime>("SELECT max(updated_at) FROM events"));
        Assert.Contains("event_participants:6:6", before);
        Assert.Contains("institutions:8:8", before);
    }

    [Fact]
    public async Task The_seed_restores_a_changed_value_and_bumps_only_that_rows_version()
    {
        await ExecuteSqlAsync("UPDATE institutions SET name = '{\"en\": \"Changed\"}' WHERE slug = 'iitu'");
        Assert.Equal(2, await ScalarAsync<long>("SELECT version FROM institutions WHERE slug = 'iitu'"));

        await Factory.Services.GetRequiredService<Seeder>().SeedAsync(CancellationToken.None);

        Assert.Equal("International Information Technology University", await ScalarAsync<string>("SELECT name->>'en' FROM institutions WHERE slug = 'iitu'"));
        Assert.Equal(3, await ScalarAsync<long>("SELECT version FROM institutions WHERE slug = 'iitu'"));
        Assert.Equal(1, await ScalarAsync<long>("SELECT version FROM institutions WHERE slug = 'seoul-national-university'"));
    }

    [Theory]
    [InlineData("events (slug, title, kind, status, start_date, end_date) VALUES ('bad-dates', '{\"en\": \"x\"}', 'round_table', 'held', '2024-07-30', '2024-07-29')")]
    [InlineData("events (slug, title, kind, status, start_date, end_date) VALUES ('bad-kind', '{\"en\": \"x\"}', 'party', 'held', '2024-07-29', '2024-07-29')")]
    [InlineData("institutions (slug, name, kind) VALUES ('iitu', '{\"en\": \"Duplicate\"}', 'university')")]
    [InlineData("institutions (slug, name, kind) VALUES ('Bad Slug', '{\"en\": \"x\"}', 'university')")]
    [InlineData("institutions (slug, name, kind) VALUES ('no-language', '{\"english\": \"x\"}', 'university')")]
    [InlineData("institutions (slug, name, kind, country) VALUES ('bad-country', '{\"en\": \"x\"}', 'university', 'kz')")]
    public async Task The_schema_refuses_rows_the_model_forbids(string insert)
    {
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => ExecuteSqlAsync("INSERT INTO " + insert));
    }

    [Fact]
    public async Task Every_update_changes_the_version_and_updated_at()
    {
        var before = await ScalarAsync<DateTime>("SELECT updated_at FROM speakers WHERE slug = 'kilkon-ko'");
        await ExecuteSqlAsync("UPDATE speakers SET bio = '{\"en\": \"x\"}' WHERE slug = 'kilkon-ko'");
        Assert.Equal(2, await ScalarAsync<long>("SELECT version FROM speakers WHERE slug = 'kilkon-ko'"));
        Assert.True(await ScalarAsync<DateTime>("SELECT updated_at FROM speakers WHERE slug = 'kilkon-ko'") > before);
    }
}
