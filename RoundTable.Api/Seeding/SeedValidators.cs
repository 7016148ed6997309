using FluentValidation;
using RoundTable.Api.Events;
using RoundTable.Api.Institutions;
using RoundTable.Api.Recommendations;
using RoundTable.Api.Validation;

namespace RoundTable.Api.Seeding;

internal sealed class SeedDocumentValidator : AbstractValidator<SeedDocument>
{
    private const int MaxItems = 10_000;

    public SeedDocumentValidator()
    {
        RuleFor(d => d.Source).NotNull().SetValidator(new SeedSourceValidator()!);
        RuleFor(d => d.Themes).Must(l => l.Count <= MaxItems).Must(UniqueSlugs<SeedTheme>(t => t.Slug)).WithMessage("Theme slugs must be unique.");
        RuleForEach(d => d.Themes).ChildRules(t =>
        {
            t.RuleFor(x => x.Slug).Slug();
            t.RuleFor(x => x.Name).NotNull().Localized();
        });
        RuleFor(d => d.Institutions).Must(l => l.Count <= MaxItems).Must(UniqueSlugs<SeedInstitution>(i => i.Slug)).WithMessage("Institution slugs must be unique.");
        RuleForEach(d => d.Institutions).SetValidator(d => new SeedInstitutionValidator(Slugs(d.Institutions, i => i.Slug)));
        RuleFor(d => d.Speakers).Must(l => l.Count <= MaxItems).Must(UniqueSlugs<SeedSpeaker>(s => s.Slug)).WithMessage("Speaker slugs must be unique.");
        RuleForEach(d => d.Speakers).SetValidator(d => new SeedSpeakerValidator(Slugs(d.Institutions, i => i.Slug)));
        RuleFor(d => d.Events).Must(l => l.Count <= MaxItems).Must(UniqueSlugs<SeedEvent>(e => e.Slug)).WithMessage("Event slugs must be unique.");
        RuleForEach(d => d.Events).SetValidator(d => new SeedEventValidator(
            Slugs(d.Institutions, i => i.Slug), Slugs(d.Speakers, s => s.Slug)));
        RuleFor(d => d.Recommendations).Must(l => l.Count <= MaxItems).Must(UniqueSlugs<SeedRecommendation>(r => r.Slug)).WithMessage("Recommendation slugs must be unique.");
        RuleForEach(d => d.Recommendations).SetValidator(d => new SeedRecommendationValidator(
            Slugs(d.Events, e => e.Slug), Slugs(d.Themes, t => t.Slug), Slugs(d.Institutions, i => i.Slug), Slugs(d.Speakers, s => s.Slug)));
    }

    private static Func<List<T>, bool> UniqueSlugs<T>(Func<T, string?> slug) =>
        list => list.Select(slug).Where(s => s is not null).Distinct(StringComparer.Ordinal).Count() == list.Count(x => slug(x) is not null);

    private static HashSet<string> Slugs<T>(IEnumerable<T> items, Func<T, string?> slug) =>
        items.Select(slug).OfType<string>().ToHashSet(StringComparer.Ordinal);

    internal static IRuleBuilderOptions<T, string?> RefersTo<T>(IRuleBuilder<T, string?> rule, HashSet<string> known, string what) =>
        rule.NotEmpty().Must(s => s is not null && known.Contains(s)).WithMessage($"'{{PropertyValue}}' is not a {what} of this document.");
}

internal sealed class SeedSourceValidator : AbstractValidator<SeedSource>
{
    public SeedSourceValidator()
    {
        RuleFor(s => s.Slug).Slug();
        RuleFor(s => s.Title).NotNull().Localized();
        RuleFor(s => s.Publisher).MaximumLength(Rules.MaxShortText);
        RuleFor(s => s.Url).HttpUrl();
        RuleFor(s => s.Citation).MaximumLength(Rules.MaxLongText);
    }
}

