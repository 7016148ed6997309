using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace RoundTable.Api.OpenApi;

/// <summary>
/// Makes the generated schemas read the same way in every strict JSON Schema tool:
/// a nullable reference is <c>oneOf: [reference, null]</c> (Swashbuckle writes <c>type: null</c> beside an
/// <c>allOf</c>, which allows only null), and ProblemDetails declares what our problems carry (errors, traceId).
/// Also names the servers, so Swagger UI and generated clients know where to send requests.
/// </summary>
internal sealed class StrictSchemaDocumentFilter : IDocumentFilter
{
    public const string ProblemSchema = "ProblemDetails";

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var schemas = document.Components?.Schemas;
        if (schemas is null)
        {
            return;
        }
        foreach (var (id, schema) in schemas)
        {
            if (schema is not OpenApiSchema target)
            {
                continue;
            }
            Visit(target);
            // A request's unknown members are ignored (so a representation read can be sent back as it is), not refused.
            if (id.EndsWith("Request", StringComparison.Ordinal))
            {
                target.AdditionalProperties = null;
                target.AdditionalPropertiesAllowed = true;
            }
        }
        schemas[ProblemSchema] = Problem();
        foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []))
        {
            if (operation.RequestBody?.Content?.TryGetValue(MergePatchMediaType, out var patch) == true
                && patch.Schema is OpenApiSchemaReference { Reference.Id: { } id } && schemas[id] is OpenApiSchema full)
            {
                var name = id.Replace("WriteRequest", "", StringComparison.Ordinal).Replace("Request", "", StringComparison.Ordinal) + "Patch";
                if (!schemas.ContainsKey(name))
                {
                    schemas[name] = MergePatchOf(id, full);
                }
                foreach (var media in operation.RequestBody.Content.Values)
                {
                    media.Schema = new OpenApiSchemaReference(name, document);
                }
            }
        }
    }

    private const string MergePatchMediaType = "application/merge-patch+json";

    /// <summary>
    /// The merge patch (RFC 7396) of a write request: every member optional; null removes a member that may be null
    /// (a required one cannot be removed, so it stays non-null); a text's translations merge one by one, and a null
    /// translation removes it; lists are replaced whole.
    /// </summary>
    private static OpenApiSchema MergePatchOf(string id, OpenApiSchema full)
    {
        var patch = (OpenApiSchema)full.CreateShallowCopy();
        patch.Required = null;
        patch.Description = $"A JSON Merge Patch (RFC 7396) of {id}: send only the members to change. null removes an "
            + "optional member; in a text, {\"ru\": null} removes one translation; lists are replaced whole.";
        patch.Properties = new Dictionary<string, IOpenApiSchema>();
        foreach (var (name, property) in full.Properties ?? new Dictionary<string, IOpenApiSchema>())
        {
            if (property is OpenApiSchema { AdditionalProperties: OpenApiSchema translation } text && text.Type?.HasFlag(JsonSchemaType.Object) == true)
            {
                var merged = (OpenApiSchema)text.CreateShallowCopy();
                merged.MinProperties = null;
                merged.MaxProperties = null;
                var value = (OpenApiSchema)translation.CreateShallowCopy();
                value.Type |= JsonSchemaType.Null;
                merged.AdditionalProperties = value;
                patch.Properties[name] = merged;
            }
            else
            {
                patch.Properties[name] = property;
            }
        }
        return patch;
    }

    private static void Visit(OpenApiSchema schema)
    {
        if (schema.Properties is { } properties)
        {
            foreach (var name in properties.Keys.ToList())
            {
                if (properties[name] is OpenApiSchema property)
                {
                    properties[name] = NullableReference(property) ?? property;
                    Visit(property);
                }
            }
        }
        if (schema.Items is OpenApiSchema items)
        {
            schema.Items = NullableReference(items) ?? items;
            Visit(items);
        }
        if (schema.AdditionalProperties is OpenApiSchema additional)
        {
            schema.AdditionalProperties = NullableReference(additional) ?? additional;
            Visit(additional);
        }
        foreach (var branch in (schema.OneOf ?? []).Concat(schema.AnyOf ?? []).Concat(schema.AllOf ?? []).OfType<OpenApiSchema>())
        {
            Visit(branch);
        }
    }

    // { type: null, allOf: [ $ref ] } → { oneOf: [ $ref, { type: null } ] }, description kept.
    private static OpenApiSchema? NullableReference(OpenApiSchema schema) =>
        schema is { Type: JsonSchemaType.Null, AllOf: [OpenApiSchemaReference reference] }
            ? new OpenApiSchema
            {
                Description = schema.Description,
                OneOf = [reference, new OpenApiSchema { Type = JsonSchemaType.Null }],
            }
            : null;

    private static OpenApiSchema Problem() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An RFC 9457 problem: what went wrong, for people (title, detail) and for programs (status, errors).",
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String, Format = "uri-reference",
                Description = "A URI that identifies the kind of problem.",
            },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A short summary of the kind of problem." },
            ["status"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Integer, Format = "int32", Minimum = "400", Maximum = "599",
                Description = "The HTTP status code.",
            },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong this time, and how to fix it." },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The path of the request." },
            ["traceId"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "Identifies the request in our logs: quote it when you report a problem.",
            },
            ["cause"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "For a 503: why the service is briefly unavailable (the database unreachable, out of connections, "
                    + "starting or stopping, slower than a deadline, the pool busy, the request past its deadline, start-up "
                    + "still migrating and seeding, a write its standby did not confirm in time (outcome unknown: retry "
                    + "with the same Idempotency-Key), or a read a standby cancelled).",
                Enum = ["unavailable", "too_many_connections", "database_resources", "starting_or_stopping", "timeout", "pool_timeout", "request_timeout", "not_prepared", "replication_unconfirmed", "standby_conflict"],
            },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "For a request that is not valid: each invalid field (a JSON path into the body, or a "
                    + "parameter name) → what is wrong with it.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        },
        Required = new HashSet<string> { "title", "status" },
        Examples = [JsonNode.Parse("""
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"The request is not valid.","status":400,"instance":"/api/v1/events","errors":{"limit":["limit must be an integer from 1 to 100."]},"traceId":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}
            """)!],
    };
}
