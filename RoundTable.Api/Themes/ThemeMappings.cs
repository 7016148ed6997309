using Mapster;

namespace RoundTable.Api.Themes;

internal sealed class ThemeMappings : IRegister
{
    public void Register(TypeAdapterConfig config) => config.NewConfig<ThemeDetailRow, ThemeDetail>();
}
