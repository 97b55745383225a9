using GoForge.Web.Cli;

namespace GoForge.Tests.Cli;

/// <summary>What one CLI run printed and ended with.</summary>
public sealed record CliOutcome(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs GoForge's verbs in-process, exactly as <c>GoForge.Web &lt;verb&gt;</c> would, against a test database and data
/// folder; the process environment (GOFORGE_URL, ...) is hidden from it.
/// </summary>
public sealed class CliRunner(string connectionString, string dataPath, IReadOnlyDictionary<string, string?>? settings = null)
{
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    public HttpMessageHandler? RemoteHandler { get; init; }

    public Task<CliOutcome> RunAsync(params string[] args) => RunWithInputAsync(string.Empty, args);

    public async Task<CliOutcome> RunWithInputAsync(string standardInput, params string[] args)
    {
        var all = new Dictionary<string, string?>
        {
            ["ConnectionStrings:GoForge"] = connectionString,
            ["GoForge:DataPath"] = dataPath,
            ["GoForge:Docker:Endpoint"] = "unix:///nonexistent/goforge-cli-test/docker.sock",
            // As TestHost: tests name local bare repositories (see TestGitClients).
            ["GoForge:Git:AllowLocalAndPrivateRepositories"] = "true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = new CliConsole
        {
            In = new StringReader(standardInput),
            Out = output,
            Error = error,
            Settings = all,
            Environment = name => Environment.GetValueOrDefault(name),
            RemoteHandler = RemoteHandler,
            PollInterval = TimeSpan.FromMilliseconds(100),
        };
        var code = await GoForgeCli.RunAsync(args, console);
        return new CliOutcome(code, output.ToString(), error.ToString());
    }
}
