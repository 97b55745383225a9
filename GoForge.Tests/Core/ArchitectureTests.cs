using System.Reflection;
using GoForge.Tests.Support;

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
    public void Core_feature_namespaces_form_no_cycle()
    {
        var graph = FeatureGraph.Build(TypeReferences.Of(typeof(GoForge.Core.DependencyInjection).Assembly), "GoForge.Core");

        Assert.Contains("Deployments", graph.Features);
        var cycles = graph.Cycles();
        Assert.True(cycles.Count == 0, "Core's feature namespaces form cycles:\n" + string.Join("\n", cycles));
    }

    [Fact]
    public void The_feature_graph_in_the_architecture_doc_is_current()
    {
        // docs/architecture.md shows the graph this computes; regenerate the block from the failure message when it changes.
        var graph = FeatureGraph.Build(TypeReferences.Of(typeof(GoForge.Core.DependencyInjection).Assembly), "GoForge.Core");
        // Describe orders by depth, which has no end on a cycle (a stack overflow aborts the whole run): the cycle test names it.
        Assert.True(graph.Cycles().Count == 0, "Core's feature namespaces form a cycle; see Core_feature_namespaces_form_no_cycle");
        var described = graph.Describe(new HashSet<string>(["Common", "Auditing"], StringComparer.Ordinal));

        var architecture = File.ReadAllText(RepositoryFiles.PathOf("docs", "architecture.md")).ReplaceLineEndings("\n");

        Assert.True(architecture.Contains("```\n" + described + "```\n", StringComparison.Ordinal), "docs/architecture.md's feature graph should read:\n" + described);
    }

    [Fact]
    public void The_cycle_search_names_the_path_of_a_cycle()
    {
        // Guards the guard: a graph with A → B → C → A and a sink D must be reported, with its path and evidence.
        var graph = FeatureGraph.Build(new Dictionary<TypeName, IReadOnlySet<TypeName>>(), "X");
        TypeName T(string feature) => new("X", $"X.{feature}", "T");
        graph.Add("A", "B", T("A"), T("B"));
        graph.Add("B", "C", T("B"), T("C"));
        graph.Add("C", "A", T("C"), T("A"));
        graph.Add("A", "D", T("A"), T("D"));

        var cycle = Assert.Single(graph.Cycles());
        Assert.Equal("[A, B, C]: A → B (X.A.T uses X.B.T) → C (X.B.T uses X.C.T) → A (X.C.T uses X.A.T)", cycle);
    }

    [Fact]
    public void Type_references_include_method_bodies()
    {
        // FeatureGraph must see a use that appears only inside a method body (here: a local new-up in IL).
        var references = TypeReferences.Of(typeof(ArchitectureTests).Assembly);

        var mine = references[new TypeName("GoForge.Tests", typeof(BodyOnlyUser).Namespace!, nameof(BodyOnlyUser))];
        Assert.Contains(mine, t => t.Name == nameof(System.Text.StringBuilder) && t.Namespace == "System.Text");
    }

    [Fact]
    public void Only_the_Docker_adapter_uses_Docker_DotNet()
    {
        var references = TypeReferences.Of(typeof(GoForge.Infrastructure.DependencyInjection).Assembly);

        var users = references
            .Where(p => p.Value.Any(t => t.Assembly.StartsWith("Docker.DotNet", StringComparison.Ordinal)))
            .Select(p => p.Key)
            .ToList();

        Assert.NotEmpty(users);
        var outside = users.Where(t => !t.Namespace.StartsWith("GoForge.Infrastructure.Docker", StringComparison.Ordinal)).Select(t => t.ToString()).Order(StringComparer.Ordinal).ToList();
        Assert.True(outside.Count == 0, "Docker.DotNet used outside GoForge.Infrastructure.Docker: " + string.Join(", ", outside));
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

/// <summary>Uses <see cref="System.Text.StringBuilder"/> only inside a method body.</summary>
internal static class BodyOnlyUser
{
    public static int Length() => new System.Text.StringBuilder("abc").Length;
}
