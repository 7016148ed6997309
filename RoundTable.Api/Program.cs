using RoundTable.Api;
using RoundTable.Api.Auth;
using RoundTable.Api.Changes;
using RoundTable.Api.Database;
using RoundTable.Api.Events;
using RoundTable.Api.Health;
using RoundTable.Api.Http;
using RoundTable.Api.Institutions;
using RoundTable.Api.Localization;
using RoundTable.Api.OpenApi;
using RoundTable.Api.Recommendations;
using RoundTable.Api.Search;
using RoundTable.Api.Speakers;
using RoundTable.Api.Validation;

var builder = WebApplication.CreateBuilder(args);

builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.UseRoundTableContracts());
builder.Services.Configure<LanguageOptions>(builder.Configuration.GetSection(LanguageOptions.Section));
builder.Services.AddRoundTableProblems();
builder.Services.Configure<CachingOptions>(builder.Configuration.GetSection(CachingOptions.Section));
builder.Services.Configure<LimitsOptions>(builder.Configuration.GetSection(LimitsOptions.Section));
builder.Services.Configure<IdempotencyOptions>(builder.Configuration.GetSection(IdempotencyOptions.Section));
builder.Services.AddRoundTableDatabase(builder.Configuration);
builder.Services.AddRoundTableAuth();
builder.Services.AddRoundTableRateLimits(builder.Configuration);
builder.Services.AddRoundTableValidators();
builder.Services.AddRoundTableHealth();
builder.Services.AddRoundTableOpenApi();
builder.Services.AddRoundTableCors(builder.Configuration);

var app = builder.Build();

if (Commands.IsCommand(args))
{
    return await Commands.RunAsync(app, args);
}

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCors();
app.UseMiddleware<LanguageNegotiation>();
app.UseMiddleware<StrictQuery>();
app.UseMiddleware<RequestBodyLimitMiddleware>();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();
// After authorization: a revalidation answered from the validators must have passed the key and rate checks first.
app.UseMiddleware<HttpCaching>();

app.UseRoundTableOpenApi();
app.MapRoundTableHealth();
app.MapEvents();
app.MapEventRelations();
app.MapSpeakers();
app.MapSpeakerWrites();
app.MapInstitutions();
app.MapInstitutionWrites();
app.MapRecommendations();
app.MapRecommendationWrites();
app.MapSearch();
app.MapChanges();
app.MapApiKeys();

await app.PrepareDatabaseAsync();
await app.RunAsync();
return 0;

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
