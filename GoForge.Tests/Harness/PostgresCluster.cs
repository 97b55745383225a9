using System.Globalization;
using Npgsql;

namespace GoForge.Tests.Harness;

/// <summary>
/// A throwaway PostgreSQL cluster in a temp folder: initdb, pg_ctl start on a free port, and at the end pg_ctl stop
/// and the folder removed. Each folder records the test host that owns it, so clusters left by a killed run are
/// stopped and removed by the next start.
/// </summary>
internal sealed class PostgresCluster
{
    private const string TempPrefix = "goforge-pg-";
    private const string OwnerFile = "owner.pid";
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(120);

    private readonly string _binDirectory;
    private readonly string _root;
    private readonly int _port;

    private PostgresCluster(string binDirectory, string root, int port)
    {
        _binDirectory = binDirectory;
        _root = root;
        _port = port;
    }

    public string AdminConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = _port,
        Username = "postgres",
        Database = "postgres",
    }.ConnectionString;

    private string DataDirectory => Path.Combine(_root, "data");

    private string LogFile => Path.Combine(_root, "log");

    public static async Task<PostgresCluster> StartAsync(CancellationToken ct = default)
    {
        var binDirectory = FindBinDirectory() ?? throw new InvalidOperationException(
            "PostgreSQL's initdb and pg_ctl were found neither on PATH nor under /usr/lib/postgresql/*/bin. " +
            $"Install them (apt-get install -y postgresql) or set {PostgresFixture.ServerVariable} to a connection string.");
        await SweepAbandonedAsync(binDirectory, ct);

        var root = Directory.CreateTempSubdirectory(TempPrefix).FullName;
        var cluster = new PostgresCluster(binDirectory, root, HostSystem.FreeTcpPort());
        try
        {
            await cluster.InitializeAndStartAsync(ct);
            return cluster;
        }
        catch (Exception startFailure)
        {
            try
            {
                await cluster.StopAsync();
            }
            catch (Exception cleanupFailure)
            {
                throw new AggregateException(startFailure, cleanupFailure);
            }

            throw;
        }
    }

    /// <summary>Stops the server and removes its folder; a server that will not stop keeps its folder for the next sweep.</summary>
    public async Task StopAsync()
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            var stop = await RunToolAsync(_binDirectory, _root, "pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"], CancellationToken.None);
            stop.EnsureSuccess();
        }

        Directory.Delete(_root, recursive: true);
    }

    /// <summary>Creates a database on this cluster and returns its connection string (<paramref name="name"/>: [a-z0-9_] only).</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
        {
            throw new ArgumentException("A database name of [a-z0-9_] only.", nameof(name));
        }

        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync();
            // Checked above to need no quoting; identifiers cannot be parameters.
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Stops the server (fast shutdown: open sessions are cut) and keeps its data, so <see cref="ResumeAsync"/> can start it again.</summary>
    public async Task PauseAsync()
    {
        var stop = await RunToolAsync(_binDirectory, _root, "pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"], CancellationToken.None);
        stop.EnsureSuccess();
    }

    /// <summary>Starts a paused server again on the same port; returns once it accepts connections.</summary>
    public Task ResumeAsync(CancellationToken ct = default) => StartServerAsync(ct);

    private async Task InitializeAndStartAsync(CancellationToken ct)
    {
        // pg_ctl hands -o to a shell, so the socket folder must need no quoting.
        if (!_root.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-'))
        {
            throw new InvalidOperationException($"The temp folder '{_root}' has characters pg_ctl -o cannot take; set TMPDIR to a plain path.");
        }

        await File.WriteAllTextAsync(Path.Combine(_root, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture), ct);
        if (HostSystem.IsRoot)
        {
            (await ProcessRunner.RunAsync("chown", ["postgres", _root], ToolTimeout, ct: ct)).EnsureSuccess();
        }

        // Throwaway data: skip every fsync.
        var initdb = await RunToolAsync(_binDirectory, _root, "initdb",
            ["-D", DataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"], ct);
        initdb.EnsureSuccess();
        await StartServerAsync(ct);
    }

    private async Task StartServerAsync(CancellationToken ct)
    {
        // Every test database has its own connection pools (the app's and the test's), so allow many connections.
        var options = $"-p {_port} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=500";
        var start = await RunToolAsync(_binDirectory, _root, "pg_ctl",
            ["-D", DataDirectory, "-o", options, "-l", LogFile, "-w", "-t", "60", "start"], ct);
        if (start.ExitCode != 0)
        {
            var log = File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile, ct) : "(no log)";
            throw new InvalidOperationException($"PostgreSQL did not start.\n--- server log ---\n{log}", new InvalidOperationException(Describe(start)));
        }
    }

    private static string Describe(ProcessResult result) =>
        $"`{result.Command}` exited with {result.ExitCode}.\n{result.StandardOutput}\n{result.StandardError}";

    private static Task<ProcessResult> RunToolAsync(string binDirectory, string workingDirectory, string tool, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var path = Path.Combine(binDirectory, tool);
        // initdb and pg_ctl refuse to run as root; the working folder must be one the postgres user may enter.
        return HostSystem.IsRoot
            ? ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments], ToolTimeout, workingDirectory, ct: ct)
            : ProcessRunner.RunAsync(path, arguments, ToolTimeout, workingDirectory, ct: ct);
    }

    private static string? FindBinDirectory()
    {
        // Tools on PATH are often links (Debian images put them in /usr/local/bin): follow them, so pg_ctl is initdb's sibling.
        if (HostSystem.FindOnPath("initdb") is { } initdb)
        {
            var resolved = File.ResolveLinkTarget(initdb, returnFinalTarget: true)?.FullName ?? initdb;
            var directory = Path.GetDirectoryName(resolved)!;
            if (File.Exists(Path.Combine(directory, "pg_ctl")))
            {
                return directory;
            }
        }

        if (!Directory.Exists("/usr/lib/postgresql"))
        {
            return null;
        }

        return Directory.GetDirectories("/usr/lib/postgresql")
            .Select(dir => (Bin: Path.Combine(dir, "bin"), Version: decimal.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var v) ? v : -1))
            .Where(candidate => candidate.Version >= 0 && File.Exists(Path.Combine(candidate.Bin, "initdb")) && File.Exists(Path.Combine(candidate.Bin, "pg_ctl")))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => candidate.Bin)
            .FirstOrDefault();
    }

    /// <summary>Stops and removes clusters whose test host is gone (killed runs skip every clean-up hook).</summary>
    private static async Task SweepAbandonedAsync(string binDirectory, CancellationToken ct)
    {
        foreach (var root in Directory.EnumerateDirectories(Path.GetTempPath(), TempPrefix + "*"))
        {
            var ownerFile = Path.Combine(root, OwnerFile);
            if (!File.Exists(ownerFile)
                || !int.TryParse(await File.ReadAllTextAsync(ownerFile, ct), CultureInfo.InvariantCulture, out var owner)
                || HostSystem.IsProcessAlive(owner))
            {
                continue;
            }

            var data = Path.Combine(root, "data");
            if (File.Exists(Path.Combine(data, "postmaster.pid")))
            {
                // Best effort: a server that is already gone makes pg_ctl fail, which is fine.
                await RunToolAsync(binDirectory, root, "pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"], ct);
            }

            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another user's leftovers: not ours to remove.
            }
        }
    }
}
