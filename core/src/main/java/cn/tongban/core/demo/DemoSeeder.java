package cn.tongban.core.demo;

import cn.tongban.core.privacy.PersonalData;
import cn.tongban.core.sharing.SharedDataStore;
import cn.tongban.core.access.Channel;
import cn.tongban.core.identity.Account;
import cn.tongban.core.identity.ApiClient;
import cn.tongban.core.oidc.OidcClient;
import cn.tongban.core.oidc.OidcStore;
import cn.tongban.core.access.Caller;
import cn.tongban.core.identity.IdentityStore;
import cn.tongban.core.identity.OrganisationStore;
import cn.tongban.core.identity.PasswordHasher;
import cn.tongban.core.access.Role;
import cn.tongban.core.licence.LicenceService;
import cn.tongban.core.licence.LicenceTypes;
import cn.tongban.core.hall.QueueService;
import cn.tongban.core.identity.EnterpriseService;
import cn.tongban.core.project.ProjectService;
import cn.tongban.core.rating.RatingService;
import cn.tongban.core.application.ActionCommand;
import cn.tongban.core.application.ApplicationService;
import cn.tongban.core.application.DeadlineScanner;
import cn.tongban.core.application.LifecycleService;
import cn.tongban.core.application.SubmitCommand;
import cn.tongban.core.disclosure.PenaltyService;
import cn.tongban.core.matter.MatterService;
import io.vertx.core.json.JsonArray;
import java.util.Locale;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Demo mode: the accounts of the public contract (password {@code tongban-demo}) and the demo portal client;
 * their halls ({@code xm-city}, {@code xm-chaohua}, {@code xm-chaohua-v01}) are part of the service network
 * every installation gets (migration V30). Seeds only what is missing, so a restart changes nothing.
 */
public final class DemoSeeder {
  /** The public OpenID Connect client of demo mode (redirect http://127.0.0.1/callback, any port). */
  public static final String DEMO_OIDC_CLIENT = "demo-portal";

  /** The password of every demo account and of the demo client. */
  public static final String PASSWORD = "tongban-demo";
  private static final Logger LOG = Logger.getLogger(DemoSeeder.class.getName());
  /**
   * Demo 统一社会信用代码 of the bundled departments: well-formed (机关 11, area 410183, organisation codes
   * 99000001… with their GB 11714 check, GB 32100 check character) but not the departments' real codes, so
   * they are stored marked as demo (credit_code_demo) and an administrator replaces them with the real ones.
   */
  public static final Map<String, String> DEMO_CREDIT_CODES = Map.of(
      "cjl", "11410183990000017N", "fgw", "11410183990000025H", "gaj", "11410183990000033C",
      "mzj", "114101839900000417", "rsj", "1141018399000005XY", "wjw", "11410183990000068Y",
      "ybj", "11410183990000076R", "zjj", "11410183990000084L", "zrghj", "11410183990000092F");
  private final Vertx vertx;
  private final Pool pool;
  private final IdentityStore store;
  private final PersonalData personal;

  public DemoSeeder(Vertx vertx, Pool pool, PersonalData personal) {
    this.vertx = vertx;
    this.pool = pool;
    this.store = new IdentityStore(pool, personal);
    this.personal = personal;
  }

  /**
   * The demo citizen's licences other issuers share with the library (公安's 居民身份证 and 居民户口簿), so
   * matters that need them are satisfied without upload (免提交). Only when the citizen has none yet.
   */
  public static Future<Void> seedLicences(Pool pool, LicenceService licences, LocalDate today) {
    String holder = "11010519491231002X";
    return pool.preparedQuery("select count(*) from licence where holder_index = $1")
        .execute(Tuple.of(licences.personal().index(PersonalData.Kind.ID, holder)))
        .compose(rows -> rows.iterator().next().getLong(0) > 0 ? Future.succeededFuture()
            : pool.withTransaction(tx -> {
              String issuer = "新密市公安局";
              String issuerCode = DEMO_CREDIT_CODES.get("gaj");
              LocalDate from = today.minusYears(5);
              return licences.issue(tx, new LicenceService.IssueRequest(LicenceTypes.byName("居民身份证").orElseThrow(),
                      "中华人民共和国居民身份证", "张三", holder, "111", issuer, issuerCode, Optional.empty(), from,
                      Optional.of(from.plusYears(20).minusDays(1)), new JsonObject().put("sex", "女").put("ethnicity", "汉")
                          .put("birthDate", "1949-12-31").put("address", "河南省新密市青屏街街道西大街1号"),
                      Optional.empty()), "system:demo")
                  .compose(v -> licences.issue(tx, new LicenceService.IssueRequest(
                      LicenceTypes.byName("居民户口簿").orElseThrow(), "居民户口簿", "张三", holder, "111", issuer,
                      issuerCode, Optional.empty(), from, Optional.empty(), new JsonObject()
                          .put("householdType", "家庭户").put("householdAddress", "河南省新密市青屏街街道西大街1号")
                          .put("relationship", "户主"), Optional.empty()), "system:demo"))
                  .<Void>mapEmpty();
            }))
        .onSuccess(v -> LOG.info("demo licences ready"));
  }

