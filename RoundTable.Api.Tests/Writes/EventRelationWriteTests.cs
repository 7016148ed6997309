using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RoundTable.Api.Auth;
using RoundTable.Api.ApiKeys;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Writes;

public sealed class EventRelationWriteTests : WriteApiTest
{
    [Fact]
    public async Task Participants_are_added_replaced_and_removed_as_part_of_the_event()
    {
        using var added = await SendAsync(HttpMethod.Post, $"{RoundTable}/participants", IituKey,
            new { speaker = "kilkon-ko", role = "moderator", institutions = new[] { "seoul-national-university", "snu-graduate-school-of-public-administration" } }, "\"1\"");
        await ProblemAsync(added, HttpStatusCode.Conflict); // Professor Ko already takes part

        await ExecuteSqlAsync("INSERT INTO speakers (slug, full_name) VALUES ('guest-person', '{\"en\": \"Guest Person\"}')");
        using var created = await SendAsync(HttpMethod.Post, $"{RoundTable}/participants", IituKey,
            new { speaker = "guest-person", role = "guest", institutions = new[] { "iitu", "european-university" } }, "\"1\"");
        var ev = await BodyAsync(created, HttpStatusCode.Created);
        Assert.Equal(2, VersionOf(created));
        Assert.Equal(RoundTable, created.Headers.Location!.OriginalString);
        Assert.Equal(2, ev["version"]!.GetValue<long>());
        var guest = ev["participants"]!.AsArray().Single(p => p!["speaker"]!["slug"]!.GetValue<string>() == "guest-person")!;
        Assert.Equal(["european-university", "iitu"], guest["institutions"]!.AsArray().Select(i => i!["slug"]!.GetValue<string>()).Order());
        var participantId = guest["id"]!.GetValue<string>();

        using var replaced = await SendAsync(HttpMethod.Put, $"{RoundTable}/participants/{participantId}", IituKey,
            new { speaker = "guest-person", role = "panelist", institutions = new[] { "iitu" } }, "\"2\"");
        var after = (await BodyAsync(replaced, HttpStatusCode.OK))["participants"]!.AsArray().Single(p => p!["id"]!.GetValue<string>() == participantId)!;
        Assert.Equal("panelist", after["role"]!.GetValue<string>());
        Assert.Equal(["iitu"], after["institutions"]!.AsArray().Select(i => i!["slug"]!.GetValue<string>()));

        using var stale = await SendAsync(HttpMethod.Delete, $"{RoundTable}/participants/{participantId}", IituKey, ifMatch: "\"2\"");
        await ProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        using var removed = await SendAsync(HttpMethod.Delete, $"{RoundTable}/participants/{participantId}", IituKey, ifMatch: "\"3\"");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(4, VersionOf(removed));
        Assert.Equal(6, (await GetJsonAsync(RoundTable))["participants"]!.AsArray().Count);
        using var again = await SendAsync(HttpMethod.Delete, $"{RoundTable}/participants/{participantId}", IituKey, ifMatch: "\"4\"");
        await ProblemAsync(again, HttpStatusCode.NotFound);

        var audit = await ScalarAsync<long>($"SELECT count(*) FROM audit_log WHERE resource_type = 'event_participant' AND resource_id = '{participantId}'");
        Assert.Equal(3, audit);
    }

