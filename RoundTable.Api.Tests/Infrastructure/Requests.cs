using System.Net.Http.Headers;
using System.Text;

namespace RoundTable.Api.Tests.Infrastructure;

/// <summary>One request to a given app host (tests with several replicas), with a key, a body and headers.</summary>
internal static class Requests
{
    public static async Task<HttpResponseMessage> RequestAsync(this HttpClient client, HttpMethod method, string url, string? key = null,
        string? body = null, string contentType = "application/json", Action<HttpRequestMessage>? headers = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType);
        }
        headers?.Invoke(request);
        return await client.SendAsync(request);
    }
}
