using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace NetScope.Exporters.Http;

/// <summary>
/// The web heatmap page (docs/web.md): a static HTML/JS/CSS page embedded in this assembly and served at
/// <c>/</c> and <c>/ui/*</c> by the agent itself, so it works on machines without internet access and
/// behind the same basic auth and TLS as <c>/metrics</c>. The page reads /api/v1/heatmap and /api/v1/flood.
/// </summary>
public static class WebUiEndpoints
{
    /// <summary>
    /// Only the agent's own origin may supply scripts, styles, images and API data; no inline code, no
    /// framing, no forms. The page needs nothing else, so anything injected is refused by the browser.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>
    /// Browsers revalidate every load (the ETag makes that a 304 without a body), so a page never outlives
    /// the agent version that served it; private because responses may sit behind basic auth.
    /// </summary>
    public const string CacheControl = "private, no-cache";

    private const string ResourcePrefix = "NetScope.WebUi.";

    private static readonly Dictionary<string, string> s_contentTypes = new(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    /// <summary>One embedded file, read once at start.</summary>
    /// <param name="Path">Request path it is served at.</param>
    /// <param name="ContentType">Content-Type header value.</param>
    /// <param name="Body">The file's bytes.</param>
    /// <param name="ETag">Strong validator: a hash of the bytes.</param>
    internal sealed record Asset(string Path, string ContentType, byte[] Body, EntityTagHeaderValue ETag);

    /// <summary>Maps GET/HEAD <c>/</c> (the page) and <c>/ui/NAME</c> for every embedded asset; other paths stay 404.</summary>
    public static IEndpointRouteBuilder MapNetScopeWebUi(this IEndpointRouteBuilder endpoints)
    {
        foreach (Asset asset in LoadAssets())
        {
            endpoints.MapMethods(asset.Path, [HttpMethods.Get, HttpMethods.Head], context => ServeAsync(context, asset));
        }

        return endpoints;
    }

    /// <summary>Reads the embedded files (logical names "NetScope.WebUi.NAME"); index.html is served at /.</summary>
    internal static IReadOnlyList<Asset> LoadAssets()
    {
        Assembly assembly = typeof(WebUiEndpoints).Assembly;
        var assets = new List<Asset>();
        foreach (string name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            string file = name[ResourcePrefix.Length..];
            if (!s_contentTypes.TryGetValue(Path.GetExtension(file), out string? contentType))
            {
                // A build-time mistake (a new kind of file without a content type), not a runtime condition.
                throw new InvalidOperationException($"embedded web asset {file} has no known content type; add its extension to WebUiEndpoints");
            }

            using Stream stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            byte[] body = buffer.ToArray();
            string tag = Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 12));
            string path = file == "index.html" ? "/" : "/ui/" + file;
            assets.Add(new Asset(path, contentType, body, new EntityTagHeaderValue($"\"{tag}\"")));
        }

        return assets;
    }

    private static Task ServeAsync(HttpContext context, Asset asset)
    {
        HttpResponse response = context.Response;
        IHeaderDictionary headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = CacheControl;
        headers.ETag = asset.ETag.ToString();
        response.ContentType = asset.ContentType;

        if (IsCurrent(context.Request, asset.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.ContentLength = asset.Body.Length;
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(asset.Body, context.RequestAborted).AsTask();
    }

    private static bool IsCurrent(HttpRequest request, EntityTagHeaderValue etag) =>
        EntityTagHeaderValue.TryParseList(request.Headers.IfNoneMatch, out IList<EntityTagHeaderValue>? tags)
        && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(etag, useStrongComparison: false));
}