    [Fact]
    public async Task Organizers_quotes_and_acknowledgements_are_written_the_same_way()
    {
        using var organizer = await SendAsync(HttpMethod.Post, $"{RoundTable}/organizers", AdminKey, new { institution = "seoul-national-university", role = "partner" }, "\"1\"");
        var ev = await BodyAsync(organizer, HttpStatusCode.Created);
        Assert.Contains(ev["organizers"]!.AsArray(), o => o!["institution"]!["slug"]!.GetValue<string>() == "seoul-national-university" && o["role"]!.GetValue<string>() == "partner");
        using var duplicate = await SendAsync(HttpMethod.Post, $"{RoundTable}/organizers", AdminKey, new { institution = "iitu", role = "partner" }, "*");
        await ProblemAsync(duplicate, HttpStatusCode.Conflict);

        using var quote = await SendAsync(HttpMethod.Post, $"{RoundTable}/quotes", AdminKey,
            new { speaker = "kilkon-ko", text = new Dictionary<string, string> { ["en"] = "Data first.", ["ko"] = "데이터가 먼저입니다." } }, "\"2\"");
        Assert.Equal(2, (await BodyAsync(quote, HttpStatusCode.Created))["quotes"]!.AsArray().Count);

        using var ack = await SendAsync(HttpMethod.Post, $"{RoundTable}/acknowledgements", AdminKey,
            new { from = "iitu", to = "maria-shklyaruk", kind = "certificate", description = new { en = "For her talk" } }, "\"3\"");
        var acks = (await BodyAsync(ack, HttpStatusCode.Created))["acknowledgements"]!.AsArray();
        Assert.Equal(2, acks.Count);
        var ackId = acks.Single(a => a!["to"]!["slug"]!.GetValue<string>() == "maria-shklyaruk")!["id"]!.GetValue<string>();
        using var changed = await SendAsync(HttpMethod.Put, $"{RoundTable}/acknowledgements/{ackId}", AdminKey,
            new { from = "iitu", to = "maria-shklyaruk", kind = "letter_of_gratitude" }, "\"4\"");
        Assert.Contains((await BodyAsync(changed, HttpStatusCode.OK))["acknowledgements"]!.AsArray(),
            a => a!["id"]!.GetValue<string>() == ackId && a["kind"]!.GetValue<string>() == "letter_of_gratitude" && a["description"] is null);
    }

    [Fact]
    public async Task Relation_writes_follow_the_events_rights_and_refuse_bad_references()
    {
        var before = await DatabaseFingerprintAsync();
        using var other = await SendAsync(HttpMethod.Post, $"{RoundTable}/quotes", SnuKey, new { speaker = "kilkon-ko", text = new { en = "x" } }, "*");
        await ProblemAsync(other, HttpStatusCode.Forbidden);
        using var noMatch = await SendAsync(HttpMethod.Post, $"{RoundTable}/quotes", IituKey, new { speaker = "kilkon-ko", text = new { en = "x" } });
        await ProblemAsync(noMatch, HttpStatusCode.PreconditionRequired);
        using var unknown = await SendAsync(HttpMethod.Post, $"{RoundTable}/participants", IituKey,
            new { speaker = "nobody", role = "guest", institutions = new[] { "iitu", "nowhere" } }, "*");
        Assert.NotNull((await ProblemAsync(unknown, HttpStatusCode.BadRequest))["errors"]!["speaker"]);
        using var badRole = await SendAsync(HttpMethod.Post, $"{RoundTable}/organizers", IituKey, new { institution = "iitu", role = "sponsor" }, "*");
        await ProblemAsync(badRole, HttpStatusCode.BadRequest);
        using var foreignItem = await SendAsync(HttpMethod.Delete, $"{RoundTable}/quotes/{Guid.NewGuid()}", IituKey, ifMatch: "*");
        await ProblemAsync(foreignItem, HttpStatusCode.NotFound);
        Assert.Equal(before, await DatabaseFingerprintAsync());
    }