  /**
   * 好差评 demo data, when there is no rating yet: four walk-ins for the 残疾人证 matter served at the city hall's
   * window w01 today and rated on the pad — three good, one bad review (态度不好) the clerk has verified and
   * is rectifying — through the queue's and the ratings' own rules, as the clerk would do it.
   */
  public static Future<Void> seedRatings(Pool pool, QueueService queue, RatingService ratings) {
    String hall = "xm-city";
    return pool.query("select (select count(*) from rating), (select id::text from account where username = 'clerk')")
        .execute().compose(rows -> {
          var r = rows.iterator().next();
          if (r.getLong(0) > 0 || r.getString(1) == null) {
            return Future.succeededFuture();
          }
          Caller clerk = new Caller(Caller.Kind.STAFF, r.getString(1), Set.of(Role.CLERK), Optional.empty(),
              Optional.of(hall), Set.of());
          Locale zh = Locale.SIMPLIFIED_CHINESE;
          Future<Void> chain = Future.succeededFuture();
          for (int grade : new int[] {5, 4, 5, 2}) {
            chain = chain.compose(v -> queue.take(clerk, hall, new JsonObject()
                    .put("matterCode", "cjl-disability-certificate"), zh)
                .compose(t -> queue.callNext(clerk, hall, new JsonObject().put("windowCode", "w01"), zh))
                .map(called -> called.getJsonObject("ticket"))
                .compose(t -> queue.finish(clerk, hall, t.getString("number"), new JsonObject().put("outcome", "SERVED"),
                    zh))
                .compose(t -> ratings.rateVisit(clerk, hall, t.getString("day"), t.getString("number"),
                    grade > 2 ? new JsonObject().put("grade", grade)
                        : new JsonObject().put("grade", grade).put("reasons", new JsonArray().add("态度不好"))
                            .put("comment", "等候时间长，窗口人员解释不耐心"), zh))
                .compose(rated -> grade > 2 ? Future.succeededFuture()
                    : ratings.act(clerk, rated.getString("id"), new JsonObject().put("action", "verify")
                        .put("finding", "情况属实：午间高峰仅开一个窗口，解释不够耐心").put("rectifyDays", 10), zh))
                .mapEmpty());
          }
          return chain.onSuccess(v -> LOG.info("demo ratings recorded"));
        })
        // Demo data is a convenience: a failure is logged, the platform starts all the same.
        .recover(e -> {
          LOG.warning("demo ratings not recorded: " + e);
          return Future.succeededFuture();
        });
  }

  /** The demo enterprise (its legal representative: the demo citizen) and its construction project. */
  public static final String DEMO_ENTERPRISE = "91410183MA9JXM1K20";
  public static final String DEMO_PROJECT = "2026-410183-70-01-000001";

