package io.github.calcited1.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay in front of d1-local that holds each answer back for a set time (the request reaches d1-local at once),
 * and counts the requests whose client closed the connection while their answer was held back: the client gave up on
 * them. {@link FaultProxy} (a MockWebServer) can delay too, but cannot tell that the client went away, which is what
 * a test of cancelling requests in flight needs to see.
 */
public final class SlowProxy implements AutoCloseable {
  private final InetSocketAddress target;
  private final ServerSocket listener;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "slow-proxy");
    t.setDaemon(true);
    return t;
  });
  private volatile long delayMillis;
  private final AtomicInteger abandoned = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();

  /** @param target d1-local's base URL, e.g. {@code http://127.0.0.1:1234/client/v4} */
  public SlowProxy(String target) {
    URI uri = URI.create(target);
    this.target = new InetSocketAddress(uri.getHost(), uri.getPort());
    try {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    threads.execute(this::accept);
  }

  /** The base URL to give calcite-d1 instead of d1-local's. */
  public String baseUrl() {
    return "http://127.0.0.1:" + listener.getLocalPort() + "/client/v4";
  }

  /** Holds every answer back this long from now on (0: relays at once). */
  public void delay(long millis) {
    delayMillis = millis;
  }

  /** Requests relayed so far. */
  public int requests() {
    return requests.get();
  }

  /** Requests whose client closed the connection before their answer was relayed. */
  public int abandoned() {
    return abandoned.get();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(target.getAddress(), target.getPort());
        new Relay(client, server).start();
      } catch (IOException e) {
        // closed, or d1-local refused: the client sees its connection end
      }
    }
  }

  /** One client connection: requests go through at once, answers after the delay. */
  private final class Relay {
    private final Socket client;
    private final Socket server;
    /** An answer is owed to the client since this time ({@link System#nanoTime()}); 0: none. */
    private volatile long owedSince;

    Relay(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void start() {
      threads.execute(this::requests);
      threads.execute(this::answers);
    }

    private void requests() {
      byte[] buffer = new byte[16384];
      try (InputStream in = client.getInputStream(); OutputStream out = server.getOutputStream()) {
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          if (owedSince == 0) {
            owedSince = System.nanoTime();
            requests.incrementAndGet();
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // reset by the client: handled as its end below
      }
      if (owedSince != 0) {
        abandoned.incrementAndGet();
      }
      closeBoth();
    }

    private void answers() {
      byte[] buffer = new byte[16384];
      try (InputStream in = server.getInputStream(); OutputStream out = client.getOutputStream()) {
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          long since = owedSince;
          long wait = since == 0 ? 0 : delayMillis - (System.nanoTime() - since) / 1_000_000;
          if (wait > 0) {
            Thread.sleep(wait);
          }
          if (client.isClosed()) {
            return;
          }
          out.write(buffer, 0, n);
          out.flush();
          owedSince = 0;
        }
      } catch (IOException | InterruptedException e) {
        // the client went away
      } finally {
        closeBoth();
      }
    }

    private void closeBoth() {
      try {
        client.close();
        server.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    threads.shutdownNow();
  }
}
