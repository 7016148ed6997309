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
