using GoForge.Core.Common;
using GoForge.Core.Projects;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Applications;

public sealed partial class ApplicationForm
{
    private readonly FormErrors _errors = new(
        nameof(ApplicationInput.Name), nameof(ApplicationInput.GitUrl), nameof(ApplicationInput.Branch),
        nameof(ApplicationInput.BuildContext), nameof(ApplicationInput.DockerfilePath), nameof(ApplicationInput.ContainerPort),
        nameof(ApplicationInput.Domains), nameof(ApplicationInput.HealthCheckPath), nameof(ApplicationInput.MemoryLimitMb),
        nameof(ApplicationInput.CpuLimit), nameof(ApplicationInput.RestartPolicy), nameof(ApplicationInput.PidsLimit),
        nameof(ApplicationInput.BuildTarget), nameof(ApplicationInput.Source), nameof(ApplicationInput.ImageReference), nameof(ApplicationInput.DigestCheckMinutes),
        nameof(ApplicationInput.ComposePath));

    private ApplicationInput _model = new();
    private ApplicationInput? _shownValue;

    /// <summary>
    /// The settings the form starts from. Required. The form edits its own copy and starts over only when the
    /// parent passes a different instance (after a save, say), so keep the same instance between renders.
    /// </summary>
    [Parameter, EditorRequired]
    public ApplicationInput Value { get; set; } = default!;

    /// <summary>The error the service answered the last submit with; its field errors show under their fields. Default null.</summary>
    [Parameter]
    public Error? Error { get; set; }

    /// <summary>Raised with the entered settings when the user submits; the parent calls the service.</summary>
    [Parameter]
    public EventCallback<ApplicationInput> OnSubmit { get; set; }

    /// <summary>The submit button's text. Default "Save".</summary>
    [Parameter]
    public string SubmitText { get; set; } = "Save";

    /// <summary>Whether a submit is under way (the button is disabled). Default false.</summary>
    [Parameter]
    public bool Busy { get; set; }

    /// <summary>Shows the settings without letting them change, and without a submit button. Default false.</summary>
    [Parameter]
    public bool ReadOnly { get; set; }

    /// <summary>The slug of an existing application, which renaming keeps; null shows the slug derived from the name. Default null.</summary>
    [Parameter]
    public string? FixedSlug { get; set; }

    /// <summary>Where a Cancel button leads; null shows none. Default null.</summary>
    [Parameter]
    public string? CancelHref { get; set; }

    private string SlugHint => FixedSlug is not null
        ? $"Slug: {FixedSlug} (kept when renaming: containers are named after it)"
        : ProjectInputRules.Slugify(_model.Name) is { Length: > 0 } slug ? $"Slug: {slug}" : "The slug is derived from the name.";

    /// <summary>
    /// Whether the source <paramref name="kind"/> is out of reach: an existing compose application stays one and no other
    /// becomes one (<see cref="ComposeSourceRules.RefuseKindChange"/>, which the service applies whatever the form shows).
    /// </summary>
    private bool KindFixed(ApplicationSourceKind kind) =>
        FixedSlug is not null && ComposeSourceRules.RefuseKindChange(Value.Source, kind) is not null;

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(_shownValue, Value))
        {
            _shownValue = Value;
            _model = Value with { }; // a copy: typing never changes the parent's value
        }

        _errors.Set(Error);
    }

    private Task SubmitAsync() => OnSubmit.InvokeAsync(_model with { });

    private string PortHelp => _model.Source == ApplicationSourceKind.Compose
        ? "The port a routed service listens on when its compose file exposes none"
        : "The port the app listens on inside its container";

    private static string Describe(RestartPolicy policy) => policy switch
    {
        RestartPolicy.UnlessStopped => "Unless stopped",
        RestartPolicy.Always => "Always",
        RestartPolicy.OnFailure => "On failure",
        RestartPolicy.No => "Never",
        _ => policy.ToString(),
    };
}
