// The RoundTable API from C#, with a client Kiota generated from the committed contract (generate.sh writes
// Generated/). Run against a live API: ROUNDTABLE_URL (default http://localhost:5080) and ROUNDTABLE_KEY (an admin
// key: ./run.sh apikey create --admin) — see README.md.
//
// Kiota types paths, query parameters, bodies, answers and problems, but not request headers (it generates no
// header parameters): If-Match goes through the request configuration, and the ETag is read with Kiota's
// HeadersInspectionHandlerOption.
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;
using RoundTable.Client;
using RoundTable.Client.Models;

var baseUrl = Environment.GetEnvironmentVariable("ROUNDTABLE_URL") ?? "http://localhost:5080";
var key = Environment.GetEnvironmentVariable("ROUNDTABLE_KEY");

var anonymous = new RoundTableClient(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider()) { BaseUrl = baseUrl });

// 1. A list, page by page.
var slugs = new List<string>();
string? cursor = null;
var pages = 0;
do
{
    var page = await anonymous.Api.V1.Institutions.GetAsync(c =>
    {
        c.QueryParameters.Limit = 2;
        c.QueryParameters.Cursor = cursor;
    }) ?? throw new InvalidOperationException("no page");
    slugs.AddRange(page.Items!.Select(i => i.Slug!));
    cursor = page.NextCursor;
    pages++;
}
while (cursor is not null);
Console.WriteLine($"institutions: {slugs.Count} in {pages} pages ({string.Join(", ", slugs.Take(3))}, …)");

// 2. One resource by slug, in another language.
var snu = await anonymous.Api.V1.Institutions["seoul-national-university"].GetAsync(c => c.QueryParameters.Lang = "ko");
Console.WriteLine($"in Korean: {snu!.Name}");
Check(snu.Name == "서울대학교", "the name is in Korean");

// 3. A 404 is a typed problem.
try
{
    await anonymous.Api.V1.Events["no-such-event"].GetAsync();
    throw new InvalidOperationException("a missing event should be a 404");
}
catch (ProblemDetails problem) when (problem.ResponseStatusCode == 404)
{
    Console.WriteLine($"404 problem: {problem.Title} ({problem.Detail})");
}

// 4. Create → patch with If-Match → a stale If-Match is 412 → delete.
Check(!string.IsNullOrEmpty(key), "set ROUNDTABLE_KEY to an admin key (./run.sh apikey create --admin)");
// The key as a bearer token on every request (Kiota's ApiKeyAuthenticationProvider insists on https, and the local
// API is plain http).
var http = KiotaClientFactory.Create();
http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
var api = new RoundTableClient(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http) { BaseUrl = baseUrl });
var slug = $"cs-client-example-{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}";
var created = new HeadersInspectionHandlerOption { InspectResponseHeaders = true };
var name = new InstitutionWriteRequest_name { AdditionalData = { ["en"] = "C# Client Example Institute", ["kk"] = "Мысал институты" } };
var institution = await api.Api.V1.Institutions.PostAsync(
    new InstitutionWriteRequest { Slug = slug, Name = name, Kind = InstitutionKind.Other },
    c => c.Options.Add(created));
var createdTag = ETag(created);
Console.WriteLine($"created {institution!.Slug}, ETag {createdTag}");

var patched = new HeadersInspectionHandlerOption { InspectResponseHeaders = true };
var afterPatch = await api.Api.V1.Institutions[slug].PatchAsync(new InstitutionPatch { Website = "https://example.org/cs-client" }, c =>
{
    c.Headers.Add("If-Match", createdTag);
    c.Options.Add(patched);
});
var patchedTag = ETag(patched);
Check(patchedTag != createdTag, "the patch changed the ETag");
Console.WriteLine($"patched: website {afterPatch!.Website}, version {afterPatch.Version}");

try
{
    await api.Api.V1.Institutions[slug].PatchAsync(new InstitutionPatch { Website = "https://example.org/lost-update" },
        c => c.Headers.Add("If-Match", createdTag));
    throw new InvalidOperationException("a stale If-Match should be a 412");
}
catch (ProblemDetails problem) when (problem.ResponseStatusCode == 412)
{
    Console.WriteLine($"stale If-Match: 412 {problem.Title}");
}

await api.Api.V1.Institutions[slug].DeleteAsync(c => c.Headers.Add("If-Match", patchedTag));
try
{
    await anonymous.Api.V1.Institutions[slug].GetAsync();
    throw new InvalidOperationException("a deleted institution should be gone");
}
catch (ProblemDetails problem) when (problem.ResponseStatusCode == 404)
{
    Console.WriteLine("deleted; the C# client example passed");
}

static string ETag(HeadersInspectionHandlerOption inspected) =>
    inspected.ResponseHeaders.TryGetValue("ETag", out var values) && values.FirstOrDefault() is { } tag
        ? tag
        : throw new InvalidOperationException("the answer carries no ETag");

static void Check(bool condition, string message)
{
    if (!condition)
    {
        throw new InvalidOperationException(message);
    }
}
