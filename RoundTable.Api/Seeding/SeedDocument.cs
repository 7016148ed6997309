using RoundTable.Api.Localization;

namespace RoundTable.Api.Seeding;

// The seed file's shape (seeds/*.json). Rows refer to each other by slug; the seeder resolves slugs to ids.

internal sealed class SeedDocument
{
    public SeedSource? Source { get; set; }
    public List<SeedTheme> Themes { get; set; } = [];
    public List<SeedInstitution> Institutions { get; set; } = [];
    public List<SeedSpeaker> Speakers { get; set; } = [];
    public List<SeedEvent> Events { get; set; } = [];
    public List<SeedRecommendation> Recommendations { get; set; } = [];
}

internal sealed class SeedSource
{
    public string? Slug { get; set; }
    public LocalizedText? Title { get; set; }
    public string? Publisher { get; set; }
    public string? Url { get; set; }
    public DateOnly? PublishedOn { get; set; }
    public string? Citation { get; set; }
}

internal sealed class SeedTheme
{
    public string? Slug { get; set; }
    public LocalizedText? Name { get; set; }
}

internal sealed class SeedInstitution
{
    public string? Slug { get; set; }
    public LocalizedText? Name { get; set; }
    public LocalizedText? ShortName { get; set; }
    public string? Kind { get; set; }
    public string? Country { get; set; }
    public LocalizedText? City { get; set; }
    public string? Website { get; set; }
    public string? RorId { get; set; }
    public string? Parent { get; set; }
    public List<SeedRanking> Rankings { get; set; } = [];
    public List<SeedFigure> Figures { get; set; } = [];
}

internal sealed class SeedRanking
{
    public string? Ranking { get; set; }
    public int? Year { get; set; }
    public LocalizedText? Subject { get; set; }
    public int? Rank { get; set; }
}

internal sealed class SeedFigure
{
    public string? Key { get; set; }
    public LocalizedText? Label { get; set; }
    public decimal? Value { get; set; }
    public string? Qualifier { get; set; }
    public int? AsOfYear { get; set; }
}

internal sealed class SeedSpeaker
{
    public string? Slug { get; set; }
    public LocalizedText? FullName { get; set; }
    public LocalizedText? Honorific { get; set; }
    public string? Orcid { get; set; }
    public LocalizedText? Bio { get; set; }
    public List<SeedAffiliation> Affiliations { get; set; } = [];
}

internal sealed class SeedAffiliation
{
    public string? Institution { get; set; }
    public LocalizedText? Position { get; set; }
    public DateOnly? StartDate { get; set; }
    public DateOnly? EndDate { get; set; }
}

internal sealed class SeedEvent
{
    public string? Slug { get; set; }
    public LocalizedText? Title { get; set; }
    public string? Kind { get; set; }
    public string? Status { get; set; }
    public DateOnly? StartDate { get; set; }
    public DateOnly? EndDate { get; set; }
    public DateTimeOffset? StartsAt { get; set; }
    public DateTimeOffset? EndsAt { get; set; }
    public string? TimeZone { get; set; }
    public LocalizedText? Venue { get; set; }
    public LocalizedText? City { get; set; }
    public string? Country { get; set; }
    public LocalizedText? Summary { get; set; }
    public string? SourceUrl { get; set; }
    public List<SeedOrganizer> Organizers { get; set; } = [];
    public List<SeedParticipant> Participants { get; set; } = [];
    public List<SeedQuote> Quotes { get; set; } = [];
    public List<SeedAcknowledgement> Acknowledgements { get; set; } = [];
}

internal sealed class SeedOrganizer
{
    public string? Institution { get; set; }
    public string? Role { get; set; }
}

internal sealed class SeedParticipant
{
    public string? Speaker { get; set; }
    public string? Role { get; set; }
    public List<string> Institutions { get; set; } = [];
}

internal sealed class SeedQuote
{
    public string? Speaker { get; set; }
    public LocalizedText? Text { get; set; }
}

internal sealed class SeedAcknowledgement
{
    public string? From { get; set; }
    public string? To { get; set; }
    public string? Kind { get; set; }
    public LocalizedText? Description { get; set; }
}

internal sealed class SeedRecommendation
{
    public string? Slug { get; set; }
    public string? Event { get; set; }
    public LocalizedText? Title { get; set; }
    public LocalizedText? Body { get; set; }
    public LocalizedText? TargetAudience { get; set; }
    public List<string> Themes { get; set; } = [];
    public List<SeedProposer> ProposedBy { get; set; } = [];
    public List<SeedStatusChange> StatusHistory { get; set; } = [];
}

internal sealed class SeedProposer
{
    public string? Speaker { get; set; }
    public string? Institution { get; set; }
}

internal sealed class SeedStatusChange
{
    public string? Status { get; set; }
    public DateOnly? ChangedOn { get; set; }
    public LocalizedText? Note { get; set; }
}
