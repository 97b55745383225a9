using GoForge.Core.Catalog;
using GoForge.Core.Common.Live;
using GoForge.Core.Projects;
using GoForge.Core.Services;
using GoForge.Web.Auth;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Services;

/// <summary>
/// The create dialog: loads a preview (generated credentials, defaults), lets the user edit it, then runs
/// <see cref="ServiceInstanceService.CreateAsync"/> (which queues the creation for the service worker and follows it)
/// and shows its recorded steps live (<see cref="ChangeFeed{TChange}"/>) with the image pull's progress. The creation is
/// not tied to the circuit: closing the tab does not stop it, and Cancel cancels the operation's pull
/// (<see cref="ServiceCommands.CancelAsync"/>; what runs after it is short and always finishes with a recorded outcome).
/// Closes with Ok(service id) when the service runs, or when the user opens a failed one.
/// </summary>
public sealed partial class CreateServiceDialog : IDisposable
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    private readonly ServiceInstanceInput _input = new();
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly ImagePullTally _pull = new();
    private readonly Lock _gate = new();
    private FormErrors _errors = new();
    private ServiceTemplate? _template;
    private string? _loadError;
    private Phase _phase = Phase.Form;
    private ServiceState _state = ServiceState.Creating;
    private string? _reason;
    private Guid _serviceId;
    private string? _slug;
    private RenderThrottle? _throttle;
    private IDisposable? _feed;
    private bool _disposed;
    private bool _canceling;

    private enum Phase
    {
        Form,
        Working,
        Failed,
    }

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    /// <summary>The environment the service is created in. Required.</summary>
    [Parameter, EditorRequired]
    public Guid EnvironmentId { get; set; }

    /// <summary>The catalog template's id. Required.</summary>
    [Parameter, EditorRequired]
    public string TemplateId { get; set; } = string.Empty;

    [Inject]
    public required ServiceInstanceService Services { get; init; }

    [Inject]
    public required ServiceCommands Commands { get; init; }

    [Inject]
    public required ChangeFeed<ServiceChange> Feed { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    private string NameHint => ProjectInputRules.Slugify(_input.Name) is { Length: > 0 } slug
        ? $"Other apps of the environment reach it at {slug}."
        : "Letters, digits, spaces and dashes.";

    protected override async Task OnInitializedAsync()
    {
        _throttle = new RenderThrottle(() => InvokeAsync(StateHasChanged), Time, ProgressInterval);
        var preview = await Services.PreviewAsync(TemplateId);
        if (!preview.IsSuccess)
        {
            _loadError = preview.Error.Message;
            return;
        }

        // The form shows once everything it reads is in: the render between the awaits must not see half of it.
        var template = preview.Value.Template;
        var suggested = await Services.SuggestNameAsync(await CurrentUser.GetActorAsync(), EnvironmentId, template);
        if (!suggested.IsSuccess)
        {
            _loadError = suggested.Error.Message;
            return;
        }

        foreach (var (name, value) in preview.Value.Inputs)
        {
            _values[name] = value;
        }

        _errors = new FormErrors(["Name", "Version", "version", "Domain", "domain", .. template.Inputs.Select(i => $"inputs.{i.Name}")]);
        _input.TemplateId = template.Id;
        _input.Version = preview.Value.Version;
        _input.Name = suggested.Value;
        _template = template;
    }

    private async Task RegenerateAsync(TemplateInput input)
    {
        var fresh = await Services.PreviewAsync(TemplateId, _input.Version);
        if (fresh.IsSuccess && fresh.Value.Inputs.TryGetValue(input.Name, out var value))
        {
            _values[input.Name] = value;
        }
    }

    private async Task CreateAsync()
    {
        _errors.Clear();
        _input.Inputs = new Dictionary<string, string>(_values, StringComparer.Ordinal);
        (_phase, _state, _reason) = (Phase.Working, ServiceState.Creating, "checking the template's inputs");
        _slug = ProjectInputRules.Slugify(_input.Name);
        _feed = Feed.Subscribe(EnvironmentId, OnChange);
        var progress = new PullProgressRelay(_pull, _gate, () => _throttle?.Request());
        var actor = await CurrentUser.GetActorAsync();
        var created = await Services.CreateAsync(actor, EnvironmentId, _input, progress);
        _feed.Dispose();
        _feed = null;
        if (_disposed)
        {
            return;
        }

        if (!created.IsSuccess)
        {
            _phase = Phase.Form;
            _errors.Set(created.Error);
            return;
        }

        (_serviceId, _state, _reason) = (created.Value.Id, created.Value.State, created.Value.Reason);
        if (created.Value.State == ServiceState.Running)
        {
            Snackbar.Add($"{created.Value.Name} is running.", Severity.Success);
            Dialog.Close(DialogResult.Ok(created.Value.Id));
            return;
        }

        _phase = Phase.Failed;
    }

    private async Task CancelPullAsync()
    {
        _canceling = true;
        var canceled = await Commands.CancelAsync(await CurrentUser.GetActorAsync(), _serviceId);
        if (!canceled.IsSuccess)
        {
            _canceling = false;
            Snackbar.Add(canceled.Error.Message, Severity.Warning);
        }
    }

    // On the creating thread: only take the step and ask for a render.
    private void OnChange(ServiceChange change)
    {
        if (change.Deleted || change.Instance.Slug != _slug)
        {
            return;
        }

        lock (_gate)
        {
            (_serviceId, _state, _reason) = (change.Instance.Id, change.Instance.State, change.Instance.Reason);
        }

        _throttle?.Request();
    }

    private string? ErrorOf(params string[] keys) => keys.Select(_errors.Text).FirstOrDefault(t => t is not null);

    public void Dispose()
    {
        _disposed = true;
        _feed?.Dispose();
        _throttle?.Dispose();

        // Not canceled: a creation the user started is the worker's; it goes on when the tab closes, and ends with a
        // recorded outcome.
    }
}
