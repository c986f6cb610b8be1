package io.github.calcited1.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.SocketFactory;
import org.junit.jupiter.api.Test;

/** Every D1 client's sockets send a request's last segment without waiting for an ACK. */
class NoDelaySocketFactoryTest {
  @Test void theSharedClientsSocketsHaveNagleOff() throws IOException {
    try (Socket plain = SocketFactory.getDefault().createSocket()) {
      assertFalse(plain.getTcpNoDelay(), "the JDK's default, which this factory changes");
    }
    try (Socket socket = SharedHttp.CLIENT.socketFactory().createSocket()) {
      assertTrue(socket.getTcpNoDelay());
    }
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
         Socket connected = NoDelaySocketFactory.INSTANCE.createSocket(InetAddress.getLoopbackAddress(),
             server.getLocalPort())) {
      assertTrue(connected.getTcpNoDelay());
    }
  }
}
