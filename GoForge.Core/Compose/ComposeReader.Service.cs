using GoForge.Core.Containers;
using GoForge.Core.Projects;

namespace GoForge.Core.Compose;

/// <summary>One service: every key read, refused with its reason, or refused as unknown.</summary>
public sealed partial class ComposeReader
{
    private ComposeService? ReadService(ComposeEntry entry, HashSet<string> names)
    {
        var name = entry.Key;
        var path = $"services.{name}";
        if (!IsServiceName(name))
        {
            Problem(path, entry.KeyLine, $"is not a service name: use 1 to {MaxServiceNameLength} lower-case letters, digits, '-' and '_', starting with a letter or digit.");
            return null;
        }

        if (entry.Value is not ComposeMap map)
        {
            Problem(path, entry.KeyLine, "must be a mapping of the service's settings.");
            return null;
        }

        _lookup = Lookup(name);
        var before = _problems.Count;
        var service = new ComposeService { Name = name, Line = entry.KeyLine };
        Dictionary<string, string>? fromFiles = null;
        Dictionary<string, string>? environment = null;
        foreach (var setting in map.Entries)
        {
            var key = $"{path}.{setting.Key}";
            switch (setting.Key)
            {
                case "image":
                    service = service with { Image = ReadImage(key, setting) };
                    break;
                case "build":
                    service = service with { Build = ReadBuild(key, setting) };
                    break;
                case "environment":
                    environment = ReadPairs(key, setting, "environment variable", skipUnset: true);
                    break;
                case "env_file":
                    fromFiles = ReadEnvFiles(key, setting);
                    break;
                case "command":
                    service = service with { Command = ReadCommand(key, setting) };
                    break;
                case "entrypoint":
                    service = service with { Entrypoint = ReadCommand(key, setting) };
                    break;
                case "healthcheck":
                    service = ReadHealthCheck(key, setting, service);
                    break;
                case "depends_on":
                    service = service with { DependsOn = ReadDependsOn(key, setting, name, names) };
                    break;
                case "restart":
                    service = service with { Restart = ReadRestart(key, setting) ?? RestartPolicy.No };
                    break;
                case "volumes":
                    service = service with { Volumes = ReadMounts(key, setting) };
                    break;
                case "deploy":
                    service = service with { Limits = ReadDeploy(key, setting) };
                    break;
                case "labels":
                    service = service with { Labels = ReadLabels(key, setting) };
                    break;
                case "expose":
                    service = service with { Expose = ReadExpose(key, setting) };
                    break;
                case "working_dir":
                    service = service with { WorkingDir = ReadAbsolutePath(key, setting) };
                    break;
                case "user":
                    service = service with { User = ReadUser(key, setting) };
                    break;
                case "stop_grace_period":
                    service = service with { StopGracePeriod = ReadDuration(key, setting) };
                    break;
                default:
                    Refuse(key, setting, ServiceRefused);
                    break;
            }

        }

        if (service.Image is null && service.Build is null && _problems.Count == before)
        {
            Problem(path, entry.KeyLine, "has neither 'image' nor 'build': a service needs one of them.");
        }

        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in fromFiles ?? [])
        {
            merged[k] = v;
        }

        foreach (var (k, v) in environment ?? [])
        {
            merged[k] = v;
        }

