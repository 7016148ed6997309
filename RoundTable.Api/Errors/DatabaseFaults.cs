using System.Globalization;
using System.Net.Sockets;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace RoundTable.Api.Errors;

/// <summary>
/// Failures of the database that pass: it is down, restarting, refusing connections, out of connections, failing
/// over, or slower than our deadlines. They are 503 problems with Retry-After (never 500s), named by a short cause
/// that is safe to show (no driver text) and that metrics and logs count by.
/// </summary>
internal static class DatabaseFaults
{
    public const int RetryAfterSeconds = 2;

    /// <summary>The cause while start-up has not yet migrated and seeded the database (DatabasePreparation).</summary>
    public const string NotPrepared = "not_prepared";
    public const string NotPreparedCause = "The database is not migrated and seeded yet";

    /// <summary>What a client may read about the fault, or null when it is not a passing database fault.</summary>
    public static string? Cause(Exception exception) => Code(exception) switch
    {
        "pool_timeout" => "Every database connection is busy and none came free in time",
        "timeout" => "The database did not answer in time",
        "unavailable" => "The database cannot be reached",
        "too_many_connections" => "The database has no connection to spare",
        "database_resources" => "The database is short of a resource (disk or memory)",
        "starting_or_stopping" => "The database is starting, stopping or failing over",
        "replication_unconfirmed" => "The write was not confirmed by the database's standby in time, so it may or may not have been kept (retry with the same Idempotency-Key)",
        "standby_conflict" => "A read on a standby was cancelled by its replication",
        NotPrepared => NotPreparedCause,
        _ => null,
    };

    /// <summary>The cause as a code (logs, metrics, the problem's "cause" member), or null.</summary>
    public static string? Code(Exception exception)
    {
        // Sockets, streams and timeouts are the database's only under one of its driver's exceptions: a client that
        // resets while its body is read, or a file that is missing, is not a database fault.
        var fromDriver = false;
        for (var e = exception; e is not null; e = e.InnerException)
        {
            fromDriver |= e is NpgsqlException;
        }
        if (!fromDriver)
        {
            return null;
        }
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case Database.ReplicationUnconfirmedException:
                    return "replication_unconfirmed";
                // A read on a hot standby cancelled because replaying the primary's changes needed what it read.
                case PostgresException { SqlState: PostgresErrorCodes.SerializationFailure } p when p.MessageText.Contains("conflict with recovery", StringComparison.Ordinal):
                    return "standby_conflict";
                case PostgresException { SqlState: PostgresErrorCodes.TooManyConnections }:
                    return "too_many_connections";
                case PostgresException { SqlState: var resources } when resources.StartsWith("53", StringComparison.Ordinal):
                    return "database_resources"; // out of disk, memory or another resource
                case PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                    or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.ReadOnlySqlTransaction }:
                    return "starting_or_stopping";
                case PostgresException { SqlState: PostgresErrorCodes.QueryCanceled or PostgresErrorCodes.LockNotAvailable }:
                    return "timeout";
                case PostgresException { SqlState: var state } when state.StartsWith("08", StringComparison.Ordinal):
                    return "unavailable";
                case PostgresException:
                    return null; // the statement's own failure, not the database's
                // A multi-host connection string with no host in the role asked for (no primary between a primary's
                // loss and a standby's promotion): the driver says so in this message and nothing else.
                case NpgsqlException when e.Message.StartsWith("No suitable host", StringComparison.Ordinal):
                    return "starting_or_stopping";
                case NpgsqlException { InnerException: TimeoutException }:
                    return e.Message.Contains("pool", StringComparison.OrdinalIgnoreCase) ? "pool_timeout" : "timeout";
                case TimeoutException:
                    return "timeout";
                // A read that timed out reaches us as a transient I/O failure with the timeout further in: it is a
                // timeout (not retried: a frozen server would make the retry wait as long again), not a dropped connection.
                case SocketException or System.IO.IOException or NpgsqlException { IsTransient: true }:
                    return TimedOut(e) ? "timeout" : "unavailable";
            }
        }
        return null;
    }

    private static bool TimedOut(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is TimeoutException)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The 503 problem for <paramref name="cause"/> (a code of <see cref="Code"/>, or not_prepared, request_timeout).</summary>
    public static ProblemDetails Problem(string cause, string detail) => new()
    {
        Status = StatusCodes.Status503ServiceUnavailable,
        Title = "The service is briefly unavailable.",
        Detail = detail + ": retry after the time in Retry-After.",
        Extensions = { ["cause"] = cause },
    };

    /// <summary>Answers the 503 problem with Retry-After, counted by cause: every 503 of the API goes through here.</summary>
    public static Task WriteAsync(HttpContext context, ProblemDetails problem)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        Observability.RoundTableMetrics.Unavailable((string)problem.Extensions["cause"]!);
        return context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).AsTask();
    }
}
