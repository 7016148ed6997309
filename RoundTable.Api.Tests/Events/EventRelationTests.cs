using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RoundTable.Api.ApiKeys;
using RoundTable.Api.Auth;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Events;

/// <summary>Organizers, participants, quotes and acknowledgements: written as parts of their event.</summary>
public sealed class EventRelationTests : WriteApiTest
{
    // Found in review: an entry's merge patch under If-Match: * wrote the entry as it had read it, whatever had been
    // written since, so concurrent patches of one entry lost each other's fields (and were never retried).
    [Fact]
    public async Task Concurrent_merge_patches_of_one_entry_with_If_Match_any_all_apply_and_none_is_lost()
    {
        var quote = (await GetJsonAsync(RoundTable))["quotes"]![0]!["id"]!.GetValue<string>();
        string[] languages = ["de", "fr", "es", "it", "tr", "uz"];
        var answers = await Task.WhenAll(languages.Select(async language =>
        {
            using var response = await SendAsync(HttpMethod.Patch, $"{RoundTable}/quotes/{quote}", AdminKey,
                "{\"text\":{\"" + language + "\":\"Quote " + language + "\"}}", "*", "application/merge-patch+json");
            return response.StatusCode;
        }));

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
        var text = await ScalarAsync<string>($"SELECT text::text FROM event_quotes WHERE id = '{quote}'");
        Assert.All(languages, language => Assert.Contains($"\"{language}\": \"Quote {language}\"", text));
    }

    [Fact]
    public async Task Participants_are_added_replaced_and_removed_as_part_of_the_event()
    {
        using var added = await SendAsync(HttpMethod.Post, $"{RoundTable}/participants", IituKey,
            new { speaker = "kilkon-ko", role = "moderator", institutions = new[] { "seoul-national-university", "snu-graduate-school-of-public-administration" } }, "\"1\"");
        await ProblemAsync(added, HttpStatusCode.Conflict); // Professor Ko already takes part

        await ExecuteSqlAsync("INSERT INTO speakers (slug, full_name) VALUES ('guest-person', '{\"en\": \"Guest Person\"}')");
        using var created = await SendAsync(HttpMethod.Post, $"{RoundTable}/participants", IituKey,
            new { speaker = "guest-person", role = "guest", institutions = new[] { "iitu", "european-university" } }, "\"1\"");
        var ev = await ReadAsync<EventDto>(created, HttpStatusCode.Created);
        Assert.Equal(2, VersionOf(created));
        Assert.Equal(RoundTable, created.Headers.Location!.OriginalString);
        Assert.Equal(2, ev.Version);
        var guest = ev.Participants.Single(p => p.Speaker.Slug == "guest-person");
        Assert.Equal("guest", guest.Role);
        Assert.Equal(["european-university", "iitu"], guest.Institutions.Select(i => i.Slug).Order());
        var participantId = guest.Id;

        using var replaced = await SendAsync(HttpMethod.Put, $"{RoundTable}/participants/{participantId}", IituKey,
            new { speaker = "guest-person", role = "panelist", institutions = new[] { "iitu" } }, "\"2\"");
        var after = (await ReadAsync<EventDto>(replaced, HttpStatusCode.OK)).Participants.Single(p => p.Id == participantId);
        Assert.Equal("panelist", after.Role);
        Assert.Equal(["iitu"], after.Institutions.Select(i => i.Slug));

        using var stale = await SendAsync(HttpMethod.Delete, $"{RoundTable}/participants/{participantId}", IituKey, ifMatch: "\"2\"");
        await ProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        using var removed = await SendAsync(HttpMethod.Delete, $"{RoundTable}/participants/{participantId}", IituKey, ifMatch: "\"3\"");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(4, VersionOf(removed));
        var afterRemoval = await GetAsync<EventDto>(RoundTable);
        Assert.Equal(6, afterRemoval.Participants.Count);
        Assert.DoesNotContain(afterRemoval.Participants, p => p.Id == participantId);
        Assert.Equal(4, afterRemoval.Version);
        using var again = await SendAsync(HttpMethod.Delete, $"{RoundTable}/participants/{participantId}", IituKey, ifMatch: "\"4\"");
        await ProblemAsync(again, HttpStatusCode.NotFound);

        var audit = await ScalarAsync<long>($"SELECT count(*) FROM audit_log WHERE resource_type = 'event_participant' AND resource_id = '{participantId}'");
        Assert.Equal(3, audit);
    }

