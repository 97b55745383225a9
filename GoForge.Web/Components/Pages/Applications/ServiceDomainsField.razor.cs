using GoForge.Core.Projects;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Applications;

public sealed partial class ServiceDomainsField
{
    private List<ComposeServiceDomain> _rows = [];
    private string? _shownText;

    /// <summary>The domains as text, one <c>service: host/path</c> line each (<see cref="ApplicationInput.Domains"/>). Default null.</summary>
    [Parameter]
    public string? Value { get; set; }

    /// <summary>Raised with the rows joined into text whenever one changes.</summary>
    [Parameter]
    public EventCallback<string?> ValueChanged { get; set; }

    /// <summary>The service's error for the domains, shown under the rows; null for none. Default null.</summary>
    [Parameter]
    public string? ErrorText { get; set; }

    /// <summary>Shows the rows without letting them change. Default false.</summary>
    [Parameter]
    public bool ReadOnly { get; set; }

    protected override void OnParametersSet()
    {
        // Rebuild the rows only when the text changed from outside: the rows' own edits come back as the same text.
        if (_shownText != Value)
        {
            _shownText = Value;
            _rows = ComposeServiceDomain.FromText(Value);
        }
    }

    private void Add() => _rows.Add(new ComposeServiceDomain());

    private Task Change(ComposeServiceDomain row, string? service, string? route)
    {
        row.Service = service;
        row.Route = route;
        return PublishAsync();
    }

    private Task RemoveAsync(ComposeServiceDomain row)
    {
        _rows.Remove(row);
        return PublishAsync();
    }

    private Task PublishAsync()
    {
        _shownText = ComposeServiceDomain.ToText(_rows);
        return ValueChanged.InvokeAsync(_shownText);
    }
}
