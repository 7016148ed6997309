using Microsoft.AspNetCore.Http.HttpResults;

namespace RoundTable.Api.Http;

/// <summary>RFC 9457 problem answers shared by every endpoint.</summary>
internal static class Problems
{
    public static ProblemHttpResult Validation(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "The request is not valid.",
            detail: "See errors for what to change.",
            type: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            extensions: new Dictionary<string, object?> { ["errors"] = errors });

    public static ProblemHttpResult NotFound(string resource, string key) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: "Not found.",
            detail: $"There is no {resource} '{key}'.",
            type: "https://tools.ietf.org/html/rfc9110#section-15.5.5");
}
