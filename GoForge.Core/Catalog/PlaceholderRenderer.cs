using GoForge.Core.Common;

namespace GoForge.Core.Catalog;

/// <summary>
/// Renders template strings. Names come from the values given (inputs and built-ins); generator references
/// (<c>{{password:32}}</c>, <c>{{hex:64}}</c>, <c>{{username}}</c>) get a fresh value from <see cref="ValueGenerator"/>
/// at each occurrence — to use one value twice, a template declares an input. A reference that resolves to nothing
/// is refused rather than left in place, so a rendered string never holds a <c>{{</c>.
/// </summary>
public static class PlaceholderRenderer
{
    public static Result<string> Render(string template, IReadOnlyDictionary<string, string> values, string field = "template")
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(values);
        var problems = new List<string>();
        var references = Placeholder.FindAll(template, problems);
        foreach (var reference in references)
        {
            if (Resolve(reference, values, out var problem) is null)
            {
                problems.Add(problem!);
            }
        }

        if (problems.Count > 0)
        {
            var errors = new FieldErrors();
            foreach (var problem in problems.Distinct(StringComparer.Ordinal))
            {
                errors.Add(field, $"{field}: {problem}");
            }

            return errors.ToError();
        }

        return Placeholder.Replace(template, reference => Resolve(reference, values, out _)!);
    }

    private static string? Resolve(Placeholder reference, IReadOnlyDictionary<string, string> values, out string? problem)
    {
        problem = null;
        if (reference.Size is not null || reference.Generator is not null)
        {
            var spec = ValueGenerator.TryCreate(reference.Name, reference.Size, out problem);
            return spec is null ? null : ValueGenerator.Generate(spec);
        }

        if (values.TryGetValue(reference.Name, out var value))
        {
            return value;
        }

        problem = reference.Name is ValueGenerator.PasswordName or ValueGenerator.HexName
            ? $"{reference} names no value, and {ValueGenerator.SizeMissing(reference.Name)}"
            : $"{reference} refers to no value (an input, host, port or domain).";
        return null;
    }
}
