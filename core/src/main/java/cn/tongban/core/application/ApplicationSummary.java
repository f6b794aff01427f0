package cn.tongban.core.application;

import cn.tongban.core.access.Channel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * A case as a list shows it (work queues, a hall's cases, a citizen's own): what it is, where it stands, its
 * dates and warnings, its applicant. No form data and none of the per-case detail a list does not show
 * (opinions, correction, 容缺, 告知承诺, same-city, collection, 代办): reading and opening those for 50 cases was
 * most of a list page's cost ({@link ApplicationStore#listSummaries}).
 */
public record ApplicationSummary(
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
    String queryCode,
    String submittedBy,
    int version,
    OffsetDateTime submittedAt,
    OffsetDateTime updatedAt,
    Optional<LocalDate> noticeDueDate,
    Optional<OffsetDateTime> acceptedAt,
    Optional<LocalDate> clockStart,
    Optional<LocalDate> dueDate,
    Optional<LocalDate> legalDueDate,
    Optional<OffsetDateTime> suspendedAt,
    JsonArray warnings) {
}
