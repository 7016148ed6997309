using System.Text.Json.Nodes;
using FluentValidation;
using FluentValidation.Validators;
using Microsoft.OpenApi;
using RoundTable.Api.Http;
using RoundTable.Api.Localization;

namespace RoundTable.Api.Validation;

/// <summary>
/// A rule that says what it accepts in JSON Schema terms, so that the contract states exactly what the API enforces
/// (OpenApi.ValidationSchemaFilter writes it into the property's schema).
/// </summary>
internal interface ISchemaRule
{
    void Describe(OpenApiSchema schema);
}

/// <summary>Text with its language: 1..20 language tags, each with non-blank text of at most MaxLength characters.</summary>
internal sealed class LocalizedTextRule<T>(int maxLength) : PropertyValidator<T, LocalizedText?>, ISchemaRule
{
    public override string Name => "LocalizedText";

    public override bool IsValid(ValidationContext<T> context, LocalizedText? value) =>
        value is null || (value.Count is > 0 and <= Rules.MaxLanguages
            && value.All(kv => kv.Key.Length <= Rules.MaxLanguageTagLength && Rules.LanguageTagPattern().IsMatch(kv.Key)
                && !string.IsNullOrWhiteSpace(kv.Value) && kv.Value.Length <= maxLength));

    protected override string GetDefaultMessageTemplate(string errorCode) =>
        $"'{{PropertyName}}' must map 1 to {Rules.MaxLanguages} language tags (e.g. en, kk, ru, ko) to non-blank text of at most {maxLength} characters.";

    public void Describe(OpenApiSchema schema)
    {
        schema.MinProperties = 1;
        schema.MaxProperties = Rules.MaxLanguages;
        schema.PropertyNames = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = Rules.LanguageTag, MaxLength = Rules.MaxLanguageTagLength };
        schema.AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = maxLength, Pattern = "\\S" };
    }
}

/// <summary>A reference to another resource by its UUID or slug.</summary>
internal sealed class IdOrSlugRule<T>(string what) : PropertyValidator<T, string?>, ISchemaRule
{
    public override string Name => "IdOrSlug";

    public override bool IsValid(ValidationContext<T> context, string? value) => value is null || ResourceKey.TryParse(value, out _, out _);

    protected override string GetDefaultMessageTemplate(string errorCode) => $"'{{PropertyName}}' must be {what}'s UUID or slug.";

    public void Describe(OpenApiSchema schema)
    {
        schema.Pattern = ResourceKey.Pattern;
        schema.MaxLength = ResourceKey.MaxSlugLength;
    }
}

/// <summary>A reference by slug only (themes): a UUID, or anything shaped like one, is refused.</summary>
internal sealed class SlugKeyRule<T>(string what) : PropertyValidator<T, string?>, ISchemaRule
{
    public override string Name => "SlugKey";

    public override bool IsValid(ValidationContext<T> context, string? value) =>
        value is null || (ResourceKey.TryParse(value, out var key, out _) && key.Slug is not null);

    protected override string GetDefaultMessageTemplate(string errorCode) => $"'{{PropertyValue}}' is not {what}'s slug.";

    public void Describe(OpenApiSchema schema)
    {
        schema.Pattern = ResourceKey.SlugOnlyPattern;
        schema.MaxLength = ResourceKey.MaxSlugLength;
    }
}

/// <summary>At most <paramref name="max"/> items in a list (null passes).</summary>
internal sealed class MaxItemsRule<T, TCollection>(int max) : PropertyValidator<T, TCollection>, ISchemaRule
{
    public override string Name => "MaxItems";

    public override bool IsValid(ValidationContext<T> context, TCollection value) =>
        value is not System.Collections.ICollection list || list.Count <= max;

    protected override string GetDefaultMessageTemplate(string errorCode) => $"'{{PropertyName}}' lists at most {max} items.";

    public void Describe(OpenApiSchema schema) => schema.MaxItems = max;
}

/// <summary>An ISO 3166-1 alpha-2 country code in upper case.</summary>
internal sealed class CountryCodeRule<T>(IReadOnlySet<string> countries) : PropertyValidator<T, string?>, ISchemaRule
{
    public override string Name => "CountryCode";

    public override bool IsValid(ValidationContext<T> context, string? value) => value is null || countries.Contains(value);

    protected override string GetDefaultMessageTemplate(string errorCode) =>
        "'{PropertyName}' must be an ISO 3166-1 alpha-2 country code in upper case, e.g. KZ.";

    public void Describe(OpenApiSchema schema)
    {
        schema.Pattern = "^[A-Z]{2}$";
        schema.Enum = [.. countries.Order(StringComparer.Ordinal).Select(c => (JsonNode)c)];
        if (schema.Type?.HasFlag(JsonSchemaType.Null) == true)
        {
            schema.Enum.Add(null!);
        }
    }
}

/// <summary>An absolute http(s) URL.</summary>
internal sealed class HttpUrlRule<T> : PropertyValidator<T, string?>, ISchemaRule
{
    public override string Name => "HttpUrl";

    public override bool IsValid(ValidationContext<T> context, string? value) =>
        value is null || (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps));

    protected override string GetDefaultMessageTemplate(string errorCode) => "'{PropertyName}' must be an absolute http(s) URL.";

    public void Describe(OpenApiSchema schema)
    {
        schema.Format = "uri";
        schema.Pattern = "^[hH][tT][tT][pP][sS]?://[^\\s/?#]+";
    }
}

/// <summary>An IANA time zone this server knows (Area/Location, or UTC).</summary>
internal sealed class TimeZoneRule<T> : PropertyValidator<T, string?>, ISchemaRule
{
    public override string Name => "TimeZone";

    public override bool IsValid(ValidationContext<T> context, string? value) =>
        value is null || ((value.Contains('/', StringComparison.Ordinal) || value == "UTC") && TimeZoneInfo.TryFindSystemTimeZoneById(value, out _));

    protected override string GetDefaultMessageTemplate(string errorCode) => "'{PropertyName}' must be an IANA time zone, e.g. Asia/Almaty.";

    public void Describe(OpenApiSchema schema)
    {
        schema.Pattern = "^([A-Za-z_]+(/[A-Za-z0-9_+-]+)+|UTC)$";
        schema.Examples = ["Asia/Almaty"];
    }
}
