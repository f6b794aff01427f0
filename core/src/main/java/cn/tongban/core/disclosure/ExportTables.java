package cn.tongban.core.disclosure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The national case tables ({@code up_pro_*}) and the provincial {@code PRE_*} family as SELECTs over our own
 * tables. The column names follow DOMAIN.md §8; the column lists are our reading of those shapes (no national
 * column list is in the repository), documented in docs/supervision.md. Each SELECT takes the period as $1
 * (first instant) and $2 (instant after the last day) and is read through a cursor.
 */
final class ExportTables {
  /**
   * One table: its columns (in file order) and the SELECT that yields them, all as text. {@code applicantAt}
   * is the index in the SELECT's row of the sealed applicant ({@code application.applicant}), which the
   * export opens and writes as two columns (name, identity number or credit code), masked for a caller the
   * masking rules mask; {@code queryCodeAt} the index of the case's query code; -1 where there is none;
   * {@code rowKeyAt} the index of the query code the applicant is sealed for (bound to its row), not written
   * out unless it is {@code queryCodeAt} too.
   */
  record Table(String name, List<String> columns, String select, String countOf, int applicantAt,
      int queryCodeAt, int rowKeyAt) {
  }

  private static final String ACCEPT = """
      a.number, a.matter_code, m.name, m.document ->> 'type', a.department_code, d.name, a.channel,
      a.applicant, coalesce(a.applicant_credit_code, ''), %s, %s, coalesce(a.due_date::text, ''),
      coalesce(a.legal_due_date::text, ''), coalesce(a.hall_code, ''), a.status""";
  private static final String CASES = """
      from application a join matter m on m.code = a.matter_code join department d on d.code = a.department_code
      where a.submitted_at >= $1 and a.submitted_at < $2""";
  private static final String STEPS = """
      from case_step s join application a on a.id = s.application_id
      where s.ended_at >= $1 and s.ended_at < $2""";
  private static final String SPECIAL = " and s.action in ('suspend', 'resume', 'extend', 'request-correction',"
      + " 'resubmit', 'terminate')";
  private static final String RESULTS = """
      from application a join department d on d.code = a.department_code
        left join licence l on l.application_number = a.number
      where a.decided_at >= $1 and a.decided_at < $2""";
  private static final String MATERIALS = """
      from case_material c join application a on a.id = c.application_id
        left join material_file f on f.id = c.material_id left join licence l on l.identifier = c.licence_identifier
      where a.submitted_at >= $1 and a.submitted_at < $2""";

  /**
   * Who handled a step: its recorded name, else the staff member's display name (a public servant acting in
   * office); a citizen's own step (收件 online) names nobody — the applicant columns carry the applicant.
   */
  private static final String HANDLER = """
      coalesce(s.actor_name, (select u.display_name from account u where u.kind = 'STAFF'
        and u.id = (case when s.actor like 'account:%' then substr(s.actor, 9)::uuid end)), '')""";

  static final Map<String, Table> ALL = tables();

  private ExportTables() {
  }

  /** A timestamp as Beijing local time, the way the exchange files carry it. */
  private static String t(String column) {
    return "coalesce(to_char(" + column + " at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'), '')";
  }

