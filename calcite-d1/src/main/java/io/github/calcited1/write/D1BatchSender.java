package io.github.calcited1.write;

import io.github.calcited1.client.D1Result;
import io.github.calcited1.client.D1Statement;

import java.sql.SQLException;
import java.util.List;

/** Sends one D1 batch (ONE atomic HTTP request) to one database; normally {@code D1Client.batch(databaseId, ...)}. */
@FunctionalInterface
public interface D1BatchSender {
  List<D1Result> batch(List<D1Statement> statements) throws SQLException;
}