  /**
   * 工程建设项目 demo data, when the demo project is not there yet: the demo citizen's enterprise, its key
   * project registered through the projects' own rules, and the tracking officer {@code tracker} named by the
   * supervisor. No stage is applied for: the enterprise does that in the demo.
   */
  public static Future<Void> seedProject(Pool pool, EnterpriseService enterprises, ProjectService projects) {
    Locale zh = Locale.SIMPLIFIED_CHINESE;
    return pool.query("select (select count(*) from project where code = '" + DEMO_PROJECT + "'),"
        + " (select id::text from account where username = 'citizen'),"
        + " (select id::text from account where username = 'supervisor')").execute().compose(rows -> {
          var r = rows.iterator().next();
          if (r.getLong(0) > 0 || r.getString(1) == null || r.getString(2) == null) {
            return Future.<Void>succeededFuture();
          }
          Caller citizen = new Caller(Caller.Kind.CITIZEN, r.getString(1), Set.of(Role.APPLICANT), Optional.empty(),
              Optional.empty(), Set.of());
          Caller supervisor = new Caller(Caller.Kind.STAFF, r.getString(2), Set.of(Role.SUPERVISOR), Optional.empty(),
              Optional.empty(), Set.of());
          return enterprises.actingFor(citizen, DEMO_ENTERPRISE).compose(e -> e.isPresent() ? Future.succeededFuture()
                  : enterprises.register(citizen, DEMO_ENTERPRISE, "新密市示例置业有限公司", zh).mapEmpty())
              .compose(v -> projects.register(citizen, new JsonObject().put("code", DEMO_PROJECT)
                  .put("name", "新密市示例安置小区建设项目").put("type", "HOUSING").put("investment", 28000)
                  .put("township", "青屏街街道").put("site", "新密市青屏街街道示例路北侧、示例街西侧")
                  .put("keyProject", true).put("creditCode", DEMO_ENTERPRISE), Optional.empty(), zh))
              .compose(v -> projects.assignOfficer(supervisor, DEMO_PROJECT, new JsonObject().put("username", "tracker"),
                  zh))
              .<Void>mapEmpty().onSuccess(v -> LOG.info("demo project registered"));
        })
        // Demo data is a convenience: a failure is logged, the platform starts all the same.
        .recover(e -> {
          LOG.warning("demo project not registered: " + e);
          return Future.succeededFuture();
        });
  }

  /**
   * 电子监察 and 双公示 demo data, when no penalty is recorded yet: three decisions of 住建局 (a person's fine,
   * an enterprise's fine, an enforcement measure), recorded through the penalty rules as reviewer.zjj would,
   * so the department's page and the public listing show them; and one 老年人优待证 case of the demo citizen,
   * accepted at the city hall, whose clock has run out — its dates are moved three weeks back, the one thing
   * done beside the rules — so the deadline pass gives it a red card and opens its accountability (问责) for
   * reviewer.mzj to explain and the supervisor to close.
   */
  public static Future<Void> seedSupervision(Pool pool, MatterService matters, ApplicationService applications,
      LifecycleService lifecycle, DeadlineScanner deadlines, PenaltyService penalties, LocalDate today) {
    return pool.query("""
            select (select count(*) from penalty),
                   (select id::text from account where username = 'reviewer.zjj'),
                   (select id::text from account where username = 'citizen'),
                   (select id::text from account where username = 'clerk')""")
        .execute().compose(rows -> {
          var r = rows.iterator().next();
          if (r.getLong(0) > 0 || r.getString(1) == null || r.getString(2) == null || r.getString(3) == null) {
            return Future.succeededFuture();
          }
          Locale zh = Locale.SIMPLIFIED_CHINESE;
          Caller zjj = new Caller(Caller.Kind.STAFF, r.getString(1), Set.of(Role.REVIEWER), Optional.of("zjj"),
              Optional.empty(), Set.of());
          Caller citizen = new Caller(Caller.Kind.CITIZEN, r.getString(2), Set.of(Role.APPLICANT), Optional.empty(),
              Optional.empty(), Set.of());
          Caller clerk = new Caller(Caller.Kind.STAFF, r.getString(3), Set.of(Role.CLERK), Optional.empty(),
              Optional.of("xm-city"), Set.of());
          String year = String.valueOf(today.getYear());
          List<JsonObject> decisions = List.of(
              new JsonObject().put("decisionNumber", "新建罚决字〔" + year + "〕3号").put("partyKind", "PERSON")
                  .put("partyName", "李建国").put("partyCode", "41018319780512003X")
                  .put("facts", "未取得施工许可证擅自施工（自建房加层）")
                  .put("legalBasis", "《建筑工程施工许可管理办法》第十二条").put("penaltyType", "罚款")
                  .put("amount", "8000.00").put("decisionDate", today.minusDays(6).toString()),
              new JsonObject().put("decisionNumber", "新建罚决字〔" + year + "〕4号").put("partyKind", "ORGANISATION")
                  .put("partyName", "新密市恒达建筑工程有限公司").put("partyCode", "91410183MA44TD0X1D")
                  .put("facts", "施工现场未采取扬尘污染防治措施")
                  .put("legalBasis", "《中华人民共和国大气污染防治法》第一百一十五条").put("penaltyType", "罚款")
                  .put("amount", "20000.00").put("decisionDate", today.minusDays(4).toString()),
              new JsonObject().put("decisionNumber", "新建强决字〔" + year + "〕1号").put("kind", "ENFORCEMENT")
                  .put("partyKind", "ORGANISATION").put("partyName", "新密市恒达建筑工程有限公司")
                  .put("partyCode", "91410183MA44TD0X1D").put("facts", "拒不停止违法施工")
                  .put("legalBasis", "《中华人民共和国行政强制法》第二十二条").put("penaltyType", "查封场所、设施或者财物")
                  .put("decisionDate", today.minusDays(2).toString()));
          Future<Void> chain = Future.succeededFuture();
          for (JsonObject d : decisions) {
            chain = chain.compose(v -> penalties.record(zjj, d, zh).mapEmpty());
          }
          String matter = "mzj-elderly-preferential-card";
          return chain
              .compose(v -> matters.get(matter))
              .compose(detail -> applications.submit(citizen, new SubmitCommand(matter,
                  detail.form().orElseThrow().schema().getJsonArray("examples").getJsonObject(0).copy(),
                  Channel.WEB, Optional.empty(), Optional.empty(), Optional.empty(), new JsonArray()), zh))
              .map(s -> s.application().number())
              .compose(number -> lifecycle.act(clerk, number, new ActionCommand("accept", Optional.empty(),
                  Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                  new JsonObject().put("action", "accept")), zh).map(number))
              .compose(number -> pool.withTransaction(tx -> tx.preparedQuery("""
                      update case_step set started_at = started_at - interval '21 days',
                        ended_at = ended_at - interval '21 days'
                      where application_id = (select id from application where number = $1)""")
                  .execute(Tuple.of(number))
                  .compose(x -> tx.preparedQuery("""
                      update application set submitted_at = submitted_at - interval '21 days',
                        accepted_at = accepted_at - interval '21 days', due_date = due_date - 21,
                        legal_due_date = legal_due_date - 21
                      where number = $1""").execute(Tuple.of(number)))))
              .compose(x -> deadlines.scan())
              .onSuccess(x -> LOG.info("demo penalties and a red-carded case recorded"))
              .<Void>mapEmpty();
        })
        // Demo data is a convenience: a failure is logged, the platform starts all the same.
        .recover(e -> {
          LOG.warning("demo supervision data not recorded: " + e);
          return Future.succeededFuture();
        });
  }

