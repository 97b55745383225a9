using DbUp;
using DbUp.Engine;
using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Persistence;

/// <summary>
/// Applies the embedded SQL scripts in name order, each inside one transaction, recording them in
/// <c>schema_versions</c>. Forward-only: a script that ran is never run again or edited.
/// </summary>
public sealed class DatabaseMigrator(DatabaseConnectionString connectionString, ILogger<DatabaseMigrator> logger)
{
    private const string ScriptNamespace = "GoForge.Infrastructure.Persistence.Migrations.Scripts.";

    /// <summary>Names of the scripts a migration would run now, without running them.</summary>
    public IReadOnlyList<string> PendingScripts() =>
        BuildEngine().GetScriptsToExecute().Select(s => ShortName(s.Name)).ToList();

    /// <summary>Runs every pending script; throws with the failing script's name when one fails (nothing of it is kept).</summary>
    public IReadOnlyList<string> Migrate()
    {
        var result = BuildEngine().PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException(
                $"Database migration failed in script '{ShortName(result.ErrorScript?.Name)}': {result.Error?.Message}", result.Error);
        }

        var applied = result.Scripts.Select(s => ShortName(s.Name)).ToList();
        InfrastructureLog.MigrationsApplied(logger, applied.Count);
        return applied;
    }

    private UpgradeEngine BuildEngine() =>
        DeployChanges.To
            .PostgresqlDatabase(connectionString.Value)
            .WithScriptsEmbeddedInAssembly(typeof(DatabaseMigrator).Assembly, name => name.StartsWith(ScriptNamespace, StringComparison.Ordinal))
            .WithTransaction()
            .JournalToPostgresqlTable("public", "schema_versions")
            .LogTo(logger)
            .Build();

    private static string ShortName(string? name) =>
        name is not null && name.StartsWith(ScriptNamespace, StringComparison.Ordinal) ? name[ScriptNamespace.Length..] : name ?? "?";
}
