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

    /// <summary>
    /// A secret whose value this page never received (it was not revealed): the field starts empty, and saving it
    /// empty would wipe the secret, so the user must type the new value.
    /// </summary>
    public bool ValueUnknown { get; init; }

    public bool IsNew => Id is null;

    public static VariableDraft Edit(MaskedVariable variable, string? revealedValue) => new()
    {
        Id = variable.Id,
        Key = variable.Key,
        Value = variable.IsSecret ? revealedValue : variable.Value,
        IsSecret = variable.IsSecret,
        IsBuildTime = variable.IsBuildTime,
        ValueUnknown = variable.IsSecret && revealedValue is null,
    };

    public VariableInput ToInput() => new(Key?.Trim(), Value ?? string.Empty, IsSecret, IsBuildTime);
}
