namespace NetScope.Agent.Top;

/// <summary>The agent could not be read; the message says what to do about it.</summary>
internal sealed class AgentApiException(string message, Exception? inner = null) : Exception(message, inner);
