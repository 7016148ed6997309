using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Auth;

/// <summary>Every route that needs a key, found from the app's own endpoints, so a new route is covered at once.</summary>
public sealed class EveryWriteRouteTests : WriteApiTest
{
    private List<(string Method, string Url)> SecuredRoutes() =>
        Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any())
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (m, e.RoutePattern.RawText!)))
            .Select(r => (r.Item1, "/" + r.Item2.TrimStart('/')
                .Replace("{idOrSlug}", "iitu-snu-round-table-2024", StringComparison.Ordinal)
                .Replace("{id:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
                .Replace("{itemId:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
                .Replace("{attemptId:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal)))
            .ToList();

    [Fact]
    public async Task Every_write_route_needs_a_valid_key_and_a_bad_one_changes_nothing()
    {
        var routes = SecuredRoutes();
        Assert.True(routes.Count(r => r.Method != "GET") >= 12, string.Join(", ", routes));
        Assert.All(routes.Where(r => r.Method is "POST" or "PUT" or "PATCH" or "DELETE"), r => Assert.StartsWith("/api/v1/", r.Url));

        var before = await DatabaseFingerprintAsync();
        foreach (var (method, url) in routes)
        {
            foreach (var key in new[] { null, "rt_unknown", RevokedKey, ExpiredKey })
            {
                using var response = await SendAsync(new HttpMethod(method), url, key, "{}", "*",
                    method == "PATCH" ? "application/merge-patch+json" : "application/json");
                var problem = await ProblemAsync(response, HttpStatusCode.Unauthorized);
                Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
                Assert.False(string.IsNullOrWhiteSpace(problem.Title));
            }
        }
        Assert.Equal(before, await DatabaseFingerprintAsync());
    }

    [Fact]
    public async Task Every_admin_route_refuses_partner_keys()
    {
        var admin = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == "admin"))
            .ToList();
        Assert.NotEmpty(admin);
        foreach (var (method, url) in SecuredRoutes().Where(r => r.Url.StartsWith("/api/v1/api-keys", StringComparison.Ordinal) || r.Url.StartsWith("/api/v1/audit", StringComparison.Ordinal)))
        {
            using var response = await SendAsync(new HttpMethod(method), url, IituKey);
            await ProblemAsync(response, HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task Every_route_with_a_body_answers_malformed_bodies_with_400_problems_and_changes_nothing()
    {
        var routes = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>() is not null)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Method: m, Url: "/" + e.RoutePattern.RawText!.TrimStart('/')
                .Replace("{idOrSlug}", "iitu-snu-round-table-2024", StringComparison.Ordinal)
                .Replace("{itemId:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal))))
            .ToList();
        Assert.True(routes.Count >= 20, string.Join(", ", routes));

        var before = await DatabaseFingerprintAsync();
        foreach (var (method, url) in routes)
        {
            var contentType = method == "PATCH" ? "application/merge-patch+json" : "application/json";
            foreach (var body in new[] { "not json", "{", "[]", "\"text\"", "{\"slug\": {\"nested\": true}, \"title\": 5}" })
            {
                using var response = await SendAsync(new HttpMethod(method), url, AdminKey, body, "*", contentType);
                var text = await response.Content.ReadAsStringAsync();
                // Routes on another resource's slug may say 404 first; nothing may ever be a 5xx or a success.
                Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound,
                    $"{method} {url} with {body}: {(int)response.StatusCode} {text}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                AssertNoInternals(text);
            }
        }
        Assert.Equal(before, await DatabaseFingerprintAsync());
    }

    /// <summary>A valid body for each write route, so that what is checked is the key's rights, not the input.</summary>
    private static readonly Dictionary<string, string> s_validBodies = new()
    {
        ["api/v1/events"] = """{"slug":"snu-event","title":{"en":"x"},"kind":"seminar","status":"scheduled","startDate":"2025-01-01","endDate":"2025-01-01","organizers":[{"institution":"iitu","role":"organizer"}]}""",
        ["api/v1/events/{idOrSlug}"] = """{"slug":"iitu-snu-round-table-2024","title":{"en":"x"},"kind":"round_table","status":"held","startDate":"2024-07-29","endDate":"2024-07-29"}""",
        ["api/v1/events/{idOrSlug}/organizers"] = """{"institution":"seoul-national-university","role":"partner"}""",
        ["api/v1/events/{idOrSlug}/participants"] = """{"speaker":"kilkon-ko","role":"guest","institutions":[]}""",
        ["api/v1/events/{idOrSlug}/quotes"] = """{"speaker":"kilkon-ko","text":{"en":"x"}}""",
        ["api/v1/events/{idOrSlug}/acknowledgements"] = """{"from":"iitu","to":"kilkon-ko","kind":"award"}""",
        ["api/v1/speakers/{idOrSlug}"] = """{"slug":"kilkon-ko","fullName":{"en":"x"}}""",
        ["api/v1/speakers/{idOrSlug}/affiliations"] = """{"institution":"iitu"}""",
        ["api/v1/institutions/{idOrSlug}"] = """{"slug":"iitu","name":{"en":"x"},"kind":"university"}""",
        ["api/v1/institutions/{idOrSlug}/rankings"] = """{"ranking":"x","rank":1}""",
        ["api/v1/recommendations"] = """{"slug":"snu-rec","event":"iitu-snu-round-table-2024","title":{"en":"x"},"body":{"en":"x"}}""",
        ["api/v1/recommendations/{idOrSlug}"] = """{"slug":"urgently-raise-civil-servants-digital-literacy","event":"iitu-snu-round-table-2024","title":{"en":"x"},"body":{"en":"x"}}""",
        ["api/v1/recommendations/{idOrSlug}/status-changes"] = """{"status":"accepted"}""",
    };

    [Fact]
    public async Task Every_write_route_on_data_the_partner_does_not_own_is_403_and_changes_nothing()
    {
        var slugs = new Dictionary<string, string>
        {
            ["events"] = "iitu-snu-round-table-2024", ["speakers"] = "kilkon-ko", ["institutions"] = "iitu",
            ["recommendations"] = "urgently-raise-civil-servants-digital-literacy",
        };
        var routes = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy != "admin"))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Method: m, Template: e.RoutePattern.RawText!.Trim('/'))))
            // Any key may create speakers and institutions: there is no one else's data to protect there.
            .Where(r => !(r.Method == "POST" && r.Template is "api/v1/speakers" or "api/v1/institutions"))
            // Webhook subscriptions are their owners' alone: another institution's are not found (404), not forbidden
            // (Webhooks.WebhookTests.A_partner_sees_and_manages_only_its_institution_s_subscriptions...).
            .Where(r => !r.Template.StartsWith("api/v1/webhooks", StringComparison.Ordinal))
            .ToList();
        Assert.True(routes.Count >= 30, string.Join(", ", routes));

        var before = await DatabaseFingerprintAsync();
        foreach (var (method, template) in routes)
        {
            var resource = template.Split('/')[2];
            var url = "/" + template.Replace("{idOrSlug}", slugs[resource], StringComparison.Ordinal)
                .Replace("{itemId:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal);
            var bodyKey = template.Replace("/{itemId:guid}", "", StringComparison.Ordinal);
            var body = method is "DELETE" ? null : method == "PATCH" ? "{}" : s_validBodies[bodyKey];
            using var response = await SendAsync(new HttpMethod(method), url, SnuKey, body, "*",
                method == "PATCH" ? "application/merge-patch+json" : "application/json");
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {url}: {(int)response.StatusCode} {text}");
        }
        Assert.Equal(before, await DatabaseFingerprintAsync());
    }
}
