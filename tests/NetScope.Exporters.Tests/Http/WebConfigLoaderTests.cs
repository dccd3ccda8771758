using NetScope.Exporters.Http;

namespace NetScope.Exporters.Tests.Http;

public class WebConfigLoaderTests
{
    // Well-formed but of no known password: the loader checks the format only.
    private const string Hash = "$2y$04$ZuP5vQ0P7yVJwLQwH0e7XOeWn8h0mJj1c0xTg3Bqg4cY0l2wq7rZu";

    private static WebConfigException Fails(string yaml, string directory = "/nonexistent")
        => Assert.Throws<WebConfigException>(() => WebConfigLoader.Parse(yaml, "web.yml", directory));

    [Theory]
    [InlineData("")]
    [InlineData("# nothing configured\n")]
    [InlineData("---\n")]
    public void AnEmptyFileMeansNoTlsAndNoAuth(string yaml)
    {
        WebConfig config = WebConfigLoader.Parse(yaml, "web.yml", "/");
        Assert.Null(config.Tls);
        Assert.False(config.RequiresBasicAuth);
        Assert.False(config.AllowUnauthenticatedHealth);
        Assert.Equal("web.yml", config.Source);
    }

    [Fact]
    public void UnknownKeysAreErrorsWithTheirPosition()
    {
        WebConfigException ex = Fails("basic_auth_users:\n  a: " + Hash + "\nbasic_auth_user: {}\n");
        Assert.Equal("web.yml:3:1: the web config: unknown key 'basic_auth_user' (known here: tls_server_config, basic_auth_users, allow_unauthenticated_health)", Assert.Single(ex.Errors));
    }

    [Fact]
    public void UnknownKeysInsideTlsServerConfigAreErrorsWithTheirPosition()
    {
        using var files = new WebTestFiles();
        files.WriteServerCertificate();
        WebConfigException ex = Fails("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n", files.Directory);
        Assert.StartsWith("web.yml:4:3: tls_server_config: unknown key 'client_auth_type'", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingCertFileIsAnErrorAtItsValue()
    {
        using var files = new WebTestFiles();
        files.WriteServerCertificate();
        WebConfigException ex = Fails("tls_server_config:\n  cert_file: missing.crt\n  key_file: server.key\n", files.Directory);
        Assert.Equal($"web.yml:2:14: cert_file: '{files.Path("missing.crt")}' does not exist", Assert.Single(ex.Errors));
    }

    [Fact]
    public void CertAndKeyFileAreBothRequired()
    {
        WebConfigException ex = Fails("tls_server_config:\n  client_ca_file: /dev/null\n");
        Assert.Contains("web.yml:2:3: tls_server_config: cert_file is required", ex.Errors);
        Assert.Contains("web.yml:2:3: tls_server_config: key_file is required", ex.Errors);
    }

    [Fact]
    public void AnEmptyTlsSectionIsAnErrorRatherThanPlainHttp()
    {
        WebConfigException ex = Fails("tls_server_config:\n");
        Assert.StartsWith("web.yml:1:19: tls_server_config: expected a mapping", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void AKeyThatIsNotPemIsAnError()
    {
        using var files = new WebTestFiles();
        files.WriteServerCertificate();
        files.Write("bad.key", "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
        WebConfigException ex = Fails("tls_server_config:\n  cert_file: server.crt\n  key_file: bad.key\n", files.Directory);
        Assert.Contains("web.yml:2:14: cert_file", Assert.Single(ex.Errors), StringComparison.Ordinal);
        Assert.Contains("cannot load the certificate and key", ex.Errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void AKeyOfAnotherCertificateIsAnError()
    {
        using var files = new WebTestFiles();
        files.WriteServerCertificate();
        File.Move(files.Path("server.key"), files.Path("old.key"));
        files.WriteServerCertificate();
        WebConfigException ex = Fails("tls_server_config:\n  cert_file: server.crt\n  key_file: old.key\n", files.Directory);
        Assert.Contains("cannot load the certificate and key", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void AClientCaFileWithoutCertificatesIsAnError()
    {
        using var files = new WebTestFiles();
        files.WriteServerCertificate();
        files.Write("ca.crt", "not pem\n");
        WebConfigException ex = Fails("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_ca_file: ca.crt\n", files.Directory);
        Assert.Equal($"web.yml:4:19: client_ca_file: '{files.Path("ca.crt")}' holds no PEM certificate", Assert.Single(ex.Errors));
    }

    [Fact]
    public void AValidFileResolvesPathsAgainstItsDirectory()
    {
        using var files = new WebTestFiles();
        files.WriteServerCertificate();
        using var ca = WebTestFiles.CreateCa("CN=test-ca");
        files.Write("ca.crt", ca.ExportCertificatePem());
        string path = files.Write("web.yml", $"""
            tls_server_config:
              cert_file: server.crt
              key_file: {files.Path("server.key")}
              client_ca_file: ca.crt
            basic_auth_users:
              prometheus: '{Hash}'
              grafana: "{Hash.Replace("$2y$", "$2b$", StringComparison.Ordinal)}"
            allow_unauthenticated_health: true
            """);

        WebConfig config = WebConfigLoader.LoadFile(path);
        Assert.Equal(new WebTlsConfig(files.Path("server.crt"), files.Path("server.key"), files.Path("ca.crt")), config.Tls);
        Assert.Equal(["grafana", "prometheus"], config.BasicAuthUsers.Keys.Order());
        Assert.True(config.AllowUnauthenticatedHealth);
        Assert.Equal(path, config.Source);
    }

    [Fact]
    public void BadValuesAreAllReportedAtOnce()
    {
        WebConfigException ex = Fails("""
            basic_auth_users:
              alice: secret
              "bob:x": $2y$04$ZuP5vQ0P7yVJwLQwH0e7XOeWn8h0mJj1c0xTg3Bqg4cY0l2wq7rZu
              carol:
            allow_unauthenticated_health: yes
            """);
        Assert.Equal(
            [
                "web.yml:2:10: basic_auth_users.alice: not a bcrypt hash ($2y$10$ followed by 53 characters; see docs/web-config.md)",
                "web.yml:3:3: basic_auth_users: 'bob:x' is not a valid user name (must be non-empty, without ':')",
                "web.yml:4:9: basic_auth_users.carol: not a bcrypt hash ($2y$10$ followed by 53 characters; see docs/web-config.md)",
                "web.yml:5:31: allow_unauthenticated_health: 'yes' is not true or false",
            ],
            ex.Errors);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidYamlIsAnErrorWithItsPosition()
    {
        WebConfigException ex = Fails("basic_auth_users: [\n");
        Assert.StartsWith("web.yml:", Assert.Single(ex.Errors), StringComparison.Ordinal);
        Assert.Contains("not valid YAML", ex.Errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnreadableFileIsAnError()
    {
        WebConfigException ex = Assert.Throws<WebConfigException>(() => WebConfigLoader.LoadFile("/nonexistent/web.yml"));
        Assert.StartsWith("/nonexistent/web.yml: cannot read the web config file", ex.Message, StringComparison.Ordinal);
    }
}
