using FluentValidation;
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
        RuleFor(e => e.Organizers).NotEmpty().MaxItems(MaxOrganizers)
            .WithMessage($"'Organizers' must list 1 to {MaxOrganizers} institutions.");
        RuleFor(e => e.Organizers).Must(o => o is null || o.Select(x => x.Institution).Distinct().Count() == o.Count)
            .WithMessage("An institution is listed once among the organizers.");
        RuleForEach(e => e.Organizers).SetValidator(new EventOrganizerRequestValidator());
    }
}

internal sealed class EventOrganizerRequestValidator : AbstractValidator<EventOrganizerRequest>
{
    public EventOrganizerRequestValidator()
    {
        RuleFor(o => o.Institution).NotEmpty().IdOrSlug("an institution");
        RuleFor(o => o.Role).NotNull().IsInEnum();
    }
}

internal sealed class EventParticipantRequestValidator : AbstractValidator<EventParticipantRequest>
{
    public EventParticipantRequestValidator()
    {
        RuleFor(p => p.Speaker).NotEmpty().IdOrSlug("a speaker");
        RuleFor(p => p.Role).NotNull().IsInEnum();
        RuleFor(p => p.Institutions).MaxItems(10).WithMessage("'Institutions' lists at most 10 distinct institutions.")
            .Must(i => i is null || i.Distinct().Count() == i.Count).WithMessage("'Institutions' lists at most 10 distinct institutions.");
        RuleForEach(p => p.Institutions).NotEmpty().IdOrSlug("an institution");
    }
}

internal sealed class EventQuoteRequestValidator : AbstractValidator<EventQuoteRequest>
{
    public EventQuoteRequestValidator()
    {
        RuleFor(q => q.Speaker).NotEmpty().IdOrSlug("a speaker");
        RuleFor(q => q.Text).NotNull().Localized(Rules.MaxLongText);
    }
}

internal sealed class EventAcknowledgementRequestValidator : AbstractValidator<EventAcknowledgementRequest>
{
    public EventAcknowledgementRequestValidator()
    {
        RuleFor(a => a.From).NotEmpty().IdOrSlug("an institution");
        RuleFor(a => a.To).NotEmpty().IdOrSlug("a speaker");
        RuleFor(a => a.Kind).NotNull().IsInEnum();
        RuleFor(a => a.Description).Localized(Rules.MaxLongText);
    }
}
