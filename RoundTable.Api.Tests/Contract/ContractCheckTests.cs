using System.Net;
using System.Net.Http.Headers;
using System.Text;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Contract;

/// <summary>
/// The check every integration test's answer goes through (<see cref="Infrastructure.Contract"/>) finds each kind of
/// breach: without these, a checker that passes everything would look like a contract that holds.
/// </summary>
public sealed class ContractCheckTests
{
    private const string Event = "/api/v1/events/iitu-snu-round-table-2024";

    private static HttpResponseMessage Answer(HttpStatusCode status, string? json = null, string mediaType = "application/json")
    {
        var response = new HttpResponseMessage(status);
        if (json is not null)
        {
            response.Content = new StringContent(json, Encoding.UTF8, mediaType);
        }
        return response;
    }

    private static string? Check(HttpMethod method, string path, HttpResponseMessage response) =>
        Infrastructure.Contract.Check(method, path, response, response.Content.Headers.ContentLength > 0,
            response.Content.Headers.ContentType is null ? null : response.Content.ReadAsStringAsync().Result);

    [Fact]
    public void A_status_the_operation_does_not_declare_is_a_breach()
    {
        using var response = Answer(HttpStatusCode.Gone, """{"title":"Gone","status":410}""", "application/problem+json");
        Assert.Contains("does not declare", Check(HttpMethod.Get, Event, response));
    }

    [Fact]
    public void A_media_type_the_status_does_not_declare_is_a_breach()
    {
        using var response = Answer(HttpStatusCode.NotFound, """{"title":"Not found","status":404}""", "application/json");
        Assert.Contains("application/json, which the contract does not declare", Check(HttpMethod.Get, Event, response));
    }

    [Fact]
    public void A_body_its_schema_refuses_is_a_breach_and_names_the_place()
    {
        using var response = Answer(HttpStatusCode.OK, """{"items":[{"id":"not-a-uuid"}],"nextCursor":null}""");
        var breach = Check(HttpMethod.Get, "/api/v1/events", response);
        Assert.NotNull(breach);
        Assert.Contains("/items/0", breach);
    }

    [Fact]
    public void A_member_the_schema_does_not_have_is_a_breach()
    {
        using var response = Answer(HttpStatusCode.NotFound, """{"title":"Not found","status":404,"errors":{"x":"not a list"}}""", "application/problem+json");
        Assert.Contains("/errors/x", Check(HttpMethod.Get, Event, response));
    }

    [Fact]
    public void A_header_a_client_reads_that_the_answer_does_not_declare_is_a_breach()
    {
        using var response = Answer(HttpStatusCode.NotFound, """{"title":"Not found","status":404}""", "application/problem+json");
        response.Headers.Location = new Uri("/elsewhere", UriKind.Relative);
        Assert.Contains("header Location", Check(HttpMethod.Get, Event, response));
    }

    [Fact]
    public void A_required_header_that_is_missing_or_malformed_is_a_breach()
    {
        using var missing = Answer(HttpStatusCode.TooManyRequests, """{"title":"Too many requests.","status":429}""", "application/problem+json");
        Assert.Contains("required header Retry-After", Check(HttpMethod.Get, Event, missing));

        using var created = Answer(HttpStatusCode.NoContent);
        created.Headers.TryAddWithoutValidation("ETag", "1");
        Assert.Contains("header ETag: 1", Check(HttpMethod.Delete, Event, created));
    }

    [Fact]
    public void A_valid_answer_passes()
    {
        using var response = Answer(HttpStatusCode.NotFound, """{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.5","title":"Not found","status":404,"traceId":"00-1"}""", "application/problem+json");
        Assert.Null(Check(HttpMethod.Get, Event, response));
    }

    [Fact]
    public void Requests_the_contract_calls_invalid_are_named_and_valid_ones_pass()
    {
        static string? Request(HttpMethod method, string url, string? json = null, string? ifMatch = null, string mediaType = "application/json")
        {
            using var request = new HttpRequestMessage(method, new Uri(new Uri("http://localhost"), url));
            if (json is not null)
            {
                request.Content = new StringContent(json, Encoding.UTF8, mediaType);
            }
            if (ifMatch is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            }
            return Infrastructure.Contract.CheckRequest(request, json);
        }

        Assert.Null(Request(HttpMethod.Get, "/api/v1/events?limit=5&kind=seminar"));
        Assert.Contains("'limit'", Request(HttpMethod.Get, "/api/v1/events?limit=500"));
        Assert.Contains("'colour' is not declared", Request(HttpMethod.Get, "/api/v1/events?colour=red"));
        Assert.Contains("'idOrSlug'", Request(HttpMethod.Get, "/api/v1/events/Not%20A%20Slug"));
        Assert.Contains("'If-Match' is missing", Request(HttpMethod.Patch, Event, """{"status":"held"}""", mediaType: "application/merge-patch+json"));
        Assert.Null(Request(HttpMethod.Patch, Event, """{"status":"held","venue":null}""", "\"1\"", "application/merge-patch+json"));
        Assert.Contains("/status", Request(HttpMethod.Patch, Event, """{"status":null}""", "\"1\"", "application/merge-patch+json"));
        Assert.Contains("media type text/plain is not declared", Request(HttpMethod.Patch, Event, "{}", "\"1\"", "text/plain"));
        Assert.Contains("/honorific/en", Request(HttpMethod.Post, "/api/v1/speakers", """{"slug":"a","fullName":{"en":"A"},"honorific":{"en":""}}"""));
    }
}
