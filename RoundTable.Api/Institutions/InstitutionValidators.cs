using FluentValidation;
using RoundTable.Api.Validation;

namespace RoundTable.Api.Institutions;

internal sealed class InstitutionWriteRequestValidator : AbstractValidator<InstitutionWriteRequest>
{
    public InstitutionWriteRequestValidator()
    {
        RuleFor(i => i.Slug).Slug();
        RuleFor(i => i.Name).NotNull().Localized();
        RuleFor(i => i.ShortName).Localized(50);
        RuleFor(i => i.Kind).NotNull().IsInEnum();
        RuleFor(i => i.Country).CountryCode();
        RuleFor(i => i.City).Localized(100);
        RuleFor(i => i.Website).HttpUrl();
        RuleFor(i => i.RorId).RorId();
        RuleFor(i => i.Parent).IdOrSlug("an institution");
        RuleFor(i => i.Parent).NotEqual(i => i.Slug).When(i => i.Parent is not null).WithMessage("An institution cannot be its own parent.");
    }
}

internal sealed class RankingRequestValidator : AbstractValidator<RankingRequest>
{
    public RankingRequestValidator()
    {
        RuleFor(r => r.Ranking).NotEmpty().MaximumLength(200);
        RuleFor(r => r.Year).InclusiveBetween(1900, 2200);
        RuleFor(r => r.Subject).Localized(200);
        RuleFor(r => r.Rank).NotNull().InclusiveBetween(1, 100_000);
    }
}
