namespace RoundTable.Api.Speakers;

/// <summary>The examples of the speaker operations (see OperationExamples): reads name a seeded speaker, writes the one the create example makes.</summary>
internal static class SpeakerExamples
{
    public const string Seeded = "kilkon-ko";
    public const string Slug = "example-aigerim-sadykova";

    public const string Create = """
        {
          "slug": "example-aigerim-sadykova",
          "fullName": { "en": "Aigerim Sadykova", "ru": "Айгерим Садыкова", "kk": "Әйгерім Садықова" },
          "honorific": { "en": "Dr" },
          "orcid": "0000-0002-1825-0097",
          "bio": { "en": "Researches digital skills in the civil service." }
        }
        """;

    public const string Replace = """
        {
          "slug": "example-aigerim-sadykova",
          "fullName": { "en": "Aigerim Sadykova", "ru": "Айгерим Садыкова", "kk": "Әйгерім Садықова", "ko": "아이게림 사디코바" },
          "honorific": { "en": "Professor" },
          "orcid": null,
          "bio": { "en": "Researches digital skills and data literacy in the civil service." }
        }
        """;

    /// <summary>A merge patch: the members it names change, null clears one.</summary>
    public const string Patch = """{ "honorific": null, "bio": { "ru": "Исследует цифровые навыки на государственной службе." } }""";

    public const string AddAffiliation = """
        { "institution": "iitu", "position": { "en": "Associate professor" }, "startDate": "2021-09-01", "endDate": null }
        """;
    public const string ReplaceAffiliation = """
        { "institution": "iitu", "position": { "en": "Professor" }, "startDate": "2021-09-01", "endDate": null }
        """;
    public const string PatchAffiliation = """{ "endDate": "2025-08-31" }""";
}
