using System.Globalization;
using System.Text.RegularExpressions;
using FluentValidation;
using RoundTable.Api.Http;
using RoundTable.Api.Json;
using RoundTable.Api.Localization;

namespace RoundTable.Api.Validation;

/// <summary>Field rules shared by every validator (seed documents now, write requests later).</summary>
internal static partial class Rules
{
    public const int MaxShortText = 300;
    public const int MaxLongText = 10_000;
    public const int MaxLanguages = 20;

    /// <summary>The longest language tag a translation may carry (RFC 5646 recommends supporting 35 characters).</summary>
    public const int MaxLanguageTagLength = 35;

    private static readonly HashSet<string> s_countries = CultureInfo.GetCultures(CultureTypes.SpecificCultures)
        .Select(c => { try { return new RegionInfo(c.Name).TwoLetterISORegionName; } catch (ArgumentException) { return null; } })
        .Where(code => code is { Length: 2 } && code.All(char.IsAsciiLetterUpper))
        .Select(code => code!)
        .ToHashSet(StringComparer.Ordinal);

    // Patterns are given with Matches so that the OpenAPI document can show them (ValidationSchemaFilter).
    public const string SlugPattern = "^[a-z0-9]+(-[a-z0-9]+)*$";

    public static IRuleBuilderOptions<T, string?> Slug<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().MaximumLength(ResourceKey.MaxSlugLength)
            .Matches(SlugPattern)
            .WithMessage("'{PropertyName}' must be lowercase letters and digits separated by single hyphens.");

    /// <summary>At most <paramref name="max"/> items (null passes), stated in the contract as maxItems.</summary>
    public static IRuleBuilderOptions<T, TCollection> MaxItems<T, TCollection>(this IRuleBuilder<T, TCollection> rule, int max) =>
        rule.SetValidator(new MaxItemsRule<T, TCollection>(max));

    /// <summary>A reference by slug only, such as a theme (null passes).</summary>
    public static IRuleBuilderOptions<T, string?> SlugKey<T>(this IRuleBuilder<T, string?> rule, string what) =>
        rule.SetValidator(new SlugKeyRule<T>(what));

    /// <summary>A reference to another resource by its UUID or slug (null passes: add NotEmpty where it is required).</summary>
    public static IRuleBuilderOptions<T, string?> IdOrSlug<T>(this IRuleBuilder<T, string?> rule, string what) =>
        rule.SetValidator(new IdOrSlugRule<T>(what));

    public static IRuleBuilderOptions<T, string?> CountryCode<T>(this IRuleBuilder<T, string?> rule) =>
        rule.SetValidator(new CountryCodeRule<T>(s_countries));

    public static IRuleBuilderOptions<T, string?> HttpUrl<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(2000).SetValidator(new HttpUrlRule<T>());

    public static IRuleBuilderOptions<T, string?> TimeZoneId<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(64).SetValidator(new TimeZoneRule<T>());

    public static IRuleBuilderOptions<T, string?> Orcid<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(19).Matches("^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$").WithMessage(OrcidMessage).Must(o => o is null || IsValidOrcid(o))
            .WithMessage(OrcidMessage);

    private const string OrcidMessage = "'{PropertyName}' must be an ORCID iD such as 0000-0002-1825-0097 with a valid check digit.";

    public static IRuleBuilderOptions<T, string?> RorId<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(9).Matches("^0[a-hj-km-np-tv-z0-9]{6}[0-9]{2}$")
            .WithMessage("'{PropertyName}' must be a ROR id such as 05a28rw58 (without the https://ror.org/ prefix).");

    public static IRuleBuilderOptions<T, string?> EnumName<T, TEnum>(this IRuleBuilder<T, string?> rule) where TEnum : struct, Enum =>
        rule.Must(v => v is null || SnakeCaseEnum<TEnum>.TryParse(v, out _))
            .WithMessage($"'{{PropertyName}}' must be one of: {string.Join(", ", SnakeCaseEnum<TEnum>.Names)}.");

    /// <summary>Text with its language: 1..20 language tags, each with non-blank text of at most <paramref name="maxLength"/>.</summary>
    public static IRuleBuilderOptions<T, LocalizedText?> Localized<T>(this IRuleBuilder<T, LocalizedText?> rule, int maxLength = MaxShortText) =>
        rule.SetValidator(new LocalizedTextRule<T>(maxLength));

    internal static bool IsValidOrcid(string value)
    {
        if (!OrcidPattern().IsMatch(value))
        {
            return false;
        }
        // ISO 7064 11,2 over the 15 leading digits.
        var total = 0;
        foreach (var c in value.Where(char.IsAsciiDigit).Take(15))
        {
            total = (total + (c - '0')) * 2;
        }
        var check = (12 - (total % 11)) % 11;
        var expected = check == 10 ? 'X' : (char)('0' + check);
        return value[^1] == expected;
    }

    [GeneratedRegex("^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$")]
    private static partial Regex OrcidPattern();

    public const string LanguageTag = "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$";

    [GeneratedRegex(LanguageTag)]
    internal static partial Regex LanguageTagPattern();
}