internal sealed class SeedInstitutionValidator : AbstractValidator<SeedInstitution>
{
    public SeedInstitutionValidator(HashSet<string> institutions)
    {
        RuleFor(i => i.Slug).Slug();
        RuleFor(i => i.Name).NotNull().Localized();
        RuleFor(i => i.ShortName).Localized(50);
        RuleFor(i => i.Kind).NotEmpty().EnumName<SeedInstitution, InstitutionKind>();
        RuleFor(i => i.Country).CountryCode();
        RuleFor(i => i.City).Localized(100);
        RuleFor(i => i.Website).HttpUrl();
        RuleFor(i => i.RorId).RorId();
        When(i => i.Parent is not null, () =>
        {
            SeedDocumentValidator.RefersTo(RuleFor(i => i.Parent), institutions, "institution");
            RuleFor(i => i.Parent).NotEqual(i => i.Slug).WithMessage("An institution cannot be its own parent.");
        });
        RuleFor(i => i.Rankings).Must(l => l.Count <= 100);
        RuleForEach(i => i.Rankings).ChildRules(r =>
        {
            r.RuleFor(x => x.Ranking).NotEmpty().MaximumLength(200);
            r.RuleFor(x => x.Year).InclusiveBetween(1900, 2200);
            r.RuleFor(x => x.Subject).Localized(200);
            r.RuleFor(x => x.Rank).NotNull().GreaterThanOrEqualTo(1);
        });
        RuleFor(i => i.Figures).Must(l => l.Count <= 100);
        RuleForEach(i => i.Figures).ChildRules(f =>
        {
            f.RuleFor(x => x.Key).NotEmpty().MaximumLength(100).Matches("^[a-z0-9]+(_[a-z0-9]+)*$");
            f.RuleFor(x => x.Label).NotNull().Localized();
            f.RuleFor(x => x.Value).NotNull();
            f.RuleFor(x => x.Qualifier).EnumName<SeedFigure, FigureQualifier>();
            f.RuleFor(x => x.AsOfYear).InclusiveBetween(1900, 2200);
        });
    }
}

internal sealed class SeedSpeakerValidator : AbstractValidator<SeedSpeaker>
{
    public SeedSpeakerValidator(HashSet<string> institutions)
    {
        RuleFor(s => s.Slug).Slug();
        RuleFor(s => s.FullName).NotNull().Localized(200);
        RuleFor(s => s.Honorific).Localized(50);
        RuleFor(s => s.Orcid).Orcid();
        RuleFor(s => s.Bio).Localized(Rules.MaxLongText);
        RuleFor(s => s.Affiliations).Must(l => l.Count <= 50);
        RuleForEach(s => s.Affiliations).ChildRules(a =>
        {
            SeedDocumentValidator.RefersTo(a.RuleFor(x => x.Institution), institutions, "institution");
            a.RuleFor(x => x.Position).Localized();
            a.RuleFor(x => x.EndDate).GreaterThanOrEqualTo(x => x.StartDate)
                .When(x => x.StartDate is not null && x.EndDate is not null).WithMessage("'End Date' must not be before 'Start Date'.");
        });
    }
}

