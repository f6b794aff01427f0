package cn.tongban.core.application;

import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.util.Optional;

/** 办件: one case, pinned to the form version it was submitted against. */
public record Application(
    long id,
    String number,
    String matterCode,
    String matterName,
    int formVersion,
    ApplicationStatus status,
    Channel channel,
    Optional<String> hallCode,
    String departmentCode,
    JsonObject applicant,
    JsonObject data,
    String queryCode,
    String submittedBy,
    int version,
    OffsetDateTime submittedAt,
    OffsetDateTime updatedAt) {
}
