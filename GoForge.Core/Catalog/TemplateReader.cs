using System.Globalization;
using System.Text.RegularExpressions;
using GoForge.Core.Common;

namespace GoForge.Core.Catalog;

/// <summary>
/// Reads a template document (<see cref="TemplateNode"/>, from YAML or JSON) into a <see cref="ServiceTemplate"/>
/// and checks it with <see cref="TemplateRules"/>. Strict: keys are snake_case and every key must be one the format
/// knows, so a field the model has no place for (<c>privileged: true</c>) cannot slip through ignored. Keys that ask
/// for more than a plain container are recognised by name in any spelling (<c>cap_add</c>, <c>capAdd</c>,
/// <c>CAP-ADD</c>) and refused with the reason.
/// </summary>
public static partial class TemplateReader
{
    private const string TopLevel = "(top)";

    private const string BindMount = "asks for a bind mount or a host path; volumes are named volumes only (name and mount_path), never a path on the host.";

    /// <summary>Refused wherever they appear, keyed by the name in lower case without '_' or '-'.</summary>
    private static readonly Dictionary<string, string> Refused = new(StringComparer.Ordinal)
    {
        ["privileged"] = "asks for privileged mode (every capability and the host's devices); catalog services never run privileged.",
        ["capadd"] = "asks for extra Linux capabilities; catalog services run with the engine's default set.",
        ["capabilities"] = "asks for extra Linux capabilities; catalog services run with the engine's default set.",
        ["devices"] = "asks for host devices; catalog services get none.",
        ["device"] = "asks for host devices; catalog services get none.",
        ["devicecgrouprules"] = "asks for host devices; catalog services get none.",
        ["gpus"] = "asks for host devices; catalog services get none.",
        ["networkmode"] = "asks for a network mode (such as host networking); GoForge decides which networks a service joins.",
        ["network"] = "asks for a network mode (such as host networking); GoForge decides which networks a service joins.",
        ["networks"] = "asks for a network mode (such as host networking); GoForge decides which networks a service joins.",
        ["pid"] = "asks to share a namespace (the host's processes); catalog services never share the host's namespaces.",
        ["pidmode"] = "asks to share a namespace (the host's processes); catalog services never share the host's namespaces.",
        ["ipc"] = "asks to share a namespace (the host's IPC); catalog services never share the host's namespaces.",
        ["ipcmode"] = "asks to share a namespace (the host's IPC); catalog services never share the host's namespaces.",
        ["uts"] = "asks to share a namespace (the host's UTS); catalog services never share the host's namespaces.",
        ["utsmode"] = "asks to share a namespace (the host's UTS); catalog services never share the host's namespaces.",
        ["userns"] = "asks to share a namespace (the host's users); catalog services never share the host's namespaces.",
        ["usernsmode"] = "asks to share a namespace (the host's users); catalog services never share the host's namespaces.",
        ["cgroup"] = "asks to share a namespace (the host's cgroups); catalog services never share the host's namespaces.",
        ["cgroupnsmode"] = "asks to share a namespace (the host's cgroups); catalog services never share the host's namespaces.",
        ["securityopt"] = "asks to change security options (seccomp, AppArmor, SELinux); catalog services keep the engine's defaults.",
        ["securityopts"] = "asks to change security options (seccomp, AppArmor, SELinux); catalog services keep the engine's defaults.",
        ["sysctls"] = "asks to change kernel parameters; catalog services keep the engine's defaults.",
        ["hostpath"] = BindMount,
        ["bind"] = BindMount,
        ["binds"] = BindMount,
        ["mounts"] = BindMount,
        ["volumesfrom"] = BindMount,
        ["dockersocket"] = "asks for the container engine's socket; access to it is root on the host.",
    };

    /// <summary>Inside a volume these also make a host path: <c>source: /srv</c>, <c>driver_opts: {o: bind, device: …}</c>.</summary>
    private static readonly Dictionary<string, string> RefusedInVolumes = new(StringComparer.Ordinal)
    {
        ["source"] = BindMount,
        ["src"] = BindMount,
        ["type"] = BindMount,
        ["driver"] = BindMount,
        ["driveropts"] = BindMount,
    };

