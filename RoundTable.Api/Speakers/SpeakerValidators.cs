using FluentValidation;
using RoundTable.Api.Validation;

namespace RoundTable.Api.Speakers;

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

internal sealed class AffiliationRequestValidator : AbstractValidator<AffiliationRequest>
{
    public AffiliationRequestValidator()
    {
        RuleFor(a => a.Institution).NotEmpty().IdOrSlug("an institution");
        RuleFor(a => a.Position).Localized();
        RuleFor(a => a.EndDate).GreaterThanOrEqualTo(a => a.StartDate)
            .When(a => a.StartDate is not null && a.EndDate is not null).WithMessage("'End Date' must not be before 'Start Date'.");
    }
}
