using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RoundTable.Api.ApiKeys;
using RoundTable.Api.Auth;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Institutions;

public sealed class InstitutionWriteTests : WriteApiTest
{
    private static object Institution(string slug, string? parent = null) => new
    {
        slug,
        name = new Dictionary<string, string> { ["en"] = "Faculty of Public Policy", ["ru"] = "Факультет публичной политики" },
        shortName = new { en = "FPP" },
        kind = "graduate_school",
        country = "KZ",
        website = "https://example.edu/fpp",
        parent,
    };

    [Fact]
    public async Task An_institution_round_trip_with_its_parent()
    {
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/institutions", IituKey, Institution("iitu-fpp", "iitu"));
        var body = await ReadAsync<InstitutionDto>(created, HttpStatusCode.Created);
        Assert.Equal("iitu", body.Parent?.Slug);
        Assert.Equal("FPP", body.ShortName);
        Assert.Equal("Faculty of Public Policy", body.Name);
        Assert.Equal("graduate_school", body.Kind);
        Assert.Equal(1, VersionOf(created));
        Assert.Equal(1, body.Version);
        var read = await GetAsync<InstitutionDto>(created.Headers.Location!.OriginalString);
        AssertSameJson(body, read);
        Assert.Contains(await WalkAsync<InstitutionSummaryDto>("/api/v1/institutions/iitu/children", 10), c => c.Slug == "iitu-fpp");

        using var patched = await SendAsync(HttpMethod.Patch, "/api/v1/institutions/iitu-fpp", IituKey, """{"city":{"en":"Almaty"},"parent":null}""", "\"1\"", "application/merge-patch+json");
        var after = await ReadAsync<InstitutionDto>(patched, HttpStatusCode.OK);
        Assert.Equal("Almaty", after.City);
        Assert.Null(after.Parent);
        Assert.Equal("FPP", after.ShortName);
        Assert.Equal(2, after.Version);
        Assert.DoesNotContain(await WalkAsync<InstitutionSummaryDto>("/api/v1/institutions/iitu/children", 10), c => c.Slug == "iitu-fpp");

        using var stale = await SendAsync(HttpMethod.Put, "/api/v1/institutions/iitu-fpp", IituKey, Institution("iitu-fpp"), "\"1\"");
        await ProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        using var deleted = await SendAsync(HttpMethod.Delete, "/api/v1/institutions/iitu-fpp", IituKey, ifMatch: "\"2\"");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await GetProblemAsync("/api/v1/institutions/iitu-fpp", 404);
    }

