using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RoundTable.Api.ApiKeys;
using RoundTable.Api.Auth;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Speakers;

public sealed class SpeakerWriteTests : WriteApiTest
{
    private static object Speaker(string slug, string? orcid = null) => new
    {
        slug,
        fullName = new Dictionary<string, string> { ["en"] = "Test Person", ["ko"] = "테스트" },
        honorific = new { en = "Dr" },
        orcid,
    };

    [Fact]
    public async Task A_speaker_round_trip_and_bad_input()
    {
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/speakers", AdminKey, Speaker("new-person", "0000-0002-1825-0097"));
        var body = await ReadAsync<SpeakerDto>(created, HttpStatusCode.Created);
        Assert.Equal("Test Person", body.FullName);
        Assert.Equal("Dr", body.Honorific);
        Assert.Equal("0000-0002-1825-0097", body.Orcid);
        Assert.Equal(1, body.Version);
        AssertSameJson(body, await GetAsync<SpeakerDto>("/api/v1/speakers/new-person"));
        Assert.Equal("테스트", await ScalarAsync<string>("SELECT full_name->>'ko' FROM speakers WHERE slug = 'new-person'"));

        var before = await DatabaseFingerprintAsync();
        using var badOrcid = await SendAsync(HttpMethod.Post, "/api/v1/speakers", AdminKey, Speaker("bad-orcid", "0000-0002-1825-0098"));
        AssertFieldError(await ProblemAsync(badOrcid, HttpStatusCode.BadRequest), "orcid");
        using var duplicateOrcid = await SendAsync(HttpMethod.Post, "/api/v1/speakers", AdminKey, Speaker("same-orcid", "0000-0002-1825-0097"));
        await ProblemAsync(duplicateOrcid, HttpStatusCode.Conflict);
        using var noName = await SendAsync(HttpMethod.Post, "/api/v1/speakers", AdminKey, """{"slug":"nameless"}""");
        AssertFieldError(await ProblemAsync(noName, HttpStatusCode.BadRequest), "fullName");
        Assert.Equal(before, await DatabaseFingerprintAsync());

        using var updated = await SendAsync(HttpMethod.Put, "/api/v1/speakers/new-person", AdminKey, Speaker("new-person"), "\"1\"");
        var afterPut = await ReadAsync<SpeakerDto>(updated, HttpStatusCode.OK);
        Assert.Null(afterPut.Orcid);
        Assert.Equal(2, afterPut.Version);
        AssertSameJson(afterPut, await GetAsync<SpeakerDto>("/api/v1/speakers/new-person"));
        using var stale = await SendAsync(HttpMethod.Put, "/api/v1/speakers/new-person", AdminKey, Speaker("new-person", "0000-0002-1825-0097"), "\"1\"");
        await ProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        using var deleted = await SendAsync(HttpMethod.Delete, "/api/v1/speakers/new-person", AdminKey, ifMatch: "\"2\"");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await GetProblemAsync("/api/v1/speakers/new-person", 404);
    }

    [Fact]
    public async Task A_partner_changes_only_the_speakers_its_keys_created()
    {
        using (var s = await SendAsync(HttpMethod.Post, "/api/v1/speakers", IituKey, Speaker("iitu-person")))
        {
            Assert.Equal(HttpStatusCode.Created, s.StatusCode);
        }
        var before = await DatabaseFingerprintAsync();

        foreach (var url in new[] { "/api/v1/speakers/iitu-person", "/api/v1/speakers/kilkon-ko" })
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
            (await GetAsync<InstitutionDto>("/api/v1/institutions/iitu")).Id, null, CancellationToken.None)).Secret;
        using var own = await SendAsync(HttpMethod.Patch, "/api/v1/speakers/iitu-person", second, """{"bio":{"en":"Researcher"}}""", "\"1\"", "application/merge-patch+json");
        Assert.Equal("Researcher", (await ReadAsync<SpeakerDto>(own, HttpStatusCode.OK)).Bio);
        var person = await GetAsync<SpeakerDto>("/api/v1/speakers/iitu-person");
        Assert.Equal("Researcher", person.Bio);
        Assert.Equal("Test Person", person.FullName);
        Assert.Equal(2, person.Version);

        using var admin = await SendAsync(HttpMethod.Patch, "/api/v1/speakers/kilkon-ko", AdminKey, """{"honorific":{"en":"Prof."}}""", "\"1\"", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        var ko = await GetAsync<SpeakerDto>("/api/v1/speakers/kilkon-ko");
        Assert.Equal("Prof.", ko.Honorific);
        Assert.Equal("Kilkon Ko", ko.FullName);
        Assert.Equal(2, ko.Version);
    }

    [Fact]
    public async Task Deleting_a_speaker_that_live_rows_still_name_is_a_409_and_changes_nothing()
    {
        // Ko no longer takes part but is still the one the letter of gratitude went to; Khikmetov is quoted.
        await ExecuteSqlAsync("DELETE FROM event_participants WHERE speaker_id = (SELECT id FROM speakers WHERE slug = 'kilkon-ko')");
        var before = await DatabaseFingerprintAsync();
        foreach (var url in new[] { "/api/v1/speakers/kilkon-ko", "/api/v1/speakers/a-k-khikmetov" })
        {
            using var response = await SendAsync(HttpMethod.Delete, url, AdminKey, ifMatch: "*");
            await ProblemAsync(response, HttpStatusCode.Conflict);
        }
        Assert.Equal(before, await DatabaseFingerprintAsync());
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM speakers WHERE deleted_at IS NOT NULL"));
    }

    [Fact]
    public async Task Affiliations_are_written_as_parts_of_their_speaker()
    {
        using var affiliation = await SendAsync(HttpMethod.Post, "/api/v1/speakers/kilkon-ko/affiliations", AdminKey,
            new { institution = "snu-graduate-school-of-public-administration", position = new { en = "Professor" }, startDate = "2010-03-01" }, "\"1\"");
        var speaker = await ReadAsync<SpeakerDto>(affiliation, HttpStatusCode.Created);
        Assert.Equal(2, speaker.Affiliations.Count);
        Assert.Equal(2, VersionOf(affiliation));
        Assert.Equal(2, speaker.Version);
        var added = speaker.Affiliations.Single(a => a.Institution.Slug == "snu-graduate-school-of-public-administration");
        Assert.Equal("Professor", added.Position);
        Assert.Equal(new DateOnly(2010, 3, 1), added.StartDate);
        Assert.Null(added.EndDate);
        AssertSameJson(speaker.Affiliations.OrderBy(a => a.Id).ToList(),
            (await WalkAsync<AffiliationDto>("/api/v1/speakers/kilkon-ko/affiliations", 10)).OrderBy(a => a.Id).ToList());

        using var badDates = await SendAsync(HttpMethod.Put, $"/api/v1/speakers/kilkon-ko/affiliations/{added.Id}", AdminKey,
            new { institution = "snu-graduate-school-of-public-administration", startDate = "2010-03-01", endDate = "2009-01-01" }, "\"2\"");
        AssertFieldError(await ProblemAsync(badDates, HttpStatusCode.BadRequest), "endDate");
        using var removed = await SendAsync(HttpMethod.Delete, $"/api/v1/speakers/kilkon-ko/affiliations/{added.Id}", AdminKey, ifMatch: "\"2\"");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal("seoul-national-university", Assert.Single(await WalkAsync<AffiliationDto>("/api/v1/speakers/kilkon-ko/affiliations", 10)).Institution.Slug);
        Assert.Equal(3, (await GetAsync<SpeakerDto>("/api/v1/speakers/kilkon-ko")).Version);
    }
}