    [Fact]
    public async Task Every_unknown_reference_of_an_entry_is_named_at_once_by_its_json_path_and_nothing_changes()
    {
        var before = await DatabaseFingerprintAsync();
        using var participant = await SendAsync(HttpMethod.Post, $"{RoundTable}/participants", IituKey,
            new { speaker = "no-such-person", role = "guest", institutions = new[] { "no-such-institution" } }, "\"1\"");
        var problem = await ProblemAsync(participant, HttpStatusCode.BadRequest);
        Assert.Equal(["institutions[0]", "speaker"], problem.Errors!.Keys.Order());
        Assert.Equal("There is no institution 'no-such-institution'.", Assert.Single(problem.Errors["institutions[0]"]));

        using var acknowledgement = await SendAsync(HttpMethod.Post, $"{RoundTable}/acknowledgements", IituKey,
            new { from = "no-such-institution", to = "no-such-person", kind = "award" }, "\"1\"");
        Assert.Equal(["from", "to"], (await ProblemAsync(acknowledgement, HttpStatusCode.BadRequest)).Errors!.Keys.Order());
        Assert.Equal(before, await DatabaseFingerprintAsync());
    }

    [Fact]
    public async Task Organizers_quotes_and_acknowledgements_are_written_the_same_way()
    {
        using var organizer = await SendAsync(HttpMethod.Post, $"{RoundTable}/organizers", AdminKey, new { institution = "seoul-national-university", role = "partner" }, "\"1\"");
        var ev = await ReadAsync<EventDto>(organizer, HttpStatusCode.Created);
        Assert.Contains(ev.Organizers, o => o.Institution.Slug == "seoul-national-university" && o.Role == "partner");
        Assert.Equal(2, ev.Version);
        using var duplicate = await SendAsync(HttpMethod.Post, $"{RoundTable}/organizers", AdminKey, new { institution = "iitu", role = "partner" }, "*");
        await ProblemAsync(duplicate, HttpStatusCode.Conflict);

        using var quote = await SendAsync(HttpMethod.Post, $"{RoundTable}/quotes", AdminKey,
            new { speaker = "kilkon-ko", text = new Dictionary<string, string> { ["en"] = "Data first.", ["ko"] = "데이터가 먼저입니다." } }, "\"2\"");
        var quotes = (await ReadAsync<EventDto>(quote, HttpStatusCode.Created)).Quotes;
        Assert.Equal(2, quotes.Count);
        Assert.Contains(quotes, q => q.Speaker.Slug == "kilkon-ko" && q.Text == "Data first.");

        using var ack = await SendAsync(HttpMethod.Post, $"{RoundTable}/acknowledgements", AdminKey,
            new { from = "iitu", to = "maria-shklyaruk", kind = "certificate", description = new { en = "For her talk" } }, "\"3\"");
        var acks = (await ReadAsync<EventDto>(ack, HttpStatusCode.Created)).Acknowledgements;
        Assert.Equal(2, acks.Count);
        var certificate = acks.Single(a => a.To.Slug == "maria-shklyaruk");
        Assert.Equal("certificate", certificate.Kind);
        Assert.Equal("For her talk", certificate.Description);
        using var changed = await SendAsync(HttpMethod.Put, $"{RoundTable}/acknowledgements/{certificate.Id}", AdminKey,
            new { from = "iitu", to = "maria-shklyaruk", kind = "letter_of_gratitude" }, "\"4\"");
        var afterChange = await ReadAsync<EventDto>(changed, HttpStatusCode.OK);
        Assert.Contains(afterChange.Acknowledgements, a => a.Id == certificate.Id && a.Kind == "letter_of_gratitude" && a.Description is null);
        Assert.Equal(5, afterChange.Version);
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
        AssertFieldError(await ProblemAsync(unknown, HttpStatusCode.BadRequest), "speaker");
        using var badRole = await SendAsync(HttpMethod.Post, $"{RoundTable}/organizers", IituKey, new { institution = "iitu", role = "sponsor" }, "*");
        await ProblemAsync(badRole, HttpStatusCode.BadRequest);
        using var foreignItem = await SendAsync(HttpMethod.Delete, $"{RoundTable}/quotes/{Guid.NewGuid()}", IituKey, ifMatch: "*");
        await ProblemAsync(foreignItem, HttpStatusCode.NotFound);
        Assert.Equal(before, await DatabaseFingerprintAsync());
    }

