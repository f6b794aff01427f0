package cn.tongban.core.privacy;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.function.BiFunction;

/**
 * A table holding sealed personal data, declared by the store that owns it so that {@link Rewrap} needs no
 * list of other packages: the rows still to re-seal ({@code select}, ordered, without a limit; {@code $1} is
 * the LIKE pattern a text value sealed as wanted matches, {@code $2} the header such bytes start with), the
 * statement that writes one row back, and how to redo a row with the current keys.
 */
public record SealedTable(String name, String select, String update, BiFunction<PersonalData, Row, Tuple> redo) {

  /** SQL: the text column holds a value not sealed as wanted. */
  public static String stale(String column) {
    return "(" + column + " is not null and " + column + " not like $1)";
  }
}
