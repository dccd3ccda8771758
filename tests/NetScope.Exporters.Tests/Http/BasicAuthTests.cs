using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Primitives;
using NetScope.Exporters.Http;

namespace NetScope.Exporters.Tests.Http;

public class BasicAuthTests
{
    // Cost 4 keeps each bcrypt at about a millisecond; production hashes use 10 or more.
    private static readonly string s_hash = BCrypt.Net.BCrypt.HashPassword("s3cret", 4);

    private static WebConfig Config(bool allowHealth = false, string? hash = null) => WebConfigLoader.Parse(
        $"basic_auth_users:\n  prometheus: '{hash ?? s_hash}'\nallow_unauthenticated_health: {(allowHealth ? "true" : "false")}\n", "web.yml", "/");

    private static async Task<HttpResponseMessage> GetAsync(WebTestServer server, string path, string? user = null, string? password = null)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (user is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }

        return await http.SendAsync(request);
    }

    private static void AssertChallenged(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic realm=\"netscope\"", Assert.Single(response.Headers.GetValues("WWW-Authenticate")));
    }

    [Fact]
    public async Task MetricsNeedTheRightPassword()
    {
        await using WebTestServer server = await WebTestServer.StartAsync(Config());

        AssertChallenged(await GetAsync(server, "/metrics"));
        AssertChallenged(await GetAsync(server, "/metrics", "prometheus", "wrong"));
        AssertChallenged(await GetAsync(server, "/metrics", "nobody", "s3cret"));

        // Twice: the second answer comes from the cache of verified credentials and must agree.
        for (int i = 0; i < 2; i++)
        {
            HttpResponseMessage ok = await GetAsync(server, "/metrics", "prometheus", "s3cret");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("netscope_up 1\n", await ok.Content.ReadAsStringAsync());
        }

        // A cached success must not let a different password in.
        AssertChallenged(await GetAsync(server, "/metrics", "prometheus", "s3cret2"));
        AssertChallenged(await GetAsync(server, "/metrics", "prometheus", ""));
    }

    [Fact]
    public async Task HealthNeedsAuthUnlessTheConfigOpensIt()
    {
        await using (WebTestServer closed = await WebTestServer.StartAsync(Config()))
        {
            AssertChallenged(await GetAsync(closed, "/healthz"));
            AssertChallenged(await GetAsync(closed, "/readyz"));
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(closed, "/healthz", "prometheus", "s3cret")).StatusCode);
        }

        await using WebTestServer open = await WebTestServer.StartAsync(Config(allowHealth: true));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(open, "/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(open, "/READYZ")).StatusCode);
        AssertChallenged(await GetAsync(open, "/metrics"));
        AssertChallenged(await GetAsync(open, "/healthz/../metrics"));
    }

    [Fact]
    public async Task NoUsersMeansNoAuth()
    {
        await using WebTestServer server = await WebTestServer.StartAsync(WebConfigLoader.Parse("", "web.yml", "/"));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(server, "/metrics")).StatusCode);
    }

    [Theory]
    [InlineData("$2a$")]
    [InlineData("$2b$")]
    [InlineData("$2y$")]
    public async Task EveryBcryptVersionPrefixVerifies(string prefix)
    {
        // htpasswd writes $2y$, Python's bcrypt $2b$; the algorithm is the same.
        string hash = prefix + s_hash[4..];
        await using WebTestServer server = await WebTestServer.StartAsync(Config(hash: hash));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(server, "/metrics", "prometheus", "s3cret")).StatusCode);
        AssertChallenged(await GetAsync(server, "/metrics", "prometheus", "s3creT"));
    }

    [Theory]
    [InlineData("Basic cHJvbWV0aGV1czpzM2NyZXQ=", true, "prometheus", "s3cret")]
    [InlineData("basic cHJvbWV0aGV1czpzM2NyZXQ=", true, "prometheus", "s3cret")]
    [InlineData("Basic YTpiOmM=", true, "a", "b:c")]
    [InlineData("Basic bm9jb2xvbg==", false, null, null)]
    [InlineData("Basic !!!", false, null, null)]
    [InlineData("Basic", false, null, null)]
    [InlineData("Bearer cHJvbWV0aGV1czpzM2NyZXQ=", false, null, null)]
    public void ReadsTheAuthorizationHeader(string header, bool valid, string? user, string? password)
    {
        Assert.Equal(valid, BasicAuthMiddleware.TryReadCredentials(new StringValues(header), out _, out string? u, out string? p));
        Assert.Equal(user, u);
        Assert.Equal(password, p);
    }
}
