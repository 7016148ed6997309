using Microsoft.AspNetCore.Http.HttpResults;

namespace RoundTable.Api.Errors;

/// <summary>RFC 9457 problem answers shared by every endpoint: the only way a handler says no.</summary>
internal static class Problems
{
    public static ProblemHttpResult Validation(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "The request is not valid.",
            detail: "See errors for what to change.",
            type: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            extensions: new Dictionary<string, object?> { ["errors"] = errors });

    public static ProblemHttpResult Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult NotFound(string resource, string key) => NotFound($"There is no {resource} '{key}'.");

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound,
            title: "Not found.",
            detail: detail,
            type: "https://tools.ietf.org/html/rfc9110#section-15.5.5");

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "This key may not do that.",
            detail: detail,
            type: "https://tools.ietf.org/html/rfc9110#section-15.5.4");

    /// <summary>A write refused because of other rows (e.g. deleting an institution that live events still name).</summary>
    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "That conflicts with a related resource.", detail: detail);

    public static ProblemHttpResult UnsupportedMediaType(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type.", detail: detail);
}
