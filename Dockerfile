# Build and publish with the SDK, run on the ASP.NET runtime image.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig RoundTable.sln ./
COPY RoundTable.Api/RoundTable.Api.csproj RoundTable.Api/
RUN dotnet restore RoundTable.Api/RoundTable.Api.csproj
COPY db/ db/
COPY seeds/ seeds/
COPY RoundTable.Api/ RoundTable.Api/
RUN dotnet publish RoundTable.Api/RoundTable.Api.csproj -c Release -o /app --no-restore -p:OpenApiGenerateDocumentsOnBuild=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_URLS=http://+:8080 \
    Database__MigrateOnStartup=false \
    Database__SeedOnStartup=false
EXPOSE 8080
USER $APP_UID
ENTRYPOINT ["dotnet", "RoundTable.Api.dll"]
