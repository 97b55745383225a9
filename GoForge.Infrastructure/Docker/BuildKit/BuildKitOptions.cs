using System.Globalization;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Docker.BuildKit;

/// <summary>How images are built (section <c>GoForge:Builds</c>): BuildKit through the docker CLI, and the build limits.</summary>
public sealed class BuildKitOptions
{
    public const string SectionName = "GoForge:Builds";

    /// <summary>
    /// The docker CLI that runs BuildKit builds: an absolute path, never looked up on PATH (a CLI without BuildKit
    /// support may come first there). Debian's <c>docker.io</c> CLI (20.10) or <c>docker-cli</c> with <c>docker-buildx</c>.
    /// Default <c>/usr/bin/docker</c>.
    /// </summary>
    public string DockerCli { get; set; } = "/usr/bin/docker";

    /// <summary>
    /// Memory that BuildKit's RUN steps may use together, in MiB; 0 sets none. Default 2048. Enforced through the
    /// engine's BuildKit cgroup (<see cref="EngineCgroupParent"/>), see docs/deployments/buildkit.md.
    /// </summary>
    public int MemoryLimitMiB { get; set; } = 2048;

    /// <summary>CPUs that BuildKit's RUN steps may use together (1.5 = one and a half cores); 0 sets none. Default 1.</summary>
    public double CpuLimit { get; set; } = 1;

    /// <summary>
    /// The engine's cgroup parent (dockerd's <c>--cgroup-parent</c>; <c>/docker</c> with the cgroupfs driver). BuildKit
    /// runs RUN steps under <c>&lt;parent&gt;/buildkit</c>, where the limits are written. Empty: limits are not enforced.
    /// </summary>
    public string EngineCgroupParent { get; set; } = "/docker";

    /// <summary>Where the host's cgroup file system is mounted. Default <c>/sys/fs/cgroup</c>.</summary>
    public string CgroupRoot { get; set; } = "/sys/fs/cgroup";

    /// <summary>The RUN steps' network: null (the engine's default), <c>none</c> or <c>host</c>.</summary>
    public string? Network { get; set; }

    /// <summary>
    /// Disk that GoForge's build cache may take, in bytes; past it, GoForge's least recently used cache records are
    /// pruned after a build. 0: no pruning. Default 10 GiB.
    /// </summary>
    public long CacheBudgetBytes { get; set; } = 10L * 1024 * 1024 * 1024;

    public static string Key(string property) => $"{SectionName}:{property}";
}

internal sealed class BuildKitOptionsValidator : IValidateOptions<BuildKitOptions>
{
    public ValidateOptionsResult Validate(string? name, BuildKitOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DockerCli) || !Path.IsPathFullyQualified(options.DockerCli))
        {
            failures.Add($"{BuildKitOptions.Key(nameof(BuildKitOptions.DockerCli))} must be an absolute path to the docker CLI.");
        }
        else if (!File.Exists(options.DockerCli))
        {
            failures.Add($"{BuildKitOptions.Key(nameof(BuildKitOptions.DockerCli))}: {options.DockerCli} does not exist (apt-get install docker-cli docker-buildx, or docker.io).");
        }

        if (options.MemoryLimitMiB is not 0 and (< 64 or > 1_048_576))
        {
            failures.Add($"{BuildKitOptions.Key(nameof(BuildKitOptions.MemoryLimitMiB))} must be 0 (none) or between 64 and 1048576.");
        }

        if (options.CpuLimit is not 0 and (< 0.1 or > 1024) || double.IsNaN(options.CpuLimit))
        {
            failures.Add($"{BuildKitOptions.Key(nameof(BuildKitOptions.CpuLimit))} must be 0 (none) or between 0.1 and 1024.");
        }

        if (options.EngineCgroupParent.Length > 0 && (options.EngineCgroupParent.Contains("..", StringComparison.Ordinal) || options.EngineCgroupParent.Contains('\0', StringComparison.Ordinal)))
        {
            failures.Add($"{BuildKitOptions.Key(nameof(BuildKitOptions.EngineCgroupParent))} must be a cgroup path without '..'.");
        }

        if (!Path.IsPathFullyQualified(options.CgroupRoot))
        {
            failures.Add($"{BuildKitOptions.Key(nameof(BuildKitOptions.CgroupRoot))} must be an absolute path.");
        }

        if (options.Network is not (null or "none" or "host"))
        {
            failures.Add($"{BuildKitOptions.Key(nameof(BuildKitOptions.Network))} must be empty, 'none' or 'host'.");
        }

        if (options.CacheBudgetBytes is not 0 and < 1024 * 1024)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{BuildKitOptions.Key(nameof(BuildKitOptions.CacheBudgetBytes))} must be 0 (no pruning) or at least {1024 * 1024} (1 MiB)."));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
