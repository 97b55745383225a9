using System.CommandLine;
using GoForge.Infrastructure.Persistence;

namespace GoForge.Web.Cli;

/// <summary><c>migrate</c>: the DbUp scripts the panel runs at start, without starting it.</summary>
internal static class MigrateCommand
{
    public static Command Build(CliConsole console)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Only list the scripts that would run." };
        var command = new Command("migrate", "Apply the pending database migrations and exit.") { dryRun };
        command.SetAction((parse, ct) => CliRun.LocalAsync(console, needsCurrentSchema: false, host =>
        {
            var migrator = host.Get<DatabaseMigrator>();
            if (parse.GetValue(dryRun))
            {
                var pending = migrator.PendingScripts();
                console.Out.WriteLine(pending.Count == 0 ? "The database is up to date." : $"{pending.Count} script(s) would run: {string.Join(", ", pending)}");
                return Task.FromResult(ExitCodes.Ok);
            }

            var applied = migrator.Migrate();
            console.Out.WriteLine(applied.Count == 0 ? "The database is up to date." : $"Applied {applied.Count} script(s): {string.Join(", ", applied)}");
            return Task.FromResult(ExitCodes.Ok);
        }, ct));
        return command;
    }
}
