using System.Collections.Concurrent;
using System.Globalization;
using System.Buffers;
using System.IO.Pipelines;
using System.Reflection;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using RoundTable.Api.Localization;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Http;

/// <summary>
/// A whole list streamed row by row from the database as CSV (RFC 4180, a header row of the JSON property names) or
/// NDJSON (one JSON object per line, as in the JSON pages). Nothing is buffered: memory stays flat however many rows
/// there are. The rows come from one SELECT, so the export is one consistent snapshot even while others write.
/// </summary>
internal sealed class ExportResult<T>(ListFormat format, string fileName, IAsyncEnumerable<T> items) : IResult
{
    private const int FlushEvery = 256;

    public async Task ExecuteAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        await using var enumerator = items.GetAsyncEnumerator(ct);
        // The query runs (and the first row arrives) before anything is sent: a failure there is still a 500 problem.
        var any = await enumerator.MoveNextAsync();
        var response = context.Response;
        response.ContentType = format == ListFormat.Csv ? $"{ListQuery.CsvMediaType}; charset=utf-8; header=present" : ListQuery.NdjsonMediaType;
        response.Headers.ContentDisposition = $"inline; filename=\"{fileName}.{(format == ListFormat.Csv ? "csv" : "ndjson")}\"";
        response.Headers.CacheControl = "no-store";
        var rows = Rest(enumerator, any);
        var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        await StreamingResponse.WriteAsync(context, $"Export of {fileName}", () => format == ListFormat.Csv
            ? WriteCsvAsync(response.Body, rows, ct)
            : WriteNdjsonAsync(response.BodyWriter, rows, options, ct));
    }

    private static async IAsyncEnumerable<T> Rest(IAsyncEnumerator<T> enumerator, bool any)
    {
        for (var more = any; more; more = await enumerator.MoveNextAsync())
        {
            yield return enumerator.Current;
        }
    }

    private static async Task WriteCsvAsync(Stream body, IAsyncEnumerable<T> items, CancellationToken ct)
    {
        // RFC 4180 (comma, CRLF, quotes where needed), UTF-8 without a byte-order mark; text a spreadsheet would run as
        // a formula (=, +, -, @ first) is escaped.
        await using var csv = CsvWriter.Create(body, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
        var columns = CsvColumns.For(typeof(T));
        foreach (var column in columns)
        {
            csv.WriteField(column.Name);
        }
        await csv.EndRecordAsync(ct);
        var language = LanguagePreference.Current;
        var count = 0;
        await foreach (var item in items.WithCancellation(ct))
        {
            foreach (var column in columns)
            {
                csv.WriteField(CsvColumns.Format(column.Get(item!), language));
            }
            await csv.EndRecordAsync(ct);
            if (++count % FlushEvery == 0)
            {
                await csv.FlushAsync(ct);
            }
        }
        await csv.FlushAsync(ct);
    }

    private static async Task WriteNdjsonAsync(PipeWriter body, IAsyncEnumerable<T> items, JsonSerializerOptions options, CancellationToken ct)
    {
        var typeInfo = options.GetTypeInfo(typeof(T));
        // The writer fills the response pipe's buffers; only FlushAsync does I/O.
        await using var writer = new Utf8JsonWriter(body, new JsonWriterOptions { SkipValidation = true });
        var count = 0;
        await foreach (var item in items.WithCancellation(ct))
        {
            JsonSerializer.Serialize(writer, item, typeInfo);
            writer.Flush();
            writer.Reset();
            body.Write("\n"u8);
            if (++count % FlushEvery == 0)
            {
                await body.FlushAsync(ct);
            }
        }
        await body.FlushAsync(ct);
    }
}

/// <summary>The CSV columns of a list item: its scalar properties, named as in JSON, formatted as JSON writes them.</summary>
internal static class CsvColumns
{
    internal sealed record Column(string Name, Func<object, object?> Get);

    private static readonly ConcurrentDictionary<Type, IReadOnlyList<Column>> s_columns = new();
    private static readonly ConcurrentDictionary<Enum, string> s_enumNames = new();

    public static IReadOnlyList<Column> For(Type type) => s_columns.GetOrAdd(type, t => t
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => IsScalar(p.PropertyType))
        .Select(p => new Column(JsonNamingPolicy.CamelCase.ConvertName(p.Name), p.GetValue))
        .ToList());

    private static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(Guid)
            || type == typeof(DateOnly) || type == typeof(DateTimeOffset) || type == typeof(LocalizedText)
            || type == typeof(IReadOnlyList<string>);
    }

    /// <summary>The field as JSON shows it: localized text in the response language (every translation as a JSON
    /// object with lang=*), enumerations by their wire names, lists of strings joined by ';'.</summary>
    public static string? Format(object? value, LanguagePreference language) => value switch
    {
        null => null,
        string s => s,
        LocalizedText text => language.IsAll
            ? JsonSerializer.Serialize(new SortedDictionary<string, string>(text, StringComparer.Ordinal), CsvJson.Default.SortedDictionaryStringString)
            : language.Resolve(text).Text,
        Guid g => g.ToString("D"),
        bool b => b ? "true" : "false",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
        Enum e => s_enumNames.GetOrAdd(e, v => JsonSerializer.Serialize(v, v.GetType(), AppJsonContext.Default.Options).Trim('"')),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable<string> list => string.Join(';', list),
        _ => value.ToString(),
    };
}

[System.Text.Json.Serialization.JsonSerializable(typeof(SortedDictionary<string, string>))]
internal sealed partial class CsvJson : System.Text.Json.Serialization.JsonSerializerContext;
