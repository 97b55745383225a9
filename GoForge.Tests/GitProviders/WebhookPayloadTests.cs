using System.Net;
using System.Text;
using GoForge.Core.GitProviders;
using static GoForge.Tests.GitProviders.WebhookDeliveries;

namespace GoForge.Tests.GitProviders;

public sealed class WebhookPayloadTests
{
    private const string Clone = "https://git.example.com/acme/shop.git";

    [Theory]
    [InlineData(WebhookProvider.GitHub)]
    [InlineData(WebhookProvider.GitLab)]
    [InlineData(WebhookProvider.Gitea)]
    public void Push_payload_gives_ref_commit_and_repository_urls(WebhookProvider provider)
    {
        var (evt, refusal) = WebhookPayload.Read(Push(provider, "s", Clone, deliveryId: "d-1"));

        Assert.Null(refusal);
        Assert.Equal(WebhookEventKind.Push, evt!.Kind);
        Assert.Equal("main", evt.Branch);
        Assert.Equal(SomeSha, evt.After);
        Assert.False(evt.Deleted);
        Assert.Equal("d-1", evt.DeliveryKey);
        Assert.Contains(Clone, evt.RepositoryUrls);
    }

    [Fact]
    public void GitHub_ping_is_a_ping()
    {
        var body = Payload("github-ping.json", Clone);
        var (evt, _) = WebhookPayload.Read(new WebhookRequest(WebhookProvider.GitHub, Headers(WebhookProvider.GitHub, "s", body, "ping"), "application/json", body, null));

        Assert.Equal(WebhookEventKind.Ping, evt!.Kind);
    }

    [Fact]
    public void GitLab_tag_push_is_a_push_of_a_tag_ref()
    {
        var body = Payload("gitlab-tag-push.json", Clone);
        var (evt, _) = WebhookPayload.Read(new WebhookRequest(WebhookProvider.GitLab, Headers(WebhookProvider.GitLab, "s", body, "Tag Push Hook"), "application/json", body, null));

        Assert.Equal(WebhookEventKind.Push, evt!.Kind);
        Assert.Equal("refs/tags/v1.0.0", evt.Ref);
        Assert.Null(evt.Branch);
    }

    [Fact]
    public void All_zero_after_is_a_deletion()
    {
        var (evt, _) = WebhookPayload.Read(Push(WebhookProvider.GitLab, "s", Clone, after: new string('0', 40)));

        Assert.True(evt!.Deleted);
    }

    [Fact]
    public void GitHub_form_encoded_payload_is_read_from_its_payload_field()
    {
        var json = Payload("github-push.json", Clone);
        var form = Encoding.UTF8.GetBytes("payload=" + WebUtility.UrlEncode(Encoding.UTF8.GetString(json)));
        var request = new WebhookRequest(WebhookProvider.GitHub, Headers(WebhookProvider.GitHub, "s", form, "push"), "application/x-www-form-urlencoded", form, null);

        var (evt, refusal) = WebhookPayload.Read(request);

        Assert.Null(refusal);
        Assert.Equal(SomeSha, evt!.After);
    }

    [Theory]
    [InlineData("text/plain", WebhookResponseStatus.UnsupportedMediaType)]
    [InlineData(null, WebhookResponseStatus.UnsupportedMediaType)]
    [InlineData("application/x-www-form-urlencoded", WebhookResponseStatus.BadRequest)] // a form without payload=
    public void Other_media_types_and_forms_without_payload_are_refused(string? contentType, WebhookResponseStatus expected)
    {
        var body = Encoding.UTF8.GetBytes("ref=refs/heads/main");
        var (evt, refusal) = WebhookPayload.Read(new WebhookRequest(WebhookProvider.GitHub, Headers(WebhookProvider.GitHub, "s", body, "push"), contentType, body, null));

        Assert.Null(evt);
        Assert.Equal(expected, refusal!.Status);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2,3]")]
    [InlineData("")]
    public void Unreadable_json_is_a_bad_request(string text)
    {
        var body = Encoding.UTF8.GetBytes(text);
        var (_, refusal) = WebhookPayload.Read(new WebhookRequest(WebhookProvider.Gitea, Headers(WebhookProvider.Gitea, "s", body, "push"), "application/json", body, null));

        Assert.Equal(WebhookResponseStatus.BadRequest, refusal!.Status);
    }

    [Fact]
    public void Deeply_nested_json_is_refused_not_followed()
    {
        var body = Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000));
        var (_, refusal) = WebhookPayload.Read(new WebhookRequest(WebhookProvider.GitHub, Headers(WebhookProvider.GitHub, "s", body, "push"), "application/json", body, null));

        Assert.Equal(WebhookResponseStatus.BadRequest, refusal!.Status);
    }

    [Fact]
    public void Missing_event_header_is_a_bad_request()
    {
        var request = Push(WebhookProvider.GitHub, "s", Clone);
        var headers = new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase);
        headers.Remove("X-GitHub-Event");

        var (_, refusal) = WebhookPayload.Read(request with { Headers = headers });

        Assert.Equal(WebhookResponseStatus.BadRequest, refusal!.Status);
    }

    [Fact]
    public void Without_a_delivery_id_the_body_hash_is_the_key()
    {
        var request = Push(WebhookProvider.GitLab, "s", Clone);
        var headers = new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase);
        headers.Remove("Idempotency-Key");

        var (first, _) = WebhookPayload.Read(request with { Headers = headers });
        var (second, _) = WebhookPayload.Read(request with { Headers = headers });

        Assert.StartsWith("sha256:", first!.DeliveryKey, StringComparison.Ordinal);
        Assert.Equal(first.DeliveryKey, second!.DeliveryKey);
    }

    [Theory]
    [InlineData("id\nwith newline")]
    [InlineData("ünïcödé")]
    public void Delivery_ids_that_are_not_printable_ascii_are_refused(string deliveryId)
    {
        var request = Push(WebhookProvider.GitHub, "s", Clone, deliveryId: deliveryId);

        var (_, refusal) = WebhookPayload.Read(request);

        Assert.Equal(WebhookResponseStatus.BadRequest, refusal!.Status);
    }
}
