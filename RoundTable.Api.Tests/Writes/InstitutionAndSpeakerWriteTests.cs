using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using RoundTable.Api.Auth;
using RoundTable.Api.ApiKeys;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Writes;

public sealed class InstitutionAndSpeakerWriteTests : WriteApiTest
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

    private static object Speaker(string slug, string? orcid = null) => new
    {
        slug,
        fullName = new Dictionary<string, string> { ["en"] = "Test Person", ["ko"] = "테스트" },
        honorific = new { en = "Dr" },
        orcid,
    };

    [Fact]
    public async Task An_institution_round_trip_with_its_parent()
    {
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/institutions", IituKey, Institution("iitu-fpp", "iitu"));
        var body = await BodyAsync(created, HttpStatusCode.Created);
        Assert.Equal("iitu", body["parent"]!["slug"]!.GetValue<string>());
        Assert.Equal("FPP", body["shortName"]!.GetValue<string>());
        Assert.Equal(1, VersionOf(created));
        var read = await GetJsonAsync(created.Headers.Location!.OriginalString);
        Assert.True(JsonNode.DeepEquals(body, read));
        Assert.Contains(await WalkAsync("/api/v1/institutions/iitu/children", 10), c => c["slug"]!.GetValue<string>() == "iitu-fpp");

        using var patched = await SendAsync(HttpMethod.Patch, "/api/v1/institutions/iitu-fpp", IituKey, """{"city":{"en":"Almaty"},"parent":null}""", "\"1\"", "application/merge-patch+json");
        var after = await BodyAsync(patched, HttpStatusCode.OK);
        Assert.Equal("Almaty", after["city"]!.GetValue<string>());
        Assert.Null(after["parent"]);

        using var stale = await SendAsync(HttpMethod.Put, "/api/v1/institutions/iitu-fpp", IituKey, Institution("iitu-fpp"), "\"1\"");
        await ProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        using var deleted = await SendAsync(HttpMethod.Delete, "/api/v1/institutions/iitu-fpp", IituKey, ifMatch: "\"2\"");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await GetProblemAsync("/api/v1/institutions/iitu-fpp", 404);
    }

    [Fact]
    public async Task A_partner_changes_only_the_institutions_and_speakers_its_keys_created()
    {
        using (var i = await SendAsync(HttpMethod.Post, "/api/v1/institutions", IituKey, Institution("iitu-owned"))) { Assert.Equal(HttpStatusCode.Created, i.StatusCode); }
        using (var s = await SendAsync(HttpMethod.Post, "/api/v1/speakers", IituKey, Speaker("iitu-person"))) { Assert.Equal(HttpStatusCode.Created, s.StatusCode); }
        var before = await DatabaseFingerprintAsync();

        foreach (var url in new[] { "/api/v1/institutions/iitu-owned", "/api/v1/speakers/iitu-person", "/api/v1/institutions/seoul-national-university", "/api/v1/speakers/kilkon-ko" })
        {
            using var other = await SendAsync(HttpMethod.Patch, url, SnuKey, """{"slug":"taken-over"}""", "*", "application/merge-patch+json");
            await ProblemAsync(other, HttpStatusCode.Forbidden);
            using var otherDelete = await SendAsync(HttpMethod.Delete, url, SnuKey, ifMatch: "*");
            await ProblemAsync(otherDelete, HttpStatusCode.Forbidden);
        }
        // Seeded rows were created by no key: only admins change them.
        using var seeded = await SendAsync(HttpMethod.Patch, "/api/v1/speakers/kilkon-ko", IituKey, """{"orcid":null}""", "*", "application/merge-patch+json");
        await ProblemAsync(seeded, HttpStatusCode.Forbidden);
        Assert.Equal(before, await DatabaseFingerprintAsync());

        // Another key of the same institution may change what the first created.
        var second = (await Factory.Services.GetRequiredService<ApiKeyCommands>().CreateAsync("iitu 2", ApiKeyRole.Partner,
            (await GetJsonAsync("/api/v1/institutions/iitu"))["id"]!.GetValue<Guid>(), null, CancellationToken.None)).Secret;
        using var own = await SendAsync(HttpMethod.Patch, "/api/v1/speakers/iitu-person", second, """{"bio":{"en":"Researcher"}}""", "\"1\"", "application/merge-patch+json");
        Assert.Equal("Researcher", (await BodyAsync(own, HttpStatusCode.OK))["bio"]!.GetValue<string>());
        using var admin = await SendAsync(HttpMethod.Patch, "/api/v1/speakers/kilkon-ko", AdminKey, """{"honorific":{"en":"Prof."}}""", "\"1\"", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }

    [Fact]
    public async Task An_institution_cannot_become_its_own_ancestor()
    {
        using (var child = await SendAsync(HttpMethod.Post, "/api/v1/institutions", AdminKey, Institution("snu-lab", "snu-graduate-school-of-public-administration")))
        {
            Assert.Equal(HttpStatusCode.Created, child.StatusCode);
        }
        var before = await DatabaseFingerprintAsync();
        foreach (var parent in new[] { "snu-lab", "snu-graduate-school-of-public-administration", "seoul-national-university" })
        {
            using var response = await SendAsync(HttpMethod.Patch, "/api/v1/institutions/seoul-national-university", AdminKey,
                $$"""{"parent":"{{parent}}"}""", "*", "application/merge-patch+json");
            var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.NotNull(problem["errors"]!["parent"]);
        }
        using var unknown = await SendAsync(HttpMethod.Post, "/api/v1/institutions", AdminKey, Institution("orphan", "no-such-parent"));
        Assert.NotNull((await ProblemAsync(unknown, HttpStatusCode.BadRequest))["errors"]!["parent"]);
        Assert.Equal(before, await DatabaseFingerprintAsync());
    }

    [Fact]
    public async Task Deleting_what_live_rows_still_name_is_a_409_and_changes_nothing()
    {
        string? before;
        // Ko is also the one the letter of gratitude went to; Aurora Ala is only named through a participant.
        await ExecuteSqlAsync("DELETE FROM event_participants WHERE speaker_id = (SELECT id FROM speakers WHERE slug = 'kilkon-ko')");
        before = await DatabaseFingerprintAsync();
        foreach (var url in new[] { "/api/v1/institutions/iitu", "/api/v1/institutions/seoul-national-university", "/api/v1/speakers/kilkon-ko", "/api/v1/speakers/a-k-khikmetov", "/api/v1/institutions/aurora-ala-foundation" })
        {
            using var response = await SendAsync(HttpMethod.Delete, url, AdminKey, ifMatch: "*");
            await ProblemAsync(response, HttpStatusCode.Conflict);
        }
        Assert.Equal(before, await DatabaseFingerprintAsync());
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM institutions WHERE deleted_at IS NOT NULL"));
    }

    [Fact]
    public async Task A_speaker_round_trip_and_bad_input()
    {
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/speakers", AdminKey, Speaker("new-person", "0000-0002-1825-0097"));
        var body = await BodyAsync(created, HttpStatusCode.Created);
        Assert.Equal("Test Person", body["fullName"]!.GetValue<string>());
        Assert.Equal("0000-0002-1825-0097", body["orcid"]!.GetValue<string>());
        Assert.Equal("테스트", await ScalarAsync<string>("SELECT full_name->>'ko' FROM speakers WHERE slug = 'new-person'"));

        var before = await DatabaseFingerprintAsync();
        using var badOrcid = await SendAsync(HttpMethod.Post, "/api/v1/speakers", AdminKey, Speaker("bad-orcid", "0000-0002-1825-0098"));
        Assert.NotNull((await ProblemAsync(badOrcid, HttpStatusCode.BadRequest))["errors"]!["orcid"]);
        using var duplicateOrcid = await SendAsync(HttpMethod.Post, "/api/v1/speakers", AdminKey, Speaker("same-orcid", "0000-0002-1825-0097"));
        await ProblemAsync(duplicateOrcid, HttpStatusCode.Conflict);
        using var noName = await SendAsync(HttpMethod.Post, "/api/v1/speakers", AdminKey, """{"slug":"nameless"}""");
        Assert.NotNull((await ProblemAsync(noName, HttpStatusCode.BadRequest))["errors"]!["fullName"]);
        Assert.Equal(before, await DatabaseFingerprintAsync());

        using var updated = await SendAsync(HttpMethod.Put, "/api/v1/speakers/new-person", AdminKey, Speaker("new-person"), "\"1\"");
        var afterPut = await BodyAsync(updated, HttpStatusCode.OK);
        Assert.Null(afterPut["orcid"]);
        Assert.Equal(2, afterPut["version"]!.GetValue<long>());
        using var stale = await SendAsync(HttpMethod.Put, "/api/v1/speakers/new-person", AdminKey, Speaker("new-person", "0000-0002-1825-0097"), "\"1\"");
        await ProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        using var deleted = await SendAsync(HttpMethod.Delete, "/api/v1/speakers/new-person", AdminKey, ifMatch: "\"2\"");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await GetProblemAsync("/api/v1/speakers/new-person", 404);
    }

    [Fact]
    public async Task Affiliations_and_rankings_are_written_as_parts_of_their_parent()
    {
        using var affiliation = await SendAsync(HttpMethod.Post, "/api/v1/speakers/kilkon-ko/affiliations", AdminKey,
            new { institution = "snu-graduate-school-of-public-administration", position = new { en = "Professor" }, startDate = "2010-03-01" }, "\"1\"");
        var speaker = await BodyAsync(affiliation, HttpStatusCode.Created);
        Assert.Equal(2, speaker["affiliations"]!.AsArray().Count);
        Assert.Equal(2, VersionOf(affiliation));
        var id = speaker["affiliations"]!.AsArray().Single(a => a!["institution"]!["slug"]!.GetValue<string>() == "snu-graduate-school-of-public-administration")!["id"]!.GetValue<string>();

        using var badDates = await SendAsync(HttpMethod.Put, $"/api/v1/speakers/kilkon-ko/affiliations/{id}", AdminKey,
            new { institution = "snu-graduate-school-of-public-administration", startDate = "2010-03-01", endDate = "2009-01-01" }, "\"2\"");
        Assert.NotNull((await ProblemAsync(badDates, HttpStatusCode.BadRequest))["errors"]!["endDate"]);
        using var removed = await SendAsync(HttpMethod.Delete, $"/api/v1/speakers/kilkon-ko/affiliations/{id}", AdminKey, ifMatch: "\"2\"");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Single(await WalkAsync("/api/v1/speakers/kilkon-ko/affiliations", 10));

        using var ranking = await SendAsync(HttpMethod.Post, "/api/v1/institutions/seoul-national-university/rankings", AdminKey,
            new { ranking = "QS World University Rankings", year = 2025, rank = 38 }, "\"1\"");
        var snu = await BodyAsync(ranking, HttpStatusCode.Created);
        Assert.Equal([2025, 2024], snu["rankings"]!.AsArray().Select(r => r!["year"]!.GetValue<int>()));
        using var duplicate = await SendAsync(HttpMethod.Post, "/api/v1/institutions/seoul-national-university/rankings", AdminKey,
            new { ranking = "QS World University Rankings", year = 2025, rank = 40 }, "*");
        await ProblemAsync(duplicate, HttpStatusCode.Conflict);
        using var badRank = await SendAsync(HttpMethod.Post, "/api/v1/institutions/seoul-national-university/rankings", AdminKey,
            new { ranking = "QS", year = 2025, rank = 0 }, "*");
        Assert.NotNull((await ProblemAsync(badRank, HttpStatusCode.BadRequest))["errors"]!["rank"]);
        using var partner = await SendAsync(HttpMethod.Post, "/api/v1/institutions/seoul-national-university/rankings", SnuKey,
            new { ranking = "THE", year = 2025, rank = 62 }, "*");
        await ProblemAsync(partner, HttpStatusCode.Forbidden); // seeded rows belong to admins
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
            Assert.Single(results, r => r == HttpStatusCode.OK);
            Assert.Single(results, r => r == HttpStatusCode.BadRequest);
            await ExecuteSqlAsync("UPDATE institutions SET parent_id = NULL WHERE slug IN ('ring-a', 'ring-b')");
        }

        async Task<HttpStatusCode> PatchParentAsync(string child, string parent)
        {
            using var response = await SendAsync(HttpMethod.Patch, $"/api/v1/institutions/{child}", AdminKey,
                $$"""{"parent":"{{parent}}"}""", "*", "application/merge-patch+json");
            return response.StatusCode;
        }
    }
}
