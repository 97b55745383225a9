using System.Diagnostics;
using System.Globalization;
using GoForge.Core.Backups;
using Npgsql;

namespace GoForge.Infrastructure.Persistence.Backups;

/// <summary>
/// Runs PostgreSQL's client tools without a shell: arguments go one by one through
/// <see cref="ProcessStartInfo.ArgumentList"/>, and the connection (password included) through the libpq
/// environment variables only, so nothing secret is on a command line another user could read.
/// </summary>
internal sealed class PostgresTools(BackupOptions options, DatabaseConnectionString connectionString)
{
    private const int MaxErrorText = 2000;

    public async Task RunAsync(string tool, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo(FindTool(tool))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        ApplyConnection(start.Environment);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new DatabaseDumpException($"{tool} could not be started ({start.FileName}): {ex.Message}. Set {BackupOptions.SectionName}:{nameof(BackupOptions.PostgresBinPath)} to the folder holding it.", ex);
        }

        process.StandardInput.Close();
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            if (ct.IsCancellationRequested)
            {
                throw;
            }

            throw new DatabaseDumpException($"{tool} took longer than {options.Timeout} and was stopped.");
        }

        var errorText = (await errors).Trim();
        await output;
        if (process.ExitCode != 0)
        {
            var shown = errorText.Length > MaxErrorText ? errorText[^MaxErrorText..] : errorText;
            throw new DatabaseDumpException(string.Create(CultureInfo.InvariantCulture, $"{tool} exited with {process.ExitCode}: {(shown.Length == 0 ? "no message" : shown)}"));
        }
    }

    /// <summary>A libpq connection string naming only the database; host, user and password come from the environment.</summary>
    public string DatabaseOnlyConnInfo() =>
        $"dbname='{Escape(new NpgsqlConnectionStringBuilder(connectionString.Value).Database ?? string.Empty)}'";

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);

    private void ApplyConnection(IDictionary<string, string?> environment)
    {
        // Inherited PG* settings (a service file, another password file) must not redirect the tool elsewhere.
        foreach (var key in environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
        {
            environment.Remove(key);
        }

        var cs = new NpgsqlConnectionStringBuilder(connectionString.Value);
        Set(environment, "PGHOST", cs.Host);
        Set(environment, "PGPORT", cs.Port.ToString(CultureInfo.InvariantCulture));
        Set(environment, "PGUSER", cs.Username);
        Set(environment, "PGDATABASE", cs.Database);
        Set(environment, "PGPASSWORD", cs.Password);
        Set(environment, "PGSSLMODE", cs.SslMode switch
        {
            SslMode.Disable => "disable",
            SslMode.Allow => "allow",
            SslMode.Prefer => "prefer",
            SslMode.Require => "require",
            SslMode.VerifyCA => "verify-ca",
            SslMode.VerifyFull => "verify-full",
            _ => null,
        });
        Set(environment, "PGAPPNAME", "goforge-backup");
    }

    private static void Set(IDictionary<string, string?> environment, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            environment[key] = value;
        }
    }

    private string FindTool(string tool)
    {
        if (options.PostgresBinPath is { } bin)
        {
            return Path.Combine(bin, tool);
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, tool))
            .FirstOrDefault(File.Exists);
        if (onPath is not null)
        {
            return onPath;
        }

        const string debian = "/usr/lib/postgresql";
        var newest = Directory.Exists(debian)
            ? Directory.GetDirectories(debian)
                .Select(d => (Folder: d, Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(d => d.Version >= 0 && File.Exists(Path.Combine(d.Folder, "bin", tool)))
                .OrderByDescending(d => d.Version)
                .Select(d => Path.Combine(d.Folder, "bin", tool))
                .FirstOrDefault()
            : null;
        return newest ?? tool;
    }
}