        return service with { Environment = merged };
    }

    /// <summary>The application's variables that reach <paramref name="service"/>; the last of a name wins.</summary>
    private Func<string, string?> Lookup(string service)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in _options.Variables.Where(v => v.Reaches(service)))
        {
            values[variable.Key] = variable.Value;
        }

        return name => values.GetValueOrDefault(name);
    }

    private ImageReference? ReadImage(string key, ComposeEntry entry)
    {
        if (Text(key, entry.Value) is not { } text)
        {
            return null;
        }

        if (!ImageReference.TryParse(text, out var image, out var error))
        {
            Problem(key, entry.Value.Line, $"'{Shorten(text)}' is not an image reference: {error}");
            return null;
        }

        return image;
    }

    private ComposeBuild? ReadBuild(string key, ComposeEntry entry)
    {
        if (entry.Value is ComposeScalar)
        {
            return Text(key, entry.Value) is { } contextText && RepositoryPath(key, entry.Value.Line, contextText, "build context") is { } only
                ? new ComposeBuild(only, "Dockerfile", new Dictionary<string, string>(), null)
                : null;
        }

        if (entry.Value is not ComposeMap map)
        {
            Problem(key, entry.KeyLine, "must be a context path or a mapping (context, dockerfile, args, target).");
            return null;
        }

        string? context = ".";
        string dockerfile = "Dockerfile";
        var dockerfileLine = entry.KeyLine;
        Dictionary<string, string>? args = null;
        string? target = null;
        var ok = true;
        foreach (var setting in map.Entries)
        {
            var settingKey = $"{key}.{setting.Key}";
            switch (setting.Key)
            {
                case "context":
                    context = Text(settingKey, setting.Value) is { } c ? RepositoryPath(settingKey, setting.Value.Line, c, "build context") : null;
                    ok &= context is not null;
                    break;
                case "dockerfile":
                    var d = Text(settingKey, setting.Value);
                    ok &= d is not null;
                    dockerfile = d ?? dockerfile;
                    dockerfileLine = setting.Value.Line;
                    break;
                case "args":
                    args = ReadPairs(settingKey, setting, "build argument", skipUnset: true);
                    break;
                case "target":
                    target = Text(settingKey, setting.Value);
                    if (target is not null && !IsPlainWord(target))
                    {
                        Problem(settingKey, setting.Value.Line, "must be a build stage's name (letters, digits, '-', '_' and '.').");
                        target = null;
                    }

                    break;
                default:
                    Refuse(settingKey, setting, BuildRefused);
                    ok = false;
                    break;
            }
        }

        if (!ok || context is null)
        {
            return null;
        }

        var dockerfilePath = DockerfileInContext($"{key}.dockerfile", dockerfileLine, context, dockerfile);
        return dockerfilePath is null ? null : new ComposeBuild(context, dockerfilePath, args ?? [], target);
    }

    private static readonly Dictionary<string, string> BuildRefused = new(StringComparer.Ordinal)
    {
        ["dockerfile_inline"] = "is not supported: keep the Dockerfile in the repository.",
        ["network"] = Networking,
        ["extra_hosts"] = Networking,
        ["privileged"] = "asks for a privileged build; GoForge never builds privileged.",
        ["secrets"] = "is not supported: build-time variables of the application reach the build as its secrets.",
        ["ssh"] = "is not supported: GoForge does not hand the build an SSH agent.",
        ["additional_contexts"] = "is not supported: a build has one context, inside the repository.",
        ["entitlements"] = "asks for build entitlements; GoForge grants none.",
    };

    private Dictionary<string, string> ReadLabels(string key, ComposeEntry entry)
    {
        var labels = ReadPairs(key, entry, "label", skipUnset: false) ?? [];
        foreach (var label in labels.Keys.Where(ReservedImageLabels.IsReserved).ToList())
        {
            Problem($"{key}.{label}", LineOf(entry.Value, label), $"'{Shorten(label)}' is in a namespace reserved for GoForge or a proxy (goforge., traefik., caddy): a compose label cannot route or claim a container.");
            labels.Remove(label);
        }

        return labels;
    }

    private List<int> ReadExpose(string key, ComposeEntry entry)
    {
        if (entry.Value is not ComposeList list)
        {
            Problem(key, entry.KeyLine, "must be a list of container ports.");
            return [];
        }

        var ports = new List<int>();
        foreach (var (item, index) in list.Items.Select((item, index) => (item, index)))
        {
            var itemKey = $"{key}[{index}]";
            if (Text(itemKey, item) is not { } text)
            {
                continue;
            }

            var number = text.EndsWith("/tcp", StringComparison.Ordinal) ? text[..^4] : text;
            if (int.TryParse(number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535)
            {
                if (!ports.Contains(port))
                {
                    ports.Add(port);
                }
            }
            else
            {
                Problem(itemKey, item.Line, $"'{Shorten(text)}' is not a TCP port (1 to 65535; ranges and UDP are not supported).");
            }
        }

        return ports;
    }

    private string? ReadUser(string key, ComposeEntry entry)
    {
        var text = Text(key, entry.Value);
        if (text is not null && (text.Length is 0 or > 64 || !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':')))
        {
            Problem(key, entry.Value.Line, "must be a user name or id, optionally ':group' (letters, digits, '-', '_' and '.').");
            return null;
        }

        return text;
    }

    private RestartPolicy? ReadRestart(string key, ComposeEntry entry) => Text(key, entry.Value) switch
    {
        null => null,
        "no" => RestartPolicy.No,
        "always" => RestartPolicy.Always,
        "on-failure" => RestartPolicy.OnFailure,
        "unless-stopped" => RestartPolicy.UnlessStopped,
        var other => Invalid(key, entry.Value.Line, $"'{Shorten(other)}' is not a restart policy: use no, always, on-failure or unless-stopped (a retry count is not supported)."),
    };

    private RestartPolicy? Invalid(string key, int line, string message)
    {
        Problem(key, line, message);
        return null;
    }
}
