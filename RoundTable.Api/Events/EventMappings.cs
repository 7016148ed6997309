using Mapster;
using RoundTable.Api.Http;
using RoundTable.Api.Mapping;
using RoundTable.Api.Recommendations;

namespace RoundTable.Api.Events;

internal sealed class EventMappings : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.NewConfig<EventRow, EventSummary>();
        config.NewConfig<EventRow, EventResponse>()
            .Ignore(d => d.Organizers, d => d.Participants, d => d.Quotes, d => d.Acknowledgements, d => d.Recommendations);
        config.NewConfig<EventOrganizerRow, EventOrganizerResponse>()
            .Map(d => d.Institution, s => Refs.Institution(s.InstitutionId, s.InstitutionSlug, s.InstitutionName, s.InstitutionShortName));
        config.NewConfig<EventParticipantRow, EventParticipantResponse>()
            .Map(d => d.Speaker, s => Refs.Speaker(s.SpeakerId, s.SpeakerSlug, s.SpeakerFullName, s.SpeakerHonorific))
            .Ignore(d => d.Institutions);
        config.NewConfig<ParticipantInstitutionRow, InstitutionRef>()
            .Map(d => d.Id, s => s.InstitutionId)
            .Map(d => d.Slug, s => s.InstitutionSlug)
            .Map(d => d.Name, s => s.InstitutionName)
            .Map(d => d.ShortName, s => s.InstitutionShortName);
        config.NewConfig<EventQuoteRow, EventQuoteResponse>()
            .Map(d => d.Speaker, s => Refs.Speaker(s.SpeakerId, s.SpeakerSlug, s.SpeakerFullName, s.SpeakerHonorific));
        // A request fills the writable columns of a row; the server-owned ones stay default and are not written.
        config.NewConfig<EventWriteRequest, EventRow>()
            .Map(d => d.Kind, s => SnakeCaseEnum<EventKind>.ToName(s.Kind!.Value))
            .Map(d => d.Status, s => SnakeCaseEnum<EventStatus>.ToName(s.Status!.Value))
            .Map(d => d.Published, s => s.Published ?? true)
            .Map(d => d.StartsAt, s => s.StartsAt == null ? (DateTime?)null : s.StartsAt.Value.UtcDateTime)
            .Map(d => d.EndsAt, s => s.EndsAt == null ? (DateTime?)null : s.EndsAt.Value.UtcDateTime);
        config.NewConfig<CreateEventRequest, EventRow>().Inherits<EventWriteRequest, EventRow>();
        // The current event as a write request: what a merge patch applies to.
        config.NewConfig<EventRow, EventWriteRequest>()
            .Map(d => d.Kind, s => SnakeCaseEnum<EventKind>.Parse(s.Kind))
            .Map(d => d.Status, s => SnakeCaseEnum<EventStatus>.Parse(s.Status))
            .Map(d => d.StartsAt, s => s.StartsAt == null ? (DateTimeOffset?)null : new DateTimeOffset(DateTime.SpecifyKind(s.StartsAt.Value, DateTimeKind.Utc)))
            .Map(d => d.EndsAt, s => s.EndsAt == null ? (DateTimeOffset?)null : new DateTimeOffset(DateTime.SpecifyKind(s.EndsAt.Value, DateTimeKind.Utc)));
        config.NewConfig<EventAcknowledgementRow, EventAcknowledgementResponse>()
            .Map(d => d.From, s => Refs.Institution(s.InstitutionId, s.InstitutionSlug, s.InstitutionName, s.InstitutionShortName))
            .Map(d => d.To, s => Refs.Speaker(s.SpeakerId, s.SpeakerSlug, s.SpeakerFullName, s.SpeakerHonorific));
    }

    public static EventResponse ToResponse(EventDetails details) =>
        details.Event.Map<EventResponse>() with
        {
            Organizers = details.Organizers.Select(o => o.Map<EventOrganizerResponse>()).ToList(),
            Participants = ToParticipants(details.Participants, details.ParticipantInstitutions),
            Quotes = details.Quotes.Select(q => q.Map<EventQuoteResponse>()).ToList(),
            Acknowledgements = details.Acknowledgements.Select(a => a.Map<EventAcknowledgementResponse>()).ToList(),
            Recommendations = details.Recommendations.Select(r => r.Map<RecommendationSummary>()).ToList(),
        };

    public static List<EventParticipantResponse> ToParticipants(
        IReadOnlyList<EventParticipantRow> participants, IReadOnlyList<ParticipantInstitutionRow> institutions)
    {
        var byParticipant = institutions.ToLookup(i => i.ParticipantId);
        return participants.Select(p => ToParticipant(p, byParticipant[p.Id])).ToList();
    }

    public static EventParticipantResponse ToParticipant(EventParticipantRow participant, IEnumerable<ParticipantInstitutionRow> institutions) =>
        participant.Map<EventParticipantResponse>() with
        {
            Institutions = institutions.Select(i => i.Map<InstitutionRef>()).ToList(),
        };
}
