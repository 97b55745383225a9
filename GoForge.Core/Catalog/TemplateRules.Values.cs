using System.Globalization;
using System.Text.RegularExpressions;
using GoForge.Core.Common;

namespace GoForge.Core.Catalog;

/// <summary>The checks of <see cref="TemplateRules"/>: arguments and values, volumes, the health check and outputs.</summary>
public static partial class TemplateRules
{
    private sealed partial class Checker
    {
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
}