  /** Seeds the demo accounts and client that are not there yet. */
  public Future<Void> seed() {
    return pool.query("select code from department order by code").execute()
        .compose(rows -> {
          List<String> departments = new ArrayList<>();
          rows.forEach(r -> departments.add(r.getString(0)));
          List<Account> wanted = accounts(departments);
          return store.existingUsernames(wanted.stream().map(Account::username).toArray(String[]::new))
              .compose(existing -> {
                List<Account> missing = wanted.stream().filter(a -> !existing.contains(a.username())).toList();
                // Hashing is deliberately slow: a worker thread does it.
                return vertx.executeBlocking(() -> hashAll(missing));
              });
        })
        .compose(missing -> pool.withTransaction(tx -> {
          Future<Void> chain = Future.succeededFuture();
          for (Account a : missing) {
            chain = chain.compose(v -> store.insertAccountIfAbsent(tx, a).mapEmpty());
          }
          chain = chain.compose(v -> new OrganisationStore(pool, personal).markDemoCreditCodes(tx, DEMO_CREDIT_CODES));
          // What the 公安 population registry holds on the demo citizen, as if imported (数据共享).
          chain = chain.compose(v -> new SharedDataStore(pool, personal).put(tx, "gongan-population", "11010519491231002X",
              new io.vertx.core.json.JsonObject().put("name", "张三").put("householdTownship", "超化镇")
                  .put("householdVillage", "超化村").put("address", "新密市超化镇超化村三组12号")));
          // What 市场监管's enterprise registration holds on the demo enterprises: 张三 is their legal
          // representative, so his claims to them are verified at once (issue 31 item 6) — the technology
          // company, the construction-project owner and the 中介超市's project owner.
          for (String[] e : new String[][] {{"91440300708461136T", "新密示例科技有限公司"},
              {DEMO_ENTERPRISE, "新密市示例置业有限公司"}, {IntermediaryDemo.OWNER, "新密示例建设有限公司"}}) {
            chain = chain.compose(v -> new SharedDataStore(pool, personal).put(tx, "scjg-enterprise", e[0],
                new io.vertx.core.json.JsonObject().put("name", e[1]).put("legalRepresentativeName", "张三")
                    .put("legalRepresentativeIdNumber", "11010519491231002X")));
          }
          return chain.compose(v -> store.findClient("portal-demo").compose(c -> c.isPresent()
              ? Future.succeededFuture()
              : vertx.executeBlocking(() -> PasswordHasher.hash(PASSWORD))
                  .compose(h -> store.insertClientIfAbsent(tx, new ApiClient("portal-demo", h, "演示门户",
                      Set.of(Channel.WEB, Channel.MINI_PROGRAM, Channel.KIOSK),
                      Set.of(ApiClient.TOKEN_EXCHANGE), false)).mapEmpty())))
              // The public OpenID Connect client a developer tries the code flow with (docs/oidc.md).
              .compose(v -> new OidcStore(tx).findClient(DEMO_OIDC_CLIENT).compose(c -> c.isPresent()
                  ? Future.<Void>succeededFuture()
                  : new OidcStore(tx).putClient(new OidcClient(DEMO_OIDC_CLIENT, "演示门户（单点登录）", true,
                      List.of("http://127.0.0.1/callback"), Set.of("openid", "profile", "applications"),
                      Set.of(Channel.WEB.name(), Channel.MINI_PROGRAM.name()), false, false), null)))
              .map(v -> missing.size());
        }))
        .onSuccess(n -> LOG.info(() -> "demo mode: " + n + " demo accounts created (password " + PASSWORD + ")"))
        .mapEmpty();
  }

