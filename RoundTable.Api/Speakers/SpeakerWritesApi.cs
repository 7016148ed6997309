using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using RoundTable.Api.Auth;
using RoundTable.Api.Http;
using RoundTable.Api.Mapping;

namespace RoundTable.Api.Speakers;

/// <summary>Speaker writes: any key may create one; a partner changes only those its institution's keys created.</summary>
internal static class SpeakerWritesApi
{
    private const string Resource = "speaker";

    public static IEndpointRouteBuilder MapSpeakerWrites(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/speakers").WithTags("Speakers");
        group.MapPost("/", Create).WithName("createSpeaker").WithSummary("Create a speaker")
            .Validate<SpeakerWriteRequest>().RequireKey().Idempotent().WithWriteProblems();
        group.MapPut("/{idOrSlug}", Replace).WithName("replaceSpeaker").WithSummary("Replace a speaker's fields (If-Match required)")
            .Validate<SpeakerWriteRequest>().RequireKey().WithWriteProblems(conditional: true);
        group.MapPatch("/{idOrSlug}", Patch).WithName("patchSpeaker")
            .WithSummary("Change some of a speaker's fields with a JSON Merge Patch (If-Match required)")
            .Accepts<SpeakerWriteRequest>(MergePatch.MediaType).ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).RequireKey().WithWriteProblems(conditional: true);
        group.MapDelete("/{idOrSlug}", Delete).WithName("deleteSpeaker")
            .WithSummary("Delete a speaker no live event or recommendation names (If-Match required)")
            .ProducesProblem(StatusCodes.Status400BadRequest).RequireKey().WithWriteProblems(conditional: true);

        group.MapRelation("Speaker", services => Target(services.GetRequiredService<SpeakersStore>()),
            new Relation<AffiliationRequest>("affiliations", "a speaker's affiliations", async (speakerId, expected, request, itemId, caller, services, ct) =>
            {
                Guid? institutionId = request is null ? null : await services.GetRequiredService<Database.Resolver>().InstitutionAsync(request.Institution!, "institution", ct);
                object? values = request is null ? null : new { InstitutionId = institutionId, request.Position, request.StartDate, request.EndDate };
                return await services.GetRequiredService<SpeakersStore>().ChangeAffiliationAsync(speakerId, expected, itemId, values, caller.KeyId, ct,
                    Database.References.Of(institutions: institutionId is { } i ? [i] : null));
            }, (speakerId, itemId, services, ct) => services.GetRequiredService<SpeakersStore>().GetAffiliationJsonAsync(speakerId, itemId, ct)),
            async (id, services, ct) => await services.GetRequiredService<SpeakersStore>().GetAsync(new ResourceKey(id, null), ct) is { } d
                ? SpeakerMappings.ToResponse(d.Speaker, d.Affiliations) : null);
        return routes;
    }

    private static WriteTarget Target(SpeakersStore store) => new(Resource, store.FindIdAsync,
        (id, caller, ct) => store.WasCreatedByAsync(id, caller.InstitutionId!.Value, ct),
        "A partner key changes only the speakers its own institution's keys created.");

    private static async Task<Results<Created<SpeakerResponse>, ProblemHttpResult>> Create(
        SpeakerWriteRequest request, HttpContext context, SpeakersStore store, CancellationToken ct)
    {
        var (id, version) = await store.CreateAsync(request.Map<SpeakerRow>(), Caller.From(context.User).KeyId, ct);
        context.SetETag(version);
        var details = await store.GetAsync(new ResourceKey(id, null), ct);
        return TypedResults.Created($"/api/v1/speakers/{id}", SpeakerMappings.ToResponse(details!.Speaker, details.Affiliations));
    }

    private static async Task<Results<Ok<SpeakerResponse>, ProblemHttpResult>> Replace(
        string idOrSlug, SpeakerWriteRequest request, HttpContext context, SpeakersStore store, CancellationToken ct)
    {
        var (id, problem) = await WriteEndpoints.ChangeAsync(Target(store), idOrSlug, context,
            (id, expected, caller) => store.UpdateAsync(id, expected, request.Map<SpeakerRow>(), caller.KeyId, ct), ct);
        return problem ?? await ReadBackAsync(id, idOrSlug, store, ct);
    }

    private static async Task<Results<Ok<SpeakerResponse>, ProblemHttpResult>> Patch(
        string idOrSlug, HttpContext context, SpeakersStore store, IValidator<SpeakerWriteRequest> validator,
        IOptions<JsonOptions> json, CancellationToken ct)
    {
        var (id, problem) = await WriteEndpoints.PatchAsync(Target(store), idOrSlug, context, validator, json.Value.SerializerOptions,
            async id => await store.GetWritableAsync(id, ct) is { } row ? (row.Map<SpeakerWriteRequest>(), row.Version) : null,
            (id, expected, request, caller) => store.UpdateAsync(id, expected, request.Map<SpeakerRow>(), caller.KeyId, ct), ct);
        return problem ?? await ReadBackAsync(id, idOrSlug, store, ct);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string idOrSlug, HttpContext context, SpeakersStore store, CancellationToken ct)
    {
        var (_, problem) = await WriteEndpoints.ChangeAsync(Target(store), idOrSlug, context,
            (id, expected, caller) => store.DeleteAsync(id, expected, caller.KeyId, ct), ct);
        return problem is null ? TypedResults.NoContent() : problem;
    }

    private static async Task<Results<Ok<SpeakerResponse>, ProblemHttpResult>> ReadBackAsync(Guid id, string idOrSlug, SpeakersStore store, CancellationToken ct)
    {
        var details = await store.GetAsync(new ResourceKey(id, null), ct);
        return details is null ? Problems.NotFound(Resource, idOrSlug) : TypedResults.Ok(SpeakerMappings.ToResponse(details.Speaker, details.Affiliations));
    }
}
