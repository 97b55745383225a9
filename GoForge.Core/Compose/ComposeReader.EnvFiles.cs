namespace GoForge.Core.Compose;

/// <summary><c>env_file</c>: paths inside the repository, read by the loader; their <c>NAME=value</c> lines.</summary>
public sealed partial class ComposeReader
{
    public const int MaxEnvFiles = 32;

    private Dictionary<string, string>? ReadEnvFiles(string key, ComposeEntry entry)
    {
        IReadOnlyList<ComposeNode> items = entry.Value switch
        {
            ComposeScalar { Value: null } => [],
            ComposeScalar scalar => [scalar],
            ComposeList list => list.Items,
            _ => Invalid(key, entry.KeyLine),
        };

        if (items.Count > MaxEnvFiles)
        {
            Problem(key, entry.KeyLine, $"names {items.Count} files; at most {MaxEnvFiles}.");
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (item, index) in items.Select((item, index) => (item, index)))
        {
            var itemKey = entry.Value is ComposeList ? $"{key}[{index}]" : key;
            var (text, required, line) = EnvFileItem(itemKey, item);
            if (text is null || RepositoryPath(itemKey, line, text, "env_file") is not { } path)
            {
                continue;
            }

            if (!_envFiles.Any(f => f.Path == path))
            {
                _envFiles.Add(new ComposeEnvFile(path, required, itemKey, line));
            }

            if (!_options.Files.TryGetValue(path, out var content))
            {
                if (required)
                {
                    Problem(itemKey, line, $"'{Shorten(text)}' does not exist in the repository (write 'required: false' for an optional file).");
                }

                continue;
            }

            foreach (var (name, value) in ReadEnvFileText(path, content))
            {
                values[name] = value;
            }
        }

        return values;

        IReadOnlyList<ComposeNode> Invalid(string at, int line)
        {
            Problem(at, line, "must be a path or a list of paths.");
            return [];
        }
    }

    private (string? Path, bool Required, int Line) EnvFileItem(string key, ComposeNode item)
    {
        if (item is not ComposeMap map)
        {
            return (Text(key, item), true, item.Line);
        }

        string? path = null;
        var required = true;
        foreach (var setting in map.Entries)
        {
            switch (setting.Key)
            {
                case "path":
                    path = Text($"{key}.path", setting.Value);
                    break;
                case "required":
                    switch (Text($"{key}.required", setting.Value))
                    {
                        case "true":
                            break;
                        case "false":
                            required = false;
                            break;
                        case { } other:
                            Problem($"{key}.required", setting.Value.Line, $"'{Shorten(other)}' is not true or false.");
                            break;
                    }

                    break;
                default:
                    Refuse($"{key}.{setting.Key}", setting, NoReasons);
                    break;
            }
        }

        if (path is null && !map.Entries.Any(e => e.Key == "path"))
        {
            Problem(key, map.Line, "needs a 'path'.");
        }

        return (path, required, map.Line);
    }

    /// <summary>
    /// An env file's lines: <c>NAME=value</c>, blank lines and <c># comments</c>; an optional <c>export </c> prefix. A value
    /// in single quotes is literal; otherwise (bare, or in double quotes) it is interpolated like the compose file. A bare
    /// value ends at " #". A name without '=' is left to the application's variables. Problems name the file and its line.
    /// </summary>
    private IEnumerable<KeyValuePair<string, string>> ReadEnvFileText(string path, string content)
    {
        var lines = content.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r').Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..].TrimStart();
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var name = (equals < 0 ? line : line[..equals]).Trim();
            if (!IsPairName(name))
            {
                Problem(path, i + 1, $"'{Shorten(name)}' is not a variable name.");
                continue;
            }

            if (equals < 0)
            {
                continue;
            }

            var raw = line[(equals + 1)..].Trim();
            string? value;
            if (raw.Length >= 2 && raw[0] == '\'' && raw[^1] == '\'')
            {
                value = raw[1..^1];
            }
            else
            {
                if (raw.Length >= 2 && raw[0] == '"' && raw[^1] == '"')
                {
                    raw = raw[1..^1];
                }
                else if (raw.IndexOf(" #", StringComparison.Ordinal) is var comment and >= 0)
                {
                    raw = raw[..comment].TrimEnd();
                }

                value = Interpolate($"{path}: {name}", i + 1, raw);
            }

            if (value is not null)
            {
                yield return new(name, value);
            }
        }
    }
}
