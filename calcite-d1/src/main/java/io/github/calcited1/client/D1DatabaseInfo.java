package io.github.calcited1.client;

/**
 * One entry of the account's database list ({@code GET .../d1/database}), as D1 reports it; a field D1 left out is
 * null.
 *
 * @param createdAt ISO-8601 text, as D1 sends it
 */
public record D1DatabaseInfo(String uuid, String name, String version, Long numTables, Long fileSize,
    String createdAt) {
}
