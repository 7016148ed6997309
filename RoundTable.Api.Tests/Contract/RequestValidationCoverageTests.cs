using FluentValidation;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using RoundTable.Api.Tests.Infrastructure;

namespace RoundTable.Api.Tests.Contract;

public sealed class RequestValidationCoverageTests : ApiTest
{
    [Fact]
    public void Every_request_body_type_has_a_registered_validator()
    {
        var bodies = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .SelectMany(e => e.Metadata.OfType<IAcceptsMetadata>())
            .Select(a => a.RequestType)
            .OfType<Type>()
            .Distinct()
            .ToList();

        Assert.NotEmpty(bodies);
        using var scope = Factory.Services.CreateScope();
        Assert.All(bodies, type => Assert.True(
            scope.ServiceProvider.GetService(typeof(IValidator<>).MakeGenericType(type)) is not null,
            $"{type.Name} has no IValidator<{type.Name}>: register one in Program.cs."));
    }
}
