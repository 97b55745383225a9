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
