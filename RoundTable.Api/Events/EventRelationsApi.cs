using RoundTable.Api.Auth;
using RoundTable.Api.Database;
using RoundTable.Api.Http;

namespace RoundTable.Api.Events;

/// <summary>An event's organizers, participants, quotes and acknowledgements, written as parts of the event.</summary>
internal static class EventRelationsApi
{
    public static IEndpointRouteBuilder MapEventRelations(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/events").WithTags("Events");

        group.MapRelation("Event", Target, new Relation<EventOrganizerRequest>("organizers", "an event's organizers",
            async (eventId, expected, request, itemId, caller, services, ct) =>
            {
                var store = services.GetRequiredService<EventsStore>();
                Guid? institutionId = request is null ? null : await services.GetRequiredService<Resolver>().InstitutionAsync(request.Institution!, "institution", ct);
                if (!caller.IsAdmin && itemId is { } item)
                {
                    await GuardOwnersAsync(store, eventId, item, caller, institutionId, request?.Role, ct);
                }
                object? values = request is null ? null : new
                {
                    InstitutionId = institutionId,
                    Role = SnakeCaseEnum<OrganizerRole>.ToName(request.Role!.Value),
                };
                return await store.ChangeOrganizerAsync(eventId, expected, itemId, values, caller.KeyId, ct,
                    References.Of(institutions: institutionId is { } i ? [i] : null));
            }, (eventId, itemId, services, ct) => services.GetRequiredService<EventsStore>().GetOrganizerJsonAsync(eventId, itemId, ct)), ReadBackAsync);

        group.MapRelation("Event", Target, new Relation<EventParticipantRequest>("participants", "an event's participants",
            async (eventId, expected, request, itemId, caller, services, ct) =>
            {
                var resolver = services.GetRequiredService<Resolver>();
                if (request is null)
                {
                    return await services.GetRequiredService<EventsStore>().ChangeParticipantAsync(eventId, expected, itemId, null, caller.KeyId, ct);
                }
                var speakerId = await resolver.SpeakerAsync(request.Speaker!, "speaker", ct);
                var institutions = await resolver.InstitutionsAsync(request.Institutions ?? [], "institutions", ct);
                var values = new { SpeakerId = speakerId, Role = SnakeCaseEnum<ParticipantRole>.ToName(request.Role!.Value), Institutions = institutions };
                return await services.GetRequiredService<EventsStore>().ChangeParticipantAsync(eventId, expected, itemId, values, caller.KeyId, ct,
                    References.Of(speakers: [speakerId], institutions: institutions));
            }, (eventId, itemId, services, ct) => services.GetRequiredService<EventsStore>().GetParticipantJsonAsync(eventId, itemId, ct)), ReadBackAsync);

        group.MapRelation("Event", Target, new Relation<EventQuoteRequest>("quotes", "an event's quotes",
            async (eventId, expected, request, itemId, caller, services, ct) =>
            {
                Guid? speakerId = request is null ? null : await services.GetRequiredService<Resolver>().SpeakerAsync(request.Speaker!, "speaker", ct);
                object? values = request is null ? null : new { SpeakerId = speakerId, request.Text };
                return await services.GetRequiredService<EventsStore>().ChangeQuoteAsync(eventId, expected, itemId, values, caller.KeyId, ct,
                    References.Of(speakers: speakerId is { } s ? [s] : null));
            }, (eventId, itemId, services, ct) => services.GetRequiredService<EventsStore>().GetQuoteJsonAsync(eventId, itemId, ct)), ReadBackAsync);

        group.MapRelation("Event", Target, new Relation<EventAcknowledgementRequest>("acknowledgements", "an event's acknowledgements",
            async (eventId, expected, request, itemId, caller, services, ct) =>
            {
                var resolver = services.GetRequiredService<Resolver>();
                if (request is null)
                {
                    return await services.GetRequiredService<EventsStore>().ChangeAcknowledgementAsync(eventId, expected, itemId, null, caller.KeyId, ct);
                }
                var fromId = await resolver.InstitutionAsync(request.From!, "from", ct);
                var toId = await resolver.SpeakerAsync(request.To!, "to", ct);
                var values = new { FromId = fromId, ToId = toId, Kind = SnakeCaseEnum<AcknowledgementKind>.ToName(request.Kind!.Value), request.Description };
                return await services.GetRequiredService<EventsStore>().ChangeAcknowledgementAsync(eventId, expected, itemId, values, caller.KeyId, ct,
                    References.Of(speakers: [toId], institutions: [fromId]));
            }, (eventId, itemId, services, ct) => services.GetRequiredService<EventsStore>().GetAcknowledgementJsonAsync(eventId, itemId, ct)), ReadBackAsync);
        return routes;
    }

    /// <summary>
    /// A partner may not touch another owning institution's entry (organizer or co_organizer), nor remove or demote
    /// its own: either would take the event away from an institution that holds it.
    /// </summary>
    private static async Task GuardOwnersAsync(EventsStore store, Guid eventId, Guid itemId, Caller caller,
        Guid? newInstitution, OrganizerRole? newRole, CancellationToken ct)
    {
        if (await store.GetOrganizerJsonAsync(eventId, itemId, ct) is not { } json)
        {
            return; // not there: the change itself answers 404
        }
        var entry = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        var role = entry["role"]!.GetValue<string>();
        if (role is not ("organizer" or "co_organizer"))
        {
            return;
        }
        var institution = entry["institution"]!.GetValue<Guid>();
        if (institution != caller.InstitutionId)
        {
            throw new ForbiddenException("A partner key may not change or remove another organizing institution's entry.");
        }
        if (newInstitution != caller.InstitutionId || newRole is not (OrganizerRole.Organizer or OrganizerRole.CoOrganizer))
        {
            throw new ForbiddenException("A partner key may not remove or demote its own institution's organizer entry: it would lose the event.");
        }
    }

    private static WriteTarget Target(IServiceProvider services)
    {
        var store = services.GetRequiredService<EventsStore>();
        return new WriteTarget("event", store.FindIdAsync,
            (id, caller, ct) => store.IsOrganizerAsync(id, caller.InstitutionId!.Value, ct),
            "A partner key changes only events its institution organizes or co-organizes.");
    }

    private static async Task<EventResponse?> ReadBackAsync(Guid id, IServiceProvider services, CancellationToken ct) =>
        await services.GetRequiredService<EventsStore>().GetAsync(new ResourceKey(id, null), ct) is { } details
            ? EventMappings.ToResponse(details)
            : null;
}
