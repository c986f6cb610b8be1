package io.github.calcited1.local.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;

/** The JSON writer settings that make Jackson's output match a Worker's {@code JSON.stringify}. */
public final class WorkerJson {
  /**
   * Leaves target streams open (bodies are assembled from parts) and writes characters outside
   * the BMP as raw UTF-8, as JavaScript does, instead of Jackson's default surrogate escapes.
   */
  public static final JsonFactory FACTORY = JsonFactory.builder()
      .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
      .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
      .build();

  private WorkerJson() {}
}
