using Dapper;
using Npgsql;
using Polly;
using Polly.Retry;
using RoundTable.Api.Errors;
using RoundTable.Api.Json;

namespace RoundTable.Api.Database;

/// <summary>
/// A read on a connection of its own, opened and returned to the pool around the one command. A read whose
/// connection the database dropped (a restart or failover leaves such connections in the pool) is retried once on
/// another connection: reads are safe to repeat, and the retry is what keeps a restart from surfacing as 503s.
/// Timeouts are not retried (a second wait would only pass the request's deadline); writes are never retried here.
/// </summary>
internal static class DataSourceExtensions
{
    private static readonly ResiliencePipeline s_readRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 1,
            Delay = TimeSpan.FromMilliseconds(50),
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => DatabaseFaults.Code(e) is "unavailable" or "starting_or_stopping"),
        })
        .Build();

    private static long s_lastClear = long.MinValue / 2;

    /// <summary>A read through the retry: <paramref name="read"/> runs on a connection of its own (again, once, after a dropped connection).</summary>
    public static ValueTask<T> RetryingReadAsync<T>(this NpgsqlDataSource dataSource, Func<NpgsqlConnection, CancellationToken, Task<T>> read, CancellationToken ct) =>
        ReadAsync(dataSource, new CommandDefinition("", cancellationToken: ct), (connection, _) => read(connection, ct));

    // Reads of a request the standby rule allows go to the standby (StandbyReads.Route); all others to the primary. A
    // routed read the standby fails (down, frozen, or a statement cancelled by replication) is read again on the primary.
    private static async ValueTask<T> ReadAsync<T>(NpgsqlDataSource primary, CommandDefinition command,
        Func<NpgsqlConnection, CommandDefinition, Task<T>> read)
    {
        var source = StandbyReads.Route(primary);
        if (ReferenceEquals(source, primary))
        {
            return await ReadOnAsync(primary, command, read);
        }
        try
        {
            return await ReadOnAsync(source, command, read);
        }
        catch (Exception e) when (DatabaseFaults.Code(e) is not null && !command.CancellationToken.IsCancellationRequested)
        {
            return await ReadOnAsync(primary, command, read);
        }
    }

    private static ValueTask<T> ReadOnAsync<T>(NpgsqlDataSource dataSource, CommandDefinition command,
        Func<NpgsqlConnection, CommandDefinition, Task<T>> read) =>
        s_readRetry.ExecuteAsync(async (state, ct) =>
        {
            if (state.Attempts++ > 0)
            {
                // The pool's other connections to that server are likely gone too: drop them, once a second at most,
                // so that retries under load do not throw away the connections other retries just opened.
                var now = Environment.TickCount64;
                var last = Interlocked.Read(ref s_lastClear);
                if (now - last > 1000 && Interlocked.CompareExchange(ref s_lastClear, now, last) == last)
                {
                    dataSource.Clear();
                }
            }
            var connection = await dataSource.OpenConnectionAsync(ct);
            return await WithinDeadlineAsync(connection, read(connection, command), ct);
        }, new ReadAttempts(), command.CancellationToken);

    /// <summary>
    /// A statement on a server that stopped answering ends at its deadline (Command Timeout) on the driver's side, and
    /// the driver then tries to cancel it on the server, which costs up to twice the connect timeout more against a
    /// frozen server. The request does not wait for that: past the deadline (or when the request's own deadline ends)
    /// the read is left to finish in the background, where it returns its connection, and the request hears a timeout.
    /// The deadline bounds the whole read (the driver's bounds each network read): the reads here are one page or one
    /// item, far inside it; exports stream through <see cref="StreamAsync{T}"/>, which has none.
    /// </summary>
    private static async Task<T> WithinDeadlineAsync<T>(NpgsqlConnection connection, Task<T> read, CancellationToken ct)
    {
        var owned = OwnAsync(connection, read);
        _ = owned.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
        var deadline = connection.CommandTimeout > 0 ? TimeSpan.FromSeconds(connection.CommandTimeout + 0.5) : Timeout.InfiniteTimeSpan;
        try
        {
            return await owned.WaitAsync(deadline, ct);
        }
        catch (TimeoutException) when (!owned.IsCompleted)
        {
            throw new NpgsqlException("The database did not answer within the statement's deadline.", new TimeoutException());
        }

        static async Task<T> OwnAsync(NpgsqlConnection connection, Task<T> read)
        {
            await using (connection)
            {
                return await read;
            }
        }
    }

    private sealed class ReadAttempts
    {
        public int Attempts;
    }

    public static async Task<IReadOnlyList<T>> QueryListAsync<T>(this NpgsqlDataSource dataSource, CommandDefinition command) =>
        await ReadAsync(dataSource, command, async (connection, c) => (IReadOnlyList<T>)(await connection.QueryAsync<T>(c)).AsList());

    public static async Task<T?> QuerySingleOrDefaultAsync<T>(this NpgsqlDataSource dataSource, CommandDefinition command) =>
        await ReadAsync(dataSource, command, (connection, c) => connection.QuerySingleOrDefaultAsync<T>(c));

    public static async Task<T> ExecuteScalarAsync<T>(this NpgsqlDataSource dataSource, CommandDefinition command) =>
        (await ReadAsync(dataSource, command, (connection, c) => connection.ExecuteScalarAsync<T>(c)))!;

    /// <summary>Every row of one statement, read unbuffered: memory stays flat, and one statement is one snapshot.</summary>
    public static async IAsyncEnumerable<T> StreamAsync<T>(this NpgsqlDataSource dataSource, CommandDefinition command)
    {
        await using var connection = await StandbyReads.Route(dataSource).OpenConnectionAsync(command.CancellationToken);
        await foreach (var row in connection.QueryUnbufferedAsync<T>(command.CommandText, command.Parameters,
            command.Transaction as System.Data.Common.DbTransaction, command.CommandTimeout).WithCancellation(command.CancellationToken))
        {
            yield return row;
        }
    }

    /// <summary>
    /// A document the statement builds as JSON text (one row, one column; none when nothing matched), read into
    /// <typeparamref name="T"/> with <see cref="StoredJson"/>.
    /// </summary>
    public static async Task<T?> QueryDocumentAsync<T>(this NpgsqlDataSource dataSource, CommandDefinition command)
        where T : class
    {
        var text = await ReadAsync(dataSource, command, (connection, c) => connection.ExecuteScalarAsync<string?>(c));
        return text is null ? null : System.Text.Json.JsonSerializer.Deserialize<T>(text, StoredJson.Options);
    }

    /// <summary>
    /// An item and its relations, read in one round trip as the result sets of one batch; null when its first
    /// result set is empty. <paramref name="read"/> takes the item and reads the rest.
    /// </summary>
    public static async Task<TDetails?> QueryDetailsAsync<TRow, TDetails>(
        this NpgsqlDataSource dataSource, CommandDefinition command, Func<TRow, SqlMapper.GridReader, Task<TDetails>> read)
        where TDetails : class
    {
        return await ReadAsync(dataSource, command, async (connection, c) =>
        {
            await using var grid = await connection.QueryMultipleAsync(c);
            var row = await grid.ReadSingleOrDefaultAsync<TRow>();
            return row is null ? null : await read(row, grid);
        });
    }
}
