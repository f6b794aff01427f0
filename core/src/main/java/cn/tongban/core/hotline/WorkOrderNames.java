package cn.tongban.core.hotline;

import java.util.Map;

/** Work-order types and statuses with their Chinese names (DOMAIN.md §9). */
final class WorkOrderNames {
  static final Map<String, String> TYPES = Map.of("CONSULTATION", "咨询", "HELP", "求助", "COMPLAINT", "投诉",
      "REPORT", "举报", "SUGGESTION", "建议", "PRAISE", "表扬");
  static final Map<String, String> STATUSES = Map.of("ACCEPTED", "已受理", "DISPATCHED", "已派单", "SIGNED", "办理中",
      "RETURNED", "已退单", "REPLIED", "已答复", "CLOSED", "已办结");

  private WorkOrderNames() {
  }
}
