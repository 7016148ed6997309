using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace RoundTable.Api.OpenApi;

/// <summary>
/// The last pass over the document: bounds on every header and on every date and UUID string (what Kestrel and the
/// parsers accept, so that strict clients and the OWASP lint know the limits), the CORS header a browser reads on
/// every answer, and who each server is for.
/// </summary>
internal sealed class BoundsDocumentFilter : IDocumentFilter
{
    /// <summary>Longest value of each header the API sends, as it writes them.</summary>
    private static readonly Dictionary<string, int> s_responseHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ETag"] = 200, ["Content-Language"] = 35, ["Last-Modified"] = 29, ["Cache-Control"] = 200, ["Vary"] = 200,
        ["Link"] = 4000, ["Location"] = 2000, ["RateLimit"] = 200, ["RateLimit-Policy"] = 200, ["Content-Disposition"] = 300,
        ["Access-Control-Allow-Origin"] = 2000, ["X-Accel-Buffering"] = 3,
    };

    /// <summary>Longest value of each request header the API reads that it takes into account.</summary>
    private static readonly Dictionary<string, int> s_requestHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Accept-Language"] = 1000, ["If-None-Match"] = 4000, ["If-Match"] = 4000, ["If-Modified-Since"] = 64,
    };

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        document.Servers =
        [
            new OpenApiServer
            {
                Url = "/", Description = "Production: the host that serves this document",
                Extensions = new Dictionary<string, IOpenApiExtension> { ["x-internal"] = new JsonNodeExtension(false) },
            },
            new OpenApiServer
            {
                Url = "http://localhost:5080", Description = "Local development: ./run.sh",
                Extensions = new Dictionary<string, IOpenApiExtension> { ["x-internal"] = new JsonNodeExtension(true) },
            },
        ];
        foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []))
        {
            foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
            {
                if (parameter.In == ParameterLocation.Header && parameter.Schema is OpenApiSchema schema
                    && s_requestHeaders.TryGetValue(parameter.Name!, out var max))
                {
                    schema.MaxLength ??= max;
                }
            }
            foreach (var response in operation.Responses?.Values.OfType<OpenApiResponse>() ?? [])
            {
                response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                response.Headers.TryAdd("Access-Control-Allow-Origin", new OpenApiHeader
                {
                    Description = "The request's Origin, when it is one of the configured Cors:Origins (browsers read the answer only then).",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
                foreach (var (name, header) in response.Headers)
                {
                    if (header is not OpenApiHeader { Schema: OpenApiSchema schema })
                    {
                        continue;
                    }
                    if (name.Equals("Retry-After", StringComparison.OrdinalIgnoreCase))
                    {
                        schema.Format = "int32";
                        schema.Minimum ??= "0";
                        schema.Maximum = "86400";
                    }
                    else if (schema.Type == JsonSchemaType.String && schema.Enum is null && s_responseHeaders.TryGetValue(name, out var max))
                    {
                        schema.MaxLength ??= max;
                    }
                }
            }
        }
        foreach (var schema in document.Components?.Schemas?.Values.OfType<OpenApiSchema>() ?? [])
        {
            BoundStrings(schema, []);
        }
    }

    /// <summary>A date is 10 characters, a date-time at most 42 (what System.Text.Json parses), a UUID 36.</summary>
    private static void BoundStrings(OpenApiSchema schema, HashSet<OpenApiSchema> seen)
    {
        if (!seen.Add(schema))
        {
            return;
        }
        schema.MaxLength ??= schema.Format switch { "date" => 10, "date-time" => 42, "uuid" => 36, _ => null };
        foreach (var child in (schema.Properties?.Values ?? []).Concat(schema.OneOf ?? []).Concat(schema.AnyOf ?? []).Concat(schema.AllOf ?? [])
            .Append(schema.Items).Append(schema.AdditionalProperties).OfType<OpenApiSchema>())
        {
            BoundStrings(child, seen);
        }
    }
}
