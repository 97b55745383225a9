namespace GoForge.Web.Cli;

/// <summary>
/// What one command-line run reads and writes. The process uses the real console; tests pass their own writers,
/// extra configuration (a test database) and an HTTP handler for the remote mode.
/// </summary>
public sealed class CliConsole
{
    public required TextReader In { get; init; }

    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    /// <summary>Configuration laid over appsettings.json and the environment (tests only; empty for the process).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Environment variables as the run sees them (GOFORGE_URL, GOFORGE_TOKEN); the process's own by default.</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Replaces the network for the remote mode (tests only).</summary>
    public HttpMessageHandler? RemoteHandler { get; init; }

    /// <summary>How often <c>deploy --wait</c> looks at the deployment again.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    public static CliConsole FromProcess() => new() { In = Console.In, Out = Console.Out, Error = Console.Error };

    /// <summary>Writes a failure for people: "error: ..." on standard error.</summary>
    public void Fail(string message) => Error.WriteLine($"error: {message}");
}
