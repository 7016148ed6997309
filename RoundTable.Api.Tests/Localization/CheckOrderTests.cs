using System.Net;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Localization;

/// <summary>The order of checks: route and method first, then the key, then the parameters (lang among them).</summary>
public sealed class CheckOrderTests : ApiTest
{
    [Theory]
    [InlineData("DELETE", "/api/v1/themes/digital-literacy?lang=!!", HttpStatusCode.MethodNotAllowed)]
    [InlineData("PUT", "/api/v1/search?lang=!!&q=digital", HttpStatusCode.MethodNotAllowed)]
    [InlineData("GET", "/api/v1/no-such-resource?lang=!!", HttpStatusCode.NotFound)]
    [InlineData("POST", "/api/v1/events?lang=!!", HttpStatusCode.Unauthorized)]
    [InlineData("DELETE", "/api/v1/events/iitu-snu-round-table-2024?lang=!!", HttpStatusCode.Unauthorized)]
    [InlineData("GET", "/api/v1/events?lang=!!", HttpStatusCode.BadRequest)]
    [InlineData("GET", "/api/v1/events/iitu-snu-round-table-2024?lang=!!", HttpStatusCode.BadRequest)]
    public async Task A_malformed_lang_is_checked_after_the_route_the_method_and_the_key(string method, string url, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method is "POST" or "PUT")
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }
        using var response = await Client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