  private static List<Account> hashAll(List<Account> accounts) {
    String hash = accounts.isEmpty() ? null : PasswordHasher.hash(PASSWORD);
    // One hash serves every demo account: they share one published password, and each is salted anyway.
    return accounts.stream().map(a -> new Account(a.id(), a.username(), hash, a.kind(), a.displayName(),
        a.roles(), a.departmentCode(), a.hallCode(), a.idNumber(), a.phone(), false, a.realNameLevel(), 0)).toList();
  }

  private static List<Account> accounts(List<String> departments) {
    List<Account> out = new ArrayList<>(List.of(
        staff("admin", "系统管理员", Set.of(Role.ADMIN), null, null),
        staff("author", "表单设计员", Set.of(Role.FORM_AUTHOR), null, null),
        staff("clerk", "市政务服务中心综合窗口", Set.of(Role.CLERK), null, "xm-city"),
        staff("clerk.town", "超化镇便民服务中心窗口", Set.of(Role.CLERK), null, "xm-chaohua"),
        staff("agent.village", "超化村代办员", Set.of(Role.AGENT), null, "xm-chaohua-v01"),
        staff("hotline", "12345 热线坐席", Set.of(Role.HOTLINE), null, null),
        staff("supervisor", "电子监察员", Set.of(Role.SUPERVISOR), null, null),
        // 跟踪跟办: the key projects' tracking officer, at 发改委 (重点项目办); named on the demo project.
        staff("tracker", "重点项目跟踪跟办专员", Set.of(Role.REVIEWER, Role.PROJECT_OFFICER), "fgw", null),
        // The demo citizen was verified in person at a window: real-name level L3.
        new Account(null, "citizen", null, Caller.Kind.CITIZEN, "张三", Set.of(Role.APPLICANT), Optional.empty(),
            Optional.empty(), Optional.of("11010519491231002X"), Optional.of("13800138000"), false, 3, 0)));
    for (String dept : departments) {
      out.add(staff("reviewer." + dept, dept + " 审核人", Set.of(Role.REVIEWER), dept, null));
      out.add(staff("approver." + dept, dept + " 审批人", Set.of(Role.APPROVER), dept, null));
    }
    return out;
  }

  private static Account staff(String username, String name, Set<Role> roles, String dept, String hall) {
    return new Account(null, username, null, Caller.Kind.STAFF, name, roles, Optional.ofNullable(dept),
        Optional.ofNullable(hall), Optional.empty(), Optional.empty(), false, 1, 0);
  }
}
