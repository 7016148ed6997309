using RoundTable.Api.Http;
using RoundTable.Api.Institutions;
using RoundTable.Api.Speakers;

namespace RoundTable.Api.Database;

/// <summary>Turns the ids or slugs a write refers to into ids; an unknown one is a 400 naming the field.</summary>
internal sealed class Resolver(SpeakersStore speakers, InstitutionsStore institutions)
{
    public async Task<Guid> SpeakerAsync(string value, string field, CancellationToken ct) =>
        (await ResolveAsync(speakers.ResolveAsync, [value], field, "speaker", ct))[0];

    public async Task<Guid> InstitutionAsync(string value, string field, CancellationToken ct) =>
        (await ResolveAsync(institutions.ResolveAsync, [value], field, "institution", ct))[0];

    public Task<Guid[]> InstitutionsAsync(IReadOnlyList<string> values, string field, CancellationToken ct) =>
        ResolveAsync(institutions.ResolveAsync, values, field, "institution", ct);

    private static async Task<Guid[]> ResolveAsync(
        Func<IReadOnlyCollection<ResourceKey>, CancellationToken, Task<IReadOnlyDictionary<ResourceKey, Guid>>> resolve,
        IReadOnlyList<string> values, string field, string what, CancellationToken ct)
    {
        var keys = values.Select(v => ResourceKey.TryParse(v, out var k, out _) ? k : default).ToList();
        var found = await resolve(keys, ct);
        var errors = values.Select((v, i) => (v, i)).Where(x => !found.ContainsKey(keys[x.i]))
            .ToDictionary(x => values.Count == 1 && !field.EndsWith(']') ? field : $"{field}[{x.i}]", x => new[] { $"There is no {what} '{x.v}'." });
        return errors.Count > 0 ? throw new RequestValidationException(errors) : keys.Select(k => found[k]).ToArray();
    }
}
