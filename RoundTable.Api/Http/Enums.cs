using System.Text.Json.Serialization;

namespace RoundTable.Api.Http;

// Wire names are explicit so that renaming a member never changes the contract or the stored value.

[JsonConverter(typeof(JsonStringEnumConverter<InstitutionKind>))]
public enum InstitutionKind
{
    [JsonStringEnumMemberName("university")] University,
    [JsonStringEnumMemberName("graduate_school")] GraduateSchool,
    [JsonStringEnumMemberName("government_agency")] GovernmentAgency,
    [JsonStringEnumMemberName("academy")] Academy,
    [JsonStringEnumMemberName("foundation")] Foundation,
    [JsonStringEnumMemberName("company")] Company,
    [JsonStringEnumMemberName("other")] Other,
}

[JsonConverter(typeof(JsonStringEnumConverter<EventKind>))]
public enum EventKind
{
    [JsonStringEnumMemberName("round_table")] RoundTable,
    [JsonStringEnumMemberName("conference")] Conference,
    [JsonStringEnumMemberName("seminar")] Seminar,
    [JsonStringEnumMemberName("workshop")] Workshop,
    [JsonStringEnumMemberName("lecture")] Lecture,
}

[JsonConverter(typeof(JsonStringEnumConverter<EventStatus>))]
public enum EventStatus
{
    [JsonStringEnumMemberName("scheduled")] Scheduled,
    [JsonStringEnumMemberName("held")] Held,
    [JsonStringEnumMemberName("cancelled")] Cancelled,
    [JsonStringEnumMemberName("postponed")] Postponed,
}

[JsonConverter(typeof(JsonStringEnumConverter<OrganizerRole>))]
public enum OrganizerRole
{
    [JsonStringEnumMemberName("organizer")] Organizer,
    [JsonStringEnumMemberName("co_organizer")] CoOrganizer,
    [JsonStringEnumMemberName("partner")] Partner,
}

[JsonConverter(typeof(JsonStringEnumConverter<ParticipantRole>))]
public enum ParticipantRole
{
    [JsonStringEnumMemberName("host")] Host,
    [JsonStringEnumMemberName("moderator")] Moderator,
    [JsonStringEnumMemberName("speaker")] Speaker,
    [JsonStringEnumMemberName("panelist")] Panelist,
    [JsonStringEnumMemberName("guest")] Guest,
}

[JsonConverter(typeof(JsonStringEnumConverter<AcknowledgementKind>))]
public enum AcknowledgementKind
{
    [JsonStringEnumMemberName("letter_of_gratitude")] LetterOfGratitude,
    [JsonStringEnumMemberName("certificate")] Certificate,
    [JsonStringEnumMemberName("award")] Award,
    [JsonStringEnumMemberName("diploma")] Diploma,
    [JsonStringEnumMemberName("other")] Other,
}

[JsonConverter(typeof(JsonStringEnumConverter<RecommendationStatus>))]
public enum RecommendationStatus
{
    [JsonStringEnumMemberName("proposed")] Proposed,
    [JsonStringEnumMemberName("accepted")] Accepted,
    [JsonStringEnumMemberName("in_progress")] InProgress,
    [JsonStringEnumMemberName("implemented")] Implemented,
    [JsonStringEnumMemberName("rejected")] Rejected,
}

[JsonConverter(typeof(JsonStringEnumConverter<FigureQualifier>))]
public enum FigureQualifier
{
    [JsonStringEnumMemberName("exact")] Exact,
    [JsonStringEnumMemberName("more_than")] MoreThan,
    [JsonStringEnumMemberName("less_than")] LessThan,
    [JsonStringEnumMemberName("about")] About,
}
