using Mapster;

namespace RoundTable.Api.Sources;

internal sealed class SourceMappings : IRegister
{
    public void Register(TypeAdapterConfig config) => config.NewConfig<SourceDetailRow, SourceDetail>();
}
