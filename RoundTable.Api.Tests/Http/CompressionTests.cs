using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Http;

/// <summary>
/// Brotli and gzip when asked for, with ETags that stay correct per encoding: a compressed answer's strong ETag differs
/// from the uncompressed one's (RFC 9110 §8.8.3), and conditional requests accept the tag of any encoding.
/// </summary>
public sealed class CompressionTests : WriteApiTest
{
    private async Task<(HttpResponseMessage Response, string Body)> GetAsync(
        string url, string? encoding, string? ifNoneMatch = null, string? key = null, HttpMethod? method = null)
    {
        using var client = Factory.CreateClient(); // raw bytes: the contract client would read a compressed body as text
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, url);
        if (encoding is not null)
        {
            request.Headers.AcceptEncoding.ParseAdd(encoding);
        }
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        var response = await client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Stream decoded = response.Content.Headers.ContentEncoding.SingleOrDefault() switch
        {
            "br" => new BrotliStream(new MemoryStream(bytes), CompressionMode.Decompress),
            "gzip" => new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress),
            null => new MemoryStream(bytes),
            var other => throw new InvalidOperationException($"unexpected coding {other}"),
        };
        using var reader = new StreamReader(decoded, Encoding.UTF8);
        return (response, await reader.ReadToEndAsync());
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task A_compressed_answer_is_the_same_json_under_its_own_etag(string coding)
    {
        var (plain, plainBody) = await GetAsync(RoundTable, null);
        var (compressed, body) = await GetAsync(RoundTable, coding);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Equal([coding], compressed.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", compressed.Headers.Vary);
        Assert.Equal(plainBody, body);
        var tag = plain.Headers.ETag!.Tag;
        Assert.Equal(tag[..^1] + "-" + coding + "\"", compressed.Headers.ETag!.Tag);
        Assert.False(compressed.Headers.ETag.IsWeak);
    }

    [Fact]
    public async Task A_compressed_etag_revalidates_to_a_304_that_names_it()
    {
        var (compressed, _) = await GetAsync(RoundTable, "br");
        var held = compressed.Headers.ETag!.Tag;
        var (again, _) = await GetAsync(RoundTable, "br", held);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Equal(held, again.Headers.ETag!.Tag);
        // The same representation, uncompressed: the tag of either encoding is current.
        var (plain, _) = await GetAsync(RoundTable, null);
        var (crossed, _) = await GetAsync(RoundTable, null, held);
        Assert.Equal(HttpStatusCode.NotModified, crossed.StatusCode);
        // A 304 names the tag of the coding this request would get: a cache revalidating for a client without br must
        // not be told its br copy is the one to serve.
        Assert.Equal(plain.Headers.ETag!.Tag, crossed.Headers.ETag!.Tag);
        Assert.Contains("Accept-Encoding", crossed.Headers.Vary);
        var (stale, _) = await GetAsync(RoundTable, "br", "\"1.0000000000-br\"");
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.NotEqual(plain.Headers.ETag!.Tag, held);
    }

    [Fact]
    public async Task A_compressed_etag_works_as_if_match()
    {
        var (compressed, _) = await GetAsync(RoundTable, "gzip");
        using var patch = await SendAsync(HttpMethod.Patch, RoundTable, IituKey, new { city = new { en = "Almaty" } },
            ifMatch: compressed.Headers.ETag!.Tag, contentType: "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        using var stale = await SendAsync(HttpMethod.Patch, RoundTable, IituKey, new { city = new { en = "Astana" } },
            ifMatch: compressed.Headers.ETag!.Tag, contentType: "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
    }

    [Fact]
    public async Task Problems_are_compressed_and_api_key_answers_never_are()
    {
        var (missing, body) = await GetAsync("/api/v1/events/no-such-event", "br");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(["br"], missing.Content.Headers.ContentEncoding);
        Assert.Contains("\"status\":404", body);
        var (keys, keysBody) = await GetAsync("/api/v1/api-keys", "br, gzip", key: AdminKey);
        Assert.Equal(HttpStatusCode.OK, keys.StatusCode);
        Assert.Empty(keys.Content.Headers.ContentEncoding);
        Assert.StartsWith("{", keysBody);
    }

    [Fact]
    public async Task A_head_carries_the_headers_of_its_get()
    {
        var (get, _) = await GetAsync(RoundTable, "br");
        var (head, body) = await GetAsync(RoundTable, "br", method: HttpMethod.Head);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("", body);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Equal(get.Content.Headers.ContentEncoding, head.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", head.Headers.Vary);
    }
}
