using System.Reflection;

namespace GoForge.Tests.Core;

public sealed class ArchitectureTests
{
    private static readonly string[] Forbidden = ["Npgsql", "Dapper", "DbUp", "Docker.DotNet", "LibGit2Sharp", "Microsoft.AspNetCore", "MudBlazor", "Isopoh", "BCrypt", "YamlDotNet"];

    [Fact]
    public void Core_references_no_database_docker_git_or_web_assembly()
    {
        var core = typeof(GoForge.Core.DependencyInjection).Assembly;

        var offending = core.GetReferencedAssemblies()
            .Select(a => a.Name ?? string.Empty)
            .Where(name => Forbidden.Any(f => name.StartsWith(f, StringComparison.OrdinalIgnoreCase)) || name.StartsWith("GoForge.", StringComparison.Ordinal))
            .ToList();

        Assert.Empty(offending);
    }

    [Fact]
    public void Infrastructure_does_not_reference_the_web_layer()
    {
        var infrastructure = typeof(GoForge.Infrastructure.DependencyInjection).Assembly;

        Assert.DoesNotContain(infrastructure.GetReferencedAssemblies(), a => a.Name is "GoForge.Web" or "MudBlazor");
        Assert.DoesNotContain(infrastructure.GetReferencedAssemblies(), a => a.Name!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    [Fact]
    public void Migration_scripts_are_embedded_with_sortable_numbered_names()
    {
        var names = typeof(GoForge.Infrastructure.DependencyInjection).Assembly.GetManifestResourceNames()
            .Where(n => n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => n.Split(".Scripts.")[1])
            .ToList();

        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.Matches(@"^\d{4}_[a-z0-9_]+\.sql$", n));
        Assert.Equal(names.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal).Distinct());
    }
}
