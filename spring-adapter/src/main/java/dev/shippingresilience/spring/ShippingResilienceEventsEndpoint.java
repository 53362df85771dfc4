package dev.shippingresilience.spring;

import dev.shippingresilience.spring.ShippingResilienceEvents.Event;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code shippingresilienceevents} actuator endpoint, like Resilience4j's {@code circuitbreakerevents}: the last
 * events of each provider ({@link ShippingResilienceEvents}), oldest first, at
 * {@code /actuator/shippingresilienceevents} and, for one provider, {@code /actuator/shippingresilienceevents/{id}}.
 * Each event shows only the fields that apply to its {@code type}: {@code time} (ISO-8601 instant),
 * {@code operation}, {@code scope}, {@code attempt}, {@code poll}, {@code method}, {@code url} (secrets masked),
 * {@code decision}, {@code status}, {@code code}, {@code reason}, {@code wait} (an ISO-8601 duration such as
 * {@code PT10S}, the one duration format of the shipping-resilience endpoints) and {@code cause}, {@code from} and
 * {@code to}. Like every endpoint but {@code health}, it is exposed over HTTP only when listed, e.g.
 * {@code management.endpoints.web.exposure.include=health,shippingresilience,shippingresilienceevents}.
 *
 * <p>Thread-safe.
 */
@Endpoint(id = "shippingresilienceevents")
public final class ShippingResilienceEventsEndpoint {
  private final ShippingResilienceEvents events;

  /**
   * Creates the endpoint.
   *
   * @param events the events to show
   */
  public ShippingResilienceEventsEndpoint(ShippingResilienceEvents events) {
    this.events = Objects.requireNonNull(events, "events");
  }

  /** {@return {@code size} (events kept per provider) and {@code providers}: each provider's events, by id} */
  @ReadOperation
  public Map<String, Object> events() {
    Map<String, Object> providers = new LinkedHashMap<>();
    events.recent().forEach((provider, list) -> providers.put(provider, show(list)));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("size", events.size());
    out.put("providers", providers);
    return out;
  }

  /**
   * {@return {@code provider} and its {@code events}, or {@code null} (404) when it has none}
   *
   * @param provider the provider id, e.g. {@code clickpost}
   */
  @ReadOperation
  public @Nullable Map<String, Object> events(@Selector String provider) {
    List<Event> recent = events.recent(provider);
    if (recent.isEmpty()) {
      return null;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("provider", provider);
    out.put("events", show(recent));
    return out;
  }

  private static List<Map<String, Object>> show(List<Event> list) {
    return list.stream().map(ShippingResilienceEventsEndpoint::show).toList();
  }

  private static Map<String, Object> show(Event e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", e.time().toString());
    m.put("type", e.type());
    putIfSet(m, "operation", e.operation());
    putIfSet(m, "scope", e.scope());
    if (e.attempt() > 0) {
      m.put("attempt", e.attempt());
      m.put("poll", e.poll());
    }
    putIfSet(m, "method", e.method());
    putIfSet(m, "url", e.url());
    putIfSet(m, "decision", e.decision());
    if (e.status() > 0) {
      m.put("status", e.status());
    }
    putIfSet(m, "code", e.code());
    putIfSet(m, "reason", e.reason());
    putIfSet(m, "wait", e.waitDuration() == null ? null : e.waitDuration().toString());
    putIfSet(m, "cause", e.cause());
    putIfSet(m, "from", e.from());
    putIfSet(m, "to", e.to());
    return m;
  }

  private static void putIfSet(Map<String, Object> m, String key, @Nullable Object value) {
    if (value != null) {
      m.put(key, value);
    }
  }
}
