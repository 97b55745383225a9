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

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    [GeneratedRegex("^(?<name>[a-z]+)(?::(?<size>[0-9]{1,7}))?\\z", RegexOptions.CultureInvariant)]
    private static partial Regex GeneratorText();

    [GeneratedRegex("^(?<amount>[0-9]{1,6})(?<unit>ms|s|m)\\z", RegexOptions.CultureInvariant)]
    private static partial Regex DurationText();
}
