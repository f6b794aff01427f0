package cn.tongban.gateway.ops;

import cn.tongban.plugin.Trace;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * OpenTelemetry export (TONGBAN_OTEL_ENDPOINT, docs/operations.md#traces): Vert.x's own tracer
 * (vertx-opentelemetry) opens a span for every HTTP request served and every SQL query and outbound HTTP call
 * made for it; the outbox relay opens one per delivery, continuing the trace its event stored. Spans go in
 * batches by OTLP over HTTP (protobuf), sent with the JDK's HTTP client. The platform's {@link Trace} of a
 * request takes the ids of the span Vert.x opened for it, so logs, outbox events and exported spans name the
 * same trace and span; server spans are named by the operation served, and no span leaves with a URL, path or
 * query. Not configured: nothing of this is built, installed or run.
 */
public final class OpenTelemetryExport {
  private static final TextMapGetter<String> TRACEPARENT = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(String carrier) {
      return List.of(Trace.HEADER);
    }

    @Override
    public String get(String carrier, String key) {
      return Trace.HEADER.equals(key) ? carrier : null;
    }
  };

  private static volatile OpenTelemetrySdk sdk;

  private OpenTelemetryExport() {
  }

  /** With an endpoint configured: Vert.x's tracer on {@code builder}, and spans exported there. */
  static VertxBuilder install(Optional<String> endpoint, VertxOptions options, VertxBuilder builder) {
    if (endpoint.isEmpty()) {
      return builder;
    }
    OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .setResource(Resource.getDefault().merge(Resource.create(
                Attributes.of(AttributeKey.stringKey("service.name"), "tongban"))))
            .addSpanProcessor(BatchSpanProcessor.builder(new Scrubbed(
                OtlpHttpSpanExporter.builder().setEndpoint(tracesUrl(endpoint.get())).build())).build())
            .build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
    sdk = otel;
    Trace.exportTo(new Exporter(otel.getTracer("cn.tongban")));
    options.setTracingOptions(new OpenTelemetryOptions());
    return builder.with(options).withTracer(new OpenTelemetryTracingFactory(otel));
  }

  /** The OTLP/HTTP traces URL of an endpoint: as OTEL_EXPORTER_OTLP_ENDPOINT, {@code /v1/traces} is added. */
  static String tracesUrl(String endpoint) {
    String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    return base.endsWith("/v1/traces") ? base : base + "/v1/traces";
  }

  /** Sends what is batched and stops exporting (the node stops; tests start another). */
  public static void close() {
    OpenTelemetrySdk s = sdk;
    if (s != null) {
      sdk = null;
      Trace.exportTo(null);
      // Flushes the last batch in the background; a node that stops does not wait for the collector.
      s.shutdown();
    }
  }

  /**
   * Drops the attributes that carry a request's URL, path or query before spans leave the node: paths hold case
   * numbers and other ids, queries may hold personal data (the access log leaves them out for the same reason).
   */
  private record Scrubbed(SpanExporter delegate) implements SpanExporter {
    private static final Set<String> DROPPED = Set.of("http.url", "url.full", "url.path", "url.query", "http.target");

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return delegate.export(spans.stream().map(Scrubbed::scrub).toList());
    }

    @SuppressWarnings("unchecked")
    private static SpanData scrub(SpanData span) {
      Attributes all = span.getAttributes();
      if (all.asMap().keySet().stream().noneMatch(k -> DROPPED.contains(k.getKey()))) {
        return span;
      }
      AttributesBuilder kept = Attributes.builder();
      all.forEach((k, v) -> {
        if (!DROPPED.contains(k.getKey())) {
          kept.put((AttributeKey<Object>) k, v);
        }
      });
      Attributes attributes = kept.build();
      return new DelegatingSpanData(span) {
        @Override
        public Attributes getAttributes() {
          return attributes;
        }

        @Override
        public int getTotalAttributeCount() {
          return attributes.size();
        }
      };
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }
  }

  private record Exporter(Tracer tracer) implements Trace.Exporter {
    @Override
    public Trace current() {
      SpanContext c = Span.current().getSpanContext();
      return c.isValid() ? Trace.of(c.getTraceId(), c.getSpanId()) : null;
    }

    @Override
    public void operation(Trace trace, String operation) {
      // Vert.x names a server span by its method; the operation id says what it did (never the path).
      Span span = Span.current();
      if (span.getSpanContext().getSpanId().equals(trace.spanId())) {
        span.updateName(operation);
      }
    }

    @Override
    public Trace.Span start(String name, String parentTraceparent) {
      Context parent = parentTraceparent == null ? Context.root()
          : W3CTraceContextPropagator.getInstance().extract(Context.root(), parentTraceparent, TRACEPARENT);
      Span span = tracer.spanBuilder(name).setParent(parent).setSpanKind(SpanKind.CONSUMER).startSpan();
      return failure -> {
        if (failure != null) {
          // The failure's kind only: its message may quote what the sink was sent.
          span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
        }
        span.end();
      };
    }
  }
}
