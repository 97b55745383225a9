using System.Globalization;
using System.Text;

namespace GoForge.Core.Backups.Engines;

/// <summary>
/// Runs one tool inside the service's container and turns a non-zero exit into <see cref="BackupEngineException"/>
/// carrying the tool's error output, with every credential the run carried replaced by <c>***</c> (a tool that echoes
/// its connection settings never puts a password into the history or a notification).
/// </summary>
internal static class EngineExec
{
    /// <summary>Most a fingerprint, a globals dump or a small reply may hold in memory.</summary>
    public const int SmallOutputLimit = 16 * 1024 * 1024;

    public static async Task<ContainerExecResult> RunAsync(
        IContainerExec exec,
        string containerId,
        IReadOnlyList<string> command,
        IReadOnlyDictionary<string, string> environment,
        IEnumerable<string> secrets,
        Stream? input = null,
        Stream? output = null,
        CancellationToken ct = default)
    {
        var result = await exec.RunAsync(new ContainerExecRequest(containerId, command, environment, StandardInput: input, StandardOutput: output), ct);
        if (result.ExitCode != 0)
        {
            throw Failure(command[0], result, secrets);
        }

        return result;
    }

    /// <summary>Runs a tool whose whole output is needed (bounded by <see cref="SmallOutputLimit"/>) and returns it as UTF-8.</summary>
    public static async Task<string> ReadAsync(
        IContainerExec exec,
        string containerId,
        IReadOnlyList<string> command,
        IReadOnlyDictionary<string, string> environment,
        IEnumerable<string> secrets,
        Stream? input = null,
        CancellationToken ct = default)
    {
        await using var output = new BoundedBuffer(SmallOutputLimit, command[0]);
        var result = await exec.RunAsync(new ContainerExecRequest(containerId, command, environment, StandardInput: input, StandardOutput: output), ct);
        var text = Encoding.UTF8.GetString(output.GetBuffer(), 0, (int)output.Length);
        if (result.ExitCode != 0)
        {
            // Some tools (redis-cli) print the server's error reply on standard output.
            var reply = text.Length > 2048 ? text[^2048..] : text;
            throw Failure(command[0], result with { StandardError = (result.StandardError.Trim() + "\n" + reply.Trim()).Trim() }, secrets);
        }

        return text;
    }

    public static BackupEngineException Failure(string tool, ContainerExecResult result, IEnumerable<string> secrets)
    {
        var error = Scrub(result.StandardError.Trim(), secrets);
        return new BackupEngineException(string.Format(
            CultureInfo.InvariantCulture,
            "{0} failed with exit code {1}: {2}",
            tool,
            result.ExitCode,
            error.Length == 0 ? "(no error output)" : error));
    }

    public static string Scrub(string text, IEnumerable<string> secrets)
    {
        foreach (var secret in secrets.Where(s => s.Length > 0).OrderByDescending(s => s.Length))
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>The input named <paramref name="name"/>, else a failure naming it (an engine cannot guess credentials).</summary>
    public static string Input(BackupTarget target, string name) =>
        target.Inputs.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new BackupEngineException($"The service's inputs have no '{name}': the {target.TemplateId} engine needs it.");
}
