package cn.tongban.core.matter;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * 通办范围: where a matter may be taken in (hall levels, and halls named besides), which department accepts
 * and which decides it, and its home hall. Read from the matter's {@code sameCityScope}; what it leaves out
 * follows from the matter itself (levels from 行使层级, departments from the implementing department).
 */
public record IntakeScope(boolean sameCity, Set<Level> levels, Set<String> halls, String acceptingDepartment,
    String approvingDepartment, Optional<String> homeHall) {

  /** The levels of the service network. */
  public enum Level { CITY, TOWNSHIP, VILLAGE }

  public IntakeScope {
    levels = Set.copyOf(levels);
    halls = Set.copyOf(halls);
  }

  /** The scope a matter document describes. */
  public static IntakeScope of(JsonObject matter) {
    JsonObject scope = matter.getJsonObject("sameCityScope", new JsonObject());
    String department = matter.getJsonObject("department").getString("code");
    Set<Level> levels = EnumSet.noneOf(Level.class);
    JsonArray given = scope.getJsonArray("intakeLevels");
    if (given != null) {
      given.forEach(l -> levels.add(Level.valueOf((String) l)));
    } else {
      for (Object o : matter.getJsonArray("levels", new JsonArray())) {
        switch (((Number) o).intValue()) {
          case 1, 2, 3, 4 -> levels.add(Level.CITY);
          case 5 -> levels.add(Level.TOWNSHIP);
          case 6 -> levels.add(Level.VILLAGE);
          default -> levels.addAll(EnumSet.allOf(Level.class));
        }
      }
    }
    Set<String> halls = new LinkedHashSet<>();
    scope.getJsonArray("intakeHalls", new JsonArray()).forEach(h -> halls.add((String) h));
    return new IntakeScope(matter.getBoolean("sameCity", false), levels, halls,
        scope.getString("acceptingDepartment", department), scope.getString("approvingDepartment", department),
        Optional.ofNullable(scope.getString("homeHall")));
  }

  /** Whether a hall of {@code level} with {@code code} may take the matter in. */
  public boolean admits(String code, Level level) {
    return levels.contains(level) || halls.contains(code);
  }

  /** The scope as the API shows it. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("intakeLevels", new JsonArray(levels.stream().sorted().map(Enum::name).toList()))
        .put("acceptingDepartment", acceptingDepartment)
        .put("approvingDepartment", approvingDepartment);
    if (!halls.isEmpty()) {
      json.put("intakeHalls", new JsonArray(halls.stream().toList()));
    }
    homeHall.ifPresent(h -> json.put("homeHall", h));
    return json;
  }
}
