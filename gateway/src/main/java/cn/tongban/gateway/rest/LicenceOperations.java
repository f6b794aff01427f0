package cn.tongban.gateway.rest;

import cn.tongban.core.access.Caller;
import cn.tongban.core.access.RateLimits;
import cn.tongban.core.licence.LicencePage;
import cn.tongban.core.licence.LicenceService;
import cn.tongban.gateway.http.RequestContext;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Optional;

/** 电子证照: the holder's licences, one licence, its QR code and printable page, revocation, verification. */
final class LicenceOperations {
  private final LicenceService licences;
  private final RateLimits rates;

  LicenceOperations(LicenceService licences, RateLimits rates) {
    this.licences = licences;
    this.rates = rates;
  }

  void listMyLicences(RoutingContext rc) {
    Rest.replyArray(rc, licences.mine(RequestContext.requireCaller(rc), Rest.query(rc, "typeName")));
  }

  void getLicence(RoutingContext rc) {
    Rest.reply(rc, licences.get(RequestContext.requireCaller(rc), Rest.path(rc, "identifier"))
        .map(licences::toJson), 200);
  }

  void getLicenceQr(RoutingContext rc) {
    Rest.send(rc, licences.get(RequestContext.requireCaller(rc), Rest.path(rc, "identifier"))
        .compose(licences::qrPng), "image/png");
  }

  void printLicence(RoutingContext rc) {
    Rest.send(rc, licences.get(RequestContext.requireCaller(rc), Rest.path(rc, "identifier"))
        .compose(l -> licences.qrPng(l).map(png -> Buffer.buffer(LicencePage.html(l, png.getBytes(), licences.today())))),
        "text/html; charset=utf-8");
  }

  void revokeLicence(RoutingContext rc) {
    Caller caller = RequestContext.requireCaller(rc);
    Rest.reply(rc, licences.revoke(caller, Rest.path(rc, "identifier"), Rest.body(rc).getString("reason"),
        RequestContext.locale(rc)), 200);
  }

  void verifyLicence(RoutingContext rc) {
    JsonObject body = Rest.body(rc);
    Rest.reply(rc, rates.publicLookup(RequestContext.address(rc)).compose(v -> licences.verify(
        Optional.ofNullable(body.getString("payload")), Optional.ofNullable(body.getString("identifier")),
        RequestContext.locale(rc))), 200);
  }

  void rotateLicenceKey(RoutingContext rc) {
    Rest.reply(rc, licences.rotateKey(RequestContext.requireCaller(rc)), 200);
  }
}
