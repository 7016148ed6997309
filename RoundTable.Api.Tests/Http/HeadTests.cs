using System.Net;
using System.Text.Json.Nodes;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Http;

/// <summary>HEAD answers every GET route with the GET's status and headers and no body, and the contract says so.</summary>
public sealed class HeadTests : ApiTest
{
    [Fact]
    public async Task Every_get_route_answers_head_with_the_same_status_and_headers_and_no_body()
    {
        var document = await GetJsonAsync("/openapi/v1.json");
        var tried = 0;
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            if (item!["get"] is null)
            {
                continue;
            }
            Assert.True(item["head"] is JsonObject, $"{path}: the contract declares GET but not HEAD");
            if (path.Contains("{id}", StringComparison.Ordinal) || path.Contains("{itemId}", StringComparison.Ordinal)
                || path.StartsWith("/api/v1/api-keys", StringComparison.Ordinal) || path.StartsWith("/api/v1/audit", StringComparison.Ordinal)
                || Infrastructure.Contract.IsEventStream(item["get"]))
            {
                continue;
            }
            var url = Seeded.ItemPath(path) ?? throw new InvalidOperationException($"{path}: no seeded resource");
            if (url == "/api/v1/search")
            {
                url += "?q=digital";
            }
            using var get = await Client.GetAsync(url);
            using var head = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
            Assert.True(get.StatusCode == head.StatusCode, $"HEAD {url}: {head.StatusCode}, GET: {get.StatusCode}");
            Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
            Assert.Equal(get.Headers.ETag, head.Headers.ETag);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
            tried++;
        }
        Assert.True(tried >= 20, $"only {tried} routes were tried");
    }

    [Fact]
    public async Task Head_revalidates_like_get_and_is_not_allowed_where_get_is_not()
    {
        using var first = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/v1/events/iitu-snu-round-table-2024"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var again = new HttpRequestMessage(HttpMethod.Head, "/api/v1/events/iitu-snu-round-table-2024");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var notModified = await Client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using var missing = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/v1/events/no-such-event"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Empty(await missing.Content.ReadAsByteArrayAsync());
    }
}
