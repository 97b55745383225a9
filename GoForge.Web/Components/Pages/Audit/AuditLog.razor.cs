using System.Globalization;
using GoForge.Core.Auditing;
using GoForge.Core.AuditTrail;
using GoForge.Web.Auth;
using GoForge.Web.Endpoints.AuditLog;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Audit;

/// <summary>
/// The audit log page (docs/decisions/audit-log.md): Core decides what the person may read (administrators everything,
/// maintainers their projects); the page filters, pages by keyset ("Load more") and links the CSV export with its filters.
/// </summary>
public sealed partial class AuditLog
{
    private const int PageSize = 50;

    [Inject]
    public required AuditLogService Audit { get; init; }

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    private readonly List<AuditEntry> _entries = [];
    private IReadOnlyList<AuditProject> _projects = [];
    private bool _allowed;
    private bool _loading;
    private string? _message;
    private long? _next;
    private AuditLogFilter _applied = AuditLogFilter.None;

    private string? _actor;
    private Guid? _projectId;
    private string? _action;
    private string? _from;
    private string? _to;

    private string ExportHref => AuditLogQueryString.Format(AuditLogDownloadEndpoints.CsvPath, _applied);

    protected override async Task OnInitializedAsync()
    {
        var projects = await Audit.ProjectsAsync(await CurrentUser.GetActorAsync());
        if (!projects.IsSuccess)
        {
            _message = "There is no audit log for you here: it shows administrators everything and a project's maintainers their project's events.";
            return;
        }

        _projects = projects.Value;
        _allowed = true;
        await LoadAsync(AuditLogFilter.None, null);
    }

    private async Task ApplyAsync()
    {
        var filter = AuditLogQueryString.Parse(_actor, _projectId?.ToString("D"), _action, _from, _to);
        if (!filter.IsSuccess)
        {
            _message = filter.Error.Message;
            return;
        }

        _entries.Clear();
        await LoadAsync(filter.Value, null);
    }

    private Task LoadMoreAsync() => LoadAsync(_applied, _next);

    private async Task LoadAsync(AuditLogFilter filter, long? before)
    {
        _loading = true;
        var page = await Audit.ListAsync(await CurrentUser.GetActorAsync(), filter, before, PageSize);
        _loading = false;
        if (!page.IsSuccess)
        {
            _message = page.Error.Message;
            return;
        }

        _message = null;
        _applied = filter;
        _entries.AddRange(page.Value.Entries);
        _next = page.Value.NextBeforeId;
    }

}
