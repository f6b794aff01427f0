package cn.tongban.core.application;

import java.util.Optional;

/** Filters of a case list. */
public record ApplicationQuery(Optional<ApplicationStatus> status, Optional<String> matterCode) {
}
