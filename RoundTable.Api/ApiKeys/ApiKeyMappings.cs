using Mapster;
using RoundTable.Api.Mapping;

namespace RoundTable.Api.ApiKeys;

internal sealed class ApiKeyMappings : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.AddSnakeCaseEnum<ApiKeyRole>();
        config.NewConfig<ApiKeyRow, ApiKeyResponse>().Map(d => d.Prefix, s => s.KeyPrefix);
        config.NewConfig<AuditEntryRow, AuditEntryResponse>();
    }
}
