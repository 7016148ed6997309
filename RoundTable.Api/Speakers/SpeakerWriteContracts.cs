using FluentValidation;
using RoundTable.Api.Localization;
using RoundTable.Api.Validation;

namespace RoundTable.Api.Speakers;

/// <summary>
/// The fields of a person a client sets (POST and PUT; PATCH merges into them). Affiliations are their own resource.
/// </summary>
public sealed record SpeakerWriteRequest
{
    public string? Slug { get; init; }
    /// <summary>The name by language, e.g. {"en": "Kilkon Ko", "ko": "고길곤"}.</summary>
    public LocalizedText? FullName { get; init; }
    public LocalizedText? Honorific { get; init; }
    /// <summary>ORCID iD (0000-0000-0000-000X) with a valid check digit.</summary>
    public string? Orcid { get; init; }
    public LocalizedText? Bio { get; init; }
}

internal sealed class SpeakerWriteRequestValidator : AbstractValidator<SpeakerWriteRequest>
{
    public SpeakerWriteRequestValidator()
    {
        RuleFor(s => s.Slug).Slug();
        RuleFor(s => s.FullName).NotNull().Localized(200);
        RuleFor(s => s.Honorific).Localized(50);
        RuleFor(s => s.Orcid).Orcid();
        RuleFor(s => s.Bio).Localized(Rules.MaxLongText);
    }
}

/// <summary>A position at an institution (UUID or slug), with optional dates.</summary>
public sealed record AffiliationRequest(string? Institution, LocalizedText? Position, DateOnly? StartDate, DateOnly? EndDate);

internal sealed class AffiliationRequestValidator : AbstractValidator<AffiliationRequest>
{
    public AffiliationRequestValidator()
    {
        RuleFor(a => a.Institution).NotEmpty().Must(i => i is null || Http.ResourceKey.TryParse(i, out _, out _))
            .WithMessage("'Institution' must be an institution's UUID or slug.");
        RuleFor(a => a.Position).Localized();
        RuleFor(a => a.EndDate).GreaterThanOrEqualTo(a => a.StartDate)
            .When(a => a.StartDate is not null && a.EndDate is not null).WithMessage("'End Date' must not be before 'Start Date'.");
    }
}
