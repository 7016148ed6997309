using FluentValidation;
using RoundTable.Api.Http;
using RoundTable.Api.Localization;
using RoundTable.Api.Validation;

namespace RoundTable.Api.Recommendations;

/// <summary>
/// The fields of a recommendation a client sets (POST and PUT; PATCH merges into them). Its status changes through
/// POST .../status-changes, which keeps the history.
/// </summary>
public sealed record RecommendationWriteRequest
{
    public string? Slug { get; init; }
    /// <summary>The UUID or slug of the event it came out of.</summary>
    public string? Event { get; init; }
    public LocalizedText? Title { get; init; }
    public LocalizedText? Body { get; init; }
    public LocalizedText? TargetAudience { get; init; }
    /// <summary>Theme slugs, e.g. digital-literacy.</summary>
    public IReadOnlyList<string>? Themes { get; init; }
    public IReadOnlyList<ProposerRequest>? ProposedBy { get; init; }
}

/// <summary>A proposer: a speaker, an institution, or a speaker on behalf of an institution (UUIDs or slugs).</summary>
public sealed record ProposerRequest(string? Speaker, string? Institution);

/// <summary>A new status for a recommendation, appended to its history.</summary>
/// <param name="ChangedOn">The day it took effect; today (UTC) when omitted.</param>
public sealed record StatusChangeRequest(RecommendationStatus? Status, DateOnly? ChangedOn, LocalizedText? Note);

internal sealed class RecommendationWriteRequestValidator : AbstractValidator<RecommendationWriteRequest>
{
    public RecommendationWriteRequestValidator()
    {
        RuleFor(r => r.Slug).Slug();
        RuleFor(r => r.Event).NotEmpty().Must(BeAKey).WithMessage("'Event' must be an event's UUID or slug.");
        RuleFor(r => r.Title).NotNull().Localized();
        RuleFor(r => r.Body).NotNull().Localized(Rules.MaxLongText);
        RuleFor(r => r.TargetAudience).Localized();
        RuleFor(r => r.Themes).Must(t => t is null || (t.Count <= 20 && t.Distinct().Count() == t.Count))
            .WithMessage("'Themes' lists at most 20 distinct theme slugs.");
        RuleForEach(r => r.Themes).Must(t => ResourceKey.TryParse(t, out var k, out _) && k.Slug is not null)
            .WithMessage("'{PropertyValue}' is not a theme slug.");
        RuleFor(r => r.ProposedBy).Must(p => p is null || p.Count <= 50).WithMessage("'Proposed By' lists at most 50 proposers.");
        RuleForEach(r => r.ProposedBy).ChildRules(p =>
        {
            p.RuleFor(x => x).Must(x => x.Speaker is not null || x.Institution is not null)
                .WithName("proposer").WithMessage("A proposer names a speaker, an institution, or both.");
            p.RuleFor(x => x.Speaker).Must(s => s is null || BeAKey(s)).WithMessage("'Speaker' must be a speaker's UUID or slug.");
            p.RuleFor(x => x.Institution).Must(i => i is null || BeAKey(i)).WithMessage("'Institution' must be an institution's UUID or slug.");
        });
    }

    private static bool BeAKey(string? value) => value is not null && ResourceKey.TryParse(value, out _, out _);
}

internal sealed class StatusChangeRequestValidator : AbstractValidator<StatusChangeRequest>
{
    public StatusChangeRequestValidator()
    {
        RuleFor(c => c.Status).NotNull().IsInEnum();
        RuleFor(c => c.ChangedOn).InclusiveBetween(new DateOnly(1990, 1, 1), new DateOnly(2200, 1, 1));
        RuleFor(c => c.Note).Localized(Rules.MaxLongText);
    }
}

/// <summary>Which status may follow which: a recommendation moves forward or is rejected; the end states are final.</summary>
internal static class StatusTransitions
{
    private static readonly Dictionary<RecommendationStatus, RecommendationStatus[]> s_next = new()
    {
        [RecommendationStatus.Proposed] = [RecommendationStatus.Accepted, RecommendationStatus.InProgress, RecommendationStatus.Rejected],
        [RecommendationStatus.Accepted] = [RecommendationStatus.InProgress, RecommendationStatus.Implemented, RecommendationStatus.Rejected],
        [RecommendationStatus.InProgress] = [RecommendationStatus.Implemented, RecommendationStatus.Rejected],
        [RecommendationStatus.Implemented] = [],
        [RecommendationStatus.Rejected] = [],
    };

    /// <summary>The statuses from which <paramref name="to"/> may be reached, as stored.</summary>
    public static string[] AllowedFrom(RecommendationStatus to) =>
        s_next.Where(kv => kv.Value.Contains(to)).Select(kv => SnakeCaseEnum<RecommendationStatus>.ToName(kv.Key)).ToArray();

    public static IReadOnlyList<RecommendationStatus> Next(RecommendationStatus from) => s_next[from];
}
