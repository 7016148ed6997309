using System.Text.Json.Nodes;
using Mapster;
using RoundTable.Api.Events;
using RoundTable.Api.Institutions;
using RoundTable.Api.LinkedData;
using RoundTable.Api.Mapping;

namespace RoundTable.Api.Speakers;

internal sealed class SpeakerMappings : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.NewConfig<SpeakerRow, SpeakerSummary>();
        config.NewConfig<SpeakerWriteRequest, SpeakerRow>();
        config.NewConfig<SpeakerRow, SpeakerWriteRequest>();
        config.NewConfig<SpeakerRow, SpeakerResponse>()
            .Ignore(d => d.Affiliations);
        config.NewConfig<AffiliationRow, AffiliationResponse>()
            .Map(d => d.Institution, s => new InstitutionRef(s.InstitutionId, s.InstitutionSlug, s.InstitutionName, s.InstitutionShortName));
        config.NewConfig<AffiliationRow, InstitutionSpeakerResponse>()
            .Map(d => d.Speaker, s => new SpeakerRef(s.SpeakerId, s.SpeakerSlug, s.SpeakerFullName, s.SpeakerHonorific));
        config.NewConfig<SpeakerEventRow, SpeakerEventResponse>()
            .Map(d => d.Event, s => new EventRef(s.EventId, s.EventSlug, s.EventTitle, s.EventStartDate));
    }

    public static SpeakerResponse ToResponse(SpeakerDetails details) =>
        details.Speaker.Map<SpeakerResponse>() with
        {
            Affiliations = details.Affiliations.Select(a => a.Map<AffiliationResponse>()).ToList(),
        };

    /// <summary>A person as a schema.org Person with the organizations they belong to, wherever a JSON-LD document names one.</summary>
    public static JsonObject ToPerson(SpeakerRef s, IEnumerable<InstitutionRef> affiliations, LinkedDataContext context) => new()
    {
        ["@type"] = "Person",
        ["@id"] = context.Url("speakers", s.Slug),
        ["identifier"] = s.Id.ToString(),
        ["name"] = JsonLd.Text(s.FullName),
        ["honorificPrefix"] = JsonLd.Text(s.Honorific),
        ["affiliation"] = new JsonArray([.. affiliations.DistinctBy(a => a.Id).Select(a => (JsonNode)InstitutionMappings.ToOrganization(a, context))]),
    };
}

/// <summary>A speaker in JSON-LD: a Person with their positions and ORCID.</summary>
public sealed partial record SpeakerResponse : ILinkedData
{
    JsonObject ILinkedData.ToLinkedData(LinkedDataContext context)
    {
        var node = SpeakerMappings.ToPerson(new SpeakerRef(Id, Slug, FullName, Honorific), Affiliations.Select(a => a.Institution), context);
        node["@context"] = "https://schema.org";
        node["description"] = JsonLd.Text(Bio);
        node["jobTitle"] = new JsonArray([.. Affiliations.Where(a => a.Position is not null).Select(a => JsonLd.Text(a.Position))]);
        if (Orcid is not null)
        {
            node["sameAs"] = $"https://orcid.org/{Orcid}";
        }
        return node;
    }
}
