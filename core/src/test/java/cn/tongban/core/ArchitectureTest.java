package cn.tongban.core;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The shape of core (docs/architecture.md): its domain packages form no cycle, so each can be read and
 * changed from the ones below it; core knows nothing of serving HTTP; the plugin API knows nothing of core.
 */
class ArchitectureTest {
  private static JavaClasses classes;

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
}
