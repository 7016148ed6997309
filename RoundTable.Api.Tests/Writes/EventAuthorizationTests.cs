using System.Net;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Writes;

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
        Assert.True(response.IsSuccessStatusCode, $"{route}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task An_admin_may_write(string route)
    {
        using var response = await WriteAsync(route, AdminKey);
        Assert.True(response.IsSuccessStatusCode, $"{route}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
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

    [Fact]
    public async Task Key_administration_is_for_admins_and_never_shows_a_key()
    {
        using var forbidden = await SendAsync(HttpMethod.Get, "/api/v1/api-keys", IituKey);
        await ProblemAsync(forbidden, HttpStatusCode.Forbidden);
        using var anonymous = await SendAsync(HttpMethod.Get, "/api/v1/audit", null);
        await ProblemAsync(anonymous, HttpStatusCode.Unauthorized);

        using var list = await SendAsync(HttpMethod.Get, "/api/v1/api-keys", AdminKey);
        var text = await list.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        foreach (var secret in new[] { AdminKey, IituKey, SnuKey })
        {
            Assert.DoesNotContain(secret, text);
            Assert.Contains(secret[..9], text);
        }

        var iitu = System.Text.Json.Nodes.JsonNode.Parse(text)!["items"]!.AsArray().Single(k => k!["name"]!.GetValue<string>() == "iitu")!;
        using var revoke = await SendAsync(HttpMethod.Delete, $"/api/v1/api-keys/{iitu["id"]}", AdminKey);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(1L, await ScalarAsync<long>($"SELECT count(*) FROM audit_log WHERE resource_type = 'api_key' AND resource_id = '{iitu["id"]}' AND key_id = '{AdminKeyId}'"));
        using var again = await SendAsync(HttpMethod.Delete, $"/api/v1/api-keys/{iitu["id"]}", AdminKey);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.Equal(1L, await ScalarAsync<long>($"SELECT count(*) FROM audit_log WHERE resource_type = 'api_key' AND resource_id = '{iitu["id"]}'"));
        using var after = await WriteAsync("patch", IituKey);
        await ProblemAsync(after, HttpStatusCode.Unauthorized);

        using var unknown = await SendAsync(HttpMethod.Delete, $"/api/v1/api-keys/{Guid.NewGuid()}", AdminKey);
        await ProblemAsync(unknown, HttpStatusCode.NotFound);
    }
}