    private static readonly string[] TopKeys = ["id", "name", "category", "description", "icon", "image", "versions", "ports", "inputs", "environment", "command", "volumes", "health_check", "http", "outputs"];
    private static readonly string[] PortKeys = ["name", "port", "main"];
    private static readonly string[] InputKeys = ["label", "description", "generate", "default", "secret"];
    private static readonly string[] VolumeKeys = ["name", "mount_path"];
    private static readonly string[] HealthKeys = ["exec", "tcp", "http", "interval", "timeout", "retries", "start_period"];
    private static readonly string[] HealthKinds = ["exec", "tcp", "http"];
    private static readonly string[] HealthHttpKeys = ["path", "port"];
    private static readonly string[] HttpKeys = ["port"];
    private static readonly string[] OutputKeys = ["label", "value", "secret"];

    /// <summary>The template in <paramref name="document"/>, or every problem found, each naming the template and field.</summary>
    /// <param name="source">File or resource name, used in messages until the template's id is known.</param>
    public static Result<ServiceTemplate> Read(TemplateNode document, string source, TemplateOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(document);
        var id = document is TemplateMap top ? top.Entries.FirstOrDefault(e => e.Key == "id").Value as TemplateScalar : null;
        // The id names the template in messages once it looks like one; before that, the file does.
        var reader = new Reader(id?.Value is { Length: > 0 and <= TemplateRules.IdMaxLength } text && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            ? $"Template '{text}'"
            : $"Template file '{source}'");
        var template = reader.ReadTemplate(document, origin);
        if (template is null || !reader.Errors.IsEmpty)
        {
            return reader.Errors.ToError();
        }

        var valid = TemplateRules.Validate(template);
        return valid.IsSuccess ? template : valid.Error!;
    }

