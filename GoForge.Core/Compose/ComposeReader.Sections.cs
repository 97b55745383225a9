using System.Globalization;

namespace GoForge.Core.Compose;

/// <summary><c>healthcheck</c>, <c>depends_on</c> and <c>deploy</c>.</summary>
public sealed partial class ComposeReader
{
    private static readonly TimeSpan MaxHealthTiming = TimeSpan.FromHours(1);

    private ComposeService ReadHealthCheck(string key, ComposeEntry entry, ComposeService service)
    {
        if (entry.Value is not ComposeMap map)
        {
            Problem(key, entry.KeyLine, "must be a mapping (test, interval, timeout, retries, start_period, disable).");
            return service;
        }

        IReadOnlyList<string>? test = null;
        var disabled = false;
        TimeSpan interval = TimeSpan.FromSeconds(30), timeout = TimeSpan.FromSeconds(30), startPeriod = TimeSpan.Zero;
        var retries = 3;
        foreach (var setting in map.Entries)
        {
            var settingKey = $"{key}.{setting.Key}";
            switch (setting.Key)
            {
                case "test":
                    test = ReadHealthTest(settingKey, setting);
                    disabled |= test is ["NONE"];
                    break;
                case "disable":
                    switch (Text(settingKey, setting.Value))
                    {
                        case "true":
                            disabled = true;
                            break;
                        case "false" or null:
                            break;
                        case var other:
                            Problem(settingKey, setting.Value.Line, $"'{Shorten(other)}' is not true or false.");
                            break;
                    }

                    break;
                case "interval":
                    interval = Positive(settingKey, setting, ReadDuration(settingKey, setting, MaxHealthTiming)) ?? interval;
                    break;
                case "timeout":
                    timeout = Positive(settingKey, setting, ReadDuration(settingKey, setting, MaxHealthTiming)) ?? timeout;
                    break;
                case "start_period":
                    startPeriod = ReadDuration(settingKey, setting, MaxHealthTiming) ?? startPeriod;
                    break;
                case "retries":
                    retries = ReadInteger(settingKey, setting, 0, 100) ?? retries;
                    break;
                default:
                    Refuse(settingKey, setting, NoReasons);
                    break;
            }
        }

        if (disabled)
        {
            return service with { HealthCheck = null, HealthCheckDisabled = true };
        }

        if (test is null)
        {
            if (!map.Entries.Any(e => e.Key == "test"))
            {
                Problem(key, entry.KeyLine, "needs a 'test' (or 'disable: true').");
            }

            return service;
        }

        return service with { HealthCheck = new ComposeHealthCheck(test, interval, timeout, retries, startPeriod) };
    }

    private TimeSpan? Positive(string key, ComposeEntry entry, TimeSpan? value)
    {
        if (value is { } v && v <= TimeSpan.Zero)
        {
            Problem(key, entry.Value.Line, "must be longer than zero.");
            return null;
        }

        return value;
    }

    /// <summary><c>["CMD", arg…]</c>, <c>["CMD-SHELL", line]</c>, <c>["NONE"]</c>; a string is a CMD-SHELL line.</summary>
    private IReadOnlyList<string>? ReadHealthTest(string key, ComposeEntry entry)
    {
        if (entry.Value is ComposeScalar)
        {
            return Text(key, entry.Value) is { } line ? ["CMD-SHELL", line] : null;
        }

        if (ReadCommand(key, entry) is not { } test)
        {
            return null;
        }

        switch (test)
        {
            case ["NONE"]:
            case ["CMD", _, ..]:
            case ["CMD-SHELL", _]:
                return test;
            default:
                Problem(key, entry.Value.Line, "must start with CMD (then the command's arguments), CMD-SHELL (then one command line) or be [NONE].");
                return null;
        }
    }

    private int? ReadInteger(string key, ComposeEntry entry, int min, int max)
    {
        if (Text(key, entry.Value) is not { } text)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            Problem(key, entry.Value.Line, $"'{Shorten(text)}' is not a whole number from {min} to {max}.");
            return null;
        }

