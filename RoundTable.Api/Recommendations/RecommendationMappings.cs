using Mapster;
using RoundTable.Api.Events;
using RoundTable.Api.Institutions;
using RoundTable.Api.Mapping;
using RoundTable.Api.Speakers;

namespace RoundTable.Api.Recommendations;

internal sealed class RecommendationMappings : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.AddSnakeCaseEnum<RecommendationStatus>();
        config.NewConfig<RecommendationRow, RecommendationSummary>();
        config.NewConfig<RecommendationDetailRow, RecommendationResponse>()
            .Map(d => d.Event, s => new EventRef(s.EventId, s.EventSlug, s.EventTitle, s.EventStartDate))
            .Ignore(d => d.Themes, d => d.ProposedBy, d => d.StatusHistory);
        config.NewConfig<RecommendationWriteRequest, RecommendationWriteRow>()
            .Ignore(d => d.Themes, d => d.ThemeIds, d => d.Proposers, d => d.EventId, d => d.LastChangedOn);
        config.NewConfig<RecommendationWriteRow, RecommendationWriteRequest>()
            .Map(d => d.Event, s => s.EventId.ToString())
            .Map(d => d.Themes, s => s.Themes.ToList())
            .Map(d => d.ProposedBy, s => ToProposerRequests(s.Proposers));
        config.NewConfig<ThemeRow, ThemeResponse>();
        config.NewConfig<StatusChangeRow, StatusChangeResponse>();
        config.NewConfig<ProposerRow, ProposerResponse>()
            .Map(d => d.Speaker, s => s.SpeakerId == null ? null : new SpeakerRef(s.SpeakerId.Value, s.SpeakerSlug!, s.SpeakerFullName!, s.SpeakerHonorific))
            .Map(d => d.Institution, s => s.InstitutionId == null ? null : new InstitutionRef(s.InstitutionId.Value, s.InstitutionSlug!, s.InstitutionName!, s.InstitutionShortName));
    }

    // A method, not an inline lambda: Mapster rewrites nullable access inside nested lambdas of a mapping expression.
    private static List<ProposerRequest> ToProposerRequests(IReadOnlyList<(Guid? SpeakerId, Guid? InstitutionId)> proposers) =>
        proposers.Select(p => new ProposerRequest(p.SpeakerId?.ToString(), p.InstitutionId?.ToString())).ToList();

    public static RecommendationResponse ToResponse(RecommendationDetails details) =>
        details.Recommendation.Map<RecommendationResponse>() with
        {
            Themes = details.Themes.Select(t => t.Map<ThemeResponse>()).ToList(),
            ProposedBy = details.Proposers.Select(p => p.Map<ProposerResponse>()).ToList(),
            StatusHistory = details.StatusHistory.Select(c => c.Map<StatusChangeResponse>()).ToList(),
        };
}