    [Fact]
    public async Task A_relation_entry_takes_a_merge_patch_too()
    {
        var maria = (await GetAsync<EventDto>(RoundTable)).Participants.Single(p => p.Speaker.Slug == "maria-shklyaruk").Id;
        using var patched = await SendAsync(HttpMethod.Patch, $"{RoundTable}/participants/{maria}", IituKey, """{"role":"moderator"}""", "\"1\"", "application/merge-patch+json");
        var ev = await ReadAsync<EventDto>(patched, HttpStatusCode.OK);
        var after = ev.Participants.Single(p => p.Id == maria);
        Assert.Equal("moderator", after.Role);
        Assert.Equal(["aurora-ala-foundation", "european-university"], after.Institutions.Select(i => i.Slug).Order());
        Assert.Equal(2, ev.Version);

        var before = await DatabaseFingerprintAsync();
        using var invalid = await SendAsync(HttpMethod.Patch, $"{RoundTable}/participants/{maria}", IituKey, """{"role":"juggler"}""", "\"2\"", "application/merge-patch+json");
        AssertFieldError(await ProblemAsync(invalid, HttpStatusCode.BadRequest), "role");
        using var missing = await SendAsync(HttpMethod.Patch, $"{RoundTable}/participants/{Guid.NewGuid()}", IituKey, """{"role":"guest"}""", "\"2\"", "application/merge-patch+json");
        await ProblemAsync(missing, HttpStatusCode.NotFound);
        using var text = await SendAsync(HttpMethod.Patch, $"{RoundTable}/participants/{maria}", IituKey, """{"role":"guest"}""", "\"2\"", "text/plain");
        await ProblemAsync(text, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(before, await DatabaseFingerprintAsync());
    }

    [Fact]
    public async Task A_partner_cannot_take_the_event_from_another_organizer_nor_lock_itself_out()
    {
        var keys = Factory.Services.GetRequiredService<ApiKeyCommands>();
        var gspaId = (await GetAsync<InstitutionDto>("/api/v1/institutions/snu-graduate-school-of-public-administration")).Id;
        var gspaKey = (await keys.CreateAsync("gspa", ApiKeyRole.Partner, gspaId, null, CancellationToken.None)).Secret;
        var organizers = (await GetAsync<EventDto>(RoundTable)).Organizers;
        Guid EntryOf(string slug) => organizers.Single(o => o.Institution.Slug == slug).Id;

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
        var promoted = await GetAsync<EventDto>(RoundTable);
        Assert.Equal("organizer", promoted.Organizers.Single(o => o.Institution.Slug == "snu-graduate-school-of-public-administration").Role);
        Assert.Equal(2, promoted.Version);
        using var admin = await SendAsync(HttpMethod.Delete, $"{RoundTable}/organizers/{EntryOf("iitu")}", AdminKey, ifMatch: "\"2\"");
        Assert.Equal(HttpStatusCode.NoContent, admin.StatusCode);
        var afterAdmin = await GetAsync<EventDto>(RoundTable);
        Assert.Equal(["snu-graduate-school-of-public-administration"], afterAdmin.Organizers.Select(o => o.Institution.Slug));
        Assert.Equal(3, afterAdmin.Version);
    }
}
