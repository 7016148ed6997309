using FluentValidation;
using RoundTable.Api.Http;
using RoundTable.Api.Localization;
using RoundTable.Api.Validation;

namespace RoundTable.Api.Events;

/// <summary>A participant: a speaker (UUID or slug), their role, and the institutions they represented.</summary>
public sealed record EventParticipantRequest(string? Speaker, ParticipantRole? Role, IReadOnlyList<string>? Institutions);

/// <summary>Words a participant said at the event, by language.</summary>
public sealed record EventQuoteRequest(string? Speaker, LocalizedText? Text);

/// <summary>Recognition from an institution to a person (UUIDs or slugs).</summary>
public sealed record EventAcknowledgementRequest(string? From, string? To, AcknowledgementKind? Kind, LocalizedText? Description);

internal static class KeyRules
{
    public static IRuleBuilderOptions<T, string?> IdOrSlug<T>(this IRuleBuilder<T, string?> rule, string what) =>
        rule.NotEmpty().Must(v => v is null || ResourceKey.TryParse(v, out _, out _)).WithMessage($"'{{PropertyName}}' must be {what}'s UUID or slug.");
}

internal sealed class EventOrganizerRequestValidator : AbstractValidator<EventOrganizerRequest>
{
    public EventOrganizerRequestValidator()
    {
        RuleFor(o => o.Institution).IdOrSlug("an institution");
        RuleFor(o => o.Role).NotNull().IsInEnum();
    }
}

internal sealed class EventParticipantRequestValidator : AbstractValidator<EventParticipantRequest>
{
    public EventParticipantRequestValidator()
    {
        RuleFor(p => p.Speaker).IdOrSlug("a speaker");
        RuleFor(p => p.Role).NotNull().IsInEnum();
        RuleFor(p => p.Institutions).Must(i => i is null || (i.Count <= 10 && i.Distinct().Count() == i.Count))
            .WithMessage("'Institutions' lists at most 10 distinct institutions.");
        RuleForEach(p => p.Institutions).IdOrSlug("an institution");
    }
}

internal sealed class EventQuoteRequestValidator : AbstractValidator<EventQuoteRequest>
{
    public EventQuoteRequestValidator()
    {
        RuleFor(q => q.Speaker).IdOrSlug("a speaker");
        RuleFor(q => q.Text).NotNull().Localized(Rules.MaxLongText);
    }
}

internal sealed class EventAcknowledgementRequestValidator : AbstractValidator<EventAcknowledgementRequest>
{
    public EventAcknowledgementRequestValidator()
    {
        RuleFor(a => a.From).IdOrSlug("an institution");
        RuleFor(a => a.To).IdOrSlug("a speaker");
        RuleFor(a => a.Kind).NotNull().IsInEnum();
        RuleFor(a => a.Description).Localized(Rules.MaxLongText);
    }
}
