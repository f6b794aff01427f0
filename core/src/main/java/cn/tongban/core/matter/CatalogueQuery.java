package cn.tongban.core.matter;

import java.util.Optional;

/** Filters of the public catalogue, and the position to continue after. Empty means "any". */
public record CatalogueQuery(Optional<String> text, Optional<String> department, Optional<Integer> level,
    Optional<Boolean> sameCity, Optional<String> type, Optional<String> theme, Optional<Integer> starLevel,
    Optional<String> channel, Optional<Position> after) {

  /** Where a page ended: the last matter's display order and code. */
  public record Position(int sortOrder, String code) {
  }
}
