using FluentValidation;
using RoundTable.Api.Http;
using RoundTable.Api.Json;
using RoundTable.Api.Validation;

namespace RoundTable.Api.Recommendations;

internal sealed class RecommendationWriteRequestValidator : AbstractValidator<RecommendationWriteRequest>
{
    public RecommendationWriteRequestValidator()
    {
        RuleFor(r => r.Slug).Slug();
        RuleFor(r => r.Event).NotEmpty().IdOrSlug("an event");
        RuleFor(r => r.Title).NotNull().Localized();
        RuleFor(r => r.Body).NotNull().Localized(Rules.MaxLongText);
        RuleFor(r => r.TargetAudience).Localized();
        RuleFor(r => r.Themes).MaxItems(20).WithMessage("'Themes' lists at most 20 distinct theme slugs.")
            .Must(t => t is null || t.Distinct().Count() == t.Count).WithMessage("'Themes' lists at most 20 distinct theme slugs.");
        RuleForEach(r => r.Themes).SlugKey("a theme").WithMessage("'{PropertyValue}' is not a theme slug.");
        RuleFor(r => r.ProposedBy).MaxItems(50).WithMessage("'Proposed By' lists at most 50 proposers.");
        RuleForEach(r => r.ProposedBy).SetValidator(new ProposerRequestValidator());
    }
}

internal sealed class ProposerRequestValidator : AbstractValidator<ProposerRequest>
{
    public ProposerRequestValidator()
    {
        RuleFor(x => x).Must(x => x.Speaker is not null || x.Institution is not null)
            .WithName("proposer").WithMessage("A proposer names a speaker, an institution, or both.");
        RuleFor(x => x.Speaker).IdOrSlug("a speaker");
        RuleFor(x => x.Institution).IdOrSlug("an institution");
    }
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

    public static IReadOnlyList<RecommendationStatus> Next(RecommendationStatus from) => s_next[from];

    /// <summary>Why a recommendation now <paramref name="current"/> cannot take <paramref name="to"/> on <paramref name="changedOn"/>, by field; null when it can.</summary>
    public static Dictionary<string, string[]>? Refusal(string current, DateOnly? lastChangedOn, RecommendationStatus to, DateOnly changedOn)
    {
        if (lastChangedOn is { } last && changedOn < last)
        {
            return new() { ["changedOn"] = [$"The previous status change is dated {last:yyyy-MM-dd}; a new one cannot be earlier."] };
        }
        var allowed = Next(SnakeCaseEnum<RecommendationStatus>.Parse(current));
        if (allowed.Contains(to))
        {
            return null;
        }
        return new()
        {
            ["status"] = [$"A recommendation that is {current} cannot become {SnakeCaseEnum<RecommendationStatus>.ToName(to)}; "
                + (allowed.Count == 0 ? "its status is final." : "allowed: " + string.Join(", ", allowed.Select(SnakeCaseEnum<RecommendationStatus>.ToName)) + ".")],
        };
    }
}
