using GoForge.Core.Common;
using GoForge.Core.GitProviders;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Applications;

public sealed partial class GitTokenForm
{
    private readonly FormErrors _errors = new(nameof(GitTokenInput.Username), nameof(GitTokenInput.Token));
    private GitTokenInput? _shownValue;
    private string? _username;
    private string? _token;

    /// <summary>What the fields start from. Required. The form starts over only when the parent passes another instance (after a save).</summary>
    [Parameter, EditorRequired]
    public GitTokenInput Value { get; set; } = default!;

    /// <summary>The error the service answered the last submit with; its field errors show under their fields. Default null.</summary>
    [Parameter]
    public Error? Error { get; set; }

    /// <summary>Whether a submit is under way (the button is disabled). Default false.</summary>
    [Parameter]
    public bool Busy { get; set; }

    /// <summary>Raised with the entered user name and token; the parent calls the service.</summary>
    [Parameter]
    public EventCallback<GitTokenInput> OnSubmit { get; set; }

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(_shownValue, Value))
        {
            _shownValue = Value;
            (_username, _token) = (Value.Username, Value.Token);
        }

        _errors.Set(Error);
    }

    private Task SubmitAsync() => OnSubmit.InvokeAsync(new GitTokenInput(_username, _token));
}
