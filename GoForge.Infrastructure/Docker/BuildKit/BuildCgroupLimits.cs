using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Docker.BuildKit;

/// <summary>
/// The build limits, written where the engine's BuildKit runs RUN steps: <c>&lt;engine cgroup parent&gt;/buildkit</c>.
/// The engine's built-in BuildKit (Docker 20.10) ignores <c>--memory</c>, <c>--cpu-*</c> and a build's
/// <c>--cgroup-parent</c>, but every RUN step's cgroup is a child of that one, so a limit there caps them (all of the
/// engine's BuildKit builds together). cgroup v1: the memory and cpu controllers' folders; v2: one folder with
/// <c>memory.max</c> and <c>cpu.max</c>. Written before each build, so a changed setting applies to the next one.
/// </summary>
public sealed class BuildCgroupLimits(IOptions<BuildKitOptions> options, ILogger<BuildCgroupLimits> logger)
{
    private const long CpuPeriod = 100_000;
    private readonly Lock _lock = new();

    /// <summary>The memory limit in MiB when it is enforced; null when none is set or it could not be written.</summary>
    public int? Apply(IProgress<string> log)
    {
        var settings = options.Value;
        if (settings.EngineCgroupParent.Length == 0 || (settings.MemoryLimitMiB == 0 && settings.CpuLimit == 0))
        {
            return null;
        }

        var relative = settings.EngineCgroupParent.Trim('/') + "/buildkit";
        lock (_lock)
        {
            try
            {
                if (File.Exists(Path.Combine(settings.CgroupRoot, "cgroup.controllers")))
                {
                    WriteV2(Path.Combine(settings.CgroupRoot, relative), settings);
                }
                else
                {
                    WriteV1(settings.CgroupRoot, relative, settings);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.BuildLimitsNotApplied(relative, e.Message);
                log.Report($"Build limits are not enforced: cannot write the engine's BuildKit cgroup {relative} ({e.Message}).");
                return null;
            }
        }

        return settings.MemoryLimitMiB == 0 ? null : settings.MemoryLimitMiB;
    }

    private static void WriteV1(string root, string relative, BuildKitOptions settings)
    {
        var memory = Path.Combine(root, "memory", relative);
        Directory.CreateDirectory(memory);
        var bytes = settings.MemoryLimitMiB == 0 ? "-1" : ((long)settings.MemoryLimitMiB * 1024 * 1024).ToString(CultureInfo.InvariantCulture);
        var swap = Path.Combine(memory, "memory.memsw.limit_in_bytes");
        if (File.Exists(swap))
        {
            // memory+swap may not be set below memory, nor memory above memory+swap: write in the order the change allows.
            try
            {
                File.WriteAllText(Path.Combine(memory, "memory.limit_in_bytes"), bytes);
                File.WriteAllText(swap, bytes);
            }
            catch (IOException)
            {
                File.WriteAllText(swap, bytes);
                File.WriteAllText(Path.Combine(memory, "memory.limit_in_bytes"), bytes);
            }
        }
        else
        {
            File.WriteAllText(Path.Combine(memory, "memory.limit_in_bytes"), bytes);
        }

        var cpu = Path.Combine(root, "cpu", relative);
        Directory.CreateDirectory(cpu);
        File.WriteAllText(Path.Combine(cpu, "cpu.cfs_period_us"), CpuPeriod.ToString(CultureInfo.InvariantCulture));
        File.WriteAllText(Path.Combine(cpu, "cpu.cfs_quota_us"), settings.CpuLimit == 0 ? "-1" : Quota(settings.CpuLimit).ToString(CultureInfo.InvariantCulture));
    }

    private static void WriteV2(string folder, BuildKitOptions settings)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "memory.max"), settings.MemoryLimitMiB == 0 ? "max" : ((long)settings.MemoryLimitMiB * 1024 * 1024).ToString(CultureInfo.InvariantCulture));
        if (File.Exists(Path.Combine(folder, "memory.swap.max")))
        {
            File.WriteAllText(Path.Combine(folder, "memory.swap.max"), settings.MemoryLimitMiB == 0 ? "max" : "0");
        }

        File.WriteAllText(Path.Combine(folder, "cpu.max"), settings.CpuLimit == 0 ? "max" : string.Create(CultureInfo.InvariantCulture, $"{Quota(settings.CpuLimit)} {CpuPeriod}"));
    }

    private static long Quota(double cpus) => (long)Math.Round(cpus * CpuPeriod);
}
