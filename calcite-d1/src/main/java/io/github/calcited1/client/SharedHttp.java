package io.github.calcited1.client;

import okhttp3.OkHttpClient;

/**
 * The process's one OkHttp client. Every {@link D1Client} derives its own with {@code newBuilder()}, which shares
 * this connection pool and dispatcher (threads, sockets) while setting its own timeouts.
 */
final class SharedHttp {
  static final OkHttpClient CLIENT = new OkHttpClient.Builder()
      // OkHttp would silently resend a POST after some connection failures; a write batch must not be sent twice
      // behind the caller's back, so every retry decision is left to the client's call seam.
      .retryOnConnectionFailure(false)
      // Whether a failed request had been written at all, and no write on a connection the server has closed.
      .eventListener(RequestSending.EVENTS)
      .addNetworkInterceptor(RequestSending.STALE_CHECK)
      // A request longer than one TCP segment must not wait for a delayed ACK (NoDelaySocketFactory).
      .socketFactory(NoDelaySocketFactory.INSTANCE)
      .build();

  private SharedHttp() {}
}
