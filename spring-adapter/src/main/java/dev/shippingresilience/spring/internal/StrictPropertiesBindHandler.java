package dev.shippingresilience.spring.internal;

import dev.shippingresilience.spring.ShippingResilienceProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.util.unit.DataSize;

/**
 * Makes the binding of {@code shipping.resilience.*} strict, through Spring Boot's own binder: installed on every
 * {@code @ConfigurationProperties} binding by {@link #ADVISOR}, it acts only on the one whose root is
 * {@code shipping.resilience} and leaves the others as they are. It turns into an
 * {@link InvalidShippingPropertyException} that names the property:
 * <ul>
 *   <li>a value the binder cannot convert, with the value given and what is allowed ({@code Invalid value
 *       (fail-sometimes): must be fail-open or fail-closed});
 *   <li>a key that binds to nothing, which Spring Boot's {@code NoUnboundElementsBindHandler} finds (the properties
 *       class sets {@code ignoreUnknownFields = false}), with the nearest valid key at that place ({@code unknown
 *       property (did you mean max-attempts?)}) and where it was set. Like Boot, it does not look at environment
 *       variables and system properties: they are shared with the rest of the machine;
 *   <li>a value out of range ({@link PropertiesValidation}), Redis settings included even when Redis is off;
 *   <li>a deprecated name set together with its replacement.
 * </ul>
 * A deprecated name alone works, with a WARN naming the old and the new property.
 *
 * <p>One instance per binding (the advisor makes a new one each time); not thread-safe.
 */
public final class StrictPropertiesBindHandler extends AbstractBindHandler {
  /** Adds this handler to every {@code @ConfigurationProperties} binding; registered as a bean. */
  public static final ConfigurationPropertiesBindHandlerAdvisor ADVISOR = StrictPropertiesBindHandler::new;

  /**
   * The old Spring names of settings, deprecated for one release, each with its new name (the profile JSON's),
   * relative to a provider ({@code providers.<id>} or {@code defaults}).
   */
  public static final Map<String, String> DEPRECATED_NAMES = Map.of(
      "breaker.failure-rate", "breaker.failure-rate-threshold",
      "breaker.window-size", "breaker.sliding-window-size",
      "breaker.minimum-calls", "breaker.minimum-number-of-calls",
      "breaker.open-wait", "breaker.wait-duration-in-open-state",
      "breaker.half-open-calls", "breaker.permitted-number-of-calls-in-half-open-state",
      "rate-limit.permits", "rate-limit.limit-for-period");

  private static final Logger LOG = LoggerFactory.getLogger(ShippingResilienceProperties.class);
  private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of(PropertiesBinding.PREFIX);

  private boolean active;
  /** Every name the binder tried under the root: the valid names at each place, for "did you mean". */
  private final Set<ConfigurationPropertyName> attempted = new LinkedHashSet<>();
  /** Every name bound from a property source, with its value as given and its origin. */
  private final Map<ConfigurationPropertyName, ConfigurationProperty> given = new HashMap<>();

  /** Wraps Spring Boot's handler for one binding. */
  public StrictPropertiesBindHandler(BindHandler parent) {
    super(parent);
  }

  @Override
  public <T> @Nullable Bindable<T> onStart(ConfigurationPropertyName name, Bindable<T> target, BindContext context) {
    if (context.getDepth() == 0) {
      active = ROOT.equals(name);
    }
    if (active) {
      attempted.add(name);
    }
    return super.onStart(name, target, context);
  }

