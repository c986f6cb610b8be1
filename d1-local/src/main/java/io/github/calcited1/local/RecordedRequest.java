package io.github.calcited1.local;

/**
 * A request as d1-local received it: method, path with query string, and body. Headers are not
 * kept, so the API token never lands here.
 */
public record RecordedRequest(String method, String path, String body) {}
