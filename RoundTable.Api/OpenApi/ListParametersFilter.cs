using Microsoft.OpenApi;
using RoundTable.Api.LinkedData;
using RoundTable.Api.Localization;
using RoundTable.Api.Paging;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace RoundTable.Api.OpenApi;

/// <summary>
/// Documents what the HTTP layer handles outside the handlers' signatures: a list's query parameters (from its
/// <see cref="ListSpec"/>), its CSV and NDJSON media types, the language parameter and headers of every read, and
/// the caching headers and 304 of every GET.
/// </summary>
internal sealed class ListParametersFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        var isGet = string.Equals(context.ApiDescription.HttpMethod, "GET", StringComparison.OrdinalIgnoreCase);
        operation.Parameters ??= [];
        var spec = metadata.OfType<ListSpec>().FirstOrDefault();
        var calendarMetadata = metadata.OfType<CalendarDoc>().FirstOrDefault();
        var calendar = calendarMetadata is not null;
        var export = metadata.OfType<ExportRoute>().FirstOrDefault();
        if (spec is not null)
        {
            DescribeList(operation, spec, calendar, calendarMetadata?.FixedFilter, export);
        }
        if (export is not null)
        {
            DescribeExport(operation, export);
        }
        if (calendar)
        {
            operation.Parameters.Add(Query(LanguageNegotiation.QueryParameter, "Language of the texts (a language tag), as for JSON.",
                new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 35 }));
            operation.Responses ??= [];
            operation.Responses["200"] = new OpenApiResponse
            {
                Description = "An iCalendar (RFC 5545) feed.",
                Headers = new Dictionary<string, IOpenApiHeader> { ["Content-Language"] = ResponseHeader("The language of the texts.") },
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [CalendarDoc.MediaType] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
                },
            };
        }
        foreach (var doc in metadata.OfType<QueryParameterDoc>())
        {
            operation.Parameters.Add(Query(doc.Name, doc.Description, new OpenApiSchema
            {
                Type = doc.Integer ? JsonSchemaType.Integer : JsonSchemaType.String,
                Format = doc.Integer ? "int32" : null,
                Minimum = doc.Minimum?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Maximum = doc.Maximum?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                MaxLength = doc.MaxLength,
                Pattern = doc.Pattern,
                Examples = doc.Example is null ? null : [doc.Example],
            }));
        }
        // Exports stream: no validators, no 304. Calendars are written whole and revalidate like any GET.
        if (isGet && metadata.OfType<EventStreamDoc>().Any()
            && operation.Responses?.TryGetValue("200", out var streamed) == true && streamed is OpenApiResponse stream)
        {
            stream.Headers ??= new Dictionary<string, IOpenApiHeader>();
            stream.Headers["Cache-Control"] = ResponseHeader("no-cache: every event is new.");
            stream.Headers["Content-Language"] = ResponseHeader("The response language (the events carry no texts).");
            stream.Headers["X-Accel-Buffering"] = ResponseHeader("no: proxies that honour it pass each event on at once.");
        }
        if (isGet && export is null && !metadata.OfType<EventStreamDoc>().Any())
        {
            if (!operation.Parameters.Any(p => p.Name == LanguageNegotiation.QueryParameter))
            {
                operation.Parameters.Add(Query(LanguageNegotiation.QueryParameter,
                    "Response language (a language tag such as en, ru, kk, ko), or * for every translation as an object. "
                    + "Wins over Accept-Language.", new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 35 }));
            }
            operation.Parameters.Add(Header("Accept-Language", "Preferred languages with quality values (RFC 9110), e.g. kk, ru;q=0.8."));
            operation.Parameters.Add(Header("If-None-Match", "ETags the client holds: 304 Not Modified when one is current."));
            operation.Parameters.Add(Header("If-Modified-Since", "304 Not Modified when nothing changed since (ignored with If-None-Match)."));
            if (operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse response)
            {
                response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                response.Headers["ETag"] = new OpenApiHeader
                {
                    Description = "Validator of this representation (language and format included). An item's ETag begins with its version and is its If-Match. Not on CSV/NDJSON exports, which stream.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = HeadersFilter.ETagPattern },
                };
                response.Headers["Last-Modified"] = ResponseHeader("Time of the newest change to the data, one-second resolution (If-None-Match is the exact validator). Not on the change feed, the key administration or exports.");
                response.Headers["Cache-Control"] = ResponseHeader("public, short max-age for anonymous reads; private for keyed reads.");
                response.Headers["Content-Language"] = ResponseHeader("The response language (absent with lang=*).");
                response.Headers["Vary"] = ResponseHeader("Accept, Accept-Language.");
                if (operation.Parameters.Any(p => p.Name == "cursor"))
                {
                    response.Headers["Link"] = ResponseHeader("<…cursor=…>; rel=\"next\" while there is a next page.");
                }
            }
            if (metadata.OfType<JsonLd.Route>().Any() && operation.Responses?.TryGetValue("200", out var item) == true && item is OpenApiResponse itemResponse)
            {
                itemResponse.Description = "The resource as JSON-LD (schema.org).";
                itemResponse.Content = new Dictionary<string, OpenApiMediaType> { [JsonLd.MediaType] = new() { Schema = LinkedDataSchema() } };
            }
            operation.Responses?.TryAdd("304", new OpenApiResponse
            {
                Description = "Not Modified: the ETag (or date) the client sent is current.",
                Headers = new Dictionary<string, IOpenApiHeader>
                {
                    ["ETag"] = new OpenApiHeader
                    {
                        Description = "The current ETag.", Required = true,
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = HeadersFilter.ETagPattern },
                    },
                    ["Last-Modified"] = ResponseHeader("Time of the newest change to the data."),
                    ["Cache-Control"] = ResponseHeader("As on the 200."),
                    ["Content-Language"] = ResponseHeader("As on the 200."),
                },
            });
        }
    }

    /// <summary>A filter's value as its parser accepts it, with an example that finds something in the seed.</summary>
    private static OpenApiSchema FilterSchema(FilterSpec filter) => new()
    {
        Type = JsonSchemaType.String,
        MinLength = 1,
        MaxLength = filter.Shape.MaxLength,
        Pattern = filter.Shape.Pattern,
        Format = filter.Shape.Format,
        Examples = [filter.Example],
    };

    private static OpenApiSchema SortSchema(ListSpec spec)
    {
        var sorts = spec.Sorts.Select(s => s.Name).Where(n => n != "relevance").ToList();
        return new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Enum = [.. sorts.Select(n => (System.Text.Json.Nodes.JsonNode)n), .. sorts.Select(n => (System.Text.Json.Nodes.JsonNode)("-" + n)), "relevance"],
        };
    }

    /// <summary>A JSON-LD document: a schema.org node with its context, type and id; the rest as schema.org names it.</summary>
    private static OpenApiSchema LinkedDataSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "A schema.org node (Event, Person or Organization) in JSON-LD; texts in the response language, or with lang=* as language-tagged values.",
        Required = new HashSet<string> { "@context", "@type", "@id" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["@context"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri", MaxLength = 2000 },
            ["@type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["Event", "Person", "Organization", "CollegeOrUniversity", "GovernmentOrganization"] },
            ["@id"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri", MaxLength = 2000 },
        },
    };

    /// <summary>An export route: the list's filters, search and sort, no paging; its one media type on the 200.</summary>
    private static void DescribeExport(OpenApiOperation operation, ExportRoute export)
    {
        var csv = export.Format == ListFormat.Csv;
        if (csv)
        {
            operation.Parameters!.Add(Query("bom", "true starts the file with a UTF-8 byte-order mark, for spreadsheets that need one to read UTF-8.",
                new OpenApiSchema { Type = JsonSchemaType.Boolean }));
        }
        operation.Parameters!.Add(Query(LanguageNegotiation.QueryParameter,
            "Language of the texts (a language tag), or * for every translation (a JSON object per text).", new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 35 }));
        operation.Parameters.Add(Header("Accept-Language", "Preferred languages with quality values (RFC 9110), e.g. kk, ru;q=0.8."));
        operation.Responses ??= [];
        operation.Responses["200"] = new OpenApiResponse
        {
            Description = csv ? "The whole list as CSV, streamed." : "The whole list as NDJSON, streamed.",
            Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Content-Disposition"] = ResponseHeader("inline, with a file name (events.csv, …)."),
                ["Content-Language"] = ResponseHeader("The language of the texts (absent with lang=*)."),
            },
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [csv ? ListQuery.CsvMediaType : ListQuery.NdjsonMediaType] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String,
                        Description = csv
                            ? "RFC 4180 CSV with a header row: the items' fields, named as in JSON; lists inside a cell joined with ';'."
                            : "One JSON item per line, as in the JSON pages.",
                    },
                },
            },
        };
    }

    /// <summary>The word a reader of this registry searches for first.</summary>
    private const string SearchExample = "digital";

    private static void DescribeList(OpenApiOperation operation, ListSpec spec, bool calendar, string? fixedFilter, ExportRoute? export)
    {
        if (calendar)
        {
            operation.Parameters!.Add(Query("q", "Full-text search, as in the list.",
                new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 200, Examples = [SearchExample] }));
            operation.Parameters.Add(Query("sort", "Order of the events, as in the list.", SortSchema(spec)));
            operation.Parameters.Add(Query("updated_since", "Only events changed at or after this instant (RFC 3339).",
                new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time", MaxLength = 35 }));
            foreach (var filter in spec.Filters.Where(f => f.Name != fixedFilter))
            {
                operation.Parameters.Add(Query(filter.Name, filter.Description, FilterSchema(filter)));
            }
            return;
        }
        operation.Parameters ??= [];
        if (export is null)
        {
            operation.Parameters.Add(Query("limit", "Maximum number of items in the page (1..100, default 20).",
                new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "100" }));
            operation.Parameters.Add(Query("cursor", "Opaque cursor: nextCursor of the previous page (keep sort and filters unchanged).",
                new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 1000 }));
        }
        operation.Parameters.Add(Query("sort",
            "Order: " + string.Join("; ", spec.Sorts.Select(s => $"{s.Name}: {s.Description}")) + " A leading '-' sorts descending.",
            SortSchema(spec)));
        var q = Query("q", "Full-text search over every language, case- and accent-insensitive, each word as a prefix; ranked (sort=relevance is the default with q).",
            new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 200, Examples = [SearchExample] });
        q.Required = spec.SearchRequired;
        operation.Parameters.Add(q);
        operation.Parameters.Add(Query("updated_since", "Only items changed at or after this instant (RFC 3339). Deletions are in GET /api/v1/changes.",
            new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time", MaxLength = 35 }));
        if (spec.Includes.Count > 0 && export is null)
        {
            operation.Parameters.Add(Query("include", $"Embed related resources in each item: {string.Join(", ", spec.Includes)} (comma-separated).",
                new OpenApiSchema
                {
                    Type = JsonSchemaType.String, MaxLength = 200,
                    Pattern = FilterSpec.ListPattern(string.Join('|', spec.Includes)),
                    Examples = [spec.Includes[0]],
                }));
        }
        if (export is null)
        {
            var deprecated = Query("format", "json, the page. Deprecated: format=csv|ndjson (and Accept: text/csv or application/x-ndjson) "
                + "still stream the export here, as before the export routes existed; use the list's .csv and .ndjson routes.",
                new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["json"] });
            deprecated.Deprecated = true;
            operation.Parameters.Add(deprecated);
        }
        foreach (var filter in spec.Filters)
        {
            operation.Parameters.Add(Query(filter.Name, filter.Description, FilterSchema(filter)));
        }
    }

    private static OpenApiParameter Query(string name, string description, OpenApiSchema schema) =>
        new() { Name = name, In = ParameterLocation.Query, Description = description, Schema = schema };

    private static OpenApiParameter Header(string name, string description) =>
        new() { Name = name, In = ParameterLocation.Header, Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };

    private static OpenApiHeader ResponseHeader(string description) =>
        new() { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
}
