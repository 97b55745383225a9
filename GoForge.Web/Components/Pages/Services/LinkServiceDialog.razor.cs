using GoForge.Core.Catalog;
using GoForge.Core.Projects;
using GoForge.Core.Services;
using GoForge.Web.Auth;
using GoForge.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Services;

/// <summary>
/// Picks an application of the service's environment, an output and a variable name, then runs
/// <see cref="ServiceInstanceService.LinkAsync"/>. Closes with Ok(a sentence saying what was added).
/// </summary>
public sealed partial class LinkServiceDialog
{
    private readonly FormErrors _errors = new("ApplicationId", "OutputName", "Key");
    private List<Application>? _applications;
    private Guid _applicationId;
    private string? _output;
    private string? _key;
    private bool _busy;

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    /// <summary>The service to link. Required.</summary>
    [Parameter, EditorRequired]
    public ServiceInstance Service { get; set; } = default!;

    /// <summary>Its template, for the outputs. Required.</summary>
    [Parameter, EditorRequired]
    public ServiceTemplate Template { get; set; } = default!;

    [Inject]
    public required ServiceInstanceService Services { get; init; }

    [Inject]
    public required ApplicationService Applications { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    /// <summary>The variable name first offered: the service's slug and the output's name, as an environment variable (KV_URL).</summary>
    public static string SuggestKey(ServiceInstance service, string? output) =>
        string.Concat($"{service.Slug}_{output}".ToUpperInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_'));

    protected override async Task OnInitializedAsync()
    {
        var listed = await Applications.ListAsync(await CurrentUser.GetActorAsync(), Service.EnvironmentId);
        _applications = listed.IsSuccess ? listed.Value.OrderBy(a => a.Name, StringComparer.CurrentCultureIgnoreCase).ToList() : [];
        _applicationId = _applications.Count > 0 ? _applications[0].Id : Guid.Empty;
        OutputChanged(Template.Outputs.Count > 0 ? Template.Outputs[0].Name : null);
    }

    private void OutputChanged(string? output)
    {
        if (_key is null || _key == SuggestKey(Service, _output))
        {
            _key = SuggestKey(Service, output);
        }

        _output = output;
    }

    private async Task LinkAsync()
    {
        _busy = true;
        var linked = await Services.LinkAsync(await CurrentUser.GetActorAsync(), Service.Id, _output, _applicationId, _key);
        _busy = false;
        if (linked.Error is { } error)
        {
            _errors.Set(error);
            return;
        }

        var application = _applications?.FirstOrDefault(a => a.Id == _applicationId)?.Name ?? "the application";
        Dialog.Close(DialogResult.Ok($"Added {_key?.Trim()} to {application} as a secret; deploy {application} to use it."));
    }
}
