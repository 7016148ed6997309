using RoundTable.Api.Http;
using RoundTable.Api.Localization;

namespace RoundTable.Api.Institutions;

internal sealed class InstitutionRow : SourcedRow
{
    /// <summary>The list's sort key as text (ListQuery), for the next page's cursor.</summary>
    public string? SortKey { get; set; }

    public Guid Id { get; set; }
    public string Slug { get; set; } = "";
    public LocalizedText Name { get; set; } = [];
    public LocalizedText? ShortName { get; set; }
    public string Kind { get; set; } = "";
    public string? Country { get; set; }
    public LocalizedText? City { get; set; }
    public string? Website { get; set; }
    public string? RorId { get; set; }
    public Guid? ParentId { get; set; }
    public string? ParentSlug { get; set; }
    public LocalizedText? ParentName { get; set; }
    public LocalizedText? ParentShortName { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public long Version { get; set; }
}

internal sealed class RankingRow
{
    public Guid Id { get; set; }
    public string Ranking { get; set; } = "";
    public int? Year { get; set; }
    public LocalizedText? Subject { get; set; }
    public int Rank { get; set; }
}

internal sealed class FigureRow
{
    public Guid Id { get; set; }
    public string Key { get; set; } = "";
    public LocalizedText Label { get; set; } = [];
    public decimal Value { get; set; }
    public string Qualifier { get; set; } = "";
    public int? AsOfYear { get; set; }
}

internal sealed class InstitutionEventRow
{
    public Guid EventId { get; set; }
    public string EventSlug { get; set; } = "";
    public LocalizedText EventTitle { get; set; } = [];
    public DateOnly EventStartDate { get; set; }
    public string[] Involvement { get; set; } = [];
}

internal sealed record InstitutionDetails(InstitutionRow Institution, IReadOnlyList<RankingRow> Rankings, IReadOnlyList<FigureRow> Figures);
