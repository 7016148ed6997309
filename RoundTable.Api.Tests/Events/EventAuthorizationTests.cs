using System.Net;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Events;

/// <summary>Who may write what: every event write route against every kind of caller.</summary>
public sealed class EventAuthorizationTests : WriteApiTest
{
    public static TheoryData<string> Routes => ["create", "replace", "patch", "delete"];

    private Task<HttpResponseMessage> WriteAsync(string route, string? key) => route switch
    {
        // SNU GSPA co-organizes the round table, SNU itself does not.
        "create" => SendAsync(HttpMethod.Post, "/api/v1/events", key, NewEvent("new-event", "iitu")),
        "replace" => SendAsync(HttpMethod.Put, RoundTable, key, ReplacementBody, "\"1\""),
        "patch" => SendAsync(HttpMethod.Patch, RoundTable, key, """{"status":"postponed"}""", "\"1\"", "application/merge-patch+json"),
        "delete" => SendAsync(HttpMethod.Delete, RoundTable, key, ifMatch: "\"1\""),
        _ => throw new ArgumentOutOfRangeException(nameof(route)),
    };

    private const string ReplacementBody = """
        {"slug":"iitu-snu-round-table-2024","title":{"en":"Renamed"},"kind":"round_table","status":"held",
         "startDate":"2024-07-29","endDate":"2024-07-29"}
        """;

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Without_a_key_the_answer_is_401_with_a_challenge_and_nothing_changes(string route)
    {
        var before = await DatabaseFingerprintAsync();
        using var response = await WriteAsync(route, null);
        await ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(before, await DatabaseFingerprintAsync());
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Bad_revoked_and_expired_keys_are_401_and_nothing_changes(string route)
    {
        var before = await DatabaseFingerprintAsync();
        foreach (var key in new[] { "rt_not-a-real-key", "garbage with spaces", RevokedKey, ExpiredKey })
        {
            using var response = await WriteAsync(route, key);
            await ProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
        }
        Assert.Equal(before, await DatabaseFingerprintAsync());
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Another_partners_key_is_403_and_nothing_changes(string route)
    {
        var before = await DatabaseFingerprintAsync();
        using var response = await WriteAsync(route, SnuKey);
        await ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(before, await DatabaseFingerprintAsync());
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task The_organizing_partner_may_write(string route)
    {
        using var response = await WriteAsync(route, IituKey);
        await AssertWrittenAsync(route, response);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task An_admin_may_write(string route)
    {
        using var response = await WriteAsync(route, AdminKey);
        await AssertWrittenAsync(route, response);
    }

    /// <summary>The write succeeded, and reading the event back shows it, at the next version.</summary>
    private async Task AssertWrittenAsync(string route, HttpResponseMessage response)
    {
        switch (route)
        {
            case "create":
                var created = await ReadAsync<EventDto>(response, HttpStatusCode.Created);
                var read = await GetAsync<EventDto>("/api/v1/events/new-event");
                AssertSameJson(created, read);
                Assert.Equal("Digital skills seminar", read.Title);
                var organizer = Assert.Single(read.Organizers);
                Assert.Equal("iitu", organizer.Institution.Slug);
                Assert.Equal("organizer", organizer.Role);
                Assert.Equal(1, read.Version);
                break;
            case "replace":
                Assert.Equal(2, (await ReadAsync<EventDto>(response, HttpStatusCode.OK)).Version);
                var replaced = await GetAsync<EventDto>(RoundTable);
                Assert.Equal("Renamed", replaced.Title);
                Assert.Null(replaced.Summary);
                Assert.Equal(2, replaced.Version);
                break;
            case "patch":
                Assert.Equal(2, (await ReadAsync<EventDto>(response, HttpStatusCode.OK)).Version);
                var patched = await GetAsync<EventDto>(RoundTable);
                Assert.Equal("postponed", patched.Status);
                Assert.Equal("Improving the Efficiency of the Public Service Through Digital Transformation: Development of Digital Policy and Analytical Skills", patched.Title);
                Assert.Equal(2, patched.Version);
                break;
            case "delete":
                Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
                await GetProblemAsync(RoundTable, 404);
                // The tombstone left for the change feed carries the next version.
                Assert.Equal(2L, await ScalarAsync<long>("SELECT version FROM events WHERE slug = 'iitu-snu-round-table-2024' AND deleted_at IS NOT NULL"));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(route));
        }
    }

    [Fact]
    public async Task A_partner_cannot_create_an_event_its_institution_does_not_organize()
    {
        var before = await DatabaseFingerprintAsync();
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/events", SnuKey, NewEvent("snu-claims-iitu", "iitu"));
        await ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(before, await DatabaseFingerprintAsync());
    }

    [Fact]
    public async Task An_institution_listed_only_as_partner_does_not_own_the_event()
    {
        using (var create = await SendAsync(HttpMethod.Post, "/api/v1/events", IituKey, NewEvent("partnered", "iitu", "partner")))
        {
            await ProblemAsync(create, HttpStatusCode.Forbidden);
        }
        await ExecuteSqlAsync("UPDATE event_organizers SET role = 'partner' WHERE institution_id = (SELECT id FROM institutions WHERE slug = 'iitu')");
        var before = await DatabaseFingerprintAsync();
        using var patch = await SendAsync(HttpMethod.Patch, RoundTable, IituKey, """{"status":"postponed"}""", "*", "application/merge-patch+json");
        await ProblemAsync(patch, HttpStatusCode.Forbidden);
        Assert.Equal(before, await DatabaseFingerprintAsync());
    }

    [Fact]
    public async Task The_keys_of_a_deleted_institution_stop_working()
    {
        await ExecuteSqlAsync("UPDATE institutions SET deleted_at = now() WHERE slug = 'iitu'");
        using var response = await WriteAsync("patch", IituKey);
        await ProblemAsync(response, HttpStatusCode.Unauthorized);
    }
}