  @Override
  public @Nullable Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
      Object result) {
    ConfigurationProperty property = context.getConfigurationProperty();
    if (active && property != null && property.getName().equals(name)) {
      given.put(name, property);
    }
    return super.onSuccess(name, target, context, result);
  }

  @Override
  public @Nullable Object onFailure(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
      Exception error) throws Exception {
    ConfigurationProperty property = context.getConfigurationProperty();
    if (active && property != null && property.getName().equals(name) && !(error instanceof BindException)
        && !(error instanceof InvalidShippingPropertyException)) {
      String shown = String.valueOf(property.getValue());
      if (PropertiesValidation.isRedisUri(name.toString())) {
        shown = PropertiesValidation.masked(shown);
      }
      throw new InvalidShippingPropertyException(name.toString(), "Invalid value (" + shown + "): "
          + allowed(target.getType().resolve()) + setIn(property.getOrigin()), null);
    }
    return super.onFailure(name, target, context, error);
  }

  @Override
  public void onFinish(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
      @Nullable Object result) throws Exception {
    if (!active || context.getDepth() != 0) {
      super.onFinish(name, target, context, result);
      return;
    }
    try {
      super.onFinish(name, target, context, result);
    } catch (UnboundConfigurationPropertiesException e) {
      throw unknown(e.getUnboundProperties());
    }
    Object bound = result != null ? result : target.getValue() != null ? target.getValue().get() : null;
    checkDeprecatedNames();
    if (bound instanceof ShippingResilienceProperties properties) {
      new PropertiesValidation(given).validate(properties);
    }
    warnDeprecatedNames();
  }

  /** What a property of {@code type} accepts, for a value the binder could not convert. */
  static String allowed(@Nullable Class<?> type) {
    if (type == null) {
      return "not readable";
    }
    if (type.isEnum()) {
      List<String> values = Arrays.stream(type.getEnumConstants())
          .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT).replace('_', '-')).toList();
      return "must be " + (values.size() == 2 ? values.get(0) + " or " + values.get(1)
          : "one of " + String.join(", ", values));
    }
    if (type == Duration.class) {
      return "must be a duration such as 500ms, 30s, 2m or PT30S";
    }
    if (type == DataSize.class) {
      return "must be a size such as 65536 (bytes), 64KB or 1MB";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "must be a whole number";
    }
    if (type == Float.class || type == float.class || type == Double.class || type == double.class) {
      return "must be a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "must be true or false";
    }
    return "cannot be read as a " + type.getSimpleName();
  }

  /**
   * {@code "; set in ORIGIN"} (a file and line, an environment variable), or nothing when the origin is unknown or
   * names only the property source.
   */
  static String setIn(@Nullable Origin origin) {
    Origin where = origin instanceof PropertySourceOrigin named ? named.getOrigin() : origin;
    return where == null ? "" : "; set in " + where;
  }

  private InvalidShippingPropertyException unknown(Set<ConfigurationProperty> unbound) {
    Map<ConfigurationPropertyName, ConfigurationProperty> byName = new LinkedHashMap<>();
    unbound.forEach(p -> byName.putIfAbsent(p.getName(), p));
    List<String> problems = new ArrayList<>();
    for (ConfigurationProperty property : byName.values()) {
      problems.add(property.getName() + ": unknown property" + hint(property.getName())
          + setIn(property.getOrigin()));
    }
    ConfigurationPropertyName first = byName.keySet().iterator().next();
    String problem = problems.get(0).substring(first.toString().length() + 2);
    if (problems.size() > 1) {
      problem += "; also " + String.join("; ", problems.subList(1, problems.size()));
    }
    return new InvalidShippingPropertyException(first.toString(), problem, null);
  }

  /**
   * The nearest valid key at the first element of {@code name} that binds to nothing, or the valid keys there when
   * none is near.
   */
  private String hint(ConfigurationPropertyName name) {
    ConfigurationPropertyName parent = name.getParent();
    while (!parent.isEmpty() && !attempted.contains(parent)) {
      parent = parent.getParent();
    }
    int depth = parent.getNumberOfElements();
    String wrong = name.getElement(depth, Form.DASHED);
    // valid keys here, the deprecated ones standing for their replacement
    Map<String, String> keys = new LinkedHashMap<>();
    for (ConfigurationPropertyName candidate : attempted) {
      if (parent.isParentOf(candidate)) {
        String key = candidate.getLastElement(Form.DASHED);
        String replacement = DEPRECATED_NAMES.get(parent.getLastElement(Form.DASHED) + "." + key);
        keys.put(key, replacement == null ? key : replacement.substring(replacement.indexOf('.') + 1));
      }
    }
    if (keys.isEmpty()) {
      return "";
    }
    String nearest = Nearest.of(wrong, keys.keySet());
    if (nearest != null) {
      return " (did you mean " + keys.get(nearest) + "?)";
    }
    return " (valid here: " + String.join(", ", new TreeSet<>(keys.values())) + ")";
  }

  private void checkDeprecatedNames() {
    for (Map.Entry<ConfigurationPropertyName, String> e : deprecatedNamesGiven().entrySet()) {
      ConfigurationPropertyName replacement = ConfigurationPropertyName.of(e.getValue());
      if (given.containsKey(replacement)) {
        throw new InvalidShippingPropertyException(e.getKey().toString(), "set together with " + replacement
            + ", its new name: remove " + e.getKey().getLastElement(Form.DASHED) + setIn(given.get(e.getKey())
            .getOrigin()), null);
      }
    }
  }

  private void warnDeprecatedNames() {
    deprecatedNamesGiven().forEach((old, replacement) -> LOG.warn("{} is deprecated and goes in the next release: "
        + "use {} (the name profiles use){}", old, replacement, setIn(given.get(old).getOrigin())));
  }

  /** The deprecated names among those given, each with its replacement's full name. */
  private Map<ConfigurationPropertyName, String> deprecatedNamesGiven() {
    Map<ConfigurationPropertyName, String> found = new LinkedHashMap<>();
    for (ConfigurationPropertyName name : given.keySet()) {
      int n = name.getNumberOfElements();
      if (n < 2) {
        continue;
      }
      String replacement = DEPRECATED_NAMES.get(name.getElement(n - 2, Form.DASHED) + "."
          + name.getLastElement(Form.DASHED));
      if (replacement != null) {
        found.put(name, name.chop(n - 2) + "." + replacement);
      }
    }
    return found.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
  }
}
