using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace RoundTable.Api.Errors;

/// <summary>Every failure becomes an RFC 9457 problem: client mistakes a 4xx, ours a 500 without internals.</summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            // The client went away: whatever failed after that failed because of it.
            _ when context.RequestAborted.IsCancellationRequested && exception is OperationCanceledException or NpgsqlException or IOException =>
                new ProblemDetails { Status = 499, Title = "The client closed the request." },
            // Constraint violations are the client's: a slug already taken, a row still referenced.
            PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "That conflicts with an existing resource.",
                Detail = "A slug, key or relation like this one already exists. Slugs stay taken after a delete, so that old links never point at something else.",
            },
            // Two writes that waited on each other: nothing was written by this one, and a retry will go through.
            PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure } => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "A concurrent change got in the way.",
                Detail = "Nothing was written: retry the request.",
            },
            PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation } => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "That conflicts with a related resource.",
                Detail = "It refers to a resource that does not exist, or another resource still refers to it.",
            },
            // A value that passed our validation but not the database's checks or types (out of range, malformed):
            // still the request's, and nothing was written.
            PostgresException { SqlState: var state } when state == PostgresErrorCodes.CheckViolation || state.StartsWith("22", StringComparison.Ordinal) => new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "A value in the request is not acceptable.",
                Detail = "A value is out of range or not in the expected form.",
            },
            BadHttpRequestException { InnerException: JsonException json } => BodyProblem(json),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new ProblemDetails
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "The request body is too large.",
            },
            // Minimal APIs raise it for a missing or null body; route and query values are parsed by the handlers.
            BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest } => new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request is not valid.",
                Detail = "A JSON body is required.",
                Extensions = { ["errors"] = new Dictionary<string, string[]> { ["body"] = ["A JSON object is required."] } },
            },
            BadHttpRequestException bad => new ProblemDetails { Status = bad.StatusCode, Title = "The request could not be read." },
            OperationCanceledException when context.RequestAborted.IsCancellationRequested =>
                new ProblemDetails { Status = 499, Title = "The client closed the request." },
            _ when DatabaseFaults.Cause(exception) is { } cause =>
                DatabaseFaults.Problem(DatabaseFaults.Code(exception)!, $"{cause}. Nothing was changed by this request unless a later read shows it"),
            _ => new ProblemDetails { Status = StatusCodes.Status500InternalServerError, Title = "An unexpected error occurred." },
        };
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            // One short warning per answer (an outage must not flood the log with stack traces); the trace at Debug.
            logger.LogWarning("Database unavailable ({Cause}) for {Method} {Path}: {Error}", problem.Extensions["cause"], context.Request.Method,
                context.Request.Path, exception.GetBaseException().GetType().Name);
            logger.LogDebug(exception, "Database unavailable");
            await DatabaseFaults.WriteAsync(context, problem);
            return true;
        }
        else if (problem.Status >= 500)
        {
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", context.Request.Method, context.Request.Path);
        }
        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = null, // never let the exception reach the body
            ProblemDetails = problem,
        });
    }

    /// <summary>A body that is not JSON, or JSON of the wrong shape: 400 naming the place, never the parser's text.</summary>
    private static ProblemDetails BodyProblem(JsonException json)
    {
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is not valid.",
            Detail = "The body is not valid JSON, or a value has the wrong type, format or an unknown value.",
        };
        if (json.Path is { Length: > 1 } path)
        {
            problem.Extensions["errors"] = new Dictionary<string, string[]>
            {
                [path.TrimStart('$', '.')] = ["This value has the wrong type, format or an unknown value."],
            };
        }
        return problem;
    }
}

internal static class ProblemHandling
{
    public static IServiceCollection AddRoundTableProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions.Remove("exception");
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        // Body binding failures reach ProblemExceptionHandler in every environment, so they name the bad field.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }
}
