package dev.shippingresilience.spring.internal;

import dev.shippingresilience.CallOptions;
import dev.shippingresilience.spring.ShippingRequestAttributes;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Turns {@link ShippingRequestAttributes} on a Spring request into core's {@link CallOptions}. */
public final class AttributeOptions {
  private AttributeOptions() {}

  /**
   * Returns the call options the attributes ask for ({@link CallOptions#none()} when there are none).
   *
   * @throws IllegalArgumentException naming the attribute when a value has the wrong type
   */
  public static CallOptions from(Map<String, Object> attributes) {
    CallOptions base = typed(attributes, ShippingRequestAttributes.CALL_OPTIONS, CallOptions.class);
    String operation = typed(attributes, ShippingRequestAttributes.OPERATION, String.class);
    Object carrier = attributes.get(ShippingRequestAttributes.CARRIER);
    String key = typed(attributes, ShippingRequestAttributes.IDEMPOTENCY_KEY, String.class);
    Duration deadline = typed(attributes, ShippingRequestAttributes.DEADLINE, Duration.class);
    Boolean safe = typed(attributes, ShippingRequestAttributes.SAFE_TO_REPEAT, Boolean.class);
    if (operation == null && carrier == null && key == null && deadline == null && safe == null) {
      return base != null ? base : CallOptions.none();
    }
    CallOptions.Builder b = base != null ? base.toBuilder() : CallOptions.builder();
    if (operation != null) {
      b.operation(operation);
    }
    if (carrier != null) {
      if (!(carrier instanceof String || carrier instanceof Number)) {
        throw wrongType(ShippingRequestAttributes.CARRIER, "a String or a Number", carrier);
      }
      b.carrier(carrier.toString());
    }
    if (key != null) {
      b.idempotencyKey(key);
    }
    if (deadline != null) {
      try {
        b.deadline(deadline);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Request attribute " + ShippingRequestAttributes.DEADLINE + ": "
            + e.getMessage(), e);
      }
    }
    if (safe != null) {
      b.safeToRepeat(safe);
    }
    return b.build();
  }

  /**
   * Returns the {@link ShippingRequestAttributes#PROVIDER} attribute, or {@code null}.
   *
   * @throws IllegalArgumentException if it is not a String
   */
  public static @Nullable String provider(Map<String, Object> attributes) {
    return typed(attributes, ShippingRequestAttributes.PROVIDER, String.class);
  }

  private static <T> @Nullable T typed(Map<String, Object> attributes, String name, Class<T> type) {
    Object value = attributes.get(name);
    if (value == null) {
      return null;
    }
    if (!type.isInstance(value)) {
      throw wrongType(name, "a " + type.getName(), value);
    }
    return type.cast(value);
  }

  private static IllegalArgumentException wrongType(String name, String expected, Object value) {
    return new IllegalArgumentException("Request attribute " + name + " must be " + expected + ", was a "
        + value.getClass().getName());
  }
}
