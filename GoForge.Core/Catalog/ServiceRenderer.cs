using System.Globalization;
using System.Text.RegularExpressions;
using GoForge.Core.Common;

namespace GoForge.Core.Catalog;

/// <summary>A template rendered for one instance: the values a container is created with, and what it offers.</summary>
/// <param name="Image">Repository and tag (<c>postgres:17</c>).</param>
/// <param name="Command">Arguments replacing the image's command; empty for the image's own. Passed as an argument array.</param>
/// <param name="HealthCheckExec">The exec health check's arguments, or empty when the check is TCP, HTTP or absent.</param>
public sealed record RenderedService(
    string Image,
    IReadOnlyList<TemplateVariable> Environment,
    IReadOnlyList<string> Command,
    IReadOnlyList<string> HealthCheckExec,
    IReadOnlyList<TemplateOutput> Outputs);

/// <summary>
/// Turns a checked template and one instance's values into <see cref="RenderedService"/>. Values come from
/// <see cref="NewInputs"/> (generated or defaulted, shown to the user) and may have been edited; they are checked
/// again here with <see cref="TemplateRules.ValidateInputValue"/>, so a rendered string holds only the safe alphabet
/// where a value was put in.
/// </summary>
public static partial class ServiceRenderer
{
    /// <summary>A fresh set of input values: generated ones from the cryptographic source, the rest their defaults.</summary>
    public static IReadOnlyDictionary<string, string> NewInputs(ServiceTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return template.Inputs.ToDictionary(
            i => i.Name,
            i => i.Generate is { } spec ? ValueGenerator.Generate(spec) : i.Default!,
            StringComparer.Ordinal);
    }

    /// <param name="host">The service's host name on its network (what <c>{{host}}</c> renders to).</param>
    /// <param name="domain">The domain the proxy routes to it, for templates exposed over HTTP; null otherwise.</param>
    public static Result<RenderedService> Render(ServiceTemplate template, string version, IReadOnlyDictionary<string, string> inputs, string host, string? domain)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(inputs);
        var errors = new FieldErrors();
        if (!template.Versions.Contains(version, StringComparer.Ordinal))
        {
            errors.Add("version", $"'{version}' is not offered for {template.Name} ({string.Join(", ", template.Versions)}).");
        }

        foreach (var input in template.Inputs)
        {
            TemplateRules.ValidateInputValue(input.Name, inputs.GetValueOrDefault(input.Name), errors, $"inputs.{input.Name}");
        }

        foreach (var extra in inputs.Keys.Where(k => template.Inputs.All(i => i.Name != k)))
        {
            errors.Add($"inputs.{extra}", $"{template.Name} has no input '{extra}'.");
        }

        if (string.IsNullOrEmpty(host) || !HostName().IsMatch(host))
        {
            errors.Add("host", "A host name is lower-case letters, digits and '-', at most 63.");
        }

        if (domain is not null && (domain.Length > 253 || !DomainName().IsMatch(domain)))
        {
            errors.Add("domain", "A domain is lower-case ASCII labels separated by dots.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        var values = new Dictionary<string, string>(inputs, StringComparer.Ordinal)
        {
            [Placeholder.Host] = host,
            [Placeholder.Port] = template.MainPort.Port.ToString(CultureInfo.InvariantCulture),
        };
        if (domain is not null)
        {
            values[Placeholder.Domain] = domain;
        }

        var environment = template.Environment.Select(v => new TemplateVariable(v.Key, Render(v.Value, $"environment.{v.Key}"))).ToList();
        var command = template.Command.Select((a, i) => Render(a, $"command[{i}]")).ToList();
        var exec = template.HealthCheck is { Kind: HealthCheckKind.Exec } check
            ? check.Exec.Select((a, i) => Render(a, $"health_check.exec[{i}]")).ToList()
            : [];
        var outputs = template.Outputs.Select(o => o with { Value = Render(o.Value, $"outputs.{o.Name}") }).ToList();
        return errors.IsEmpty
            ? new RenderedService($"{template.Image}:{version}", environment, command, exec, outputs)
            : errors.ToError();

        string Render(string text, string field)
        {
            var rendered = PlaceholderRenderer.Render(text, values, field);
            if (rendered.IsSuccess)
            {
                return rendered.Value;
            }

            foreach (var (key, messages) in rendered.Error.FieldErrors)
            {
                foreach (var message in messages)
                {
                    errors.Add(key, message);
                }
            }

            return string.Empty;
        }
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\z", RegexOptions.CultureInvariant)]
    private static partial Regex HostName();

    [GeneratedRegex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\z", RegexOptions.CultureInvariant)]
    private static partial Regex DomainName();
}
