package io.github.calcited1.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * The JDK's sockets with Nagle's algorithm off ({@code TCP_NODELAY}). A request body longer than one TCP segment (a
 * long statement, a write batch) otherwise ends in a partial segment that waits for the server's ACK of the ones
 * before it, and servers delay that ACK by up to 40 ms (Linux's delayed ACK). Measured against d1-local: TPC-H Q11's
 * 11.5 KB request took 48 ms instead of 6 (docs/performance.md, section 6). Public for the benchmarks' proxy.
 */
public final class NoDelaySocketFactory extends SocketFactory {
  public static final NoDelaySocketFactory INSTANCE = new NoDelaySocketFactory();

  private final SocketFactory sockets = SocketFactory.getDefault();

  private NoDelaySocketFactory() {}

  private static Socket noDelay(Socket socket) throws IOException {
    socket.setTcpNoDelay(true);
    return socket;
  }

  /** What OkHttp calls: an unconnected socket, which it connects itself. */
  @Override public Socket createSocket() throws IOException {
    return noDelay(sockets.createSocket());
  }

  @Override public Socket createSocket(String host, int port) throws IOException {
    return noDelay(sockets.createSocket(host, port));
  }

  @Override public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return noDelay(sockets.createSocket(host, port, localHost, localPort));
  }

  @Override public Socket createSocket(InetAddress host, int port) throws IOException {
    return noDelay(sockets.createSocket(host, port));
  }

  @Override public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return noDelay(sockets.createSocket(address, port, localAddress, localPort));
  }
}
