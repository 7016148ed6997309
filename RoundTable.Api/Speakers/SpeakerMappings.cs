using Mapster;
using RoundTable.Api.Http;
using RoundTable.Api.Institutions;
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
            .Map(d => d.Institution, s => Refs.Institution(s.InstitutionId, s.InstitutionSlug, s.InstitutionName, s.InstitutionShortName));
        config.NewConfig<AffiliationRow, InstitutionSpeakerResponse>()
            .Map(d => d.Speaker, s => Refs.Speaker(s.SpeakerId, s.SpeakerSlug, s.SpeakerFullName, s.SpeakerHonorific));
        config.NewConfig<SpeakerEventRow, SpeakerEventResponse>()
            .Map(d => d.Event, s => Refs.Event(s.EventId, s.EventSlug, s.EventTitle, s.EventStartDate));
    }

    public static SpeakerResponse ToResponse(SpeakerRow speaker, IReadOnlyList<AffiliationRow> affiliations) =>
        speaker.Map<SpeakerResponse>() with
        {
            Affiliations = affiliations.Select(a => a.Map<AffiliationResponse>()).ToList(),
        };
}