    [Fact]
    public async Task A_partner_changes_only_the_institutions_its_keys_created()
    {
        using (var i = await SendAsync(HttpMethod.Post, "/api/v1/institutions", IituKey, Institution("iitu-owned")))
        {
            Assert.Equal(HttpStatusCode.Created, i.StatusCode);
        }
        var before = await DatabaseFingerprintAsync();

        foreach (var url in new[] { "/api/v1/institutions/iitu-owned", "/api/v1/institutions/seoul-national-university" })
        {
            using var other = await SendAsync(HttpMethod.Patch, url, SnuKey, """{"slug":"taken-over"}""", "*", "application/merge-patch+json");
            await ProblemAsync(other, HttpStatusCode.Forbidden);
            using var otherDelete = await SendAsync(HttpMethod.Delete, url, SnuKey, ifMatch: "*");
            await ProblemAsync(otherDelete, HttpStatusCode.Forbidden);
        }
        // Seeded rows were created by no key: only admins change them.
        using var seeded = await SendAsync(HttpMethod.Patch, "/api/v1/institutions/iitu", IituKey, """{"website":null}""", "*", "application/merge-patch+json");
        await ProblemAsync(seeded, HttpStatusCode.Forbidden);
        Assert.Equal(before, await DatabaseFingerprintAsync());

        // Another key of the same institution may change what the first created.
        var second = (await Factory.Services.GetRequiredService<ApiKeyCommands>().CreateAsync("iitu 2", ApiKeyRole.Partner,
            (await GetAsync<InstitutionDto>("/api/v1/institutions/iitu")).Id, null, CancellationToken.None)).Secret;
        using var own = await SendAsync(HttpMethod.Patch, "/api/v1/institutions/iitu-owned", second, """{"city":{"en":"Almaty"}}""", "\"1\"", "application/merge-patch+json");
        Assert.Equal("Almaty", (await ReadAsync<InstitutionDto>(own, HttpStatusCode.OK)).City);
        var owned = await GetAsync<InstitutionDto>("/api/v1/institutions/iitu-owned");
        Assert.Equal("Almaty", owned.City);
        Assert.Equal(2, owned.Version);

        using var admin = await SendAsync(HttpMethod.Patch, "/api/v1/institutions/seoul-national-university", AdminKey, """{"city":{"en":"Seoul"}}""", "\"1\"", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        var snu = await GetAsync<InstitutionDto>("/api/v1/institutions/seoul-national-university");
        Assert.Equal("Seoul", snu.City);
        Assert.Equal(2, snu.Version);
    }

    [Fact]
    public async Task An_institution_cannot_become_its_own_ancestor()
    {
        using (var child = await SendAsync(HttpMethod.Post, "/api/v1/institutions", AdminKey, Institution("snu-lab", "snu-graduate-school-of-public-administration")))
        {
            Assert.Equal("snu-graduate-school-of-public-administration", (await ReadAsync<InstitutionDto>(child, HttpStatusCode.Created)).Parent?.Slug);
        }
        var before = await DatabaseFingerprintAsync();
        foreach (var parent in new[] { "snu-lab", "snu-graduate-school-of-public-administration", "seoul-national-university" })
        {
            using var response = await SendAsync(HttpMethod.Patch, "/api/v1/institutions/seoul-national-university", AdminKey,
                $$"""{"parent":"{{parent}}"}""", "*", "application/merge-patch+json");
            AssertFieldError(await ProblemAsync(response, HttpStatusCode.BadRequest), "parent");
        }
        using var unknown = await SendAsync(HttpMethod.Post, "/api/v1/institutions", AdminKey, Institution("orphan", "no-such-parent"));
        AssertFieldError(await ProblemAsync(unknown, HttpStatusCode.BadRequest), "parent");
        Assert.Equal(before, await DatabaseFingerprintAsync());
    }

    [Fact]
    public async Task Deleting_an_institution_that_live_rows_still_name_is_a_409_and_changes_nothing()
    {
        // Once Ko no longer takes part, SNU is still named by his affiliation and by its graduate school; Aurora Ala
        // only through a participant.
        await ExecuteSqlAsync("DELETE FROM event_participants WHERE speaker_id = (SELECT id FROM speakers WHERE slug = 'kilkon-ko')");
        var before = await DatabaseFingerprintAsync();
        foreach (var url in new[] { "/api/v1/institutions/iitu", "/api/v1/institutions/seoul-national-university", "/api/v1/institutions/aurora-ala-foundation" })
        {
            using var response = await SendAsync(HttpMethod.Delete, url, AdminKey, ifMatch: "*");
            await ProblemAsync(response, HttpStatusCode.Conflict);
        }
        Assert.Equal(before, await DatabaseFingerprintAsync());
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM institutions WHERE deleted_at IS NOT NULL"));
    }

    [Fact]
    public async Task Rankings_are_written_as_parts_of_their_institution()
    {
        using var ranking = await SendAsync(HttpMethod.Post, "/api/v1/institutions/seoul-national-university/rankings", AdminKey,
            new { ranking = "QS World University Rankings", year = 2025, rank = 38 }, "\"1\"");
        var snu = await ReadAsync<InstitutionDto>(ranking, HttpStatusCode.Created);
        Assert.Equal([2025, 2024], snu.Rankings.Select(r => r.Year));
        Assert.Equal(38, snu.Rankings.Single(r => r.Year == 2025).Rank);
        Assert.Equal(2, VersionOf(ranking));
        Assert.Equal(2, snu.Version);
        using var duplicate = await SendAsync(HttpMethod.Post, "/api/v1/institutions/seoul-national-university/rankings", AdminKey,
            new { ranking = "QS World University Rankings", year = 2025, rank = 40 }, "*");
        await ProblemAsync(duplicate, HttpStatusCode.Conflict);
        using var badRank = await SendAsync(HttpMethod.Post, "/api/v1/institutions/seoul-national-university/rankings", AdminKey,
            new { ranking = "QS", year = 2025, rank = 0 }, "*");
        AssertFieldError(await ProblemAsync(badRank, HttpStatusCode.BadRequest), "rank");
        using var partner = await SendAsync(HttpMethod.Post, "/api/v1/institutions/seoul-national-university/rankings", SnuKey,
            new { ranking = "THE", year = 2025, rank = 62 }, "*");
        await ProblemAsync(partner, HttpStatusCode.Forbidden); // seeded rows belong to admins
        AssertSameJson(snu.Rankings, (await GetAsync<InstitutionDto>("/api/v1/institutions/seoul-national-university")).Rankings);
    }

    [Fact]
    public async Task A_ranking_takes_a_merge_patch()
    {
        var ranking = Assert.Single((await GetAsync<InstitutionDto>("/api/v1/institutions/seoul-national-university")).Rankings).Id;
        using var rank = await SendAsync(HttpMethod.Patch, $"/api/v1/institutions/seoul-national-university/rankings/{ranking}", AdminKey,
            """{"rank":30}""", "\"1\"", "application/merge-patch+json");
        var snu = await ReadAsync<InstitutionDto>(rank, HttpStatusCode.OK);
        var patched = Assert.Single(snu.Rankings);
        Assert.Equal(30, patched.Rank);
        Assert.Equal(2024, patched.Year);
        Assert.Equal("QS World University Rankings", patched.Ranking);
        Assert.Equal(2, snu.Version);
    }

    [Fact]
    public async Task Two_concurrent_parent_changes_never_make_a_cycle_together()
    {
        foreach (var slug in new[] { "ring-a", "ring-b" })
        {
            using var created = await SendAsync(HttpMethod.Post, "/api/v1/institutions", AdminKey, Institution(slug));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        for (var round = 0; round < 10; round++)
        {
            var results = await Task.WhenAll(
                PatchParentAsync("ring-a", "ring-b"),
                PatchParentAsync("ring-b", "ring-a"));
            Assert.Single(results, r => r.Status == HttpStatusCode.OK);
            Assert.Single(results, r => r.Status == HttpStatusCode.BadRequest);
            // The winner has its new parent; the other has none.
            var (winner, loser) = results[0].Status == HttpStatusCode.OK ? ("ring-a", "ring-b") : ("ring-b", "ring-a");
            Assert.Equal(loser, (await GetAsync<InstitutionDto>($"/api/v1/institutions/{winner}")).Parent?.Slug);
            Assert.Null((await GetAsync<InstitutionDto>($"/api/v1/institutions/{loser}")).Parent);
            await ExecuteSqlAsync("UPDATE institutions SET parent_id = NULL WHERE slug IN ('ring-a', 'ring-b')");
        }

        async Task<(HttpStatusCode Status, string Body)> PatchParentAsync(string child, string parent)
        {
            using var response = await SendAsync(HttpMethod.Patch, $"/api/v1/institutions/{child}", AdminKey,
                $$"""{"parent":"{{parent}}"}""", "*", "application/merge-patch+json");
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
    }
}
