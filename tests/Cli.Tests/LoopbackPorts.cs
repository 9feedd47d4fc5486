using System.Net;
using System.Net.Sockets;

namespace FedBioMed.Cli.Tests;

/// <summary>Ports for the tests' loopback listeners.</summary>
internal static class LoopbackPorts
{
    /// <summary>A loopback port the system had free a moment ago.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
