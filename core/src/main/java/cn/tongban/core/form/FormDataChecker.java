package cn.tongban.core.form;

import cn.tongban.core.form.FormVersion;
import cn.tongban.core.plugin.PluginHost;
import cn.tongban.core.problem.Violation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Every check an applicant's data goes through, all collected: the form version's JSON Schema, then the
 * validate hooks of the handlers the form binds. Pointers point into the request ({@code /data/...}).
 */
public final class FormDataChecker {
  private final FormValidator validator;
  private final PluginHost plugins;

  public FormDataChecker(FormValidator validator, PluginHost plugins) {
    this.validator = validator;
    this.plugins = plugins;
  }

  /**
   * What the form's handlers can fill in for this applicant before they type anything: {@code {data,
   * sources}}, sources saying where each field came from ({@link PluginHost#prefillWithSources}).
   */
  public Future<JsonObject> prefill(FormVersion form, JsonObject applicant) {
    return plugins.prefillWithSources(form.matterCode() + "@" + form.version(), form.handlers(),
        PluginHost.view(Optional.empty(), form.matterCode(), form.version(), new JsonObject(), applicant, "DRAFT"));
  }

  public Future<List<Violation>> check(FormVersion form, JsonObject data, JsonObject applicant, Optional<String> number,
      String status, Locale locale) {
    String key = form.matterCode() + "@" + form.version();
    List<Violation> all = new ArrayList<>(validator.validate(key, form.schema(), form.uiSchema(), data, "/data", locale));
    return plugins.validate(key, form.handlers(), PluginHost.view(number, form.matterCode(), form.version(), data,
            applicant, status), "/data", locale)
        .map(fromHandlers -> {
          // A field the schema already refused (e.g. its gb11643 format) is not reported twice.
          java.util.Set<String> refused = new java.util.HashSet<>();
          all.forEach(v -> refused.add(v.pointer()));
          fromHandlers.stream().filter(v -> !refused.contains(v.pointer())).forEach(all::add);
          return List.copyOf(all);
        });
  }
}
