using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using RoundTable.Api.Errors;

namespace RoundTable.Api.Localization;

/// <summary>
/// Negotiates the response language of every request: <c>?lang=</c> (a language tag, or <c>*</c> for every
/// translation) wins over <c>Accept-Language</c> (quality values honoured); otherwise the configured default.
/// Answers carry <c>Content-Language</c> and <c>Vary: Accept-Language</c>.
/// </summary>
internal sealed partial class LanguageNegotiation(RequestDelegate next, IOptions<LanguageOptions> options)
{
    public const string QueryParameter = "lang";

    /// <summary>HttpContext item: the language of a replayed response (Idempotency), null for every language.</summary>
    public const string ReplayedLanguage = "rt.replayed-language";

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    private static partial Regex LanguageTag();

    public async Task InvokeAsync(HttpContext context)
    {
        var query = context.Request.Query[QueryParameter];
        LanguagePreference preference;
        if (query.Count > 0)
        {
            var value = query.Count == 1 ? query[0]?.Trim() ?? "" : "";
            if (value == "*")
            {
                preference = LanguagePreference.All;
            }
            else if (value.Length <= 35 && LanguageTag().IsMatch(value))
            {
                preference = LanguagePreference.Negotiate([value], options.Value);
            }
            else if (context.GetEndpoint()?.Metadata.GetMetadata<System.Reflection.MethodInfo>() is null)
            {
                // No handler of ours answers (404, 405, health, the contract): their answer comes first; a bad lang is moot.
                preference = LanguagePreference.Negotiate([], options.Value);
            }
            else
            {
                await Problems.Validation(new Dictionary<string, string[]>
                {
                    [QueryParameter] = ["lang must be one language tag (e.g. ru, kk, en, ko) or * for every translation."],
                }).ExecuteAsync(context);
                return;
            }
        }
        else
        {
            preference = LanguagePreference.Negotiate(FromAcceptLanguage(context.Request), options.Value);
        }

        LanguagePreference.Current = preference;
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
            {
                headers.Append(HeaderNames.Vary, "Accept, Accept-Language");
            }
            var status = context.Response.StatusCode;
            var language = context.Items.TryGetValue(ReplayedLanguage, out var replayed)
                ? replayed as string
                : preference.IsAll ? null : preference.Language;
            if (language is not null && (status is >= 200 and < 300 or 304) && status != 204)
            {
                headers.ContentLanguage = language;
            }
            return Task.CompletedTask;
        });
        await next(context);
    }

    /// <summary>The client's languages by descending quality; malformed entries and q=0 are ignored.</summary>
    private static IEnumerable<string> FromAcceptLanguage(HttpRequest request)
    {
        var header = request.Headers.AcceptLanguage;
        if (header.Count == 0 || !StringWithQualityHeaderValue.TryParseList(header, out var values))
        {
            return [];
        }
        return values
            .Select((v, i) => (Tag: v.Value.Value ?? "", Quality: v.Quality ?? 1.0, Index: i))
            .Where(v => v.Quality > 0 && v.Tag != "*" && v.Tag.Length <= 35 && LanguageTag().IsMatch(v.Tag))
            .OrderByDescending(v => v.Quality).ThenBy(v => v.Index)
            .Select(v => v.Tag)
            .ToList();
    }
}