  private static Map<String, Table> tables() {
    Map<String, Table> m = new LinkedHashMap<>();
    add(m, "up_pro_accept", List.of("PROJID", "IMPLEMENT_CODE", "TASK_NAME", "TASK_TYPE", "ORG_CODE", "ORG_NAME",
        "APPLY_TYPE", "APPLYER_NAME", "APPLYER_PAPER_CODE", "APPLYER_CREDIT_CODE", "APPLY_DATE", "ACCEPT_DATE", "PROMISE_DATE", "LEGAL_DATE",
        "HALL_CODE", "CURRENT_STATE"),
        "select " + ACCEPT.formatted(t("a.submitted_at"), t("a.accepted_at")) + ", a.query_code " + CASES
            + " order by a.id",
        CASES, 7, -1, 15);
    add(m, "up_pro_process", List.of("PROJID", "NODE_SEQ", "NODE_CODE", "NODE_NAME", "HANDLER_NAME",
        "HANDLE_OPINION", "FROM_STATE", "TO_STATE", "START_TIME", "END_TIME"),
        "select a.number, row_number() over (partition by s.application_id order by s.id)::text, s.action,"
            + " s.step_name, " + HANDLER + ", coalesce(s.opinion, ''), coalesce(s.from_status, ''),"
            + " s.to_status, " + t("s.started_at") + ", " + t("s.ended_at") + " " + STEPS + " order by s.id",
        STEPS);
    add(m, "up_pro_special_procedure", List.of("PROJID", "SPECIAL_TYPE", "SPECIAL_NAME", "SPECIAL_REASON",
        "HANDLER_NAME", "START_TIME", "END_TIME"),
        "select a.number, s.action, s.step_name, coalesce(s.opinion, ''), " + HANDLER + ", "
            + t("s.started_at") + ", " + t("s.ended_at") + " " + STEPS + SPECIAL + " order by s.id",
        STEPS + SPECIAL);
    add(m, "up_pro_result", List.of("PROJID", "RESULT_CODE", "RESULT_NAME", "RESULT_DATE", "ORG_CODE",
        "ORG_NAME", "CERT_NAME", "CERT_NO", "PROMISE_DATE", "IS_OVERDUE"),
        "select a.number, case when a.status in ('APPROVED', 'DELIVERED') then '1' else '0' end,"
            + " case when a.status in ('APPROVED', 'DELIVERED') then '准予' else '不予' end, " + t("a.decided_at")
            + ", a.department_code, d.name, coalesce(l.name, ''), coalesce(l.number, ''),"
            + " coalesce(a.due_date::text, ''), case when a.due_date is not null and"
            + " (a.decided_at at time zone 'Asia/Shanghai')::date > a.due_date then '1' else '0' end "
            + RESULTS + " order by a.decided_at, a.id",
        RESULTS);
    add(m, "up_pro_material", List.of("PROJID", "MATERIAL_CODE", "MATERIAL_SOURCE", "CERT_IDENTIFIER",
        "CERT_NAME", "FILE_NAME", "FILE_TYPE", "FILE_SIZE", "FILE_HASH", "SUBMIT_TIME"),
        "select a.number, c.material_code, c.source, coalesce(c.licence_identifier, ''), coalesce(l.name, ''),"
            + " coalesce(f.file_name, ''), coalesce(f.media_type, ''), coalesce(f.size_bytes::text, ''),"
            + " coalesce(f.sha256, ''), " + t("c.attached_at") + " " + MATERIALS
            + " order by a.id, c.material_code",
        MATERIALS);
    add(m, "pre_apasinfo", List.of("PROJID", "PROJPWD", "SERVICECODE", "SERVICENAME", "DEPTID", "DEPTNAME",
        "APPLYNAME", "APPLY_CARDNUMBER", "APPLYFROM", "HANDLESTATE", "RECEIVETIME", "ACCEPTTIME", "PROMISETIME",
        "FINISHTIME"),
        "select a.number, a.query_code, a.matter_code, m.name, a.department_code, d.name, a.applicant, a.channel,"
            + " a.status, " + t("a.submitted_at") + ", " + t("a.accepted_at") + ", coalesce(a.due_date::text, ''), "
            + t("a.decided_at") + " " + CASES + " order by a.id",
        CASES, 6, 1, 1);
    add(m, "pre_accept", List.of("PROJID", "SERVICECODE", "DEPTID", "ACCEPTTIME", "PROMISETIME", "HANDLESTATE"),
        "select a.number, a.matter_code, a.department_code, " + t("a.accepted_at")
            + ", coalesce(a.due_date::text, ''), a.status " + CASES + " order by a.id",
        CASES);
    add(m, "pre_node", List.of("PROJID", "NODENAME", "NODEACTION", "HANDLERNAME", "OPINION", "NODETIME"),
        "select a.number, s.step_name, s.action, " + HANDLER + ", coalesce(s.opinion, ''), "
            + t("s.ended_at") + " " + STEPS + " order by s.id",
        STEPS);
    add(m, "pre_attr", List.of("PROJID", "ATTRCODE", "ATTRSOURCE", "ATTRNAME", "SUBMITTIME"),
        "select a.number, c.material_code, c.source, coalesce(f.file_name, l.name, ''), " + t("c.attached_at")
            + " " + MATERIALS + " order by a.id, c.material_code",
        MATERIALS);
    add(m, "pre_transact", List.of("PROJID", "TRANSACTRESULT", "TRANSACTTIME", "DEPTID", "CERTNAME", "CERTNO"),
        "select a.number, case when a.status in ('APPROVED', 'DELIVERED') then '准予' else '不予' end, "
            + t("a.decided_at") + ", a.department_code, coalesce(l.name, ''), coalesce(l.number, '') " + RESULTS
            + " order by a.decided_at, a.id",
        RESULTS);
    return m;
  }

  private static void add(Map<String, Table> m, String name, List<String> columns, String select, String from) {
    add(m, name, columns, select, from, -1, -1, -1);
  }

  private static void add(Map<String, Table> m, String name, List<String> columns, String select, String from,
      int applicantAt, int queryCodeAt, int rowKeyAt) {
    m.put(name, new Table(name, columns, select, "select count(*) " + from, applicantAt, queryCodeAt, rowKeyAt));
  }
}
