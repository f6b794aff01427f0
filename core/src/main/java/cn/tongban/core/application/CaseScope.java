package cn.tongban.core.application;

import cn.tongban.core.access.Caller;
import cn.tongban.core.access.Role;

import java.util.ArrayList;
import java.util.List;

/**
 * Which cases a caller may see — the policy, as data; {@link ApplicationStore} turns it into SQL. Applicants
 * see their own (by identity number, so cases taken in for them at a window are theirs too) and their
 * enterprises'; department staff their department's, those forwarded to it for acceptance and those it gives
 * an opinion on; window and station staff their hall's; oversight roles everything; everyone what they
 * submitted. A case outside the scope is answered as if it did not exist (404).
 */
public sealed interface CaseScope {
  /** Administrators, supervisors and the hotline: every case. */
  record All() implements CaseScope {
  }

  /** Any one of the ways suffices. */
  record AnyOf(List<Way> ways) implements CaseScope {
  }

  /** One way a caller may see a case. */
  sealed interface Way {
  }

  /** Cases the caller submitted (their scope key: account or client). */
  record SubmittedBy(String scopeKey) implements Way {
  }

  /** Cases whose applicant has the identity number of this account. */
  record ApplicantOf(String accountId) implements Way {
  }

  /** Cases of enterprises this account represents or acts for. */
  record EnterprisesOf(String accountId) implements Way {
  }

  /** Cases of a department's matters. */
  record OfDepartment(String departmentCode) implements Way {
  }

  /** Cases forwarded to a department for acceptance (同城通办). */
  record AcceptedBy(String departmentCode) implements Way {
  }

  /** Cases a department gives an opinion on (parallel approval). */
  record OpinionOf(String departmentCode) implements Way {
  }

  /** Cases taken in at a hall or station. */
  record AtHall(String hallCode) implements Way {
  }

  /** The scope of a caller. */
  static CaseScope of(Caller caller) {
    if (caller.kind() == Caller.Kind.STAFF
        && (caller.has(Role.ADMIN) || caller.has(Role.SUPERVISOR) || caller.has(Role.HOTLINE))) {
      return new All();
    }
    List<Way> ways = new ArrayList<>(List.of(new SubmittedBy(caller.scopeKey())));
    if (caller.kind() == Caller.Kind.CITIZEN) {
      ways.add(new ApplicantOf(caller.subject()));
      ways.add(new EnterprisesOf(caller.subject()));
    } else if (caller.kind() == Caller.Kind.STAFF) {
      if ((caller.has(Role.REVIEWER) || caller.has(Role.APPROVER)) && caller.departmentCode().isPresent()) {
        String dept = caller.departmentCode().get();
        ways.add(new OfDepartment(dept));
        ways.add(new AcceptedBy(dept));
        ways.add(new OpinionOf(dept));
      }
      if ((caller.has(Role.CLERK) || caller.has(Role.AGENT)) && caller.hallCode().isPresent()) {
        ways.add(new AtHall(caller.hallCode().get()));
      }
    }
    return new AnyOf(List.copyOf(ways));
  }
}
