using FluentValidation;
using RoundTable.Api.Http;
using RoundTable.Api.Localization;
using RoundTable.Api.Validation;

namespace RoundTable.Api.Institutions;

/// <summary>
/// The fields of an institution a client sets (POST and PUT; PATCH merges into them). Server-owned fields are not
/// part of it: sending them changes nothing.
/// </summary>
public sealed record InstitutionWriteRequest
{
    public string? Slug { get; init; }
    public LocalizedText? Name { get; init; }
    /// <summary>Short name or acronym by language, e.g. {"en": "IITU"}.</summary>
    public LocalizedText? ShortName { get; init; }
    public InstitutionKind? Kind { get; init; }
    /// <summary>ISO 3166-1 alpha-2 code, e.g. KR.</summary>
    public string? Country { get; init; }
    public LocalizedText? City { get; init; }
    public string? Website { get; init; }
    /// <summary>Research Organization Registry id, e.g. 04h9pn542.</summary>
    public string? RorId { get; init; }
    /// <summary>The UUID or slug of the institution this one belongs to.</summary>
    public string? Parent { get; init; }
}

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
        RuleFor(i => i.Parent).Must(p => p is null || ResourceKey.TryParse(p, out _, out _))
            .WithMessage("'Parent' must be an institution's UUID or slug.");
        RuleFor(i => i.Parent).NotEqual(i => i.Slug).When(i => i.Parent is not null).WithMessage("An institution cannot be its own parent.");
    }
}

/// <summary>A place in a published ranking; no subject means the overall ranking.</summary>
public sealed record RankingRequest(string? Ranking, int? Year, LocalizedText? Subject, int? Rank);

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
