using System.Net;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Validation;

/// <summary>A null inside a request array is a 400 naming the element, on POST, PUT and PATCH, and changes nothing.</summary>
public sealed class NullElementTests : WriteApiTest
{
    public static TheoryData<string, string, string, string> Cases => new()
    {
        { "POST", "/api/v1/events", """{"slug":"null-organizer","title":{"en":"T"},"kind":"seminar","status":"scheduled","startDate":"2026-01-01","organizers":[null]}""", "organizers[0]" },
        { "POST", "/api/v1/events", """{"slug":"null-organizer","title":{"en":"T"},"kind":"seminar","status":"scheduled","startDate":"2026-01-01","organizers":[{"institution":"iitu","role":"organizer"},null]}""", "organizers[1]" },
        { "POST", "/api/v1/recommendations", """{"slug":"null-theme","event":"iitu-snu-round-table-2024","title":{"en":"T"},"themes":[null]}""", "themes[0]" },
        { "POST", "/api/v1/recommendations", """{"slug":"null-proposer","event":"iitu-snu-round-table-2024","title":{"en":"T"},"proposedBy":[null]}""", "proposedBy[0]" },
        { "PUT", "/api/v1/recommendations/urgently-raise-civil-servants-digital-literacy", """{"slug":"urgently-raise-civil-servants-digital-literacy","event":"iitu-snu-round-table-2024","title":{"en":"T"},"themes":["digital-literacy",null],"proposedBy":[null]}""", "themes[1]" },
        { "PATCH", "/api/v1/recommendations/urgently-raise-civil-servants-digital-literacy", """{"themes":[null]}""", "themes[0]" },
        { "PATCH", "/api/v1/recommendations/urgently-raise-civil-servants-digital-literacy", """{"proposedBy":[{"speaker":"kilkon-ko"},null]}""", "proposedBy[1]" },
        { "POST", "/api/v1/events/iitu-snu-round-table-2024/participants", """{"speaker":"kilkon-ko","role":"guest","institutions":[null]}""", "institutions[0]" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_null_element_is_a_400_naming_it_and_changes_nothing(string method, string url, string body, string field)
    {
        var before = await DatabaseFingerprintAsync();
        using var response = await SendAsync(new HttpMethod(method), url, AdminKey, body, ifMatch: "*",
            contentType: method == "PATCH" ? "application/merge-patch+json" : "application/json");
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        AssertFieldError(problem, field);
        Assert.Equal(before, await DatabaseFingerprintAsync());
    }
}
