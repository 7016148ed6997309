using FluentValidation;
using RoundTable.Api.Localization;
using RoundTable.Api.Seeding;

namespace RoundTable.Api.Tests.Seeding;

public sealed class SeedDocumentTests
{
    private static string SeedFile() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "seeds"), "*.json").Single();

    [Fact]
    public async Task The_committed_seed_passes_validation()
    {
        var document = await Seeder.ReadAsync(SeedFile(), CancellationToken.None);
        Assert.Equal(8, document.Institutions.Count);
        Assert.Equal(6, document.Speakers.Count);
        Assert.Single(document.Events);
        Assert.Equal(4, document.Recommendations.Count);
    }

    [Fact]
    public async Task A_document_with_bad_values_and_dangling_references_is_refused_with_every_error()
    {
        var document = await Seeder.ReadAsync(SeedFile(), CancellationToken.None);
        document.Institutions[0].Slug = "Not A Slug";
        document.Institutions[1].Country = "XX";
        document.Institutions[2].Parent = "nowhere";
        document.Speakers[0].Orcid = "0000-0002-1825-0098";
        document.Events[0].Kind = "party";
        document.Events[0].EndDate = new DateOnly(2024, 7, 28);
        document.Events[0].Participants[0].Speaker = "nobody";
        document.Recommendations[0].Title = new LocalizedText { ["en"] = "  " };

        var result = await new SeedDocumentValidator().ValidateAsync(document);

        Assert.False(result.IsValid);
        var failing = result.Errors.Select(e => e.PropertyName).ToList();
        Assert.Contains("Institutions[0].Slug", failing);
        Assert.Contains("Institutions[1].Country", failing);
        Assert.Contains("Institutions[2].Parent", failing);
        Assert.Contains("Speakers[0].Orcid", failing);
        Assert.Contains("Events[0].Kind", failing);
        Assert.Contains("Events[0].EndDate", failing);
        Assert.Contains("Events[0].Participants[0].Speaker", failing);
        Assert.Contains("Recommendations[0].Title", failing);
    }

    [Theory]
    [InlineData("0000-0002-1825-0097", true)]
    [InlineData("0000-0001-5109-3700", true)]
    [InlineData("0000-0002-1694-233X", true)]
    [InlineData("0000-0002-1825-0098", false)]
    [InlineData("0000-0002-1825-009", false)]
    public void Orcid_check_digits_are_verified(string orcid, bool valid) =>
        Assert.Equal(valid, RoundTable.Api.Validation.Rules.IsValidOrcid(orcid));

    [Fact]
    public async Task Unknown_fields_in_a_seed_file_are_refused()
    {
        var path = Path.GetTempFileName();
        await File.WriteAllTextAsync(path, """{ "source": null, "unexpected": 1 }""");
        try
        {
            await Assert.ThrowsAsync<System.Text.Json.JsonException>(() => Seeder.ReadAsync(path, CancellationToken.None));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