        return value;
    }

    private List<ComposeDependency> ReadDependsOn(string key, ComposeEntry entry, string self, HashSet<string> names)
    {
        var dependencies = new List<ComposeDependency>();
        IEnumerable<(string Name, int Line, string ItemKey, ComposeNode? Settings)> items = entry.Value switch
        {
            ComposeList list => list.Items.Select((item, index) => (item is ComposeScalar { Value: { } v } ? v : "", item.Line, $"{key}[{index}]", (ComposeNode?)null)),
            ComposeMap map => map.Entries.Select(e => (e.Key, e.KeyLine, $"{key}.{e.Key}", (ComposeNode?)e.Value)),
            _ => [],
        };
        if (entry.Value is not (ComposeList or ComposeMap))
        {
            Problem(key, entry.KeyLine, "must be a list of services or a mapping of services to conditions.");
        }

        foreach (var (name, line, itemKey, settings) in items)
        {
            if (!names.Contains(name))
            {
                Problem(itemKey, line, name.Length == 0 ? "must name a service." : $"names '{Shorten(name)}', which is not a service of this file.");
                continue;
            }

            if (name == self)
            {
                Problem(itemKey, line, "names the service itself; a service cannot wait for itself.");
                continue;
            }

            if (dependencies.Any(d => d.Service == name))
            {
                Problem(itemKey, line, $"names '{name}' twice.");
                continue;
            }

            var condition = settings is null ? ComposeCondition.Started : ReadCondition(itemKey, settings);
            if (condition is { } c)
            {
                dependencies.Add(new ComposeDependency(name, c));
            }
        }

        return dependencies;
    }

    private ComposeCondition? ReadCondition(string key, ComposeNode settings)
    {
        if (settings is ComposeScalar { Value: null })
        {
            return ComposeCondition.Started;
        }

        if (settings is not ComposeMap map)
        {
            Problem(key, settings.Line, "must be a mapping with 'condition'.");
            return null;
        }

        var condition = ComposeCondition.Started;
        foreach (var setting in map.Entries)
        {
            var settingKey = $"{key}.{setting.Key}";
            if (setting.Key != "condition")
            {
                Refuse(settingKey, setting, NoReasons);
                continue;
            }

            switch (Text(settingKey, setting.Value))
            {
                case "service_started":
                    condition = ComposeCondition.Started;
                    break;
                case "service_healthy":
                    condition = ComposeCondition.Healthy;
                    break;
                case "service_completed_successfully":
                    condition = ComposeCondition.CompletedSuccessfully;
                    break;
                case { } other:
                    Problem(settingKey, setting.Value.Line, $"'{Shorten(other)}' is not a condition: use service_started, service_healthy or service_completed_successfully.");
                    return null;
                default:
                    return null;
            }
        }

        return condition;
    }

    private ComposeLimits ReadDeploy(string key, ComposeEntry entry)
    {
        var limits = ComposeLimits.None;
        foreach (var (resources, resourcesKey) in Section(key, entry, "resources", "deploy supports resources.limits only"))
        {
            foreach (var (limitsEntry, limitsKey) in Section(resourcesKey, resources, "limits", "resources supports limits only (reservations are not supported)"))
            {
                if (limitsEntry.Value is not ComposeMap map)
                {
                    Problem(limitsKey, limitsEntry.KeyLine, "must be a mapping (cpus, memory, pids).");
                    continue;
                }

                foreach (var setting in map.Entries)
                {
                    var settingKey = $"{limitsKey}.{setting.Key}";
                    switch (setting.Key)
                    {
                        case "cpus":
                            limits = limits with { Cpus = ReadCpus(settingKey, setting) };
                            break;
                        case "memory":
                            limits = limits with { MemoryMb = ReadMemory(settingKey, setting) };
                            break;
                        case "pids":
                            limits = limits with { Pids = ReadInteger(settingKey, setting, 1, 4_194_304) };
                            break;
                        default:
                            Refuse(settingKey, setting, NoReasons);
                            break;
                    }
                }
            }
        }

        return limits;
    }

    /// <summary>The one entry <paramref name="only"/> of a mapping; any other key is refused with <paramref name="why"/>.</summary>
    private IEnumerable<(ComposeEntry Entry, string Key)> Section(string key, ComposeEntry entry, string only, string why)
    {
        if (entry.Value is not ComposeMap map)
        {
            Problem(key, entry.KeyLine, $"must be a mapping with '{only}'.");
            yield break;
        }

        foreach (var setting in map.Entries)
        {
            if (setting.Key == only)
            {
                yield return (setting, $"{key}.{only}");
            }
            else
            {
                Problem($"{key}.{setting.Key}", setting.KeyLine, $"is not supported: {why}.");
            }
        }
    }

    private double? ReadCpus(string key, ComposeEntry entry)
    {
        var text = Text(key, entry.Value);
        if (text is null)
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var cpus) || cpus <= 0 || cpus > 1024)
        {
            Problem(key, entry.Value.Line, $"'{Shorten(text)}' is not a number of CPUs (more than 0, at most 1024).");
            return null;
        }

        return cpus;
    }

    /// <summary>Compose's byte values: a number with b, k, m or g (optionally followed by b), case-insensitive; in MiB, rounded up.</summary>
    private int? ReadMemory(string key, ComposeEntry entry)
    {
        var text = Text(key, entry.Value);
        if (text is null)
        {
            return null;
        }

        var lower = text.Trim().ToLowerInvariant();
        var digits = lower.TakeWhile(c => char.IsAsciiDigit(c) || c == '.').Count();
        var unit = lower[digits..].Trim();
        double? multiplier = unit switch
        {
            "" or "b" => 1,
            "k" or "kb" => 1024,
            "m" or "mb" => 1024 * 1024,
            "g" or "gb" => 1024d * 1024 * 1024,
            _ => null,
        };
        if (multiplier is null || digits is 0 or > 15 || !double.TryParse(lower[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            Problem(key, entry.Value.Line, $"'{Shorten(text)}' is not an amount of memory: write a number with b, k, m or g, such as 512m or 1g.");
            return null;
        }

        var mib = Math.Ceiling(amount * multiplier.Value / (1024 * 1024));
        if (mib < 6 || mib > 1024 * 1024)
        {
            Problem(key, entry.Value.Line, $"'{Shorten(text)}' is out of range: from 6 MiB to 1 TiB.");
            return null;
        }

        return (int)mib;
    }
}
