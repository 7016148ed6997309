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

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "This key may not do that.",
            detail: detail,
            type: "https://tools.ietf.org/html/rfc9110#section-15.5.4");

    /// <summary>Documents the answers every write can give beyond its success and 400.</summary>
    public static RouteHandlerBuilder WithWriteProblems(this RouteHandlerBuilder builder, bool conditional = false)
    {
        builder.ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status500InternalServerError);
        if (conditional)
        {
            builder.ProducesProblem(StatusCodes.Status404NotFound)
                .ProducesProblem(StatusCodes.Status412PreconditionFailed)
                .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        }
        return builder;
    }
}

/// <summary>Per-field errors found after the body was bound (e.g. a merge patch that leaves the resource invalid).</summary>
internal sealed class RequestValidationException(Dictionary<string, string[]> errors) : Exception("The request is not valid.")
{
    public Dictionary<string, string[]> Errors { get; } = errors;
}
