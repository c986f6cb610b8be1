package io.github.calcited1.client;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.EventListener;
import okhttp3.Interceptor;
import okhttp3.Protocol;
import okhttp3.Request;

/**
 * Tells whether a failed request had been completely written to the connection, which decides whether D1 can have
 * run it: D1 (like any HTTP server) runs a request only once it has received all of it, so a request that failed
 * before its last byte was written was certainly not run, and sending it again is safe, for a write too.
 *
 * <p>Each attempt carries a {@link Progress} as its tag; OkHttp's events mark it written ({@link #EVENTS}). Before a
 * write is sent on a kept-alive HTTP/1.1 connection, {@link #STALE_CHECK} makes sure the server has not closed that
 * connection meanwhile (as after a server restart): sent on such a connection, the request would fail only after it
 * was written, indistinguishable from "ran, then the connection broke". If the server has closed it, the attempt
 * fails with {@link StaleConnectionException} before anything is written.
 */
final class RequestSending {
  private RequestSending() {
  }

  /** What one attempt has written so far. */
  static final class Progress {
    /** Whether the check for a closed connection applies (a write: reads are sent again anyway). */
    final boolean checkStale;
    volatile boolean written;

    Progress(boolean checkStale) {
      this.checkStale = checkStale;
    }
  }

  /** The attempt's request, tagged with a fresh {@link Progress} and what may stop its statement. */
  static Request attempt(Request request, Progress progress, D1Cancellation stop) {
    return request.newBuilder().tag(Progress.class, progress).tag(D1Cancellation.class, stop).build();
  }

  /**
   * Marks an attempt written once the last byte of its request (headers, then the body if any) was written, and
   * watches the calls of statements that can be cancelled while they run.
   */
  static final EventListener EVENTS = new EventListener() {
    /** A call of a statement that can be cancelled is watched until it ends ({@link D1Cancellation}). */
    @Override
    public void callStart(Call call) {
      D1Cancellation.watch(call);
    }

    @Override
    public void callEnd(Call call) {
      D1Cancellation.unwatch(call);
    }

    @Override
    public void callFailed(Call call, IOException ioe) {
      D1Cancellation.unwatch(call);
    }

    @Override
    public void requestHeadersEnd(Call call, Request request) {
      if (request.body() == null) {
        mark(call);
      }
    }

    @Override
    public void requestBodyEnd(Call call, long byteCount) {
      mark(call);
    }

    private void mark(Call call) {
      Progress p = call.request().tag(Progress.class);
      if (p != null) {
        p.written = true;
      }
    }
  };

  /** The server closed a kept-alive connection before this request was written on it; nothing was sent. */
  static final class StaleConnectionException extends IOException {
    private static final long serialVersionUID = 1L;

    StaleConnectionException(String message) {
      super(message);
    }
  }

  /**
   * A network interceptor: for a write on an HTTP/1.1 connection, reads the idle socket for at most 1 ms. The end of
   * the stream (the server closed it) or any byte (an idle HTTP/1.1 connection carries none unless the server is
   * ending it, e.g. with a 408) means the connection is dead: it is closed, which drops it from the pool, and the
   * attempt fails before a byte of the request is written. HTTP/2 is left alone: OkHttp reads its frames itself.
   */
  static final Interceptor STALE_CHECK = chain -> {
    Progress p = chain.request().tag(Progress.class);
    Connection connection = chain.connection();
    if (p != null && p.checkStale && connection != null && connection.protocol() != Protocol.HTTP_2
        && closedByPeer(connection.socket())) {
      connection.socket().close();
      throw new StaleConnectionException("the kept-alive connection to " + chain.request().url().host()
          + " had been closed by the server (e.g. it restarted) before this request was written on it");
    }
    return chain.proceed(chain.request());
  };

  private static boolean closedByPeer(Socket socket) throws IOException {
    int timeout = socket.getSoTimeout();
    try {
      socket.setSoTimeout(1);
      socket.getInputStream().read();
      return true; // -1: closed; a byte: the server is ending the connection
    } catch (SocketTimeoutException idle) {
      return false;
    } catch (IOException broken) {
      return true; // reset
    } finally {
      if (!socket.isClosed()) {
        socket.setSoTimeout(timeout);
      }
    }
  }
}
