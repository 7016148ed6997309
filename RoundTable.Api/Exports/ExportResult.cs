using System.Globalization;
using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CsvHelper;
using RoundTable.Api.Caching;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using RoundTable.Api.Localization;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Exports;

/// <summary>
/// A whole list streamed row by row from the database as CSV (RFC 4180, a header row of the JSON property names) or
/// NDJSON (one JSON object per line, as in the JSON pages). Nothing is buffered: memory stays flat however many rows
/// there are. The rows come from one SELECT, so the export is one consistent snapshot even while others write.
/// </summary>
internal sealed class ExportResult<T>(ListQuery query, string fileName, IAsyncEnumerable<T> items) : IResult
{
    /// <summary>Text as it is: Cyrillic, Hangul and the rest written as UTF-8, not as \uXXXX escapes.</summary>
    private static readonly JsonWriterOptions s_rawText = new() { SkipValidation = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private const int FlushEvery = 256;

    public async Task ExecuteAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var format = query.Format;
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
            ? WriteCsvAsync(response.Body, rows, query.ByteOrderMark, ct)
            : WriteNdjsonAsync(response.BodyWriter, rows, options, ct));
    }

    private static async IAsyncEnumerable<T> Rest(IAsyncEnumerator<T> enumerator, bool any)
    {
        for (var more = any; more; more = await enumerator.MoveNextAsync())
        {
            yield return enumerator.Current;
        }
    }

    private static async Task WriteCsvAsync(Stream body, IAsyncEnumerable<T> items, bool byteOrderMark, CancellationToken ct)
    {
        // RFC 4180 (comma, CRLF, quotes where needed), UTF-8 with a byte-order mark only when asked (bom=true); text a
        // spreadsheet would run as a formula (=, +, -, @ first) is escaped.
        if (byteOrderMark)
        {
            await body.WriteAsync(System.Text.Encoding.UTF8.Preamble.ToArray(), ct);
        }
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
        await using var writer = new Utf8JsonWriter(body, s_rawText);
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

internal static class ExportRows
{
    /// <summary>The rows of an export as the items it writes, mapped one by one as they stream in.</summary>
    public static async IAsyncEnumerable<T> MapEach<TRow, T>(this IAsyncEnumerable<TRow> rows, Func<TRow, T> map)
    {
        await foreach (var row in rows)
        {
            yield return map(row);
        }
    }
}
