using System.CommandLine;
using GoForge.Core.Backups;
using GoForge.Core.Identity;

namespace GoForge.Web.Cli;

/// <summary><c>backup</c> and <c>restore</c> of GoForge's own database (pg_dump's custom format) through <see cref="BackupService"/>.</summary>
internal static class BackupCommands
{
    public static Command Backup(CliConsole console)
    {
        var output = new Option<string>("--output", "-o") { Description = "The file to write (taken literally; created owner-only).", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace the file if it exists." };
        var command = new Command("backup", "Dump GoForge's database to a file. Secrets stay encrypted in it: keep the secrets key to read them after a restore.") { output, force };
        command.SetAction((parse, ct) => CliRun.LocalAsync(console, needsCurrentSchema: false, async host =>
        {
            var done = await host.Get<BackupService>().BackupAsync(Actor.Operator, parse.GetValue(output), parse.GetValue(force), ct);
            if (!done.IsSuccess)
            {
                return CliRun.Report(console, done.Error!);
            }

            console.Out.WriteLine($"Backup written to {done.Value!.Path} ({done.Value.Bytes} bytes).");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static Command Restore(CliConsole console)
    {
        var input = new Option<string>("--input", "-i") { Description = "The backup file to read (taken literally).", Required = true };
        var force = new Option<bool>("--force") { Description = "Restore even though the database is not empty: its objects are dropped and replaced." };
        var command = new Command("restore", "Restore a backup into an empty database, then apply migrations and check the secrets key.") { input, force };
        command.SetAction((parse, ct) => CliRun.LocalAsync(console, needsCurrentSchema: false, async host =>
        {
            var done = await host.Get<BackupService>().RestoreAsync(Actor.Operator, parse.GetValue(input), parse.GetValue(force), ct);
            if (!done.IsSuccess)
            {
                return CliRun.Report(console, done.Error!);
            }

            console.Out.WriteLine($"Restored from {done.Value!.Path}; {done.Value.MigrationsApplied.Count} migration(s) applied after it; the secrets key fits.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
