package cn.tongban.core.application;

import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The case-visibility policy as data: who sees which cases, before any SQL. */
class CaseScopeTest {
  private static Caller staff(Set<Role> roles, String dept, String hall) {
    return new Caller(Caller.Kind.STAFF, "u-1", roles, Optional.ofNullable(dept), Optional.ofNullable(hall), Set.of());
  }

  @Test
  void oversightRolesSeeEverything() {
    for (Role r : List.of(Role.ADMIN, Role.SUPERVISOR, Role.HOTLINE)) {
      assertInstanceOf(CaseScope.All.class, CaseScope.of(staff(Set.of(r), null, null)), r.name());
    }
  }

  @Test
  void departmentStaffSeeTheirDepartmentsForwardedAndOpinionCases() {
    Caller reviewer = staff(Set.of(Role.REVIEWER), "mzj", null);
    assertEquals(new CaseScope.AnyOf(List.of(new CaseScope.SubmittedBy(reviewer.scopeKey()),
        new CaseScope.OfDepartment("mzj"), new CaseScope.AcceptedBy("mzj"), new CaseScope.OpinionOf("mzj"))),
        CaseScope.of(reviewer));
  }

  @Test
  void windowsSeeTheirHallAndWhatTheySubmitted() {
    Caller clerk = staff(Set.of(Role.CLERK), null, "xm-city");
    assertEquals(new CaseScope.AnyOf(List.of(new CaseScope.SubmittedBy(clerk.scopeKey()),
        new CaseScope.AtHall("xm-city"))), CaseScope.of(clerk));
    // A window role without a hall sees only what it submitted, never every hall's cases.
    Caller adrift = staff(Set.of(Role.CLERK), null, null);
    assertEquals(new CaseScope.AnyOf(List.of(new CaseScope.SubmittedBy(adrift.scopeKey()))), CaseScope.of(adrift));
  }

  @Test
  void citizensSeeTheirOwnAndTheirEnterprises() {
    Caller citizen = new Caller(Caller.Kind.CITIZEN, "acc-7", Set.of(Role.APPLICANT), Optional.empty(),
        Optional.empty(), Set.of());
    assertEquals(new CaseScope.AnyOf(List.of(new CaseScope.SubmittedBy(citizen.scopeKey()),
        new CaseScope.ApplicantOf("acc-7"), new CaseScope.EnterprisesOf("acc-7"))), CaseScope.of(citizen));
  }
}
