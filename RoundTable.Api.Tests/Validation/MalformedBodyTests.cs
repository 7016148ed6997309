using System.Net;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Validation;

/// <summary>Bad input always gets a clear 4xx problem and changes nothing.</summary>
public sealed class MalformedBodyTests : WriteApiTest
{
    private const string Valid = """
        {"slug":"valid-event","title":{"en":"Valid"},"kind":"seminar","status":"scheduled","startDate":"2025-03-01",
         "endDate":"2025-03-01","organizers":[{"institution":"iitu","role":"organizer"}]}
        """;

    public static TheoryData<string, string?> CreateBodies => new()
    {
        { "", "body" },
        { "not json", null },
        { "{", null },
        { "[]", null },
        { "null", "body" },
        { "42", null },
        { Valid.Replace("\"seminar\"", "42", StringComparison.Ordinal), "kind" },
        { Valid.Replace("\"seminar\"", "\"party\"", StringComparison.Ordinal), "kind" },
        { Valid.Replace("\"2025-03-01\",\n", "\"yesterday\",\n", StringComparison.Ordinal), "startDate" },
        { Valid.Replace("{\"en\":\"Valid\"}", "\"Valid\"", StringComparison.Ordinal), "title" },
        { Valid.Replace("{\"en\":\"Valid\"}", "{}", StringComparison.Ordinal), "title" },
        { Valid.Replace("{\"en\":\"Valid\"}", "{\"english\":\"Valid\"}", StringComparison.Ordinal), "title" },
        { Valid.Replace("{\"en\":\"Valid\"}", "{\"en\":\"" + new string('x', 301) + "\"}", StringComparison.Ordinal), "title" },
        { Valid.Replace("\"valid-event\"", "\"Valid Event\"", StringComparison.Ordinal), "slug" },
        { Valid.Replace("\"valid-event\"", "\"" + new string('a', 101) + "\"", StringComparison.Ordinal), "slug" },
        { Valid.Replace("\"slug\":\"valid-event\",", "", StringComparison.Ordinal), "slug" },
        { Valid.Replace("\"endDate\":\"2025-03-01\"", "\"endDate\":\"2025-02-28\"", StringComparison.Ordinal), "endDate" },
        { Valid.Replace("\"status\":\"scheduled\",", "\"status\":\"scheduled\",\"country\":\"Kazakhstan\",", StringComparison.Ordinal), "country" },
        { Valid.Replace("\"status\":\"scheduled\",", "\"status\":\"scheduled\",\"timeZone\":\"Mars/Olympus\",", StringComparison.Ordinal), "timeZone" },
        { Valid.Replace("\"status\":\"scheduled\",", "\"status\":\"scheduled\",\"startsAt\":\"2025-03-01T10:00:00Z\",", StringComparison.Ordinal), "timeZone" },
        { Valid.Replace("\"status\":\"scheduled\",", "\"status\":\"scheduled\",\"sourceUrl\":\"ftp://example.org/x\",", StringComparison.Ordinal), "sourceUrl" },
        { Valid.Replace("\"status\":\"scheduled\",", "\"status\":\"scheduled\",\"sourceUrl\":\"not a url\",", StringComparison.Ordinal), "sourceUrl" },
        { Valid.Replace("[{\"institution\":\"iitu\",\"role\":\"organizer\"}]", "[]", StringComparison.Ordinal), "organizers" },
        { Valid.Replace("\"role\":\"organizer\"", "\"role\":\"sponsor\"", StringComparison.Ordinal), "organizers[0].role" },
        { Valid.Replace("\"institution\":\"iitu\"", "\"institution\":\"IITU!\"", StringComparison.Ordinal), "organizers[0].institution" },
        { Valid.Replace("[{\"institution\":\"iitu\",\"role\":\"organizer\"}]", "[{\"institution\":\"iitu\",\"role\":\"organizer\"},{\"institution\":\"iitu\",\"role\":\"partner\"}]", StringComparison.Ordinal), "organizers" },
    };

    [Theory]
    [MemberData(nameof(CreateBodies))]
    public async Task Malformed_create_bodies_are_400_problems_and_change_nothing(string body, string? field)
    {
        var before = await DatabaseFingerprintAsync();
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/events", AdminKey, body);
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        if (field is not null)
        {
            AssertFieldError(problem, field);
        }
        Assert.Equal(before, await DatabaseFingerprintAsync());
    }

    [Theory]
    [InlineData("""{"title":null}""", "title")]
    [InlineData("""{"kind":"party"}""", "kind")]
    [InlineData("""{"endDate":"2020-01-01"}""", "endDate")]
    [InlineData("""{"startDate":12}""", "startDate")]
    [InlineData("""{"slug":"Bad Slug"}""", "slug")]
    [InlineData("[1,2]", "body")]
    [InlineData("nonsense", "body")]
    [InlineData("""{"status":"held","status":"cancelled"}""", "body")]
    public async Task Merge_patches_that_break_the_event_are_400_problems_and_change_nothing(string patch, string field)
    {
        var before = await DatabaseFingerprintAsync();
        using var response = await SendAsync(HttpMethod.Patch, RoundTable, AdminKey, patch, "\"1\"", "application/merge-patch+json");
        AssertFieldError(await ProblemAsync(response, HttpStatusCode.BadRequest), field);
        Assert.Equal(before, await DatabaseFingerprintAsync());
    }

    [Fact]
    public async Task A_patch_is_a_merge_patch_sent_as_merge_patch_or_plain_json_and_any_other_media_type_is_415()
    {
        using var text = await SendAsync(HttpMethod.Patch, RoundTable, AdminKey, """{"status":"held"}""", "\"1\"", "text/plain");
        await ProblemAsync(text, HttpStatusCode.UnsupportedMediaType);
        // Generated clients send every JSON body as application/json: it is read as the merge patch it is.
        using var json = await SendAsync(HttpMethod.Patch, RoundTable, AdminKey, """{"venue":null}""", "\"1\"", "application/json");
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415_or_400_never_500()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/events", AdminKey, "slug=x", contentType: "application/x-www-form-urlencoded");
        await ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }
}
