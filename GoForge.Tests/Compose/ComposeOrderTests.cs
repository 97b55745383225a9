using GoForge.Core.Compose;
using static GoForge.Tests.Compose.ComposeSamples;

namespace GoForge.Tests.Compose;

/// <summary><c>depends_on</c>: the start order (dependencies first, else file order), its conditions, and cycles refused.</summary>
public sealed class ComposeOrderTests
{
    [Fact]
    public void Services_start_after_their_dependencies_and_otherwise_in_file_order()
    {
        var project = Valid("""
            services:
              web:
                image: busybox
                depends_on: [api, cache]
              api:
                image: busybox
                depends_on:
                  db:
                    condition: service_healthy
                  migrate:
                    condition: service_completed_successfully
              cache:
                image: busybox
              migrate:
                image: busybox
                depends_on:
                  db:
              db:
                image: busybox
            """);

        Assert.Equal(["cache", "db", "migrate", "api", "web"], project.Services.Select(s => s.Name));
        Assert.Equal(
            [new ComposeDependency("db", ComposeCondition.Healthy), new ComposeDependency("migrate", ComposeCondition.CompletedSuccessfully)],
            project.Find("api")!.DependsOn);
        Assert.Equal([new ComposeDependency("db", ComposeCondition.Started)], project.Find("migrate")!.DependsOn);
    }

    [Fact]
    public void A_dependency_cycle_is_refused_naming_the_cycle_and_its_line()
    {
        var message = Refusal("""
            services:
              web:
                image: busybox
                depends_on: [a]
              a:
                image: busybox
                depends_on: [b]
              b:
                image: busybox
                depends_on:
                  a:
                    condition: service_healthy
            """);

        Assert.Contains("services.a.depends_on (line 7):", message, StringComparison.Ordinal);
        Assert.Contains("a → b → a", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("depends_on: [ghost]", "services.web.depends_on[0] (line 4):", "not a service of this file")]
    [InlineData("depends_on: [web]", "services.web.depends_on[0] (line 4):", "itself")]
    [InlineData("depends_on: [db, db]", "services.web.depends_on[1] (line 4):", "twice")]
    [InlineData("depends_on:\n  db:\n    condition: service_running", "services.web.depends_on.db.condition (line 6):", "not a condition")]
    [InlineData("depends_on:\n  db:\n    condition: service_healthy\n    restart: true", "services.web.depends_on.db.restart (line 7):", "not a key GoForge reads")]
    [InlineData("depends_on: db", "services.web.depends_on (line 4):", "must be a list")]
    public void A_dependency_that_cannot_hold_is_refused_with_its_line(string setting, string where, string reason)
    {
        var message = Refusal(WebService(setting, tail: "  db:\n    image: busybox\n"));

        Assert.Contains(where, message, StringComparison.Ordinal);
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }
}