    private static string Normalize(string key) => key.Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    private sealed class Reader(string prefix)
    {
        public FieldErrors Errors { get; } = new();

        private void Add(string field, string message) => Errors.Add(field, $"{prefix}, {field}: {message}");

        public ServiceTemplate? ReadTemplate(TemplateNode document, TemplateOrigin origin)
        {
            if (Map(document, TopLevel, TopKeys) is not { } top)
            {
                return null;
            }

            var ports = ReadPorts(top.GetValueOrDefault("ports"));
            var mainPort = ports.FirstOrDefault(p => p.Main) ?? ports.FirstOrDefault();
            var template = new ServiceTemplate
            {
                Id = Text(top, "id") ?? string.Empty,
                Name = Text(top, "name") ?? string.Empty,
                Category = ReadCategory(top.GetValueOrDefault("category")),
                Description = Text(top, "description") ?? string.Empty,
                Icon = Text(top, "icon", required: false),
                Image = Text(top, "image") ?? string.Empty,
                Versions = TextList(top.GetValueOrDefault("versions"), "versions", "a list of tags, the default first") ?? [],
                Ports = ports,
                Inputs = ReadInputs(top.GetValueOrDefault("inputs")),
                Environment = ReadEnvironment(top.GetValueOrDefault("environment")),
                Command = TextList(top.GetValueOrDefault("command"), "command", "a list of arguments, never a shell string") ?? [],
                Volumes = ReadVolumes(top.GetValueOrDefault("volumes")),
                HealthCheck = ReadHealthCheck(top.GetValueOrDefault("health_check"), mainPort?.Port),
                Http = ReadHttp(top.GetValueOrDefault("http"), mainPort?.Port),
                Outputs = ReadOutputs(top.GetValueOrDefault("outputs")),
                Origin = origin,
            };
            return template;
        }

        /// <summary>A mapping's entries, after refusing keys that are dangerous by name or simply unknown.</summary>
        private Dictionary<string, TemplateNode>? Map(TemplateNode? node, string path, string[] known, Dictionary<string, string>? refusedHere = null)
        {
            if (node is not TemplateMap map)
            {
                if (path == TopLevel)
                {
                    Errors.Add("file", $"{prefix}: the file must hold one mapping of keys (id, name, …) to values.");
                }
                else
                {
                    Add(path, "must be a mapping of keys to values.");
                }

                return null;
            }

            var entries = new Dictionary<string, TemplateNode>(StringComparer.Ordinal);
            foreach (var (key, value) in map.Entries)
            {
                var field = path == TopLevel ? key : $"{path}.{key}";
                var normalized = Normalize(key);
                if (Refused.TryGetValue(normalized, out var reason) || (refusedHere?.TryGetValue(normalized, out reason) ?? false))
                {
                    Add(field, $"'{Shorten(key)}' {reason}");
                }
                else if (!known.Contains(key, StringComparer.Ordinal))
                {
                    Add(field, $"'{Shorten(key)}' is not a key here (known: {string.Join(", ", known)}).");
                }
                else if (value is not TemplateScalar { Value: null })
                {
                    entries[key] = value;
                }
            }

            return entries;
        }

        private string? Text(Dictionary<string, TemplateNode> map, string key, bool required = true, string? path = null) =>
            Text(map.GetValueOrDefault(key), path ?? key, required);

        private string? Text(TemplateNode? node, string path, bool required = true)
        {
            switch (node)
            {
                case null or TemplateScalar { Value: null }:
                    if (required)
                    {
                        Add(path, "is required.");
                    }

                    return null;
                case TemplateScalar scalar:
                    return scalar.Value;
                default:
                    Add(path, "must be a single value, not a list or mapping (in YAML, quote a value that starts with '{{' or '[').");
                    return null;
            }
        }

        private int? Integer(TemplateNode? node, string path, bool required = true)
        {
            var text = Text(node, path, required);
            if (text is null)
            {
                return null;
            }

            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                Add(path, $"'{Shorten(text)}' is not a whole number.");
                return null;
            }

            return value;
        }

        private bool Flag(TemplateNode? node, string path)
        {
            var text = Text(node, path, required: false);
            switch (text)
            {
                case null or "false":
                    return false;
                case "true":
                    return true;
                default:
                    Add(path, $"'{Shorten(text)}' is not true or false.");
                    return false;
            }
        }

        private List<string>? TextList(TemplateNode? node, string path, string what)
        {
            switch (node)
            {
                case null or TemplateScalar { Value: null }:
                    return null;
                case TemplateList list:
                    var items = new List<string>();
                    for (var i = 0; i < list.Items.Count; i++)
                    {
                        if (Text(list.Items[i], $"{path}[{i}]") is { } item)
                        {
                            items.Add(item);
                        }
                    }

                    return items;
                default:
                    Add(path, $"must be {what}.");
                    return null;
            }
        }

        private IEnumerable<(TemplateNode Node, string Path)> Items(TemplateNode? node, string path, string what)
        {
            switch (node)
            {
                case null or TemplateScalar { Value: null }:
                    return [];
                case TemplateList list:
                    return list.Items.Select((item, i) => (item, $"{path}[{i}]"));
                default:
                    Add(path, $"must be {what}.");
                    return [];
            }
        }

        private IEnumerable<(string Name, TemplateNode Node)> Named(TemplateNode? node, string path, string what)
        {
            switch (node)
            {
                case null or TemplateScalar { Value: null }:
                    return [];
                case TemplateMap map:
                    return map.Entries.Select(e => (e.Key, e.Value));
                default:
                    Add(path, $"must be {what}.");
                    return [];
            }
        }

