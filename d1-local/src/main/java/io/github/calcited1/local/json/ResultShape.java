package io.github.calcited1.local.json;

/** How rows are written: {@code /query} gives objects, {@code /raw} gives column names and arrays. */
public enum ResultShape {
  /** {@code /query}: {@code [{"col":value,...},...]}, keys ordered as a JavaScript object orders them. */
  OBJECTS,
  /** {@code /raw}: {@code {"columns":[...],"rows":[[...],...]}}, every column kept. */
  ARRAYS
}
