using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RoundTable.Api.ApiKeys;
using RoundTable.Api.Database;
using RoundTable.Api.Http;
using RoundTable.Api.Institutions;

namespace RoundTable.Api.Tests.Infrastructure;

/// <summary>An HTTP test with keys of every kind: admin, IITU's (an organizer of the round table), SNU's (not one), revoked, expired.</summary>
public abstract class WriteApiTest : ApiTest
{
    protected const string RoundTable = "/api/v1/events/iitu-snu-round-table-2024";

    protected string AdminKey { get; private set; } = "";
    protected string IituKey { get; private set; } = "";
    protected string SnuKey { get; private set; } = "";
    protected string RevokedKey { get; private set; } = "";
    protected string ExpiredKey { get; private set; } = "";
    protected Guid AdminKeyId { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var keys = Factory.Services.GetRequiredService<ApiKeyCommands>();
        var resolver = Factory.Services.GetRequiredService<KeyResolver>();
        var iitu = (await resolver.FindAsync(InstitutionQueries.Key, new ResourceKey(null, "iitu"), CancellationToken.None))!.Value;
        var snu = (await resolver.FindAsync(InstitutionQueries.Key, new ResourceKey(null, "seoul-national-university"), CancellationToken.None))!.Value;
        var admin = await keys.CreateAsync("test admin", ApiKeyRole.Admin, null, null, CancellationToken.None);
        (AdminKeyId, AdminKey) = (admin.Key.Id, admin.Secret);
        IituKey = (await keys.CreateAsync("iitu", ApiKeyRole.Partner, iitu, DateTimeOffset.UtcNow.AddDays(1), CancellationToken.None)).Secret;
        SnuKey = (await keys.CreateAsync("snu", ApiKeyRole.Partner, snu, null, CancellationToken.None)).Secret;
        var revoked = await keys.CreateAsync("revoked", ApiKeyRole.Admin, null, null, CancellationToken.None);
        await keys.RevokeAsync(revoked.Key.Id, null, CancellationToken.None);
        RevokedKey = revoked.Secret;
        ExpiredKey = (await keys.CreateAsync("expired", ApiKeyRole.Admin, null, DateTimeOffset.UtcNow.AddMinutes(-1), CancellationToken.None)).Secret;
    }

    protected async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string url, string? key, object? body = null, string? ifMatch = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, url);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        if (body is not null)
        {
            var text = body as string ?? JsonSerializer.Serialize(body, new JsonSerializerOptions(JsonSerializerDefaults.Web));
            request.Content = new StringContent(text, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        return await Client.SendAsync(request);
    }

    /// <summary>The row version an item ETag ("version.digest") carries.</summary>
    protected static long VersionOf(HttpResponseMessage response)
    {
        var tag = response.Headers.ETag?.Tag ?? throw new Xunit.Sdk.XunitException("No ETag.");
        var inner = tag.Trim('"');
        return long.Parse(inner.Contains('.') ? inner[..inner.IndexOf('.')] : inner, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>GET with <paramref name="key"/> that must answer 200 with JSON; returns the body as <typeparamref name="T"/>.</summary>
    protected async Task<T> GetAsync<T>(string url, string key)
    {
        using var response = await SendAsync(HttpMethod.Get, url, key);
        return await ReadAsync<T>(response, HttpStatusCode.OK);
    }

    /// <summary>Everything a write could touch: rows, versions and the audit log.</summary>
    protected Task<string?> DatabaseFingerprintAsync() => ScalarAsync<string>("""
        SELECT concat_ws('|',
            (SELECT count(*) || ':' || sum(version) || ':' || count(deleted_at) FROM events),
            (SELECT count(*) || ':' || sum(version) FROM event_organizers),
            (SELECT count(*) || ':' || sum(version) || ':' || count(deleted_at) FROM recommendations),
            (SELECT count(*) || ':' || sum(version) || ':' || count(deleted_at) FROM institutions),
            (SELECT count(*) || ':' || sum(version) || ':' || count(deleted_at) FROM speakers),
            (SELECT count(*) FROM audit_log))
        """);

    /// <summary>A valid create body; add or change members before sending it.</summary>
    protected static Dictionary<string, object?> NewEvent(string slug, string organizer, string role = "organizer") => new()
    {
        ["slug"] = slug,
        ["title"] = new Dictionary<string, string> { ["en"] = "Digital skills seminar", ["kk"] = "Цифрлық дағдылар семинары" },
        ["kind"] = "seminar",
        ["status"] = "scheduled",
        ["startDate"] = "2025-03-01",
        ["endDate"] = "2025-03-02",
        ["startsAt"] = "2025-03-01T10:00:00+05:00",
        ["endsAt"] = "2025-03-02T17:00:00+05:00",
        ["timeZone"] = "Asia/Almaty",
        ["country"] = "KZ",
        ["organizers"] = new[] { new { institution = organizer, role } },
    };

    /// <summary><see cref="NewEvent"/> as a draft (published: false).</summary>
    protected static Dictionary<string, object?> NewDraft(string slug, string organizer)
    {
        var body = NewEvent(slug, organizer);
        body["published"] = false;
        return body;
    }
}
