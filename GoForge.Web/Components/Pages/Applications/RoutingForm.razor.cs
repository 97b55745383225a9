using GoForge.Core.Common;
using GoForge.Core.Routing;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Applications;

public sealed partial class RoutingForm
{
    private readonly FormErrors _errors = new(
        nameof(RoutingInput.WwwRedirect), nameof(RoutingInput.BasicAuthUsers), nameof(RoutingInput.IpAllowList),
        nameof(RoutingInput.RateLimitAverage), nameof(RoutingInput.RateLimitBurst), nameof(RoutingInput.ResponseHeaders),
        nameof(RoutingInput.CertResolver));

    private RoutingDraft _draft = RoutingDraft.From(new RoutingInput());
    private RoutingInput? _shownValue;
    private Error? _shownError;

    /// <summary>
    /// The settings the form starts from. Required. The form edits its own rows and starts over only when the
    /// parent passes a different instance (after a save), so keep the same instance between renders.
    /// </summary>
    [Parameter, EditorRequired]
    public RoutingInput Value { get; set; } = default!;

    /// <summary>The error the service answered the last submit with; its field errors show beside their fields. Default null.</summary>
    [Parameter]
    public Error? Error { get; set; }

    /// <summary>Raised with the entered settings when the user submits; the parent calls the service.</summary>
    [Parameter]
    public EventCallback<RoutingInput> OnSubmit { get; set; }

    /// <summary>Whether a submit is under way (the button is disabled). Default false.</summary>
    [Parameter]
    public bool Busy { get; set; }

    /// <summary>Shows the settings with every field disabled and no submit button. Default false.</summary>
    [Parameter]
    public bool ReadOnly { get; set; }

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(_shownValue, Value))
        {
            _shownValue = Value;
            _draft = RoutingDraft.From(Value);
        }

        // Only a new answer from the parent replaces the errors: the form's own (a header row with a line break) stay.
        if (!ReferenceEquals(_shownError, Error))
        {
            _shownError = Error;
            _errors.Set(Error);
        }
    }

    private async Task SubmitAsync()
    {
        var input = _draft.ToInput();
        if (!input.IsSuccess)
        {
            _errors.Set(input.Error);
            return;
        }

        _errors.Clear();
        await OnSubmit.InvokeAsync(input.Value);
    }

    private static string Describe(WwwRedirect redirect) => redirect switch
    {
        WwwRedirect.None => "None: both forms are served as they are",
        WwwRedirect.ToWww => "example.com → www.example.com",
        WwwRedirect.ToApex => "www.example.com → example.com",
        _ => redirect.ToString(),
    };
}
