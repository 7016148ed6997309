namespace RoundTable.Api.Tests.Infrastructure;

/// <summary>A seeded resource under each item route, so that a test can try every {idOrSlug} route of the contract.</summary>
internal static class Seeded
{
    public static readonly IReadOnlyDictionary<string, string> ItemKeys = new Dictionary<string, string>
    {
        ["/api/v1/events/"] = "iitu-snu-round-table-2024",
        ["/api/v1/speakers/"] = "kilkon-ko",
        ["/api/v1/institutions/"] = "iitu",
        ["/api/v1/recommendations/"] = "urgently-raise-civil-servants-digital-literacy",
        ["/api/v1/themes/"] = "digital-literacy",
        ["/api/v1/sources/"] = "iitu-snu-round-table-2024-report",
    };

    /// <summary><paramref name="template"/> with its {idOrSlug} replaced by the seeded key of its resource, or null when it has none.</summary>
    public static string? ItemPath(string template)
    {
        if (!template.Contains("{idOrSlug}", StringComparison.Ordinal))
        {
            return template;
        }
        var prefix = ItemKeys.Keys.FirstOrDefault(p => template.StartsWith(p, StringComparison.Ordinal));
        return prefix is null ? null : template.Replace("{idOrSlug}", ItemKeys[prefix], StringComparison.Ordinal);
    }
}
