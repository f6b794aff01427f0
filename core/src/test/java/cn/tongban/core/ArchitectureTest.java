package cn.tongban.core;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The shape of core (docs/architecture.md): its domain packages form no cycle, so each can be read and
 * changed from the ones below it; core knows nothing of serving HTTP; the plugin API knows nothing of core;
 * SQL runs in an aggregate's store (a class named {@code *Store}) and nowhere else but the allow-list below.
 */
class ArchitectureTest {
  private static JavaClasses classes;

  /**
   * Classes outside a {@code *Store} that may run SQL, each for a reason (docs/architecture.md, "Where SQL
   * lives"): the one writers of audit and outbox rows every transaction uses, and the audit chain; plumbing
   * that runs statements others hand it (group commit, the health probe); privacy's key table and the rewrap,
   * which runs the statements each store declares in its {@code SealedTable}; the streamed exports, whose
   * statements are {@code ExportTables}'; and the demo data seeded at boot in demo mode.
   */
  static final Set<String> RUNS_SQL_OUTSIDE_A_STORE = Set.of(
      "cn.tongban.core.audit.AuditLog",
      "cn.tongban.core.audit.AuditChain",
      "cn.tongban.core.event.Outbox",
      "cn.tongban.core.infra.GroupCommit",
      "cn.tongban.core.infra.Database",
      "cn.tongban.core.infra.Notices",
      "cn.tongban.core.infra.IdempotencyKeys",
      "cn.tongban.core.privacy.DataKeys",
      "cn.tongban.core.privacy.DataKeyRotation",
      "cn.tongban.core.privacy.Rewrap",
      "cn.tongban.core.disclosure.ExportService",
      "cn.tongban.core.demo.DemoSeeder",
      "cn.tongban.core.demo.IntermediaryDemo");

  @BeforeAll
  static void load() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("cn.tongban.core", "cn.tongban.plugin");
  }

  @Test
  void corePackagesFormNoCycle() {
    slices().matching("cn.tongban.core.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void coreKnowsNothingOfServingHttpOrTheGateway() {
    noClasses().that().resideInAPackage("cn.tongban.core..")
        .should().dependOnClassesThat().resideInAnyPackage("cn.tongban.gateway..", "io.vertx.ext.web..")
        .check(classes);
  }

  @Test
  void thePluginApiKnowsNothingOfCore() {
    noClasses().that().resideInAPackage("cn.tongban.plugin..")
        .should().dependOnClassesThat().resideInAPackage("cn.tongban.core..")
        .check(classes);
  }

  /** SQL runs in a store, or in a class of the allow-list. */
  static final ArchRule ONLY_STORES_RUN_SQL = noClasses()
      .that(DescribedPredicate.not(DescribedPredicate.describe("a *Store or on the allow-list", (JavaClass c) -> {
        // A class nested in a store (or a store nested in another class) counts as a store.
        String[] nesting = c.getName().split("\\$");
        return java.util.Arrays.stream(nesting).anyMatch(n -> n.endsWith("Store"))
            || RUNS_SQL_OUTSIDE_A_STORE.contains(nesting[0]);
      })))
      .and().resideInAPackage("cn.tongban.core..")
      .should().callMethodWhere(DescribedPredicate.describe("query, preparedQuery or prepare on a SQL client",
          (JavaMethodCall call) -> Set.of("query", "preparedQuery", "prepare").contains(call.getTarget().getName())
              && call.getTarget().getOwner().isAssignableTo(SqlClient.class)))
      .because("an aggregate's SQL lives in its store (docs/architecture.md)");

  @Test
  void onlyStoresRunSql() {
    ONLY_STORES_RUN_SQL.check(classes);
  }

  /** The rule sees a statement run outside a store, in a lambda as well (so it is not vacuous). */
  @Test
  void theSqlRuleCatchesAStatementOutsideAStore() {
    JavaClasses stray = new ClassFileImporter().importClasses(StraySql.class, StraySqlStore.class);
    AssertionError refused = assertThrows(AssertionError.class, () -> ONLY_STORES_RUN_SQL.check(stray));
    assertTrue(refused.getMessage().contains("ArchitectureTest$StraySql."), refused.getMessage());
    assertFalse(refused.getMessage().contains("StraySqlStore"), refused.getMessage());
  }

  /** A class that runs SQL though it is no store. */
  static final class StraySql {
    Future<Integer> count(Pool pool) {
      return Future.succeededFuture().compose(v -> pool.query("select 1").execute()).map(RowSet::size);
    }
  }

  /** A store, which may. */
  static final class StraySqlStore {
    Future<Integer> count(Pool pool) {
      return pool.preparedQuery("select 1").execute().map(RowSet::size);
    }
  }
}