    [Fact]
    public async Task A_relation_entry_takes_a_merge_patch_too()
    {
        var maria = (await GetJsonAsync(RoundTable))["participants"]!.AsArray()
            .Single(p => p!["speaker"]!["slug"]!.GetValue<string>() == "maria-shklyaruk")!["id"]!.GetValue<string>();
        using var patched = await SendAsync(HttpMethod.Patch, $"{RoundTable}/participants/{maria}", IituKey, """{"role":"moderator"}""", "\"1\"", "application/merge-patch+json");
        var after = (await BodyAsync(patched, HttpStatusCode.OK))["participants"]!.AsArray().Single(p => p!["id"]!.GetValue<string>() == maria)!;
        Assert.Equal("moderator", after["role"]!.GetValue<string>());
        Assert.Equal(["aurora-ala-foundation", "european-university"], after["institutions"]!.AsArray().Select(i => i!["slug"]!.GetValue<string>()).Order());

        var before = await DatabaseFingerprintAsync();
        using var invalid = await SendAsync(HttpMethod.Patch, $"{RoundTable}/participants/{maria}", IituKey, """{"role":"juggler"}""", "\"2\"", "application/merge-patch+json");
        Assert.NotNull((await ProblemAsync(invalid, HttpStatusCode.BadRequest))["errors"]!["role"]);
        using var missing = await SendAsync(HttpMethod.Patch, $"{RoundTable}/participants/{Guid.NewGuid()}", IituKey, """{"role":"guest"}""", "\"2\"", "application/merge-patch+json");
        await ProblemAsync(missing, HttpStatusCode.NotFound);
        using var json = await SendAsync(HttpMethod.Patch, $"{RoundTable}/participants/{maria}", IituKey, """{"role":"guest"}""", "\"2\"");
        await ProblemAsync(json, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(before, await DatabaseFingerprintAsync());

        var ranking = (await GetJsonAsync("/api/v1/institutions/seoul-national-university"))["rankings"]![0]!["id"]!.GetValue<string>();
        using var rank = await SendAsync(HttpMethod.Patch, $"/api/v1/institutions/seoul-national-university/rankings/{ranking}", AdminKey,
            """{"rank":30}""", "\"1\"", "application/merge-patch+json");
        var snu = await BodyAsync(rank, HttpStatusCode.OK);
        Assert.Equal(30, snu["rankings"]![0]!["rank"]!.GetValue<int>());
        Assert.Equal(2024, snu["rankings"]![0]!["year"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_partner_cannot_take_the_event_from_another_organizer_nor_lock_itself_out()
    {
        var keys = Factory.Services.GetRequiredService<ApiKeyCommands>();
        var gspaId = (await GetJsonAsync("/api/v1/institutions/snu-graduate-school-of-public-administration"))["id"]!.GetValue<Guid>();
        var gspaKey = (await keys.CreateAsync("gspa", ApiKeyRole.Partner, gspaId, null, CancellationToken.None)).Secret;
        var organizers = (await GetJsonAsync(RoundTable))["organizers"]!.AsArray();
        string EntryOf(string slug) => organizers.Single(o => o!["institution"]!["slug"]!.GetValue<string>() == slug)!["id"]!.GetValue<string>();

        var before = await DatabaseFingerprintAsync();
        using var removeOther = await SendAsync(HttpMethod.Delete, $"{RoundTable}/organizers/{EntryOf("iitu")}", gspaKey, ifMatch: "*");
        await ProblemAsync(removeOther, HttpStatusCode.Forbidden);
        using var demoteOther = await SendAsync(HttpMethod.Put, $"{RoundTable}/organizers/{EntryOf("iitu")}", gspaKey, new { institution = "iitu", role = "partner" }, "*");
        await ProblemAsync(demoteOther, HttpStatusCode.Forbidden);
        using var removeSelf = await SendAsync(HttpMethod.Delete, $"{RoundTable}/organizers/{EntryOf("iitu")}", IituKey, ifMatch: "*");
        await ProblemAsync(removeSelf, HttpStatusCode.Forbidden);
        using var demoteSelf = await SendAsync(HttpMethod.Patch, $"{RoundTable}/organizers/{EntryOf("iitu")}", IituKey, """{"role":"partner"}""", "*", "application/merge-patch+json");
        await ProblemAsync(demoteSelf, HttpStatusCode.Forbidden);
        Assert.Equal(before, await DatabaseFingerprintAsync());

        // Its own entry may change between owning roles, and admins may do anything.
        using var promote = await SendAsync(HttpMethod.Put, $"{RoundTable}/organizers/{EntryOf("snu-graduate-school-of-public-administration")}", gspaKey,
            new { institution = "snu-graduate-school-of-public-administration", role = "organizer" }, "\"1\"");
        Assert.Equal(HttpStatusCode.OK, promote.StatusCode);
        using var admin = await SendAsync(HttpMethod.Delete, $"{RoundTable}/organizers/{EntryOf("iitu")}", AdminKey, ifMatch: "\"2\"");
        Assert.Equal(HttpStatusCode.NoContent, admin.StatusCode);
    }
}
