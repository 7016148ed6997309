using System.Text.Json;
using System.Text.Json.Serialization;

namespace RoundTable.Api.Localization;

/// <summary>Text stored with its language: language tag → text (e.g. {"en": "...", "kk": "..."}).</summary>
public sealed class LocalizedText : Dictionary<string, string>
{
    public const string DefaultLanguage = "en";

    public LocalizedText() : base(StringComparer.OrdinalIgnoreCase) { }

    public LocalizedText(IDictionary<string, string> values) : base(values, StringComparer.OrdinalIgnoreCase) { }

    public static LocalizedText English(string text) => new() { [DefaultLanguage] = text };

    /// <summary>The text in <paramref name="language"/>, else English, else the first language stored.</summary>
    public string Resolve(string language = DefaultLanguage) =>
        TryGetValue(LanguageOf(language), out var text) ? text : string.Empty;

    /// <summary>The language tag of the text <see cref="Resolve"/> returns.</summary>
    public string LanguageOf(string language = DefaultLanguage)
    {
        if (ContainsKey(language))
        {
            return language;
        }
        if (ContainsKey(DefaultLanguage))
        {
            return DefaultLanguage;
        }
        return Keys.Order(StringComparer.Ordinal).FirstOrDefault() ?? language;
    }

    public string ToJson() => JsonSerializer.Serialize(this, LocalizationJsonContext.Default.LocalizedText);

    public static LocalizedText FromJson(string json) =>
        JsonSerializer.Deserialize(json, LocalizationJsonContext.Default.LocalizedText) ?? [];
}

[JsonSerializable(typeof(LocalizedText))]
internal sealed partial class LocalizationJsonContext : JsonSerializerContext;