        private ServiceCategory ReadCategory(TemplateNode? node)
        {
            var text = Text(node, "category");
            // Lower case exactly, as written in the docs: 'Database' is as unknown as 'databse'.
            var category = Enum.GetValues<ServiceCategory>().FirstOrDefault(c => string.Equals(c.ToString().ToLowerInvariant(), text, StringComparison.Ordinal), (ServiceCategory)(-1));
            if (text is not null && !Enum.IsDefined(category))
            {
                Add("category", $"'{Shorten(text)}' is not a category ({string.Join(", ", Enum.GetNames<ServiceCategory>().Select(n => n.ToLowerInvariant()))}).");
                return ServiceCategory.Tool;
            }

            return category;
        }

        private List<TemplatePort> ReadPorts(TemplateNode? node)
        {
            var ports = new List<TemplatePort>();
            foreach (var (item, path) in Items(node, "ports", "a list of {name, port, main}"))
            {
                if (Map(item, path, PortKeys) is { } map && Integer(map.GetValueOrDefault("port"), $"{path}.port") is { } port)
                {
                    ports.Add(new TemplatePort(Text(map, "name", path: $"{path}.name") ?? string.Empty, port, Flag(map.GetValueOrDefault("main"), $"{path}.main")));
                }
            }

            if (node is null)
            {
                Add("ports", "is required: the ports the container listens on.");
            }

            return ports;
        }

        private List<TemplateInput> ReadInputs(TemplateNode? node)
        {
            var inputs = new List<TemplateInput>();
            foreach (var (name, item) in Named(node, "inputs", "a mapping of input names to {label, generate | default, secret}"))
            {
                var path = $"inputs.{Shorten(name)}";
                if (Map(item, path, InputKeys) is not { } map)
                {
                    continue;
                }

                GeneratorSpec? spec = null;
                if (Text(map, "generate", required: false, path: $"{path}.generate") is { } generate)
                {
                    var match = GeneratorText().Match(generate);
                    spec = match.Success
                        ? ValueGenerator.TryCreate(match.Groups["name"].Value, match.Groups["size"].Success ? int.Parse(match.Groups["size"].Value, CultureInfo.InvariantCulture) : null, out var problem)
                            ?? Problem(problem!)
                        : Problem($"'{Shorten(generate)}' is not a generator (password:N, hex:N or username).");

                    GeneratorSpec? Problem(string message)
                    {
                        Add($"{path}.generate", message);
                        return null;
                    }
                }

                inputs.Add(new TemplateInput(
                    name,
                    Text(map, "label", required: false, path: $"{path}.label") ?? name,
                    Text(map, "description", required: false, path: $"{path}.description"),
                    spec,
                    Text(map, "default", required: false, path: $"{path}.default"),
                    Flag(map.GetValueOrDefault("secret"), $"{path}.secret")));
            }

            return inputs;
        }

        private List<TemplateVariable> ReadEnvironment(TemplateNode? node)
        {
            var variables = new List<TemplateVariable>();
            foreach (var (key, item) in Named(node, "environment", "a mapping of KEY: value (not a list of KEY=value)"))
            {
                if (Text(item, $"environment.{Shorten(key)}") is { } value)
                {
                    variables.Add(new TemplateVariable(key, value));
                }
            }

            return variables;
        }

        private List<TemplateVolume> ReadVolumes(TemplateNode? node)
        {
            var volumes = new List<TemplateVolume>();
            foreach (var (item, path) in Items(node, "volumes", "a list of {name, mount_path}"))
            {
                if (item is TemplateScalar { Value: { } text })
                {
                    Add(path, text.Contains(':', StringComparison.Ordinal) || text.StartsWith('/') || text.StartsWith('.') || text.StartsWith('~')
                        ? $"'{Shorten(text)}' {BindMount}"
                        : "must be {name, mount_path}.");
                }
                else if (Map(item, path, VolumeKeys, RefusedInVolumes) is { } map)
                {
                    volumes.Add(new TemplateVolume(Text(map, "name", path: $"{path}.name") ?? string.Empty, Text(map, "mount_path", path: $"{path}.mount_path") ?? string.Empty));
                }
            }

            return volumes;
        }

