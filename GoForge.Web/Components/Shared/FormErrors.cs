using GoForge.Core.Common;

namespace GoForge.Web.Components.Shared;

/// <summary>
/// A Core <see cref="Error"/> split for a form: messages next to the fields the form shows, and one message for
/// everything else (a conflict, a refusal, or a field the form has no input for), so nothing is silently dropped.
/// </summary>
public sealed class FormErrors
{
    private static readonly IReadOnlyDictionary<string, string[]> NoFields = new Dictionary<string, string[]>();

    private readonly HashSet<string> _shownFields;
    private IReadOnlyDictionary<string, string[]> _fields = NoFields;

    /// <param name="shownFields">The input property names the form has a field for.</param>
    public FormErrors(params string[] shownFields) => _shownFields = new HashSet<string>(shownFields, StringComparer.Ordinal);

    /// <summary>The message that belongs to no shown field; null when there is none.</summary>
    public string? Message { get; private set; }

    public bool IsEmpty => _fields.Count == 0 && Message is null;

    public void Set(Error? error)
    {
        if (error is null)
        {
            Clear();
            return;
        }

        _fields = error.FieldErrors;
        var other = error.FieldErrors.Where(f => !_shownFields.Contains(f.Key)).SelectMany(f => f.Value).ToList();
        Message = error.FieldErrors.Count == 0 ? error.Message : other.Count > 0 ? string.Join(" ", other) : null;
    }

    public void Clear()
    {
        _fields = NoFields;
        Message = null;
    }

    public bool Has(string field) => _fields.ContainsKey(field);

    public string? Text(string field) => _fields.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;
}
