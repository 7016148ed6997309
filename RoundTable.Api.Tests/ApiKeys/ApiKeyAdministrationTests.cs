using System.Net;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.ApiKeys;

public sealed class ApiKeyAdministrationTests : WriteApiTest
{
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

        var keys = WireJson.Deserialize<PageDto<ApiKeyDto>>(text).Items;
        var iitu = keys.Single(k => k.Name == "iitu");
        Assert.Equal("partner", iitu.Role);
        Assert.Equal(IituKey[..9], iitu.Prefix[..9]);
        Assert.Null(iitu.RevokedAt);
        using var revoke = await SendAsync(HttpMethod.Delete, $"/api/v1/api-keys/{iitu.Id}", AdminKey);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(1L, await ScalarAsync<long>($"SELECT count(*) FROM audit_log WHERE resource_type = 'api_key' AND resource_id = '{iitu.Id}' AND key_id = '{AdminKeyId}'"));
        using var again = await SendAsync(HttpMethod.Delete, $"/api/v1/api-keys/{iitu.Id}", AdminKey);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.Equal(1L, await ScalarAsync<long>($"SELECT count(*) FROM audit_log WHERE resource_type = 'api_key' AND resource_id = '{iitu.Id}'"));
        Assert.NotNull((await GetAsync<PageDto<ApiKeyDto>>("/api/v1/api-keys", AdminKey)).Items.Single(k => k.Id == iitu.Id).RevokedAt);
        using var after = await SendAsync(HttpMethod.Patch, RoundTable, IituKey, """{"status":"postponed"}""", "\"1\"", "application/merge-patch+json");
        await ProblemAsync(after, HttpStatusCode.Unauthorized);

        using var unknown = await SendAsync(HttpMethod.Delete, $"/api/v1/api-keys/{Guid.NewGuid()}", AdminKey);
        await ProblemAsync(unknown, HttpStatusCode.NotFound);
    }
}
