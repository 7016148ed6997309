using System.Text.Json;
using FluentValidation;
using Microsoft.Extensions.Options;
using Npgsql;
using RoundTable.Api.Database;

namespace RoundTable.Api.Seeding;

/// <summary>
/// Loads the seed files (seeds/*.json) in one transaction. Rows match by slug (relations by their natural keys) and
/// are written only when they differ, so a second load changes nothing: no new row, no new version.
/// </summary>
internal sealed class Seeder(NpgsqlDataSource dataSource, IOptions<DatabaseOptions> options, ILogger<Seeder> logger)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        AllowTrailingCommas = false,
    };

    private string SeedDirectory => Path.Combine(AppContext.BaseDirectory, options.Value.SeedDirectory);

    public async Task SeedAsync(CancellationToken ct)
    {
        var files = Directory.Exists(SeedDirectory)
            ? Directory.GetFiles(SeedDirectory, "*.json").Order(StringComparer.Ordinal).ToList()
            : [];
        if (files.Count == 0)
        {
            throw new InvalidOperationException($"No seed files (*.json) in {SeedDirectory}.");
        }
        foreach (var file in files)
        {
            var document = await ReadAsync(file, ct);
            await LoadAsync(document, ct);
            logger.LogInformation("Seeded {File}.", Path.GetFileName(file));
        }
    }

    public static async Task<SeedDocument> ReadAsync(string file, CancellationToken ct)
    {
        await using var stream = File.OpenRead(file);
        var document = await JsonSerializer.DeserializeAsync<SeedDocument>(stream, s_json, ct)
            ?? throw new InvalidOperationException($"{file} is empty.");
        var result = await new SeedDocumentValidator().ValidateAsync(document, ct);
        if (!result.IsValid)
        {
            throw new ValidationException($"{Path.GetFileName(file)} is not a valid seed document.", result.Errors);
        }
        return document;
    }

    public async Task LoadAsync(SeedDocument document, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var writer = new SeedWriter(connection, transaction, ct);

        var sourceId = document.Source is null ? (Guid?)null : await writer.UpsertSourceAsync(document.Source);
        var themes = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var theme in document.Themes)
        {
            themes[theme.Slug!] = await writer.UpsertThemeAsync(theme);
        }

        var institutions = new Dictionary<string, Guid>(StringComparer.Ordinal);
        // Parents before their children, whatever the order in the file.
        var pending = document.Institutions.ToList();
        while (pending.Count > 0)
        {
            var ready = pending.Where(i => i.Parent is null || institutions.ContainsKey(i.Parent)).ToList();
            if (ready.Count == 0)
            {
                throw new InvalidOperationException("The seed's institutions have a parent cycle: " + string.Join(", ", pending.Select(i => i.Slug)));
            }
            foreach (var institution in ready)
            {
                var id = await writer.UpsertInstitutionAsync(institution, institution.Parent is null ? null : institutions[institution.Parent], sourceId);
                institutions[institution.Slug!] = id;
                foreach (var ranking in institution.Rankings)
                {
                    await writer.UpsertRankingAsync(id, ranking, sourceId);
                }
                foreach (var figure in institution.Figures)
                {
                    await writer.UpsertFigureAsync(id, figure, sourceId);
                }
                pending.Remove(institution);
            }
        }

        var speakers = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var speaker in document.Speakers)
        {
            var id = await writer.UpsertSpeakerAsync(speaker, sourceId);
            speakers[speaker.Slug!] = id;
            foreach (var affiliation in speaker.Affiliations)
            {
                await writer.UpsertAffiliationAsync(id, institutions[affiliation.Institution!], affiliation, sourceId);
            }
        }

        var events = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var ev in document.Events)
        {
            var id = await writer.UpsertEventAsync(ev, sourceId);
            events[ev.Slug!] = id;
            foreach (var organizer in ev.Organizers)
            {
                await writer.UpsertOrganizerAsync(id, institutions[organizer.Institution!], organizer.Role!);
            }
            foreach (var participant in ev.Participants)
            {
                var participantId = await writer.UpsertParticipantAsync(id, speakers[participant.Speaker!], participant.Role!);
                foreach (var institution in participant.Institutions)
                {
                    await writer.InsertParticipantInstitutionAsync(participantId, institutions[institution]);
                }
            }
            foreach (var quote in ev.Quotes)
            {
                await writer.InsertQuoteAsync(id, speakers[quote.Speaker!], quote.Text!);
            }
            foreach (var ack in ev.Acknowledgements)
            {
                await writer.UpsertAcknowledgementAsync(id, institutions[ack.From!], speakers[ack.To!], ack);
            }
        }

        foreach (var recommendation in document.Recommendations)
        {
            var id = await writer.UpsertRecommendationAsync(recommendation, events[recommendation.Event!], sourceId);
            foreach (var theme in recommendation.Themes)
            {
                await writer.InsertRecommendationThemeAsync(id, themes[theme]);
            }
            foreach (var proposer in recommendation.ProposedBy)
            {
                await writer.InsertProposerAsync(id,
                    proposer.Speaker is null ? null : speakers[proposer.Speaker],
                    proposer.Institution is null ? null : institutions[proposer.Institution]);
            }
            foreach (var change in recommendation.StatusHistory)
            {
                await writer.UpsertStatusChangeAsync(id, change);
            }
        }

        await transaction.CommitAsync(ct);
    }
}
