namespace RoundTable.Api.Recommendations;

/// <summary>
/// The examples of the recommendation operations (see OperationExamples): reads name a seeded recommendation, writes
/// the one the create example makes (on the seeded round table, so it needs no other example first).
/// </summary>
internal static class RecommendationExamples
{
    public const string Seeded = "urgently-raise-civil-servants-digital-literacy";
    public const string Slug = "example-share-administrative-data-between-agencies";

    public const string Create = """
        {
          "slug": "example-share-administrative-data-between-agencies",
          "event": "iitu-snu-round-table-2024",
          "title": { "en": "Share administrative data between agencies", "ru": "Обмениваться административными данными между ведомствами" },
          "body": { "en": "Agencies should publish the data they collect to one another through a common catalogue." },
          "targetAudience": { "en": "Central government agencies" },
          "themes": ["digital-policy"],
          "proposedBy": [ { "speaker": "kilkon-ko", "institution": "seoul-national-university" } ]
        }
        """;

    public const string Replace = """
        {
          "slug": "example-share-administrative-data-between-agencies",
          "event": "iitu-snu-round-table-2024",
          "title": { "en": "Share administrative data between agencies" },
          "body": { "en": "Agencies should publish the data they collect to one another through a common catalogue, with its owners named." },
          "targetAudience": null,
          "themes": ["digital-policy", "digital-transformation"],
          "proposedBy": [ { "speaker": null, "institution": "iitu" } ]
        }
        """;

    /// <summary>A merge patch: the members it names change, null clears one; an array is replaced whole.</summary>
    public const string Patch = """{ "targetAudience": { "en": "Central and local government agencies" }, "themes": ["digital-policy"] }""";

    /// <summary>No changedOn: today, which is never earlier than the create's own first status.</summary>
    public const string ChangeStatus = """{ "status": "accepted", "note": { "en": "Taken up by the agency's digital office." } }""";
}
