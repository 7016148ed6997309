namespace RoundTable.Api.Localization;

/// <summary>
/// The language a response is written in, negotiated once per request (<see cref="LanguageNegotiation"/>) and read
/// where localized text is rendered: the JSON serializer, the CSV and iCalendar writers.
/// </summary>
public sealed class LanguagePreference
{
    private static readonly AsyncLocal<LanguagePreference?> s_current = new();

    /// <summary>Every translation as an object (<c>?lang=*</c>).</summary>
    public static LanguagePreference All { get; } = new([], LocalizedText.DefaultLanguage, all: true);

    private static readonly LanguagePreference s_default = new([LocalizedText.DefaultLanguage], LocalizedText.DefaultLanguage, all: false);

    private LanguagePreference(IReadOnlyList<string> order, string language, bool all)
    {
        Order = order;
        Language = language;
        IsAll = all;
    }

    /// <summary>The language of this request, or the configured default outside a request.</summary>
    public static LanguagePreference Current
    {
        get => s_current.Value ?? s_default;
        set => s_current.Value = value;
    }

    /// <summary>The response language (Content-Language): a text in another language is marked as a fallback.</summary>
    public string Language { get; }

    /// <summary>Languages tried in turn for each text: the client's, then the configured fallback order.</summary>
    public IReadOnlyList<string> Order { get; }

    public bool IsAll { get; }

    /// <summary>
    /// The preference for a client's ranked languages: the response language is the first one supported (or the
    /// first of the fallback order); each text then tries the client's languages, their primary subtags, and the
    /// fallback order.
    /// </summary>
    internal static LanguagePreference Negotiate(IEnumerable<string> ranked, LanguageOptions options)
    {
        var order = new List<string>();
        foreach (var tag in ranked)
        {
            for (var t = tag; t.Length > 0; t = t.LastIndexOf('-') is var dash and > 0 ? t[..dash] : "")
            {
                if (!order.Contains(t, StringComparer.OrdinalIgnoreCase))
                {
                    order.Add(t.ToLowerInvariant());
                }
            }
        }
        var supported = options.SupportedOrDefault;
        var language = order.FirstOrDefault(t => supported.Contains(t, StringComparer.OrdinalIgnoreCase))
            ?? options.FallbackOrDefault[0];
        foreach (var tag in options.FallbackOrDefault)
        {
            if (!order.Contains(tag, StringComparer.OrdinalIgnoreCase))
            {
                order.Add(tag);
            }
        }
        return new LanguagePreference(order, language, all: false);
    }

    /// <summary>The text in the best language this preference allows, and that language's tag.</summary>
    public (string Text, string Language) Resolve(LocalizedText text)
    {
        foreach (var tag in Order)
        {
            if (text.TryGetValue(tag, out var value))
            {
                return (value, tag);
            }
        }
        var first = text.Keys.Order(StringComparer.Ordinal).FirstOrDefault();
        return first is null ? (string.Empty, Language) : (text[first], first);
    }

    /// <summary>True when the text is not available in the response language and another one is shown.</summary>
    public bool FallsBack(LocalizedText text, out string language)
    {
        language = Resolve(text).Language;
        return !string.Equals(language, Language, StringComparison.OrdinalIgnoreCase);
    }
}
