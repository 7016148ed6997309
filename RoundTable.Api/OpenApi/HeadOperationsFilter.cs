using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace RoundTable.Api.OpenApi;

/// <summary>
/// Every GET has its HEAD (Http.HeadRequests runs it as the GET): the same parameters, statuses and headers, no body.
/// Declared, so that clients and the contract check know HEAD is part of the API.
/// </summary>
internal sealed class HeadOperationsFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        foreach (var item in document.Paths.Values.OfType<OpenApiPathItem>())
        {
            if (item.Operations is null || !item.Operations.TryGetValue(HttpMethod.Get, out var get) || item.Operations.ContainsKey(HttpMethod.Head))
            {
                continue;
            }
            var responses = new OpenApiResponses();
            foreach (var (status, response) in get.Responses ?? [])
            {
                responses[status] = new OpenApiResponse { Description = response.Description, Headers = response.Headers };
            }
            item.Operations[HttpMethod.Head] = new OpenApiOperation
            {
                Tags = get.Tags,
                Summary = $"Headers only: {get.Summary}",
                Description = "The status and headers a GET would answer (ETag, Last-Modified, Content-Language…), without the body.",
                OperationId = get.OperationId is { } id ? "head" + char.ToUpperInvariant(id[0]) + id[1..] : null,
                Parameters = get.Parameters,
                Responses = responses,
                Security = get.Security,
            };
        }
    }
}
