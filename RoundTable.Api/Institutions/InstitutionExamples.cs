namespace RoundTable.Api.Institutions;

/// <summary>The examples of the institution operations (see OperationExamples): reads name a seeded institution, writes the one the create example makes.</summary>
internal static class InstitutionExamples
{
    public const string Seeded = "iitu";
    public const string Slug = "example-astana-civil-service-institute";

    public const string Create = """
        {
          "slug": "example-astana-civil-service-institute",
          "name": {
            "en": "Astana Civil Service Institute",
            "ru": "Астанинский институт государственной службы",
            "kk": "Астана мемлекеттік қызмет институты"
          },
          "shortName": { "en": "ACSI" },
          "kind": "academy",
          "country": "KZ",
          "city": { "en": "Astana", "ru": "Астана", "kk": "Астана" },
          "website": "https://example.org/acsi",
          "rorId": null,
          "parent": "academy-of-public-administration-kz"
        }
        """;

    public const string Replace = """
        {
          "slug": "example-astana-civil-service-institute",
          "name": { "en": "Astana Institute of Civil Service", "ru": "Астанинский институт государственной службы" },
          "shortName": null,
          "kind": "academy",
          "country": "KZ",
          "city": { "en": "Astana" },
          "website": null,
          "rorId": null,
          "parent": null
        }
        """;

    /// <summary>A merge patch: the members it names change, null clears one.</summary>
    public const string Patch = """{ "website": "https://example.org/acsi", "city": null }""";

    public const string AddRanking = """{ "ranking": "QS World University Rankings", "year": 2025, "subject": null, "rank": 601 }""";
    public const string ReplaceRanking = """
        { "ranking": "QS World University Rankings", "year": 2025, "subject": { "en": "Public policy and administration" }, "rank": 151 }
        """;
    public const string PatchRanking = """{ "rank": 140 }""";
}
