using NetScope.Exporters.Otlp;

namespace NetScope.Exporters.Tests.Otlp;

public class OtlpResourceTests
{
    private static Dictionary<string, string> Build(Dictionary<string, string> env, string host = "node-a") =>
        OtlpResource.Build(name => env.GetValueOrDefault(name), host).ToDictionary(a => a.Key, a => a.Value);

    [Fact]
    public void DefaultsToNetscopeOnTheMachine() =>
        Assert.Equal(new Dictionary<string, string> { ["service.name"] = "netscope", ["host.name"] = "node-a" }, Build([]));

    [Fact]
    public void NodeNameComesFromTheDownwardApiVariable() =>
        Assert.Equal("worker-3", Build(new() { ["K8S_NODE_NAME"] = "worker-3" })["k8s.node.name"]);

    [Fact]
    public void ServiceNameVariableWinsOverResourceAttributes()
    {
        Dictionary<string, string> resource = Build(new()
        {
            ["OTEL_RESOURCE_ATTRIBUTES"] = "service.name=from-attrs, deployment.environment=prod,team=net%20ops,broken",
            ["OTEL_SERVICE_NAME"] = "from-var",
        });
        Assert.Equal("from-var", resource["service.name"]);
        Assert.Equal("prod", resource["deployment.environment"]);
        Assert.Equal("net ops", resource["team"]);
        Assert.False(resource.ContainsKey("broken"));
    }

    [Fact]
    public void ResourceAttributesWinOverDetectedHostAndNode()
    {
        Dictionary<string, string> resource = Build(new() { ["OTEL_RESOURCE_ATTRIBUTES"] = "host.name=given,k8s.node.name=given-node", ["K8S_NODE_NAME"] = "detected" });
        Assert.Equal("given", resource["host.name"]);
        Assert.Equal("given-node", resource["k8s.node.name"]);
    }
}
