using System.CommandLine;

namespace GoForge.Web.Cli;

/// <summary>
/// The verbs of GoForge's one executable. With no verb (or <c>serve</c>, or only configuration arguments such as
/// <c>--urls</c>), Program.cs serves the panel exactly as before; every other verb runs here and exits.
/// </summary>
public static class GoForgeCli
{
    private static readonly HashSet<string> Verbs = ["migrate", "user", "keys", "deploy", "status", "backup", "restore"];
    private static readonly HashSet<string> HelpTokens = ["--help", "-h", "-?", "/?", "/h", "--version"];

    /// <summary>
    /// True when the arguments name a verb, ask for help, or start with a word that is no verb (a usage error, not a
    /// server start); false means serve: no arguments, <c>serve</c>, or configuration (<c>--urls x</c>, <c>key=value</c>).
    /// </summary>
    public static bool IsCommand(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            return false;
        }

        var first = args[0];
        if (first == "serve")
        {
            return args.Skip(1).Any(HelpTokens.Contains);
        }

        return Verbs.Contains(first) || HelpTokens.Contains(first) || (!first.StartsWith('-') && !first.Contains('=', StringComparison.Ordinal));
    }

    /// <summary>The arguments the web host gets: all of them, less a leading <c>serve</c>.</summary>
    public static string[] ServeArguments(string[] args) => args is ["serve", .. var rest] ? rest : args;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken ct = default)
    {
        var parsed = Build(console).Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                console.Fail(error.Message);
            }

            console.Error.WriteLine("Run with --help to see the verbs and their options.");
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error }, ct);
    }

    private static RootCommand Build(CliConsole console)
    {
        var serve = new Command("serve", "Serve the panel (the default when no verb is given). Configuration arguments such as --urls pass through.");
        serve.SetAction(_ => ExitCodes.Ok);
        var root = new RootCommand("GoForge: a self-hosted platform-as-a-service. Local verbs use the panel's configuration (ConnectionStrings__GoForge, GoForge:*).")
        {
            serve,
            MigrateCommand.Build(console),
            UserCommands.Build(console),
            KeysCommands.Build(console),
            DeployCommands.Deploy(console),
            DeployCommands.Status(console),
            ServiceVerbs.Service(console),
            BackupCommands.Backup(console),
            BackupCommands.Restore(console),
        };
        return root;
    }
}
