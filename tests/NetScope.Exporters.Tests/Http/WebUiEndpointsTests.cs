using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using NetScope.Exporters.Http;

namespace NetScope.Exporters.Tests.Http;

public partial class WebUiEndpointsTests
{
    private static Task<WebTestServer> StartAsync(WebConfig? web = null) =>
        WebTestServer.StartAsync(web, app => app.MapNetScopeWebUi());

    private static HttpClient Client(WebTestServer server) =>
        new() { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };

    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/ui/app.js", "text/javascript")]
    [InlineData("/ui/heatmap.js", "text/javascript")]
    [InlineData("/ui/format.js", "text/javascript")]
    [InlineData("/ui/style.css", "text/css")]
    [InlineData("/ui/favicon.svg", "image/svg+xml")]
    public async Task EveryAssetIsServedWithItsContentTypeAndTheSecurityHeaders(string path, string mediaType)
    {
        await using WebTestServer server = await StartAsync();
        using HttpClient http = Client(server);
        using HttpResponseMessage response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(WebUiEndpoints.ContentSecurityPolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.True(response.Headers.CacheControl is { Private: true, NoCache: true }, $"Cache-Control: {response.Headers.CacheControl}");
        Assert.NotNull(response.Headers.ETag);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 0);
    }

    [Theory]
    [InlineData("/ui/missing.js")]
    [InlineData("/ui/")]
    [InlineData("/index.html")]
    [InlineData("/ui/../ui/app.js.map")]
    [InlineData("/ui/app.js/x")]
    public async Task OtherPathsAre404(string path)
    {
        await using WebTestServer server = await StartAsync();
        using HttpClient http = Client(server);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task ARevalidationWithTheETagIs304WithoutABody()
    {
        await using WebTestServer server = await StartAsync();
        using HttpClient http = Client(server);
        using HttpResponseMessage first = await http.GetAsync("/ui/app.js");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/ui/app.js");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using HttpResponseMessage second = await http.SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);

        using var stale = new HttpRequestMessage(HttpMethod.Get, "/ui/app.js");
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"0123\""));
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(stale)).StatusCode);
    }

    [Fact]
    public async Task HeadAnswersWithTheLengthAndNoBody()
    {
        await using WebTestServer server = await StartAsync();
        using HttpClient http = Client(server);
        using HttpResponseMessage get = await http.GetAsync("/");
        using HttpResponseMessage head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal((await get.Content.ReadAsByteArrayAsync()).Length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task ThePageNeedsThePasswordWhenTheWebConfigSetsOne()
    {
        string hash = BCrypt.Net.BCrypt.HashPassword("s3cret", 4);
        WebConfig web = WebConfigLoader.Parse($"basic_auth_users:\n  viewer: '{hash}'\n", "web.yml", "/");
        await using WebTestServer server = await StartAsync(web);
        using HttpClient http = Client(server);

        foreach (string path in new[] { "/", "/ui/app.js" })
        {
            using HttpResponseMessage anonymous = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal(BasicAuthMiddleware.Challenge, Assert.Single(anonymous.Headers.GetValues("WWW-Authenticate")));

            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("viewer:s3cret")));
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
        }
    }

    [Fact]
    public async Task EveryReferenceInThePageResolvesOnTheAgentAndNothingPointsElsewhere()
    {
        // The machines are offline and the CSP allows only 'self': every script, style, icon and module
        // import must be a relative path the agent serves.
        await using WebTestServer server = await StartAsync();
        using HttpClient http = Client(server);
        var pending = new Queue<string>(["/"]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryDequeue(out string? path))
        {
            if (!seen.Add(path))
            {
                continue;
            }

            using HttpResponseMessage response = await http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} is referenced but answers {(int)response.StatusCode}");
            string text = await response.Content.ReadAsStringAsync();
            if (!path.EndsWith(".svg", StringComparison.Ordinal))
            {
                Assert.DoesNotMatch(AbsoluteUrl(), text);
                Assert.DoesNotContain("<style", text, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(" style=", text, StringComparison.OrdinalIgnoreCase);
            }

            foreach (Match reference in Reference().Matches(text))
            {
                string target = reference.Groups["target"].Value;
                pending.Enqueue(path == "/" ? "/" + target : "/ui/" + target.TrimStart('.', '/'));
            }
        }

        Assert.Equal(["/", "/ui/app.js", "/ui/favicon.svg", "/ui/format.js", "/ui/heatmap.js", "/ui/style.css"], seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryEmbeddedAssetHasAPathAndAContentType()
    {
        IReadOnlyList<WebUiEndpoints.Asset> assets = WebUiEndpoints.LoadAssets();
        Assert.Contains(assets, a => a.Path == "/");
        Assert.All(assets, a => Assert.False(string.IsNullOrEmpty(a.ContentType)));
        Assert.Equal(assets.Count, assets.Select(a => a.ETag.Tag.Value).Distinct().Count());
    }

    [GeneratedRegex(@"https?://")]
    private static partial Regex AbsoluteUrl();

    // href="ui/x", src="ui/x" in the page; import ... from './x.js' in the modules.
    [GeneratedRegex(@"(?:href|src)=""(?<target>ui/[^""]+)""|from\s+'(?<target>\./[^']+)'")]
    private static partial Regex Reference();
}
