using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Net.Http.Headers;
using RoundTable.Api.Events;
using RoundTable.Api.Institutions;
using RoundTable.Api.Localization;
using RoundTable.Api.Speakers;

namespace RoundTable.Api.Http;

/// <summary>
/// JSON-LD (schema.org) for search engines and linked-data clients: an event as an Event, a speaker as a Person, an
/// institution as an Organization, asked for with <c>Accept: application/ld+json</c>. Texts are in the negotiated
/// language; with lang=* each is a list of language-tagged values.
/// </summary>
internal static class LinkedData
{
    public const string MediaType = "application/ld+json";

    /// <summary>Marks a route that answers JSON-LD too (documented by OpenApi.ListParametersFilter).</summary>
    public sealed class Metadata;

    public static RouteHandlerBuilder WithLinkedData(this RouteHandlerBuilder builder) => builder.WithMetadata(new Metadata());

    /// <summary>True when the client prefers JSON-LD to plain JSON.</summary>
    public static bool IsWanted(HttpRequest request)
    {
        if (request.Headers.Accept.Count == 0 || !MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted))
        {
            return false;
        }
        var best = accepted.Where(a => a.Quality is null or > 0).OrderByDescending(a => a.Quality ?? 1)
            .FirstOrDefault(a => a.MediaType.Equals(MediaType, StringComparison.OrdinalIgnoreCase)
                || a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase));
        return best is not null && best.MediaType.Equals(MediaType, StringComparison.OrdinalIgnoreCase);
    }

    private static string Base(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}/api/v1";

    public static JsonObject Event(EventResponse e, HttpRequest request)
    {
        var url = $"{Base(request)}/events/{e.Slug}";
        var node = new JsonObject
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "Event",
            ["@id"] = url,
            ["url"] = url,
            ["identifier"] = e.Id.ToString(),
            ["name"] = Text(e.Title),
            ["description"] = Text(e.Summary),
            ["startDate"] = e.StartsAt?.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture) ?? e.StartDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["endDate"] = e.EndsAt?.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture) ?? e.EndDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["eventStatus"] = e.Status switch
            {
                EventStatus.Cancelled => "https://schema.org/EventCancelled",
                EventStatus.Postponed => "https://schema.org/EventPostponed",
                _ => "https://schema.org/EventScheduled",
            },
            ["organizer"] = new JsonArray([.. e.Organizers.Select(o => Organization(o.Institution, request))]),
            ["performer"] = new JsonArray([.. e.Participants.Select(p => (JsonNode)Person(p.Speaker, p.Institutions, request))]),
        };
        if (e.Venue is not null || e.City is not null || e.Country is not null)
        {
            node["location"] = new JsonObject
            {
                ["@type"] = "Place",
                ["name"] = Text(e.Venue ?? e.City),
                ["address"] = new JsonObject
                {
                    ["@type"] = "PostalAddress",
                    ["addressLocality"] = Text(e.City),
                    ["addressCountry"] = e.Country,
                },
            };
        }
        if (e.SourceUrl is not null)
        {
            node["sameAs"] = e.SourceUrl;
        }
        return Clean(node);
    }

    public static JsonObject Speaker(SpeakerResponse s, HttpRequest request)
    {
        var node = Person(new SpeakerRef(s.Id, s.Slug, s.FullName, s.Honorific), s.Affiliations.Select(a => a.Institution), request);
        node["@context"] = "https://schema.org";
        node["description"] = Text(s.Bio);
        node["jobTitle"] = new JsonArray([.. s.Affiliations.Where(a => a.Position is not null).Select(a => Text(a.Position))]);
        if (s.Orcid is not null)
        {
            node["sameAs"] = $"https://orcid.org/{s.Orcid}";
        }
        return Clean(node);
    }

    public static JsonObject Institution(InstitutionResponse i, HttpRequest request)
    {
        var node = Organization(new InstitutionRef(i.Id, i.Slug, i.Name, i.ShortName), request);
        node["@context"] = "https://schema.org";
        node["@type"] = i.Kind is InstitutionKind.University or InstitutionKind.GraduateSchool ? "CollegeOrUniversity"
            : i.Kind == InstitutionKind.GovernmentAgency ? "GovernmentOrganization" : "Organization";
        node["sameAs"] = new JsonArray([.. new[] { i.Website, i.RorId is null ? null : $"https://ror.org/{i.RorId}" }.Where(u => u is not null).Select(u => (JsonNode)u!)]);
        if (i.Country is not null || i.City is not null)
        {
            node["address"] = new JsonObject { ["@type"] = "PostalAddress", ["addressLocality"] = Text(i.City), ["addressCountry"] = i.Country };
        }
        if (i.Parent is not null)
        {
            node["parentOrganization"] = Organization(i.Parent, request);
        }
        return Clean(node);
    }

    private static JsonObject Organization(InstitutionRef i, HttpRequest request) => new()
    {
        ["@type"] = "Organization",
        ["@id"] = $"{Base(request)}/institutions/{i.Slug}",
        ["identifier"] = i.Id.ToString(),
        ["name"] = Text(i.Name),
        ["alternateName"] = Text(i.ShortName),
    };

    private static JsonObject Person(SpeakerRef s, IEnumerable<InstitutionRef> affiliations, HttpRequest request) => new()
    {
        ["@type"] = "Person",
        ["@id"] = $"{Base(request)}/speakers/{s.Slug}",
        ["identifier"] = s.Id.ToString(),
        ["name"] = Text(s.FullName),
        ["honorificPrefix"] = Text(s.Honorific),
        ["affiliation"] = new JsonArray([.. affiliations.DistinctBy(a => a.Id).Select(a => (JsonNode)Organization(a, request))]),
    };

    /// <summary>A string in the response language, or with lang=* every translation as a language-tagged value.</summary>
    private static JsonNode? Text(LocalizedText? text)
    {
        if (text is null)
        {
            return null;
        }
        var preference = LanguagePreference.Current;
        if (!preference.IsAll)
        {
            return preference.Resolve(text).Text;
        }
        return new JsonArray([.. text.OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => (JsonNode)new JsonObject { ["@value"] = t.Value, ["@language"] = t.Key })]);
    }

    /// <summary>Drops null and empty values, as JSON-LD consumers expect.</summary>
    private static JsonObject Clean(JsonObject node)
    {
        foreach (var (key, value) in node.ToList())
        {
            switch (value)
            {
                case null:
                case JsonArray { Count: 0 }:
                    node.Remove(key);
                    break;
                case JsonObject child:
                    Clean(child);
                    break;
                case JsonArray array:
                    foreach (var item in array.OfType<JsonObject>())
                    {
                        Clean(item);
                    }
                    break;
                default:
                    break;
            }
        }
        return node;
    }
}
