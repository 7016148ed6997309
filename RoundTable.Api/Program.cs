using RoundTable.Api;
using RoundTable.Api.ApiKeys;
using RoundTable.Api.Auth;
using RoundTable.Api.Caching;
using RoundTable.Api.Changes;
using RoundTable.Api.Concurrency;
using RoundTable.Api.Database;
using RoundTable.Api.Errors;
using RoundTable.Api.Events;
using RoundTable.Api.Health;
using RoundTable.Api.Http;
using RoundTable.Api.Idempotency;
using RoundTable.Api.Institutions;
using RoundTable.Api.Json;
using RoundTable.Api.Localization;
using RoundTable.Api.Observability;
using RoundTable.Api.OpenApi;
using RoundTable.Api.Recommendations;
using RoundTable.Api.Search;
using RoundTable.Api.Seeding;
using RoundTable.Api.Sources;
using RoundTable.Api.Speakers;
using RoundTable.Api.Themes;
using RoundTable.Api.Webhooks;

var builder = WebApplication.CreateBuilder(args);

// Cross-cutting modules.
builder.Services.AddRoundTableJson();
builder.Services.AddRoundTableProblems();
builder.Services.AddRoundTableLanguages(builder.Configuration);
builder.Services.AddRoundTableDatabase(builder.Configuration);
builder.Services.AddRoundTableAuth();
builder.Services.AddRoundTableRateLimits(builder.Configuration);
builder.Services.AddRoundTableLimits(builder.Configuration);
builder.Services.AddRoundTableProxy(builder.Configuration);
builder.Services.AddRoundTableCompression();
builder.Services.AddRoundTableCaching(builder.Configuration);
builder.Services.AddRoundTableConcurrency();
builder.Services.AddRoundTableIdempotency(builder.Configuration);
builder.Services.AddRoundTableHealth(builder.Configuration);
builder.Services.AddRoundTableOpenApi();
builder.Services.AddRoundTableCors(builder.Configuration);
builder.AddRoundTableTelemetry();

// Features.
builder.Services.AddEvents();
builder.Services.AddSpeakers();
builder.Services.AddInstitutions();
builder.Services.AddRecommendations();
builder.Services.AddThemes();
builder.Services.AddSources();
builder.Services.AddSearch(builder.Configuration);
builder.Services.AddChanges(builder.Configuration);
builder.Services.AddApiKeys();
builder.Services.AddWebhooks(builder.Configuration);
builder.Services.AddSeeding();

var app = builder.Build();

if (Commands.IsCommand(args))
{
    return await Commands.RunAsync(app, args);
}

app.UseGracefulShutdown();
app.UseRoundTableProxy();
app.UseHeadAsGet(); // outside compression: a HEAD gets the headers its GET would (Content-Encoding, the coding's ETag)
app.UseRoundTableCompression();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRouting();
// Before anything reads the database: the reads the rule allows go to a standby (when one is configured).
app.UseStandbyReads();
// After routing, so that the probes and /metrics can leave themselves out of the request log.
app.UseRoundTableRequestLog();
app.UseCors();
// After CORS, so that a browser can read the 503 while start-up prepares the database.
app.UseDatabasePreparation();
app.UseRoundTableLimits();
app.UseAuthentication();
app.UseRoundTableRateLimits();
app.UseAuthorization();
// Parameters after route, method (405 from routing) and key (401/403): lang, then unknown query parameters.
app.UseRoundTableLanguages();
app.UseStrictQuery();
app.UseRoundTableCaching();

app.UseRoundTableOpenApi();
app.MapRoundTableHealth();
app.MapRoundTableMetrics();
app.MapEvents();
app.MapSpeakers();
app.MapInstitutions();
app.MapRecommendations();
app.MapThemes();
app.MapSources();
app.MapSearch();
app.MapChanges();
app.MapApiKeys();
app.MapWebhooks();

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
