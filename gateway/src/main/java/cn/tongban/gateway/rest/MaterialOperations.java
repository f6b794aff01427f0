package cn.tongban.gateway.rest;

import cn.tongban.core.material.MaterialService;
import cn.tongban.core.problem.DomainException;
import cn.tongban.core.problem.ProblemCode;
import cn.tongban.core.problem.Violation;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Optional;

/** 材料: uploads (multipart, field {@code file}), the caller's reusable materials, reading one, a case's materials. */
public final class MaterialOperations {
  private final MaterialService materials;

  public MaterialOperations(MaterialService materials) {
    this.materials = materials;
  }

  /** Multipart upload: {@code file}, {@code kind} (the material code) and, for staff, the applicant's {@code idNumber}. */
  public void uploadMaterial(RoutingContext rc) {
    var caller = RequestContext.requireCaller(rc);
    var locale = RequestContext.locale(rc);
    FileUpload file = rc.fileUploads().stream().filter(f -> "file".equals(f.name())).findFirst().orElse(null);
    if (file == null) {
      rc.fail(DomainException.withViolations(ProblemCode.VALIDATION_FAILED, "material.invalid",
          List.of(new Violation("/file", "required", cn.tongban.core.problem.Messages.get(locale,
              "material.noFile"))), 1));
      return;
    }
    if (file.size() > materials.limitBytes()) {
      rc.fail(new DomainException(ProblemCode.PAYLOAD_TOO_LARGE, "material.tooLarge",
          MaterialService.humanSize(materials.limitBytes())));
      return;
    }
    Future<byte[]> bytes = rc.vertx().fileSystem().readFile(file.uploadedFileName()).map(b -> b.getBytes());
    Rest.reply(rc, bytes.compose(content -> materials.upload(caller, new MaterialService.Upload(content,
        file.fileName(), rc.request().getFormAttribute("kind"),
        Optional.ofNullable(rc.request().getFormAttribute("idNumber"))), locale)), 201);
  }

  void listMyMaterials(RoutingContext rc) {
    Rest.replyArray(rc, materials.mine(RequestContext.requireCaller(rc), Rest.query(rc, "kind")));
  }

  void getMaterial(RoutingContext rc) {
    Rest.reply(rc, materials.get(RequestContext.requireCaller(rc), Rest.path(rc, "id")), 200);
  }

  void getMaterialContent(RoutingContext rc) {
    materials.content(RequestContext.requireCaller(rc), Rest.path(rc, "id")).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
        return;
      }
      var c = ar.result();
      rc.response().putHeader("Content-Type", c.mediaType()).putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Content-Disposition", "attachment; filename*=UTF-8''"
              + java.net.URLEncoder.encode(c.fileName(), java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"))
          .end(c.bytes());
    });
  }

  void listCaseMaterials(RoutingContext rc) {
    Rest.send(rc, materials.ofCase(RequestContext.requireCaller(rc), Rest.path(rc, "number"))
        .map(JsonArray::toBuffer), "application/json");
  }
}
