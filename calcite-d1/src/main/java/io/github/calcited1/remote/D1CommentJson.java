package io.github.calcited1.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/**
 * The JSON inside calcite-d1's comment requests ({@link D1RemoteKeys}, {@link D1RemoteMetadata}): every {@code /} is
 * written {@code \/} (Jackson reads it back as {@code /}), so the comment's end {@code *&#47;} never occurs inside.
 */
final class D1CommentJson {
  static final String END = "*/";
  private static final ObjectMapper JSON = new ObjectMapper();

  private D1CommentJson() {
  }

  static String write(Object value) throws JsonProcessingException {
    return JSON.writeValueAsString(value).replace("/", "\\/");
  }

  static <T> T read(String text, Class<T> type) throws IOException {
    return JSON.readValue(text, type);
  }
}
