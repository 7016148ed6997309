using System.Data;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using RoundTable.Api.Localization;

namespace RoundTable.Api.Database;

internal static class DapperSetup
{
    private static int s_configured;

    public static void Configure()
    {
        if (Interlocked.Exchange(ref s_configured, 1) == 1)
        {
            return;
        }
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new LocalizedTextHandler());
    }

    private sealed class LocalizedTextHandler : SqlMapper.TypeHandler<LocalizedText?>
    {
        public override LocalizedText? Parse(object value) =>
            value is string json ? LocalizedText.FromJson(json) : null;

        public override void SetValue(IDbDataParameter parameter, LocalizedText? value)
        {
            parameter.Value = value is null ? DBNull.Value : value.ToJson();
            if (parameter is NpgsqlParameter npgsql)
            {
                npgsql.NpgsqlDbType = NpgsqlDbType.Jsonb;
            }
        }
    }
}
