package dev.shippingresilience;

import dev.shippingresilience.internal.ProfileParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An immutable set of provider profiles, keyed by id, that can pick the profile for a request URL. Always holds
 * the {@value #GENERIC_HTTP} fallback. Thread-safe.
 */
public final class ProviderProfiles {
  /** The id of the built-in RFC 9110 fallback profile: {@value}. */
  public static final String GENERIC_HTTP = "generic-http";

  private static final String RESOURCE_DIR = "/dev/shippingresilience/profiles/";

  /**
   * The ids of the built-in profiles, in load order, as listed by the resource
   * {@code dev/shippingresilience/profiles/index.txt} (one id per line): a provider is added as data, its JSON and a
   * line there, with no change to code.
   */
  public static final List<String> BUILT_IN_IDS = readIndex();
  private static volatile @Nullable ProviderProfiles builtIn;

  /** How many hosts {@link #forHost} remembers: past it, new hosts are matched on every call. */
  private static final int MAX_REMEMBERED_HOSTS = 1024;

  private final Map<String, ProviderProfile> byId;
  /** The answers of {@link #forHost} so far (profiles never change, so neither do they). */
  private final Map<String, ProviderProfile> byHost = new java.util.concurrent.ConcurrentHashMap<>();

  private ProviderProfiles(Map<String, ProviderProfile> byId) {
    this.byId = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byId));
  }

  /**
   * {@return the built-in profiles, those of {@link #BUILT_IN_IDS}} Loaded once.
   *
   * @throws InvalidProfileException if a built-in resource is broken (a packaging bug)
   */
  public static ProviderProfiles builtIn() {
    ProviderProfiles result = builtIn;
    if (result == null) {
      Map<String, ProviderProfile> map = new LinkedHashMap<>();
      for (String id : BUILT_IN_IDS) {
        String resource = RESOURCE_DIR + id + ".json";
        try (InputStream in = ProviderProfiles.class.getResourceAsStream(resource)) {
          if (in == null) {
            throw new InvalidProfileException(resource, "", "built-in profile resource is missing");
          }
          map.put(id, new ProviderProfile(ProfileParser.parse(id + ".json", in)));
        } catch (IOException e) {
          throw new UncheckedIOException("Could not read built-in profile " + resource, e);
        }
      }
      result = new ProviderProfiles(map);
      builtIn = result;
    }
    return result;
  }

  private static List<String> readIndex() {
    String resource = RESOURCE_DIR + "index.txt";
    try (InputStream in = ProviderProfiles.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("built-in profile index " + resource + " is missing (a packaging bug)");
      }
      List<String> ids = new java.util.ArrayList<>();
      for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
        String id = line.strip();
        if (!id.isEmpty() && !id.startsWith("#")) {
          ids.add(id);
        }
      }
      if (!ids.contains(GENERIC_HTTP)) {
        throw new IllegalStateException("built-in profile index " + resource + " lacks " + GENERIC_HTTP);
      }
      return List.copyOf(ids);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read built-in profile index " + resource, e);
    }
  }

  /**
   * Parses one profile document.
   *
   * @param sourceName the file name used in error messages
   * @param json the document; not closed
   * @return the profile
   * @throws InvalidProfileException naming the file, field and problem
   */
  public static ProviderProfile parse(String sourceName, InputStream json) {
    return new ProviderProfile(ProfileParser.parse(sourceName, json));
  }

  /**
   * Loads one profile file.
   *
   * @param file the profile's JSON file
   * @return the profile
   * @throws InvalidProfileException if the file is missing, unreadable or not a valid profile
   */
  public static ProviderProfile load(Path file) {
    String name = file.toString();
    try (InputStream in = Files.newInputStream(file)) {
      return parse(name, in);
    } catch (NoSuchFileException e) {
      throw new InvalidProfileException(name, "", "file not found");
    } catch (IOException e) {
      throw new InvalidProfileException(name, "", "could not be read: " + e.getMessage());
    }
  }

  /**
   * {@return a copy that also holds {@code profiles}, replacing any with the same id}
   *
   * @param profiles the profiles to add
   */
  public ProviderProfiles with(Collection<ProviderProfile> profiles) {
    Map<String, ProviderProfile> map = new LinkedHashMap<>(byId);
    for (ProviderProfile p : profiles) {
      map.put(p.id(), p);
    }
    return new ProviderProfiles(map);
  }

  /**
   * {@return a copy that also holds {@code profile}, replacing any with the same id}
   *
   * @param profile the profile to add
   */
  public ProviderProfiles with(ProviderProfile profile) {
    return with(List.of(profile));
  }

  /**
   * {@return the profile with {@code id}, or {@code null}}
   *
   * @param id the profile id, e.g. {@code clickpost}
   */
  public @Nullable ProviderProfile find(String id) {
    return byId.get(id);
  }

  /**
   * {@return the profile with {@code id}}
   *
   * @param id the profile id, e.g. {@code clickpost}
   * @throws IllegalArgumentException naming the known ids when there is none
   */
  public ProviderProfile require(String id) {
    ProviderProfile p = byId.get(Objects.requireNonNull(id, "id"));
    if (p == null) {
      throw new IllegalArgumentException("Unknown provider '" + id + "' (known: " + String.join(", ", byId.keySet())
          + ")");
    }
    return p;
  }

  /**
   * {@return the profile whose hosts match {@code uri}'s host (longest suffix wins), else {@code generic-http}}
   *
   * @param uri the request URI
   */
  public ProviderProfile detect(URI uri) {
    return forHost(uri.getHost());
  }

  /**
   * {@return the profile whose hosts match {@code host} (longest suffix wins), else {@code generic-http}}
   *
   * @param host the request's host as {@link URI#getHost()} gives it, or {@code null}
   */
  public ProviderProfile forHost(@Nullable String host) {
    if (host == null) {
      return generic();
    }
    ProviderProfile known = byHost.get(host);
    if (known != null) {
      return known;
    }
    ProviderProfile found = match(host);
    if (byHost.size() < MAX_REMEMBERED_HOSTS) {
      byHost.put(host, found);
    }
    return found;
  }

  private ProviderProfile match(String host) {
    ProviderProfile best = null;
    int bestLength = 0;
    for (ProviderProfile p : byId.values()) {
      int length = p.matchLength(host);
      if (length > bestLength) {
        best = p;
        bestLength = length;
      }
    }
    return best != null ? best : generic();
  }

  /** {@return the {@code generic-http} fallback profile} */
  public ProviderProfile generic() {
    ProviderProfile p = byId.get(GENERIC_HTTP);
    return p != null ? p : builtIn().require(GENERIC_HTTP);
  }

  /** {@return every profile, in load order} */
  public List<ProviderProfile> all() {
    return new ArrayList<>(byId.values());
  }

  @Override
  public String toString() {
    return "ProviderProfiles" + byId.keySet();
  }
}
