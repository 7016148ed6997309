using Dapper;
using Npgsql;

namespace RoundTable.Api.Database;

/// <summary>A read on a connection of its own, opened and returned to the pool around the one command.</summary>
internal static class DataSourceExtensions
{
    public static async Task<IReadOnlyList<T>> QueryListAsync<T>(this NpgsqlDataSource dataSource, CommandDefinition command)
    {
        await using var connection = await dataSource.OpenConnectionAsync(command.CancellationToken);
        return (await connection.QueryAsync<T>(command)).AsList();
    }

    public static async Task<T?> QuerySingleOrDefaultAsync<T>(this NpgsqlDataSource dataSource, CommandDefinition command)
    {
        await using var connection = await dataSource.OpenConnectionAsync(command.CancellationToken);
        return await connection.QuerySingleOrDefaultAsync<T>(command);
    }

    public static async Task<T> ExecuteScalarAsync<T>(this NpgsqlDataSource dataSource, CommandDefinition command)
    {
        await using var connection = await dataSource.OpenConnectionAsync(command.CancellationToken);
        return (await connection.ExecuteScalarAsync<T>(command))!;
    }

    /// <summary>Every row of one statement, read unbuffered: memory stays flat, and one statement is one snapshot.</summary>
    public static async IAsyncEnumerable<T> StreamAsync<T>(this NpgsqlDataSource dataSource, CommandDefinition command)
    {
        await using var connection = await dataSource.OpenConnectionAsync(command.CancellationToken);
        await foreach (var row in connection.QueryUnbufferedAsync<T>(command.CommandText, command.Parameters,
            command.Transaction as System.Data.Common.DbTransaction, command.CommandTimeout).WithCancellation(command.CancellationToken))
        {
            yield return row;
        }
    }

    /// <summary>
    /// An item and its relations, read in one round trip as the result sets of one batch; null when its first
    /// result set is empty. <paramref name="read"/> takes the item and reads the rest.
    /// </summary>
    public static async Task<TDetails?> QueryDetailsAsync<TRow, TDetails>(
        this NpgsqlDataSource dataSource, CommandDefinition command, Func<TRow, SqlMapper.GridReader, Task<TDetails>> read)
        where TDetails : class
    {
        await using var connection = await dataSource.OpenConnectionAsync(command.CancellationToken);
        await using var grid = await connection.QueryMultipleAsync(command);
        var row = await grid.ReadSingleOrDefaultAsync<TRow>();
        return row is null ? null : await read(row, grid);
    }
}
