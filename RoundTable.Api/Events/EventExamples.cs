namespace RoundTable.Api.Events;

/// <summary>
/// The examples of the event operations (see OperationExamples): reads name the seeded round table; writes name the
/// seminar the create example makes, and its relations name seeded institutions and speakers.
/// </summary>
internal static class EventExamples
{
    public const string Seeded = "iitu-snu-round-table-2024";
    public const string Slug = "example-data-governance-seminar-2026";

    public const string Create = """
        {
          "slug": "example-data-governance-seminar-2026",
          "title": {
            "en": "Data governance in the public service",
            "ru": "Управление данными на государственной службе",
            "kk": "Мемлекеттік қызметтегі деректерді басқару",
            "ko": "공공 부문의 데이터 거버넌스"
          },
          "kind": "seminar",
          "status": "scheduled",
          "startDate": "2026-03-12",
          "endDate": "2026-03-12",
          "startsAt": "2026-03-12T10:00:00+05:00",
          "endsAt": "2026-03-12T13:00:00+05:00",
          "timeZone": "Asia/Almaty",
          "venue": { "en": "IITU, 34/1 Manas Street" },
          "city": { "en": "Almaty", "ru": "Алматы", "kk": "Алматы" },
          "country": "KZ",
          "summary": { "en": "A seminar for civil servants on sharing and protecting administrative data." },
          "sourceUrl": "https://iitu.edu.kz/en/",
          "published": true,
          "organizers": [ { "institution": "iitu", "role": "organizer" } ]
        }
        """;

    public const string Replace = """
        {
          "slug": "example-data-governance-seminar-2026",
          "title": {
            "en": "Data governance in the public service",
            "ru": "Управление данными на государственной службе",
            "kk": "Мемлекеттік қызметтегі деректерді басқару"
          },
          "kind": "seminar",
          "status": "postponed",
          "startDate": "2026-04-16",
          "endDate": "2026-04-16",
          "startsAt": null,
          "endsAt": null,
          "timeZone": "Asia/Almaty",
          "venue": null,
          "city": { "en": "Almaty" },
          "country": "KZ",
          "summary": { "en": "Moved to April; the programme is unchanged." },
          "sourceUrl": null,
          "published": true
        }
        """;

    /// <summary>A merge patch: the members it names change, null clears one.</summary>
    public const string Patch = """
        { "status": "scheduled", "summary": { "en": "Held on 16 April 2026 at IITU." }, "city": null }
        """;

    public const string AddOrganizer = """{ "institution": "academy-of-public-administration-kz", "role": "partner" }""";
    public const string ReplaceOrganizer = """{ "institution": "academy-of-public-administration-kz", "role": "co_organizer" }""";
    public const string PatchOrganizer = """{ "role": "partner" }""";

    public const string AddParticipant = """{ "speaker": "kilkon-ko", "role": "speaker", "institutions": ["seoul-national-university"] }""";
    public const string ReplaceParticipant = """
        { "speaker": "kilkon-ko", "role": "panelist", "institutions": ["snu-graduate-school-of-public-administration"] }
        """;
    public const string PatchParticipant = """{ "role": "moderator" }""";

    public const string AddQuote = """
        { "speaker": "kilkon-ko", "text": { "en": "Data that one agency collects should serve every agency." } }
        """;
    public const string ReplaceQuote = """
        { "speaker": "kilkon-ko", "text": { "en": "Data that one agency collects should serve every agency, and its citizens." } }
        """;
    public const string PatchQuote = """{ "text": { "ko": "한 기관이 모은 데이터는 모든 기관에 쓰여야 합니다." } }""";

    public const string AddAcknowledgement = """
        { "from": "iitu", "to": "kilkon-ko", "kind": "letter_of_gratitude", "description": { "en": "For the seminar's opening lecture." } }
        """;
    public const string ReplaceAcknowledgement = """
        { "from": "iitu", "to": "kilkon-ko", "kind": "letter_of_gratitude", "description": { "en": "For the seminar's opening lecture and its discussion." } }
        """;
    public const string PatchAcknowledgement = """{ "description": null }""";
}
