using System.Text.Json.Serialization;
using NetScope.Exporters.Abstractions;

namespace NetScope.Agent.Top;

/// <summary>
/// Reads the agent's JSON (docs/api.md) into the same records the agent writes it from, so client and
/// server cannot drift: the API's names are the records' names in snake_case.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(HeatmapOverview))]
[JsonSerializable(typeof(HeatmapSeriesDetail))]
[JsonSerializable(typeof(FloodSnapshot))]
[JsonSerializable(typeof(AgentApiError))]
internal sealed partial class AgentApiJson : JsonSerializerContext;

/// <summary>The body of a 4xx answer: {"error": "..."}.</summary>
/// <param name="Error">What was wrong with the request.</param>
internal sealed record AgentApiError(string? Error);
