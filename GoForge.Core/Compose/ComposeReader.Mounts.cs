using GoForge.Core.Common;
using GoForge.Core.Volumes;

namespace GoForge.Core.Compose;

/// <summary>A service's <c>volumes</c>: named volumes the file declares; host folders only when an administrator allowed them; never the Docker socket.</summary>
public sealed partial class ComposeReader
{
    private List<ComposeMount> ReadMounts(string key, ComposeEntry entry)
    {
        if (entry.Value is not ComposeList list)
        {
            Problem(key, entry.KeyLine, "must be a list of volumes.");
            return [];
        }

        var mounts = new List<ComposeMount>();
        foreach (var (item, index) in list.Items.Select((item, index) => (item, index)))
        {
            var itemKey = $"{key}[{index}]";
            var mount = item is ComposeMap map ? ReadLongMount(itemKey, map) : ReadShortMount(itemKey, item);
            if (mount is null)
            {
                continue;
            }

            if (mounts.Any(m => m.Target == mount.Target))
            {
                Problem(itemKey, item.Line, $"mounts a second volume at {mount.Target}.");
                continue;
            }

            mounts.Add(mount);
        }

        return mounts;
    }

    private ComposeMount? ReadShortMount(string key, ComposeNode item)
    {
        if (Text(key, item) is not { } text)
        {
            return null;
        }

        var parts = text.Split(':');
        if (parts.Length == 1)
        {
            Problem(key, item.Line, "is an anonymous volume; name it ('name:/path') and declare the name under the top-level 'volumes'.");
            return null;
        }

        var readOnly = false;
        if (parts.Length == 3)
        {
            switch (parts[2])
            {
                case "ro":
                    readOnly = true;
                    break;
                case "rw":
                    break;
                default:
                    Problem(key, item.Line, $"'{Shorten(parts[2])}' is not a mount mode: use ro or rw.");
                    return null;
            }
        }
        else if (parts.Length != 2)
        {
            Problem(key, item.Line, "must be 'name:/path' or 'name:/path:ro'.");
            return null;
        }

        return Mount(key, item.Line, parts[0], parts[1], readOnly, bind: IsHostPath(parts[0]));
    }

    private ComposeMount? ReadLongMount(string key, ComposeMap map)
    {
        string? type = null, source = null, target = null;
        var readOnly = false;
        var ok = true;
        foreach (var setting in map.Entries)
        {
            var settingKey = $"{key}.{setting.Key}";
            switch (setting.Key)
            {
                case "type":
                    type = Text(settingKey, setting.Value);
                    break;
                case "source":
                    source = Text(settingKey, setting.Value);
                    break;
                case "target":
                    target = Text(settingKey, setting.Value);
                    break;
                case "read_only":
                    switch (Text(settingKey, setting.Value))
                    {
                        case "true":
                            readOnly = true;
                            break;
                        case "false":
                            break;
                        case { } other:
                            Problem(settingKey, setting.Value.Line, $"'{Shorten(other)}' is not true or false.");
                            ok = false;
                            break;
                    }

                    break;
                default:
                    Refuse(settingKey, setting, NoReasons);
                    ok = false;
                    break;
            }
        }

        if (!ok)
        {
            return null;
        }

        switch (type)
        {
            case "volume" or "bind":
                if (source is null || target is null)
                {
                    Problem(key, map.Line, "needs a 'source' (the volume's name) and a 'target' (the path in the container).");
                    return null;
                }

                return Mount(key, map.Line, source, target, readOnly, bind: type == "bind");
            case null:
                Problem(key, map.Line, "needs 'type: volume'.");
                return null;
            default:
                Problem($"{key}.type", map.Line, $"'{Shorten(type)}' is not supported: compose applications use named volumes (type: volume).");
                return null;
        }
    }

    private static bool IsHostPath(string source) => source.StartsWith('/') || source.StartsWith('.') || source.StartsWith('~');

    private ComposeMount? Mount(string key, int line, string source, string target, bool readOnly, bool bind)
    {
        if (source.Contains("docker.sock", StringComparison.Ordinal) || target.Contains("docker.sock", StringComparison.Ordinal))
        {
            Problem(key, line, DockerSocket);
            return null;
        }

        var errors = new FieldErrors();
        var mountPath = AppVolumeRules.NormalizeMountPath(target, errors, key);
        string? hostPath = null;
        if (bind)
        {
            if (!_options.AllowBindMounts)
            {
                Problem(key, line, BindMountRefused);
                return null;
            }

            hostPath = AppVolumeRules.NormalizeHostPath(source, _options.ProtectedHostPaths, errors, key);
        }
        else if (!_declaredVolumes.Contains(source))
        {
            Problem(key, line, IsVolumeName(source)
                ? $"names the volume '{source}', which the top-level 'volumes' does not declare."
                : $"'{Shorten(source)}' is not a volume name.");
            return null;
        }

        if (!errors.IsEmpty)
        {
            foreach (var message in errors.ToError().FieldErrors.Values.SelectMany(m => m))
            {
                Problem(key, line, message);
            }

            return null;
        }

        return new ComposeMount(hostPath ?? source, mountPath!, readOnly, bind);
    }
}
