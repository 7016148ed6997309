using FluentValidation;
using RoundTable.Api;
using RoundTable.Api.Auth;
using RoundTable.Api.Database;
using RoundTable.Api.Events;
using RoundTable.Api.Health;
using RoundTable.Api.Http;
using RoundTable.Api.Institutions;
using RoundTable.Api.OpenApi;
using RoundTable.Api.Recommendations;
using RoundTable.Api.Speakers;

var builder = WebApplication.CreateBuilder(args);

builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default));
builder.Services.AddRoundTableProblems();
builder.Services.Configure<LimitsOptions>(builder.Configuration.GetSection(LimitsOptions.Section));
builder.Services.Configure<IdempotencyOptions>(builder.Configuration.GetSection(IdempotencyOptions.Section));
builder.Services.AddRoundTableDatabase(builder.Configuration);
builder.Services.AddRoundTableAuth();
builder.Services.AddRoundTableRateLimits(builder.Configuration);
builder.Services.AddSingleton<IValidator<CreateEventRequest>, CreateEventRequestValidator>();
builder.Services.AddSingleton<IValidator<EventWriteRequest>, EventWriteRequestValidator>();
builder.Services.AddSingleton<IValidator<InstitutionWriteRequest>, InstitutionWriteRequestValidator>();
builder.Services.AddSingleton<IValidator<SpeakerWriteRequest>, SpeakerWriteRequestValidator>();
builder.Services.AddSingleton<IValidator<RecommendationWriteRequest>, RecommendationWriteRequestValidator>();
builder.Services.AddSingleton<IValidator<StatusChangeRequest>, StatusChangeRequestValidator>();
builder.Services.AddSingleton<RecommendationWritesApi.References>();
builder.Services.AddSingleton<Resolver>();
builder.Services.AddSingleton<IValidator<EventOrganizerRequest>, EventOrganizerRequestValidator>();
builder.Services.AddSingleton<IValidator<EventParticipantRequest>, EventParticipantRequestValidator>();
builder.Services.AddSingleton<IValidator<EventQuoteRequest>, EventQuoteRequestValidator>();
builder.Services.AddSingleton<IValidator<EventAcknowledgementRequest>, EventAcknowledgementRequestValidator>();
builder.Services.AddSingleton<IValidator<AffiliationRequest>, AffiliationRequestValidator>();
builder.Services.AddSingleton<IValidator<RankingRequest>, RankingRequestValidator>();
builder.Services.AddRoundTableHealth();
builder.Services.AddRoundTableOpenApi();

var app = builder.Build();

if (Commands.IsCommand(args))
{
    return await Commands.RunAsync(app, args);
}

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseMiddleware<RequestBodyLimitMiddleware>();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();

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
app.MapApiKeys();

await app.PrepareDatabaseAsync();
await app.RunAsync();
return 0;

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
