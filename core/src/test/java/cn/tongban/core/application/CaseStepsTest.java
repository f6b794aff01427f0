package cn.tongban.core.application;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CaseStepsTest {
  @Test
  void everyActionOfTheContractHasItsStep() {
    Map<CaseAction, CaseSteps.Step> steps = CaseSteps.all();
    // A new action without a step would fail at the first request; this says which one, at build time.
    assertEquals(EnumSet.allOf(CaseAction.class), EnumSet.copyOf(steps.keySet()));
  }
}
