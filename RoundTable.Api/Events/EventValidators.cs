using FluentValidation;
using RoundTable.Api.Http;
using RoundTable.Api.Validation;

namespace RoundTable.Api.Events;

internal sealed class EventWriteRequestValidator : AbstractValidator<EventWriteRequest>
{
    public EventWriteRequestValidator()
    {
        RuleFor(e => e.Slug).Slug();
        RuleFor(e => e.Title).NotNull().Localized();
        RuleFor(e => e.Kind).NotNull().IsInEnum();
        RuleFor(e => e.Status).NotNull().IsInEnum();
        RuleFor(e => e.StartDate).NotNull();
        RuleFor(e => e.EndDate).NotNull();
        RuleFor(e => e.EndDate).GreaterThanOrEqualTo(e => e.StartDate)
            .When(e => e.StartDate is not null && e.EndDate is not null).WithMessage("'End Date' must not be before 'Start Date'.");
        RuleFor(e => e.EndsAt).GreaterThanOrEqualTo(e => e.StartsAt)
            .When(e => e.StartsAt is not null && e.EndsAt is not null).WithMessage("'Ends At' must not be before 'Starts At'.");
        RuleFor(e => e.TimeZone).NotEmpty().When(e => e.StartsAt is not null || e.EndsAt is not null)
            .WithMessage("'Time Zone' is required when a time is given.");
        RuleFor(e => e.TimeZone).MaximumLength(64).TimeZoneId();
        RuleFor(e => e.Venue).Localized();
        RuleFor(e => e.City).Localized(100);
        RuleFor(e => e.Country).CountryCode();
        RuleFor(e => e.Summary).Localized(Rules.MaxLongText);
        RuleFor(e => e.SourceUrl).HttpUrl();
    }
}

internal sealed class CreateEventRequestValidator : AbstractValidator<CreateEventRequest>
{
    public const int MaxOrganizers = 50;

    public CreateEventRequestValidator()
    {
        Include(new EventWriteRequestValidator());
        RuleFor(e => e.Organizers).NotEmpty().Must(o => o is null || o.Count <= MaxOrganizers)
            .WithMessage($"'Organizers' must list 1 to {MaxOrganizers} institutions.");
        RuleFor(e => e.Organizers).Must(o => o is null || o.Select(x => x.Institution).Distinct().Count() == o.Count)
            .WithMessage("An institution is listed once among the organizers.");
        RuleForEach(e => e.Organizers).ChildRules(o =>
        {
            o.RuleFor(x => x.Institution).NotEmpty().Must(i => i is null || ResourceKey.TryParse(i, out _, out _))
                .WithMessage("'Institution' must be an institution's UUID or slug.");
            o.RuleFor(x => x.Role).NotNull().IsInEnum();
        });
    }
}
