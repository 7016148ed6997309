using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using RoundTable.Api.Errors;

namespace RoundTable.Api.Http;

/// <summary>A resource addressed by its UUID or by its slug, as every item route accepts.</summary>
internal readonly partial record struct ResourceKey(Guid? Id, string? Slug)
{
    public const int MaxSlugLength = 100;

    /// <summary>The keys <see cref="TryParse"/> accepts, as an ECMA-262 pattern for the contract: a UUID, or a slug
    /// that is not shaped like one.</summary>
    public const string Pattern =
        "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
        + "|(?![0-9a-zA-Z]{8}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{12}$)[a-z0-9]+(-[a-z0-9]+)*)$";

    /// <summary>The slugs <see cref="TryParse"/> reads as slugs (not shaped like a UUID), as an ECMA-262 pattern.</summary>
    public const string SlugOnlyPattern =
        "^(?![0-9a-zA-Z]{8}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{12}$)[a-z0-9]+(-[a-z0-9]+)*$";

    public override string ToString() => Id?.ToString() ?? Slug ?? string.Empty;

    public static bool TryParse(string value, out ResourceKey key, out ProblemHttpResult? problem)
    {
        key = default;
        problem = null;
        if (Guid.TryParseExact(value, "D", out var id))
        {
            key = new ResourceKey(id, null);
            return true;
        }
        if (value.Length <= MaxSlugLength && SlugPattern().IsMatch(value) && !UuidLike().IsMatch(value))
        {
            key = new ResourceKey(null, value);
            return true;
        }
        problem = Problems.Validation(new Dictionary<string, string[]>
        {
            ["idOrSlug"] = [$"'{Truncate(value)}' is neither a UUID nor a slug (lowercase letters, digits and single hyphens, at most {MaxSlugLength} characters)."],
        });
        return false;
    }

    private static string Truncate(string value) => value.Length <= 60 ? value : value[..60] + "…";

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    internal static partial Regex SlugPattern();

    // Something shaped like a UUID (8-4-4-4-12) that failed to parse is a malformed id, not a slug.
    [GeneratedRegex("^[0-9a-zA-Z]{8}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{12}$")]
    private static partial Regex UuidLike();
}
