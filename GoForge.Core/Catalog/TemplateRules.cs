using System.Globalization;
using System.Text.RegularExpressions;
using GoForge.Core.Common;

namespace GoForge.Core.Catalog;

/// <summary>
/// What a service template may be: the one place these rules live. <see cref="TemplateReader"/> runs them on every
/// template it reads (shipped or from the admin's folder), and the creation of a service runs
/// <see cref="ValidateInputValue"/> on what the user typed. Every message names the template and the field
/// (<c>Template 'postgresql', volumes[0].mount_path: …</c>). Fields asking for more than a plain container
/// (privileged mode, capabilities, devices, host namespaces, bind mounts) cannot even be written — the reader refuses
/// them by name; here the values are checked, including any mention of the engine's socket.
/// </summary>
public static partial class TemplateRules
{
    public const int IdMaxLength = 40;
    public const int NameMaxLength = 60;
    public const int DescriptionMaxLength = 500;
    public const int IconMaxLength = 4000;
    public const int ImageMaxLength = 255;
    public const int MaxVersions = 20;
    public const int MaxPorts = 10;
    public const int MaxInputs = 20;
    public const int MaxEnvironment = 100;
    public const int EnvKeyMaxLength = 128;
    public const int EnvValueMaxLength = 4096;
    public const int MaxArguments = 50;
    public const int ArgumentMaxLength = 1024;
    public const int MaxVolumes = 10;
    public const int MountPathMaxLength = 200;
    public const int MaxOutputs = 20;
    public const int OutputMaxLength = 2048;
    public const int InputValueMaxLength = 128;
    public const int MaxRetries = 20;
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxInterval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan MaxStartPeriod = TimeSpan.FromMinutes(10);

    /// <summary>Engine sockets: whoever reaches one is root on the host.</summary>
    private static readonly string[] EngineSockets = ["docker.sock", "containerd.sock", "podman.sock"];

    // A mount there would shadow what the kernel provides.
    private static readonly string[] KernelPaths = ["/proc", "/sys", "/dev"];

    private static readonly HashSet<string> Shells = new(StringComparer.Ordinal) { "sh", "bash", "ash", "dash", "zsh", "ksh" };

    /// <summary>Environment variables that would point a client inside the container at an engine.</summary>
    private static readonly HashSet<string> EngineVariables = new(StringComparer.OrdinalIgnoreCase) { "DOCKER_HOST", "CONTAINER_HOST" };

    public static Result Validate(ServiceTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var check = new Checker(template);
        check.Run();
        return check.Errors.IsEmpty ? Result.Success : check.Errors.ToError();
    }

