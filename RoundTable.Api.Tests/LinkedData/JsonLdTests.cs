using System.Text.Json.Nodes;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.LinkedData;

/// <summary>JSON-LD with schema.org types. Read as raw JSON: its @-members and shapes are what is tested.</summary>
public sealed class JsonLdTests : ApiTest
{
    private const string RoundTable = "/api/v1/events/iitu-snu-round-table-2024";

    [Fact]
    public async Task Json_ld_describes_an_event_a_person_and_an_organization_with_schema_org_types()
    {
        var (eventLd, response) = await GetTextAsync(RoundTable + ".jsonld");
        Assert.Equal("application/ld+json", response.Content.Headers.ContentType!.MediaType);
        var node = JsonNode.Parse(eventLd)!;
        Assert.Equal("https://schema.org", node["@context"]!.GetValue<string>());
        Assert.Equal("Event", node["@type"]!.GetValue<string>());
        Assert.Equal("2024-07-29", node["startDate"]!.GetValue<string>());
        Assert.Equal("https://schema.org/EventScheduled", node["eventStatus"]!.GetValue<string>());
        Assert.All(node["organizer"]!.AsArray(), o => Assert.Equal("Organization", o!["@type"]!.GetValue<string>()));
        Assert.Equal(6, node["performer"]!.AsArray().Count);
        Assert.All(node["performer"]!.AsArray(), p => Assert.Equal("Person", p!["@type"]!.GetValue<string>()));

        var person = JsonNode.Parse((await GetTextAsync("/api/v1/speakers/kilkon-ko.jsonld")).Body)!;
        Assert.Equal("Person", person["@type"]!.GetValue<string>());
        Assert.Equal("Professor", person["honorificPrefix"]!.GetValue<string>());
        var organization = JsonNode.Parse((await GetTextAsync("/api/v1/institutions/snu-graduate-school-of-public-administration.jsonld?lang=*")).Body)!;
        Assert.Equal("CollegeOrUniversity", organization["@type"]!.GetValue<string>());
        Assert.Contains(organization["name"]!.AsArray(), n => n!["@language"]!.GetValue<string>() == "ko" && n["@value"]!.GetValue<string>() == "서울대학교 행정대학원");
        Assert.Equal("seoul-national-university", organization["parentOrganization"]!["@id"]!.GetValue<string>().Split('/')[^1]);

        // application/json stays the default, also when both are acceptable with JSON preferred.
        var (plain, _) = await GetTextAsync(RoundTable, "application/json, application/ld+json;q=0.5");
        Assert.Null(JsonNode.Parse(plain)!["@context"]);
    }

    [Fact]
    public async Task The_item_route_still_answers_json_ld_to_accept_as_before_the_jsonld_routes()
    {
        // Outside the contract (it documents the .jsonld routes): a plain client, as clients written before them use.
        using var plain = Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, RoundTable);
        request.Headers.Accept.ParseAdd("application/ld+json");
        using var negotiated = await plain.SendAsync(request);
        Assert.Equal("application/ld+json", negotiated.Content.Headers.ContentType!.MediaType);
        Assert.Equal((await GetTextAsync(RoundTable + ".jsonld")).Body, await negotiated.Content.ReadAsStringAsync());
        await GetProblemAsync("/api/v1/events/no-such-event.jsonld", 404);
    }
}
