package io.github.calcited1.local.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code d1-local/conformance/allowed-differences.json}: known, justified differences between d1-local and the
 * reference. Each entry names a corpus {@code file} (a glob: {@code *}, {@code meta-*.json}), optionally a
 * {@code step} (0-based) and a difference {@code path} ({@code status}, {@code $.errors[0].message},
 * {@code $.result[*].meta.rows_read}, ...; {@code *} matches any run of characters), and must give a
 * {@code reason}. A difference not matched by any entry fails the run.
 */
final class AllowList {
  record Entry(String file, Integer step, String path, String reason) {
    boolean matches(String f, int s, String p) {
      return glob(file, f) && (step == null || step == s) && (path == null || glob(path, p));
    }

    /** {@code *} matches any run of characters (also {@code [} {@code ]} {@code .}); everything else is literal. */
    private static boolean glob(String pattern, String text) {
      String regex = java.util.Arrays.stream(pattern.split("\\*", -1))
          .map(java.util.regex.Pattern::quote)
          .collect(java.util.stream.Collectors.joining(".*"));
      return java.util.regex.Pattern.compile(regex, java.util.regex.Pattern.DOTALL).matcher(text).matches();
    }

    @Override
    public String toString() {
      return file + (step == null ? "" : "#" + step) + (path == null ? "" : " " + path);
    }
  }

  final List<Entry> entries;
  final boolean[] used;

  private AllowList(List<Entry> entries) {
    this.entries = entries;
    this.used = new boolean[entries.size()];
  }

  static AllowList load(Path file, ObjectMapper mapper) throws IOException {
    List<Entry> entries = new ArrayList<>();
    if (Files.exists(file)) {
      JsonNode root = mapper.readTree(file.toFile());
      for (JsonNode n : root.path("allowed")) {
        String reason = n.path("reason").asText("");
        if (reason.isBlank()) {
          throw new IllegalStateException(file + ": every allowed difference needs a reason: " + n);
        }
        entries.add(new Entry(n.path("file").asText("*"),
            n.hasNonNull("step") ? n.get("step").asInt() : null,
            n.hasNonNull("path") ? n.get("path").asText() : null,
            reason));
      }
    }
    return new AllowList(entries);
  }

  /** The matching entry's reason, or null when the difference is not allowed. */
  synchronized String allowed(String file, int step, String path) {
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).matches(file, step, path)) {
        used[i] = true;
        return entries.get(i).reason();
      }
    }
    return null;
  }

  synchronized List<Entry> unused() {
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      if (!used[i]) {
        out.add(entries.get(i));
      }
    }
    return out;
  }
}