internal sealed class SeedEventValidator : AbstractValidator<SeedEvent>
{
    public SeedEventValidator(HashSet<string> institutions, HashSet<string> speakers)
    {
        RuleFor(e => e.Slug).Slug();
        RuleFor(e => e.Title).NotNull().Localized();
        RuleFor(e => e.Kind).NotEmpty().EnumName<SeedEvent, EventKind>();
        RuleFor(e => e.Status).NotEmpty().EnumName<SeedEvent, EventStatus>();
        RuleFor(e => e.StartDate).NotNull();
        RuleFor(e => e.EndDate).NotNull().GreaterThanOrEqualTo(e => e.StartDate).When(e => e.StartDate is not null)
            .WithMessage("'End Date' must not be before 'Start Date'.");
        RuleFor(e => e.EndsAt).GreaterThanOrEqualTo(e => e.StartsAt).When(e => e.StartsAt is not null && e.EndsAt is not null)
            .WithMessage("'Ends At' must not be before 'Starts At'.");
        RuleFor(e => e.TimeZone).NotEmpty().When(e => e.StartsAt is not null).WithMessage("'Time Zone' is required when 'Starts At' is given.");
        RuleFor(e => e.TimeZone).TimeZoneId();
        RuleFor(e => e.Venue).Localized();
        RuleFor(e => e.City).Localized(100);
        RuleFor(e => e.Country).CountryCode();
        RuleFor(e => e.Summary).Localized(Rules.MaxLongText);
        RuleFor(e => e.SourceUrl).HttpUrl();
        RuleFor(e => e.Organizers).Must(l => l.Count <= 100);
        RuleForEach(e => e.Organizers).ChildRules(o =>
        {
            SeedDocumentValidator.RefersTo(o.RuleFor(x => x.Institution), institutions, "institution");
            o.RuleFor(x => x.Role).NotEmpty().EnumName<SeedOrganizer, OrganizerRole>();
        });
        RuleFor(e => e.Participants).Must(l => l.Count <= 1000);
        RuleForEach(e => e.Participants).ChildRules(p =>
        {
            SeedDocumentValidator.RefersTo(p.RuleFor(x => x.Speaker), speakers, "speaker");
            p.RuleFor(x => x.Role).NotEmpty().EnumName<SeedParticipant, ParticipantRole>();
            p.RuleFor(x => x.Institutions).Must(l => l.Count <= 10);
            p.RuleForEach(x => x.Institutions).Must(i => institutions.Contains(i)).WithMessage("'{PropertyValue}' is not an institution of this document.");
        });
        RuleFor(e => e.Quotes).Must(l => l.Count <= 1000);
        RuleForEach(e => e.Quotes).ChildRules(q =>
        {
            SeedDocumentValidator.RefersTo(q.RuleFor(x => x.Speaker), speakers, "speaker");
            q.RuleFor(x => x.Text).NotNull().Localized(Rules.MaxLongText);
        });
        RuleFor(e => e.Acknowledgements).Must(l => l.Count <= 1000);
        RuleForEach(e => e.Acknowledgements).ChildRules(a =>
        {
            SeedDocumentValidator.RefersTo(a.RuleFor(x => x.From), institutions, "institution");
            SeedDocumentValidator.RefersTo(a.RuleFor(x => x.To), speakers, "speaker");
            a.RuleFor(x => x.Kind).NotEmpty().EnumName<SeedAcknowledgement, AcknowledgementKind>();
            a.RuleFor(x => x.Description).Localized(Rules.MaxLongText);
        });
    }
}

internal sealed class SeedRecommendationValidator : AbstractValidator<SeedRecommendation>
{
    public SeedRecommendationValidator(HashSet<string> events, HashSet<string> themes, HashSet<string> institutions, HashSet<string> speakers)
    {
        RuleFor(r => r.Slug).Slug();
        SeedDocumentValidator.RefersTo(RuleFor(r => r.Event), events, "event");
        RuleFor(r => r.Title).NotNull().Localized();
        RuleFor(r => r.Body).NotNull().Localized(Rules.MaxLongText);
        RuleFor(r => r.TargetAudience).Localized();
        RuleFor(r => r.Themes).Must(l => l.Count <= 20);
        RuleForEach(r => r.Themes).Must(t => themes.Contains(t)).WithMessage("'{PropertyValue}' is not a theme of this document.");
        RuleFor(r => r.ProposedBy).Must(l => l.Count <= 100);
        RuleForEach(r => r.ProposedBy).ChildRules(p =>
        {
            p.RuleFor(x => x).Must(x => x.Speaker is not null || x.Institution is not null).WithMessage("A proposer names a speaker, an institution, or both.");
            p.RuleFor(x => x.Speaker).Must(s => s is null || speakers.Contains(s)).WithMessage("'{PropertyValue}' is not a speaker of this document.");
            p.RuleFor(x => x.Institution).Must(i => i is null || institutions.Contains(i)).WithMessage("'{PropertyValue}' is not an institution of this document.");
        });
        RuleFor(r => r.StatusHistory).NotEmpty().Must(l => l.Count <= 100);
        RuleForEach(r => r.StatusHistory).ChildRules(c =>
        {
            c.RuleFor(x => x.Status).NotEmpty().EnumName<SeedStatusChange, RecommendationStatus>();
            c.RuleFor(x => x.ChangedOn).NotNull();
            c.RuleFor(x => x.Note).Localized(Rules.MaxLongText);
        });
    }
}