        private TemplateHealthCheck? ReadHealthCheck(TemplateNode? node, int? mainPort)
        {
            if (node is null || Map(node, "health_check", HealthKeys) is not { } map)
            {
                return null;
            }

            var kinds = HealthKinds.Where(map.ContainsKey).ToList();
            if (kinds.Count != 1)
            {
                Add("health_check", "needs exactly one of exec (a command in the container), tcp (a port) or http ({path, port}).");
                return null;
            }

            var interval = Duration(map.GetValueOrDefault("interval"), "health_check.interval", TimeSpan.FromSeconds(10));
            var timeout = Duration(map.GetValueOrDefault("timeout"), "health_check.timeout", TimeSpan.FromSeconds(5));
            var retries = Integer(map.GetValueOrDefault("retries"), "health_check.retries", required: false) ?? 5;
            var startPeriod = Duration(map.GetValueOrDefault("start_period"), "health_check.start_period", TimeSpan.Zero);
            switch (kinds[0])
            {
                case "exec":
                    var exec = TextList(map["exec"], "health_check.exec", "a list of arguments (the program first), never a shell string") ?? [];
                    return new TemplateHealthCheck(HealthCheckKind.Exec, exec, null, null, interval, timeout, retries, startPeriod);
                case "tcp":
                    return new TemplateHealthCheck(HealthCheckKind.Tcp, [], Integer(map["tcp"], "health_check.tcp"), null, interval, timeout, retries, startPeriod);
                default:
                    if (Map(map["http"], "health_check.http", HealthHttpKeys) is not { } http)
                    {
                        return null;
                    }

                    var port = Integer(http.GetValueOrDefault("port"), "health_check.http.port", required: false) ?? mainPort;
                    return new TemplateHealthCheck(HealthCheckKind.Http, [], port, Text(http, "path", path: "health_check.http.path"), interval, timeout, retries, startPeriod);
            }
        }

        private TimeSpan Duration(TemplateNode? node, string path, TimeSpan fallback)
        {
            var text = Text(node, path, required: false);
            if (text is null)
            {
                return fallback;
            }

            var match = DurationText().Match(text);
            if (!match.Success)
            {
                Add(path, $"'{Shorten(text)}' is not a duration: a whole number with ms, s or m (10s, 2m).");
                return fallback;
            }

            var amount = int.Parse(match.Groups["amount"].Value, CultureInfo.InvariantCulture);
            return match.Groups["unit"].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" => TimeSpan.FromSeconds(amount),
                _ => TimeSpan.FromMinutes(amount),
            };
        }

        private TemplateHttp? ReadHttp(TemplateNode? node, int? mainPort)
        {
            if (node is null || Map(node, "http", HttpKeys) is not { } map)
            {
                return null;
            }

            var port = Integer(map.GetValueOrDefault("port"), "http.port", required: false) ?? mainPort;
            return port is { } value ? new TemplateHttp(value) : null;
        }

        private List<TemplateOutput> ReadOutputs(TemplateNode? node)
        {
            var outputs = new List<TemplateOutput>();
            foreach (var (name, item) in Named(node, "outputs", "a mapping of output names to {label, value, secret}"))
            {
                var path = $"outputs.{Shorten(name)}";
                if (Map(item, path, OutputKeys) is { } map && Text(map, "value", path: $"{path}.value") is { } value)
                {
                    outputs.Add(new TemplateOutput(name, Text(map, "label", required: false, path: $"{path}.label") ?? name, value, Flag(map.GetValueOrDefault("secret"), $"{path}.secret")));
                }
            }

            return outputs;
        }
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    [GeneratedRegex("^(?<name>[a-z]+)(?::(?<size>[0-9]{1,7}))?\\z", RegexOptions.CultureInvariant)]
    private static partial Regex GeneratorText();

    [GeneratedRegex("^(?<amount>[0-9]{1,6})(?<unit>ms|s|m)\\z", RegexOptions.CultureInvariant)]
    private static partial Regex DurationText();
}
