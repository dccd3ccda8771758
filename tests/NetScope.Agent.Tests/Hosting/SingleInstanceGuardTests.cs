using NetScope.Agent.Hosting;

namespace NetScope.Agent.Tests.Hosting;

public class SingleInstanceGuardTests
{
    [Fact]
    public void SecondHolderIsRefusedWithAClearMessageAndTheLockIsReusableAfterRelease()
    {
        string name = $"netscope-test-{Guid.NewGuid():N}";
        using (SingleInstanceGuard.Acquire(name))
        {
            InvalidOperationException ex = Assert.Throws<InvalidOperationException>(() => SingleInstanceGuard.Acquire(name));
            Assert.Contains("another NetScope agent is already running", ex.Message);
        }

        SingleInstanceGuard.Acquire(name).Dispose();
    }
}
