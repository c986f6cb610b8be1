package io.github.calcited1.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.github.calcited1.client.D1Client;
import io.github.calcited1.client.D1ClientConfig;
import io.github.calcited1.client.D1Exception;
import io.github.calcited1.client.D1Statement;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS is never weakened: no code installs a trust-all manager or a permissive hostname verifier, and a server with a
 * certificate the JVM does not trust is refused before any request (and so before the token) is sent.
 */
class TransportSecurityTest {
  /** What turning certificate checks off looks like in Java/OkHttp code. */
  static final Pattern WEAKENING = Pattern.compile("X509TrustManager|TrustManager\\b|TrustManagerFactory"
      + "|HostnameVerifier|hostnameVerifier\\(|sslSocketFactory\\(|SSLContext|checkServerTrusted|trustAll"
      + "|TrustAll|ALLOW_ALL|setDefaultSSLSocketFactory|setDefaultHostnameVerifier|InsecureTrust"
      + "|certificatePinner\\(|NoopHostnameVerifier");

  @TempDir Path tmp;

  @Test
  void noMainCodeTouchesCertificateChecks() throws IOException {
    Path root = Paths.get("").toAbsolutePath().getParent(); // the module runs in calcite-d1/
    List<Path> sources = new ArrayList<>();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : modules.toList()) {
        Path main = module.resolve("src/main/java");
        if (Files.isDirectory(main)) {
          try (Stream<Path> files = Files.walk(main)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(sources::add);
          }
        }
      }
    }
    assertTrue(sources.size() > 50, "found the main sources under " + root + ": " + sources.size());
    List<String> hits = new ArrayList<>();
    for (Path f : sources) {
      List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        if (WEAKENING.matcher(lines.get(i)).find()) {
          hits.add(root.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
        }
      }
    }
    assertEquals(List.of(), hits, "code that could disable TLS certificate checks");
    System.out.println("FIGURES tls: " + sources.size() + " main source files scanned, 0 trust-all/hostname hits");
  }

  @Test
  void untrustedCertificateIsRefusedBeforeAnyRequest() throws Exception {
    Path keystore = tmp.resolve("self-signed.p12");
    Process keytool = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "d1", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
        "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
        "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
    String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, out);

    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(keystore.toFile())) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(tls));
    AtomicInteger requests = new AtomicInteger();
    https.createContext("/", exchange -> {
      requests.incrementAndGet();
      byte[] body = "{\"result\":[],\"success\":true,\"errors\":[],\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    https.start();
    try {
      D1Client client = new D1Client(D1ClientConfig.builder()
          .baseUrl("https://127.0.0.1:" + https.getAddress().getPort() + "/client/v4")
          .accountId("acc").apiToken("tok-tls-secret").build());
      D1Exception e = assertThrows(D1Exception.class, () -> client.execute("6b4e7b2c-1c9d-4f44-9b8e-0d3f3a2c1e55",
          D1Statement.of("SELECT 1")));
      StringBuilder chain = new StringBuilder();
      for (Throwable t = e; t != null; t = t.getCause()) {
        chain.append(t).append(" <- ");
      }
      assertTrue(chain.toString().contains("SSLHandshakeException") || chain.toString().contains("PKIX")
          || chain.toString().contains("certificate"), chain.toString());
      assertEquals(0, requests.get(), "no HTTP request reached the untrusted server");
    } finally {
      https.stop(0);
    }
  }
}
