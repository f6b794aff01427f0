package cn.tongban.core.demo;

import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import cn.tongban.core.identity.EnterpriseService;
import cn.tongban.core.intermediary.IntermediaryService;
import cn.tongban.plugin.CreditCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * 中介超市 demo data, when there is no intermediary yet: seven organisations for the catalogue's services (one
 * with an expired qualification, one blacklisted by the supervisor with the reason on record), and the demo
 * citizen's enterprise 新密示例建设有限公司 selecting, contracting and evaluating two of them, all through the
 * service's own rules, so the listing shows real scores.
 */
public final class IntermediaryDemo {
  /** The demo citizen's construction enterprise (the project owner). */
  public static final String OWNER = CreditCode.withCheck("91410183MA4000001");
  private static final Logger LOG = Logger.getLogger(IntermediaryDemo.class.getName());
  private static final Locale ZH = Locale.SIMPLIFIED_CHINESE;

  private IntermediaryDemo() {
  }

  public static Future<Void> seed(Pool pool, IntermediaryService intermediaries, EnterpriseService enterprises,
      LocalDate today) {
    return pool.query("""
            select (select count(*) from intermediary),
              (select id::text from account where username = 'admin'),
              (select id::text from account where username = 'supervisor'),
              (select id::text from account where username = 'citizen')""").execute().compose(rows -> {
          var r = rows.iterator().next();
          if (r.getLong(0) > 0 || r.getString(1) == null || r.getString(2) == null || r.getString(3) == null) {
            return Future.succeededFuture();
          }
          Caller admin = staff(r.getString(1), Role.ADMIN);
          Caller supervisor = staff(r.getString(2), Role.SUPERVISOR);
          Caller citizen = new Caller(Caller.Kind.CITIZEN, r.getString(3), Set.of(Role.APPLICANT), Optional.empty(),
              Optional.empty(), Set.of());
          String[] ids = new String[8];
          Future<Void> chain = Future.succeededFuture();
          Object[][] orgs = {
              {"郑州华建工程设计有限公司", "工程设计资质证书", "甲级", 730, new String[] {"建设工程设计方案编制", "建筑日照分析"}},
              {"河南中原施工图审查中心有限公司", "施工图审查机构认定书", "一类", 365, new String[] {"施工图设计文件审查"}},
              {"新密市嵩山测绘有限公司", "测绘资质证书", "乙级", 1095, new String[] {"建设项目勘测定界", "建筑日照分析"}},
              {"郑州正信工程监理有限公司", "工程监理资质证书", "甲级", 600, new String[] {"建设工程监理"}},
              {"新密市安居房屋安全鉴定所", "房屋安全鉴定机构备案证明", null, -30, new String[] {"农村住房安全性鉴定"}},
              {"河南宏图规划设计有限公司", "工程设计资质证书", "乙级", 500,
                  new String[] {"建设工程设计方案编制", "施工图设计文件审查"}},
              {"郑州建研施工图审查有限公司", "施工图审查机构认定书", "二类", 420, new String[] {"施工图设计文件审查"}},
          };
          for (int i = 0; i < orgs.length; i++) {
            Object[] o = orgs[i];
            int n = i + 1;
            JsonObject qualification = new JsonObject().put("name", o[1]).put("certificateNo", "豫资-2026-0" + (100 + n))
                .put("issuer", "河南省住房和城乡建设厅").put("validUntil", today.plusDays((Integer) o[3]).toString())
                .put("services", new JsonArray(java.util.List.of((String[]) o[4])));
            if (o[2] != null) {
              qualification.put("level", o[2]);
            }
            JsonObject body = new JsonObject().put("creditCode", CreditCode.withCheck("91410100MA40000" + (10 + n)))
                .put("name", o[0]).put("address", "河南省郑州市").put("qualifications", new JsonArray().add(qualification));
            chain = chain.compose(v -> intermediaries.register(admin, body, ZH)
                .map(created -> {
                  ids[n] = created.getString("id");
                  return null;
                }));
          }
          return chain
              .compose(v -> intermediaries.setBlacklist(supervisor, ids[6], new JsonObject().put("action", "BLACKLIST")
                  .put("reason", "出具的施工图审查意见与实际不符，经核查属实（新密市住建局 2026 年 11 月通报）"), ZH))
              .compose(v -> enterprises.actingFor(citizen, OWNER))
              .compose(acting -> acting.isPresent() ? Future.succeededFuture()
                  : enterprises.register(citizen, OWNER, "新密示例建设有限公司", ZH).mapEmpty())
              .compose(v -> work(intermediaries, citizen, new JsonObject().put("service", "建设项目勘测定界")
                  .put("method", "DRAW").put("seed", 20261206), ids[3], today, 5, "测绘成果规范，提前两天交付"))
              .compose(v -> work(intermediaries, citizen, new JsonObject().put("service", "建设工程设计方案编制")
                  .put("method", "DIRECT").put("intermediaryId", ids[1]), ids[1], today, 2, "方案多次返工，沟通不及时"))
              .<Void>mapEmpty()
              .onSuccess(v -> LOG.info("demo intermediaries registered"));
        })
        // Demo data is a convenience: a failure is logged, the platform starts all the same.
        .recover(e -> {
          LOG.warning("demo intermediaries not registered: " + e);
          return Future.succeededFuture();
        });
  }

  /** One selection of the demo project taken to its end and evaluated by the owner. */
  private static Future<Void> work(IntermediaryService intermediaries, Caller citizen, JsonObject selection,
      String org, LocalDate today, int grade, String comment) {
    return intermediaries.select(citizen, selection.put("projectCode", "2026-410183-47-01-000001")
            .put("ownerCreditCode", OWNER), ZH)
        .compose(s -> intermediaries.actOnSelection(citizen, s.getString("id"), new JsonObject().put("action", "CONTRACT")
            .put("contractNo", "XMJS-2026-" + s.getString("id")).put("amount", "38000")
            .put("promisedOn", today.toString()), ZH))
        .compose(s -> intermediaries.actOnSelection(citizen, s.getString("id"), new JsonObject().put("action", "COMPLETE")
            .put("result", "已交付成果文件"), ZH))
        .compose(s -> intermediaries.evaluate(citizen, org, new JsonObject().put("selectionId", s.getString("id"))
            .put("grade", grade).put("comment", comment), ZH))
        .mapEmpty();
  }

  private static Caller staff(String id, Role role) {
    return new Caller(Caller.Kind.STAFF, id, Set.of(role), Optional.empty(), Optional.empty(), Set.of());
  }
}
