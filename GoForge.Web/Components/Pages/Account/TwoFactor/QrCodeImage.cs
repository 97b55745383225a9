using QRCoder;

namespace GoForge.Web.Components.Pages.Account.TwoFactor;

/// <summary>A QR code as a PNG data URI, drawn on the server (no request leaves the panel; the secret is in it).</summary>
public static class QrCodeImage
{
    public static string DataUri(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(5);
        return $"data:image/png;base64,{Convert.ToBase64String(png)}";
    }

    /// <summary>The Base32 secret in groups of four, easier to type into an app by hand.</summary>
    public static string Grouped(string secret) =>
        string.Join(' ', Enumerable.Range(0, (secret.Length + 3) / 4).Select(i => secret.Substring(i * 4, Math.Min(4, secret.Length - (i * 4)))));
}