    /// <summary>
    /// A value the user gives an input before creation (or a template's default): letters, digits and <c>. _ -</c>, not
    /// starting with <c>-</c>, at most <see cref="InputValueMaxLength"/>. The same alphabet as generated values, so every
    /// output (a URL, a connection string) holds it without escaping and no program reads it as an option.
    /// </summary>
    public static void ValidateInputValue(string inputName, string? value, FieldErrors errors, string? field = null)
    {
        ArgumentNullException.ThrowIfNull(errors);
        field ??= inputName;
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(field, $"{inputName}: enter a value.");
        }
        else if (value.Length > InputValueMaxLength)
        {
            errors.Add(field, $"{inputName}: a value has at most {InputValueMaxLength} characters.");
        }
        else if (!InputValue().IsMatch(value))
        {
            errors.Add(field, $"{inputName}: use letters, digits and . _ - only, not starting with '-' (the value goes into URLs and arguments unescaped).");
        }
    }

    /// <summary>Whether <paramref name="image"/> is a repository reference without tag: <c>[registry[:port]/]path</c>.</summary>
    public static bool IsImageRepository(string? image)
    {
        if (string.IsNullOrEmpty(image) || image.Length > ImageMaxLength)
        {
            return false;
        }

        var parts = image.Split('/');
        var first = parts.Length > 1 && (parts[0].Contains('.', StringComparison.Ordinal) || parts[0].Contains(':', StringComparison.Ordinal) || parts[0] == "localhost") ? 1 : 0;
        if (first == 1 && !Registry().IsMatch(parts[0]))
        {
            return false;
        }

        return parts.Length > first && parts.Skip(first).All(p => PathComponent().IsMatch(p));
    }

    public static bool IsTag(string? tag) => tag is not null && Tag().IsMatch(tag);

    private sealed class Checker(ServiceTemplate template)
    {
        private readonly string _prefix = $"Template '{Shorten(template.Id ?? string.Empty)}'";
        private readonly ServiceTemplate _template = template;

        // Inputs some template string refers to; the rest are reported as unused.
        private readonly HashSet<string> _used = new(StringComparer.Ordinal);

        public FieldErrors Errors { get; } = new();

        public void Run()
        {
            var t = _template;
            CheckHeader(t);
            CheckPorts(t.Ports);
            CheckInputs(t.Inputs);
            CheckEnvironment(t.Environment);
            CheckArguments(t.Command, "command", generators: true);
            CheckVolumes(t.Volumes);
            CheckHealthCheck(t.HealthCheck);
            if (t.Http is { } http && !HasPort(http.Port))
            {
                Add("http.port", $"{http.Port} is not one of the template's ports.");
            }

            CheckOutputs(t.Outputs);
            foreach (var input in t.Inputs.Where(i => !_used.Contains(i.Name)))
            {
                Add($"inputs.{input.Name}", "is never used by the environment, command, health check or outputs.");
            }
        }

        private void Add(string field, string message) => Errors.Add(field, $"{_prefix}, {field}: {message}");

        private bool HasPort(int port) => _template.Ports.Any(p => p.Port == port);

        private void CheckHeader(ServiceTemplate t)
        {
            if (string.IsNullOrEmpty(t.Id) || t.Id.Length > IdMaxLength || !Slug().IsMatch(t.Id))
            {
                Add("id", $"'{Shorten(t.Id ?? string.Empty)}' is not a slug: lower-case letters, digits and single '-', starting with a letter, at most {IdMaxLength}.");
            }

            CheckText(t.Name, "name", NameMaxLength, required: true);
            CheckText(t.Description, "description", DescriptionMaxLength, required: true);
            if (!Enum.IsDefined(t.Category))
            {
                Add("category", "is not a known category.");
            }

            if (t.Icon is not null && (t.Icon.Length > IconMaxLength || !SvgPath().IsMatch(t.Icon)))
            {
                Add("icon", $"must be SVG path data for a 24×24 view box (the 'd' attribute: commands and numbers only), at most {IconMaxLength} characters.");
            }

            // A registry's port sits in the first component only, so a ':' in the last one starts a tag.
            if (t.Image is not null && (t.Image.Contains('@', StringComparison.Ordinal) || t.Image.Split('/')[^1].Contains(':', StringComparison.Ordinal)))
            {
                Add("image", $"'{Shorten(t.Image)}' names a tag or digest: write the repository only and list tags under versions.");
            }
            else if (!IsImageRepository(t.Image))
            {
                Add("image", $"'{Shorten(t.Image ?? string.Empty)}' is not an image repository: [registry[:port]/]name[/name…], lower-case letters, digits and single . _ - between them.");
            }

            if (t.Versions.Count is 0 or > MaxVersions)
            {
                Add("versions", $"lists 1 to {MaxVersions} tags, the default first.");
            }

            for (var i = 0; i < t.Versions.Count; i++)
            {
                if (!IsTag(t.Versions[i]))
                {
                    Add($"versions[{i}]", $"'{Shorten(t.Versions[i] ?? string.Empty)}' is not an image tag: letters, digits, _ . -, not starting with . or -, at most 128.");
                }
            }

            foreach (var twice in t.Versions.Where(v => v is not null).GroupBy(v => v, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                Add("versions", $"'{twice.Key}' is listed twice.");
            }
        }

        private void CheckText(string? text, string field, int maxLength, bool required)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                if (required)
                {
                    Add(field, "is required.");
                }
            }
            else if (text.Length > maxLength)
            {
                Add(field, $"has at most {maxLength} characters.");
            }
            else if (text.Any(IsControlOrFormat) || text != text.Trim())
            {
                Add(field, "has control or invisible characters, or leading or trailing spaces.");
            }
        }

        private void CheckPorts(IReadOnlyList<TemplatePort> ports)
        {
            if (ports.Count is 0 or > MaxPorts)
            {
                Add("ports", $"lists 1 to {MaxPorts} ports.");
            }

            for (var i = 0; i < ports.Count; i++)
            {
                var port = ports[i];
                if (port.Port is < 1 or > 65535)
                {
                    Add($"ports[{i}].port", $"{port.Port} is not a port: 1 to 65535.");
                }

                if (!LowerName().IsMatch(port.Name ?? string.Empty))
                {
                    Add($"ports[{i}].name", $"'{Shorten(port.Name ?? string.Empty)}' is not a name: lower-case letters, digits and '-', starting with a letter, at most 32.");
                }
            }

            foreach (var twice in ports.GroupBy(p => p.Port).Where(g => g.Count() > 1))
            {
                Add("ports", $"{twice.Key} is listed twice.");
            }

            foreach (var twice in ports.GroupBy(p => p.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                Add("ports", $"the name '{twice.Key}' is used twice.");
            }

            if (ports.Count(p => p.Main) > 1)
            {
                Add("ports", "marks more than one port as main.");
            }
        }

        private void CheckInputs(IReadOnlyList<TemplateInput> inputs)
        {
            if (inputs.Count > MaxInputs)
            {
                Add("inputs", $"has at most {MaxInputs} inputs.");
            }

            foreach (var input in inputs)
            {
                var field = $"inputs.{input.Name}";
                if (!InputName().IsMatch(input.Name ?? string.Empty))
                {
                    Add(field, "is not an input name: lower-case letters, digits and '_', starting with a letter, at most 32.");
                }
                else if (Placeholder.Reserved.Contains(input.Name!))
                {
                    Add(field, $"'{input.Name}' is reserved ({string.Join(", ", Placeholder.Reserved.Order(StringComparer.Ordinal))} have a fixed meaning).");
                }

                CheckText(input.Label, $"{field}.label", NameMaxLength, required: true);
                CheckText(input.Description, $"{field}.description", DescriptionMaxLength, required: false);
                if ((input.Generate is null) == (input.Default is null))
                {
                    Add(field, "needs exactly one of generate or default.");
                }

                if (input.Generate is { Kind: not GeneratorKind.Username, Length: < ValueGenerator.MinLength or > ValueGenerator.MaxLength })
                {
                    Add($"{field}.generate", $"a size is {ValueGenerator.MinLength} to {ValueGenerator.MaxLength}.");
                }

                if (input.Default is { } value)
                {
                    var errors = new FieldErrors();
                    ValidateInputValue(input.Name ?? string.Empty, value, errors);
                    if (!errors.IsEmpty)
                    {
                        Add($"{field}.default", $"'{Shorten(value)}' is not a valid value: letters, digits and . _ - only, not starting with '-', at most {InputValueMaxLength}.");
                    }
                }
            }

            foreach (var twice in inputs.GroupBy(i => i.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                Add("inputs", $"'{twice.Key}' is declared twice.");
            }
        }

        private void CheckEnvironment(IReadOnlyList<TemplateVariable> environment)
        {
            if (environment.Count > MaxEnvironment)
            {
                Add("environment", $"has at most {MaxEnvironment} variables.");
            }

            foreach (var (key, value) in environment)
            {
                var field = $"environment.{Shorten(key ?? string.Empty)}";
                if (string.IsNullOrEmpty(key) || key.Length > EnvKeyMaxLength || !EnvKey().IsMatch(key))
                {
                    Add(field, $"'{Shorten(key ?? string.Empty)}' is not a variable name: letters, digits and '_', not starting with a digit, at most {EnvKeyMaxLength}.");
                }
                else if (EngineVariables.Contains(key))
                {
                    Add(field, "would point the container at a container engine; catalog services never get access to one.");
                }

                CheckValue(value, field, EnvValueMaxLength, generators: true);
            }

            foreach (var twice in environment.GroupBy(v => v.Key, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                Add("environment", $"'{twice.Key}' is set twice.");
            }
        }

        private void CheckArguments(IReadOnlyList<string> arguments, string field, bool generators)
        {
            if (arguments.Count > MaxArguments)
            {
                Add(field, $"has at most {MaxArguments} arguments.");
            }

            for (var i = 0; i < arguments.Count; i++)
            {
                CheckValue(arguments[i], $"{field}[{i}]", ArgumentMaxLength, generators);
            }

            if (RunsShellCommandLine(arguments))
            {
                Add(field, "runs a shell command line; write the program and its arguments as a list, so no value is ever parsed by a shell.");
            }
        }

        /// <summary>A template string: bounded, no control characters, no engine socket, every reference known.</summary>
        private void CheckValue(string? value, string field, int maxLength, bool generators)
        {
            if (value is null)
            {
                Add(field, "needs a value (write \"\" for an empty one).");
                return;
            }

            if (value.Length > maxLength)
            {
                Add(field, $"has at most {maxLength} characters.");
                return;
            }

            if (value.Any(char.IsControl))
            {
                Add(field, "has control characters (line breaks, tabs, NUL).");
            }

            CheckNoSocket(value, field);
            var problems = new List<string>();
            foreach (var reference in Placeholder.FindAll(value, problems))
            {
                if (reference.Size is not null || reference.Generator is not null)
                {
                    if (ValueGenerator.TryCreate(reference.Name, reference.Size, out var problem) is null)
                    {
                        problems.Add($"{reference}: {problem}");
                    }
                    else if (!generators)
                    {
                        problems.Add($"{reference} would make a value nobody else knows; declare an input and refer to it.");
                    }
                }
                else if (_template.Inputs.Any(i => i.Name == reference.Name))
                {
                    _used.Add(reference.Name);
                }
                else if (reference.Name == Placeholder.Domain && _template.Http is null)
                {
                    problems.Add($"{reference} is known only for templates exposed over HTTP (an http section).");
                }
                else if (reference.Name is ValueGenerator.PasswordName or ValueGenerator.HexName)
                {
                    problems.Add($"{reference} names no input, and {ValueGenerator.SizeMissing(reference.Name)}");
                }
                else if (reference.Name is not (Placeholder.Host or Placeholder.Port or Placeholder.Domain))
                {
                    problems.Add($"{reference} refers to nothing: not an input, a built-in (host, port, domain) or a generator (password:N, hex:N, username).");
                }
            }

            foreach (var problem in problems)
            {
                Add(field, problem);
            }
        }

        private void CheckNoSocket(string value, string field)
        {
            if (EngineSockets.FirstOrDefault(s => value.Contains(s, StringComparison.OrdinalIgnoreCase)) is { } socket)
            {
                Add(field, $"mentions the container engine's socket ({socket}); access to it is root on the host, so no template may mount, name or pass it.");
            }
        }

        private void CheckVolumes(IReadOnlyList<TemplateVolume> volumes)
        {
            if (volumes.Count > MaxVolumes)
            {
                Add("volumes", $"has at most {MaxVolumes} volumes.");
            }

            for (var i = 0; i < volumes.Count; i++)
            {
                var volume = volumes[i];
                if (!LowerName().IsMatch(volume.Name ?? string.Empty))
                {
                    Add($"volumes[{i}].name", $"'{Shorten(volume.Name ?? string.Empty)}' is not a volume name: lower-case letters, digits and '-', starting with a letter, at most 32 (volumes are named volumes, never host paths).");
                }

                CheckMountPath(volume.MountPath, $"volumes[{i}].mount_path");
            }

            foreach (var twice in volumes.GroupBy(v => v.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                Add("volumes", $"the name '{twice.Key}' is used twice.");
            }

            foreach (var twice in volumes.GroupBy(v => v.MountPath, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                Add("volumes", $"'{twice.Key}' is mounted twice.");
            }
        }

        private void CheckMountPath(string? path, string field)
        {
            if (string.IsNullOrEmpty(path))
            {
                Add(field, "is required: an absolute path in the container.");
                return;
            }

            CheckNoSocket(path, field);
            var segments = path.Split('/');
            if (path[0] != '/')
            {
                Add(field, $"'{Shorten(path)}' is not absolute: a mount path starts with '/'.");
            }
            else if (path == "/")
            {
                Add(field, "cannot be '/': a volume over the whole file system would hide the image.");
            }
            else if (segments.Any(s => s is ".." or "."))
            {
                Add(field, $"'{Shorten(path)}' has a '.' or '..' segment: write the normalized path.");
            }
            else if (path.Length > MountPathMaxLength || !MountPath().IsMatch(path))
            {
                Add(field, $"'{Shorten(path)}' is not a normalized path: '/' and segments of letters, digits and . _ -, no '//' or trailing '/', at most {MountPathMaxLength}.");
            }
            else if (KernelPaths.Any(k => path == k || path.StartsWith(k + "/", StringComparison.Ordinal)))
            {
                Add(field, $"'{Shorten(path)}' is under /proc, /sys or /dev, which the kernel provides.");
            }
        }

        private void CheckHealthCheck(TemplateHealthCheck? check)
        {
            if (check is null)
            {
                return;
            }

            switch (check.Kind)
            {
                case HealthCheckKind.Exec:
                    if (check.Exec.Count == 0)
                    {
                        Add("health_check.exec", "needs the program to run and its arguments.");
                    }

                    CheckArguments(check.Exec, "health_check.exec", generators: false);
                    break;
                case HealthCheckKind.Tcp:
                case HealthCheckKind.Http:
                    var kind = check.Kind == HealthCheckKind.Tcp ? "tcp" : "http";
                    if (check.Port is not { } port || !HasPort(port))
                    {
                        Add($"health_check.{kind}", $"{check.Port} is not one of the template's ports.");
                    }

                    if (check.Kind == HealthCheckKind.Http && (check.Path is null || check.Path.Length > 200 || !HealthPath().IsMatch(check.Path) || check.Path.Split('/', '?')[1..].Any(s => s is "..")))
                    {
                        Add("health_check.http.path", $"'{Shorten(check.Path ?? string.Empty)}' is not a request path: '/' then letters, digits and . _ ~ / ? = & % + -, no '..', at most 200.");
                    }

                    break;
                default:
                    Add("health_check", "is not a known kind (exec, tcp or http).");
                    break;
            }

            if (check.Interval < MinInterval || check.Interval > MaxInterval)
            {
                Add("health_check.interval", $"is {Seconds(MinInterval)} to {Seconds(MaxInterval)}.");
            }

            if (check.Timeout < MinInterval || check.Timeout > MaxTimeout)
            {
                Add("health_check.timeout", $"is {Seconds(MinInterval)} to {Seconds(MaxTimeout)}.");
            }

            if (check.Retries is < 1 or > MaxRetries)
            {
                Add("health_check.retries", $"is 1 to {MaxRetries}.");
            }

            if (check.StartPeriod < TimeSpan.Zero || check.StartPeriod > MaxStartPeriod)
            {
                Add("health_check.start_period", $"is 0s to {Seconds(MaxStartPeriod)}.");
            }
        }

        private void CheckOutputs(IReadOnlyList<TemplateOutput> outputs)
        {
            if (outputs.Count > MaxOutputs)
            {
                Add("outputs", $"has at most {MaxOutputs} outputs.");
            }

            foreach (var output in outputs)
            {
                var field = $"outputs.{output.Name}";
                if (!InputName().IsMatch(output.Name ?? string.Empty))
                {
                    Add(field, "is not an output name: lower-case letters, digits and '_', starting with a letter, at most 32.");
                }

                CheckText(output.Label, $"{field}.label", NameMaxLength, required: true);
                CheckValue(output.Value, $"{field}.value", OutputMaxLength, generators: false);
                var secrets = Placeholder.FindAll(output.Value ?? string.Empty, [])
                    .Where(r => _template.Inputs.Any(i => i.Secret && i.Name == r.Name))
                    .Select(r => r.Name)
                    .Distinct(StringComparer.Ordinal)
                    .ToList();
                if (secrets.Count > 0 && !output.Secret)
                {
                    Add(field, $"shows the secret input {string.Join(", ", secrets)}: mark it secret: true.");
                }
            }

            foreach (var twice in outputs.GroupBy(o => o.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                Add("outputs", $"'{twice.Key}' is declared twice.");
            }
        }
    }

    /// <summary><c>sh -c "…"</c>, <c>bash -lc …</c>, <c>busybox sh -c …</c>: a rendered value there would be parsed by a shell.</summary>
    private static bool RunsShellCommandLine(IReadOnlyList<string> arguments)
    {
        var program = arguments.Count > 0 ? Path.GetFileName(arguments[0] ?? string.Empty) : string.Empty;
        var rest = arguments.Skip(1);
        if (program == "busybox" && arguments.Count > 1)
        {
            program = arguments[1];
            rest = arguments.Skip(2);
        }

        return Shells.Contains(program) && rest.Any(a => a is not null && a.Length > 1 && a[0] == '-' && a[1] != '-' && a.Contains('c', StringComparison.Ordinal));
    }

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString(CultureInfo.InvariantCulture) + "s";

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    private static bool IsControlOrFormat(char c) =>
        char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Slug();

    [GeneratedRegex("^[a-z][a-z0-9-]{0,31}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex LowerName();

    [GeneratedRegex("^[a-z][a-z0-9_]{0,31}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex InputName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex EnvKey();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex InputValue();

    // Docker's reference grammar: a domain of dot-separated labels with an optional port ...
    [GeneratedRegex("^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]{1,5})?\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Registry();

    // ... then path components of lower-case alphanumerics joined by '.', '_', '__' or runs of '-'.
    [GeneratedRegex("^[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex PathComponent();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Tag();

    [GeneratedRegex("^(?:/[A-Za-z0-9._-]+)+\\z", RegexOptions.CultureInvariant)]
    private static partial Regex MountPath();

    [GeneratedRegex("^/[A-Za-z0-9._~/?=&%+-]*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex HealthPath();

    [GeneratedRegex("^[Mm][MmLlHhVvCcSsQqTtAaZz0-9.,+\\- ]*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex SvgPath();
}
