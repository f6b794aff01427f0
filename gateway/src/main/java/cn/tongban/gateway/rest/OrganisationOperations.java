package cn.tongban.gateway.rest;

import cn.tongban.core.identity.OrganisationService;
import cn.tongban.core.access.Role;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Optional;
import java.util.stream.Collectors;

/** The organisation over REST: staff accounts, departments and the tree of halls. */
final class OrganisationOperations {
  private final OrganisationService organisation;

  OrganisationOperations(OrganisationService organisation) {
    this.organisation = organisation;
  }

  void getMe(RoutingContext rc) {
    Rest.reply(rc, organisation.profile(RequestContext.requireCaller(rc)).map(p -> p.toJson()), 200);
  }

  void createStaffAccount(RoutingContext rc) {
    JsonObject b = Rest.body(rc);
    var staff = new OrganisationService.NewStaff(b.getString("username"), b.getString("displayName"),
        b.getString("password"), b.getJsonArray("roles").stream().map(r -> Role.valueOf((String) r))
        .collect(Collectors.toSet()), Optional.ofNullable(b.getString("departmentCode")),
        Optional.ofNullable(b.getString("hallCode")));
    Rest.reply(rc, organisation.createStaff(RequestContext.requireCaller(rc), staff, RequestContext.locale(rc))
        .map(a -> {
          JsonObject json = new JsonObject().put("id", a.id()).put("username", a.username())
              .put("displayName", a.displayName())
              .put("roles", new JsonArray(a.roles().stream().map(Enum::name).sorted().toList()));
          a.departmentCode().ifPresent(d -> json.put("departmentCode", d));
          a.hallCode().ifPresent(h -> json.put("hallCode", h));
          return json;
        }), 201);
  }

  void setAccountDisabled(RoutingContext rc) {
    organisation.setDisabled(RequestContext.requireCaller(rc), Rest.path(rc, "username"),
        Rest.body(rc).getBoolean("disabled")).onComplete(ar -> {
          if (ar.failed()) {
            rc.fail(ar.cause());
          } else {
            rc.response().setStatusCode(204).end();
          }
        });
  }

  void putDepartment(RoutingContext rc) {
    JsonObject b = Rest.body(rc);
    Rest.reply(rc, organisation.putDepartment(RequestContext.requireCaller(rc), Rest.path(rc, "code"),
        b.getString("name"), Optional.ofNullable(b.getString("creditCode")), RequestContext.locale(rc)), 200);
  }

  void listDepartments(RoutingContext rc) {
    organisation.departments().onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
      } else {
        rc.response().putHeader("Content-Type", "application/json").end(ar.result().encode());
      }
    });
  }

  void putHall(RoutingContext rc) {
    JsonObject b = Rest.body(rc);
    Rest.reply(rc, organisation.putHall(RequestContext.requireCaller(rc), Rest.path(rc, "code"), b.getString("name"),
        b.getString("level"), b.getString("parentCode"), RequestContext.locale(rc)), 200);
  }

  void putWindow(RoutingContext rc) {
    JsonObject b = Rest.body(rc);
    Rest.reply(rc, organisation.putWindow(RequestContext.requireCaller(rc), Rest.path(rc, "code"),
        Rest.path(rc, "window"), b.getString("name"), b.getString("kind"), b.getString("departmentCode"),
        RequestContext.locale(rc)), 200);
  }

  void listHalls(RoutingContext rc) {
    boolean tree = Rest.query(rc, "view").map("tree"::equals).orElse(false);
    (tree ? organisation.hallTree() : organisation.halls()).onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(ar.cause());
      } else {
        rc.response().putHeader("Content-Type", "application/json").end(ar.result().encode());
      }
    });
  }
}
