using Mapster;
using RoundTable.Api.Http;
using RoundTable.Api.Mapping;

namespace RoundTable.Api.Institutions;

internal sealed class InstitutionMappings : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.NewConfig<InstitutionRow, InstitutionSummary>();
        config.NewConfig<InstitutionRow, InstitutionResponse>()
            .Map(d => d.Parent, s => s.ParentId == null ? null : Refs.Institution(s.ParentId.Value, s.ParentSlug!, s.ParentName!, s.ParentShortName))
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
            .Map(d => d.Event, s => Refs.Event(s.EventId, s.EventSlug, s.EventTitle, s.EventStartDate))
            .Map(d => d.Involvement, s => s.Involvement.Select(SnakeCaseEnum<InstitutionInvolvement>.Parse).ToList());
    }

    public static InstitutionResponse ToResponse(InstitutionDetails details) =>
        details.Institution.Map<InstitutionResponse>() with
        {
            Rankings = details.Rankings.Select(r => r.Map<RankingResponse>()).ToList(),
            Figures = details.Figures.Select(f => f.Map<FigureResponse>()).ToList(),
        };
}
