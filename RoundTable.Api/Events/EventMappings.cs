using System.Globalization;
using System.Text.Json.Nodes;
using Mapster;
using RoundTable.Api.Institutions;
using RoundTable.Api.Json;
using RoundTable.Api.LinkedData;
using RoundTable.Api.Mapping;
using RoundTable.Api.Recommendations;
using RoundTable.Api.Speakers;

namespace RoundTable.Api.Events;

internal sealed class EventMappings : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.AddSnakeCaseEnum<EventKind>().AddSnakeCaseEnum<EventStatus>().AddSnakeCaseEnum<OrganizerRole>()
            .AddSnakeCaseEnum<ParticipantRole>().AddSnakeCaseEnum<AcknowledgementKind>();
        config.NewConfig<EventRow, EventSummary>();
        config.NewConfig<EventOrganizerRow, EventOrganizerResponse>()
            .Map(d => d.Institution, s => new InstitutionRef(s.InstitutionId, s.InstitutionSlug, s.InstitutionName, s.InstitutionShortName));
        config.NewConfig<EventParticipantRow, EventParticipantResponse>()
            .Map(d => d.Speaker, s => new SpeakerRef(s.SpeakerId, s.SpeakerSlug, s.SpeakerFullName, s.SpeakerHonorific))
            .Ignore(d => d.Institutions);
        config.NewConfig<ParticipantInstitutionRow, InstitutionRef>()
            .Map(d => d.Id, s => s.InstitutionId)
            .Map(d => d.Slug, s => s.InstitutionSlug)
            .Map(d => d.Name, s => s.InstitutionName)
            .Map(d => d.ShortName, s => s.InstitutionShortName);
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
    }

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

    /// <summary>include=organizers,participants,recommendations: the relations read for a page, put on its items.</summary>
    public static IReadOnlyList<EventSummary> WithIncludes(IReadOnlyList<EventSummary> items, EventIncludes found)
    {
        var organizers = found.Organizers?.ToLookup(o => o.EventId);
        var participants = found.Participants?.ToLookup(p => p.EventId);
        var recommendations = found.Recommendations?.ToLookup(r => r.EventId);
        return items.Select(e => e with
        {
            Organizers = organizers?[e.Id].Select(o => o.Map<EventOrganizerResponse>()).ToList(),
            Participants = participants is null ? null : ToParticipants(participants[e.Id].ToList(), found.ParticipantInstitutions!),
            Recommendations = recommendations?[e.Id].Select(r => r.Map<RecommendationSummary>()).ToList(),
        }).ToList();
    }
}

/// <summary>An event in JSON-LD: a schema.org Event with its organizers, performers and place.</summary>
public sealed partial record EventResponse : ILinkedData
{
    JsonObject ILinkedData.ToLinkedData(LinkedDataContext context)
    {
        var url = context.Url("events", Slug);
        var node = new JsonObject
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "Event",
            ["@id"] = url,
            ["url"] = url,
            ["identifier"] = Id.ToString(),
            ["name"] = JsonLd.Text(Title),
            ["description"] = JsonLd.Text(Summary),
            ["startDate"] = StartsAt?.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture) ?? StartDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["endDate"] = EndsAt?.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture) ?? EndDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["eventStatus"] = Status switch
            {
                EventStatus.Cancelled => "https://schema.org/EventCancelled",
                EventStatus.Postponed => "https://schema.org/EventPostponed",
                _ => "https://schema.org/EventScheduled",
            },
            ["organizer"] = new JsonArray([.. Organizers.Select(o => InstitutionMappings.ToOrganization(o.Institution, context))]),
            ["performer"] = new JsonArray([.. Participants.Select(p => (JsonNode)SpeakerMappings.ToPerson(p.Speaker, p.Institutions, context))]),
        };
        if (Venue is not null || City is not null || Country is not null)
        {
            node["location"] = new JsonObject
            {
                ["@type"] = "Place",
                ["name"] = JsonLd.Text(Venue ?? City),
                ["address"] = new JsonObject
                {
                    ["@type"] = "PostalAddress",
                    ["addressLocality"] = JsonLd.Text(City),
                    ["addressCountry"] = Country,
                },
            };
        }
        if (SourceUrl is not null)
        {
            node["sameAs"] = SourceUrl;
        }
        return node;
    }
}
