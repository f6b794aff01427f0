package cn.tongban.gateway;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * REST operations and GraphQL fetchers only translate: no SQL, no role checks of their own (policy lives in
 * core, so every channel answers alike).
 */
class AdapterShapeTest {
  private static final JavaClasses ADAPTERS = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("cn.tongban.gateway.rest", "cn.tongban.gateway.graphql");

  @Test
  void adaptersRunNoSql() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("io.vertx.sqlclient..", "io.vertx.pgclient..")
        .check(ADAPTERS);
  }

  @Test
  void adaptersDecideNoRoles() {
    noClasses().should().callMethod(cn.tongban.core.access.Caller.class, "has", cn.tongban.core.access.Role.class)
        .check(ADAPTERS);
  }
}
