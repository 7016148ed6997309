using System.Text.Json.Nodes;
using Mapster;
using RoundTable.Api.Json;
using RoundTable.Api.LinkedData;
using RoundTable.Api.Mapping;

namespace RoundTable.Api.Institutions;

internal sealed class InstitutionMappings : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.AddSnakeCaseEnum<InstitutionKind>().AddSnakeCaseEnum<FigureQualifier>();
        config.NewConfig<InstitutionRow, InstitutionSummary>();
        config.NewConfig<InstitutionRow, InstitutionResponse>()
            .Map(d => d.Parent, s => s.ParentId == null ? null : new InstitutionRef(s.ParentId.Value, s.ParentSlug!, s.ParentName!, s.ParentShortName))
            .Ignore(d => d.Rankings, d => d.Figures);
        config.NewConfig<InstitutionWriteRequest, InstitutionRow>()
            .Map(d => d.Kind, s => SnakeCaseEnum<InstitutionKind>.ToName(s.Kind!.Value))
            .Ignore(d => d.ParentId);
        config.NewConfig<InstitutionRow, InstitutionWriteRequest>()
            .Map(d => d.Kind, s => SnakeCaseEnum<InstitutionKind>.Parse(s.Kind))
            .Map(d => d.Parent, s => s.ParentId == null ? null : s.ParentId.Value.ToString());
        config.NewConfig<RankingRow, RankingResponse>();
        config.NewConfig<FigureRow, FigureResponse>();
        config.NewConfig<InstitutionEventRow, InstitutionEventResponse>()
            .Map(d => d.Event, s => new Events.EventRef(s.EventId, s.EventSlug, s.EventTitle, s.EventStartDate))
            .Map(d => d.Involvement, s => s.Involvement.Select(SnakeCaseEnum<InstitutionInvolvement>.Parse).ToList());
    }

    public static InstitutionResponse ToResponse(InstitutionDetails details) =>
        details.Institution.Map<InstitutionResponse>() with
        {
            Rankings = details.Rankings.Select(r => r.Map<RankingResponse>()).ToList(),
            Figures = details.Figures.Select(f => f.Map<FigureResponse>()).ToList(),
        };

    /// <summary>An institution as a schema.org Organization, wherever a JSON-LD document names one.</summary>
    public static JsonObject ToOrganization(InstitutionRef i, LinkedDataContext context) => new()
    {
        ["@type"] = "Organization",
        ["@id"] = context.Url("institutions", i.Slug),
        ["identifier"] = i.Id.ToString(),
        ["name"] = JsonLd.Text(i.Name),
        ["alternateName"] = JsonLd.Text(i.ShortName),
    };
}

/// <summary>An institution in JSON-LD: a CollegeOrUniversity, GovernmentOrganization or Organization.</summary>
public sealed partial record InstitutionResponse : ILinkedData
{
    JsonObject ILinkedData.ToLinkedData(LinkedDataContext context)
    {
        var node = InstitutionMappings.ToOrganization(new InstitutionRef(Id, Slug, Name, ShortName), context);
        node["@context"] = "https://schema.org";
        node["@type"] = Kind is InstitutionKind.University or InstitutionKind.GraduateSchool ? "CollegeOrUniversity"
            : Kind == InstitutionKind.GovernmentAgency ? "GovernmentOrganization" : "Organization";
        node["sameAs"] = new JsonArray([.. new[] { Website, RorId is null ? null : $"https://ror.org/{RorId}" }.Where(u => u is not null).Select(u => (JsonNode)u!)]);
        if (Country is not null || City is not null)
        {
            node["address"] = new JsonObject { ["@type"] = "PostalAddress", ["addressLocality"] = JsonLd.Text(City), ["addressCountry"] = Country };
        }
        if (Parent is not null)
        {
            node["parentOrganization"] = InstitutionMappings.ToOrganization(Parent, context);
        }
        return node;
    }
}
