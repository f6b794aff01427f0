package cn.tongban.core.matter;

import java.util.Optional;

/** Filters of the public catalogue, and the position to continue after. */
public record CatalogueQuery(Optional<String> text, Optional<String> department, Optional<Integer> level,
    Optional<Boolean> sameCity, Optional<Position> after) {

  /** Where a page ended: the last matter's display order and code. */
  public record Position(int sortOrder, String code) {
  }
}
