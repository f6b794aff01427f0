package cn.tongban.core.form;

import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * The form builder's working draft of a matter's form: saved as the author edits, counted by {@code revision}
 * (0 = none saved yet). It becomes a form version only when the author tests or publishes it.
 */
public record WorkingDraft(String matterCode, int revision, Optional<JsonObject> definition,
    Optional<String> updatedBy, Optional<OffsetDateTime> updatedAt) {

  public static WorkingDraft none(String matterCode) {
    return new WorkingDraft(matterCode, 0, Optional.empty(), Optional.empty(), Optional.empty());
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("matterCode", matterCode).put("revision", revision);
    definition.ifPresent(d -> json.put("definition", d));
    updatedBy.ifPresent(u -> json.put("updatedBy", u));
    updatedAt.ifPresent(t -> json.put("updatedAt", t.toString()));
    return json;
  }
}
