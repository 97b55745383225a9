using System.Globalization;
using System.Text.RegularExpressions;
using GoForge.Core.Common;

namespace GoForge.Core.Catalog;

/// <summary>The checks of <see cref="TemplateRules"/>: the header, ports, inputs and environment.</summary>
public static partial class TemplateRules
{
    private sealed partial class Checker(ServiceTemplate template)
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
    }
}
