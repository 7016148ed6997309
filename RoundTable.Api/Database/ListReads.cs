using Dapper;
using Npgsql;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Database;

/// <summary>The two ways a top-level list reads its rows: one page, or every row streamed.</summary>
internal static class ListReads
{
    public static async Task<IReadOnlyList<TRow>> PageAsync<TRow>(NpgsqlDataSource dataSource, CommandDefinition command)
    {
        await using var connection = await dataSource.OpenConnectionAsync(command.CancellationToken);
        var rows = await connection.QueryAsync<TRow>(command);
        return rows.AsList();
    }

    /// <summary>Every row of one statement, read unbuffered: memory stays flat, and one statement is one snapshot.</summary>
    public static async IAsyncEnumerable<TRow> StreamAsync<TRow>(
        NpgsqlDataSource dataSource, CommandDefinition command)
    {
        await using var connection = await dataSource.OpenConnectionAsync(command.CancellationToken);
        await foreach (var row in connection.QueryUnbufferedAsync<TRow>(command.CommandText, command.Parameters, command.Transaction as System.Data.Common.DbTransaction, command.CommandTimeout).WithCancellation(command.CancellationToken))
        {
            yield return row;
        }
    }
}
