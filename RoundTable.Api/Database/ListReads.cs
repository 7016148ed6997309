using System.Runtime.CompilerServices;
using Dapper;
using Npgsql;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Database;

/// <summary>The two ways a top-level list reads its rows: one page, or every row streamed.</summary>
internal static class ListReads
{
    public static async Task<IReadOnlyList<TRow>> PageAsync<TRow>(NpgsqlDataSource dataSource, string sql, DynamicParameters parameters, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<TRow>(new CommandDefinition(sql, parameters, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>Every row of one statement, read unbuffered: memory stays flat, and one statement is one snapshot.</summary>
    public static async IAsyncEnumerable<TRow> StreamAsync<TRow>(
        NpgsqlDataSource dataSource, string sql, DynamicParameters parameters, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await foreach (var row in connection.QueryUnbufferedAsync<TRow>(sql, parameters).WithCancellation(ct))
        {
            yield return row;
        }
    }
}
