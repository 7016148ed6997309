using NetArchTest.Rules;

namespace RoundTable.Api.Tests.Architecture;

/// <summary>
/// The rules of docs/architecture.md: features use the cross-cutting modules, never the other way round; the SQL
/// classes of a feature return values and typed outcomes, never HTTP answers; every feature has the same files.
/// </summary>
public sealed class ArchitectureTests
{
    private const string Root = "RoundTable.Api";

    private static readonly string[] s_features =
        ["Events", "Speakers", "Institutions", "Recommendations", "Search", "Changes", "ApiKeys", "Sources", "Themes", "Seeding", "Webhooks"];

    private static readonly string[] s_crossCutting =
    [
        "Auth", "Caching", "Concurrency", "Database", "Errors", "Exports", "Health", "Http", "Idempotency", "Json", "Observability",
        "LinkedData", "Localization", "Mapping", "OpenApi", "Paging", "Validation",
    ];

    public static TheoryData<string> CrossCutting => new(s_crossCutting);

    private static Types Api => Types.InAssembly(typeof(Program).Assembly);

    [Theory]
    [MemberData(nameof(CrossCutting))]
    public void A_cross_cutting_module_never_names_a_feature(string module)
    {
        var result = Api.That().ResideInNamespace($"{Root}.{module}")
            .ShouldNot().HaveDependencyOnAny([.. s_features.Select(f => $"{Root}.{f}")])
            .GetResult();
        Assert.True(result.IsSuccessful, $"{module} depends on a feature: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void Every_type_lives_in_a_feature_or_a_cross_cutting_module()
    {
        var known = s_features.Concat(s_crossCutting).Select(m => $"{Root}.{m}").ToList();
        var strays = typeof(Program).Assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith(Root + ".", StringComparison.Ordinal) == true && !t.Namespace.StartsWith("RoundTable.Api.Tests", StringComparison.Ordinal))
            .Where(t => !known.Any(k => t.Namespace == k || t.Namespace!.StartsWith(k + ".", StringComparison.Ordinal)))
            .Select(t => t.FullName)
            .ToList();
        Assert.True(strays.Count == 0, "Put these in a feature folder or a cross-cutting module (and list it here): " + string.Join(", ", strays));
    }

    [Fact]
    public void Queries_and_commands_return_values_or_typed_outcomes_never_http_answers()
    {
        var result = Api.That().HaveNameEndingWith("Queries").Or().HaveNameEndingWith("Commands")
            .ShouldNot().HaveDependencyOnAny("Microsoft.AspNetCore.Http.HttpResults", $"{Root}.Errors", "Microsoft.AspNetCore.Http.HttpContext")
            .GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Theory]
    [InlineData("Events", "Event", "Api Queries Commands Contracts Validators Mappings")]
    [InlineData("Speakers", "Speaker", "Api Queries Commands Contracts Validators Mappings")]
    [InlineData("Institutions", "Institution", "Api Queries Commands Contracts Validators Mappings")]
    [InlineData("Recommendations", "Recommendation", "Api Queries Commands Contracts Validators Mappings")]
    [InlineData("ApiKeys", "ApiKey", "Api Queries Commands Contracts Mappings")]
    [InlineData("Search", "Search", "Api Queries Contracts")]
    [InlineData("Changes", "Change", "Api Queries Contracts")]
    [InlineData("Webhooks", "Webhook", "Api Queries Commands Contracts Validators")]
    public void Every_feature_folder_has_the_same_files_in_the_same_roles(string folder, string singular, string roles)
    {
        var files = Directory.GetFiles(Path.Combine(RepositoryRoot(), Root, folder), "*.cs").Select(Path.GetFileName).ToHashSet();
        Assert.All(roles.Split(' '), role => Assert.Contains(role == "Api" ? $"{folder}Api.cs" : $"{singular}{role}.cs", files));
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "RoundTable.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("Repository root not found.");
    }
}
