using GoForge.Core.Projects;

namespace GoForge.Web.Components.Pages.Applications;

/// <summary>A variable being added or edited in <see cref="VariableEditor"/>.</summary>
public sealed class VariableDraft
{
    /// <summary>The variable being edited; null while adding a new one.</summary>
    public Guid? Id { get; init; }

    public string? Key { get; set; }

    public string? Value { get; set; }

    public bool IsSecret { get; set; }

    public bool IsBuildTime { get; set; }

    /// <summary>A compose application's variable: the services it reaches, as typed (<c>web, worker</c>); empty for every service.</summary>
    public string? Services { get; set; }

    /// <summary>Whether the variable belongs to a compose application (the draft asks for its services).</summary>
    public bool Compose { get; init; }

    /// <summary>
    /// A secret whose value this page never received (it was not revealed): the field starts empty, and saving it
    /// empty keeps the stored value (only the flags change).
    /// </summary>
    public bool ValueUnknown { get; init; }

    public bool IsNew => Id is null;

    public static VariableDraft Edit(MaskedVariable variable, string? revealedValue, bool compose) => new()
    {
        Compose = compose,
        Services = string.Join(", ", variable.Services ?? []),
        Id = variable.Id,
        Key = variable.Key,
        Value = variable.IsSecret ? revealedValue : variable.Value,
        IsSecret = variable.IsSecret,
        IsBuildTime = variable.IsBuildTime,
        ValueUnknown = variable.IsSecret && revealedValue is null,
    };

    /// <summary>
    /// The input for the service; a hidden secret left empty sends no value, which keeps the stored one. A compose
    /// application's draft always sends its services (none for every service); another application's sends none.
    /// </summary>
    public VariableInput ToInput() =>
        new(Key?.Trim(), ValueUnknown && string.IsNullOrEmpty(Value) ? null : Value ?? string.Empty, IsSecret, IsBuildTime,
            Compose ? ComposeSourceRules.SplitServices(Services) : null);
}
